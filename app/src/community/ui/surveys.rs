//! 社区 → 问卷 for residents: the surveys that reached them (open ones first) and one survey's
//! form. The form posts radio buttons and tick boxes as marks (`"<question>:<option>"`) and
//! text by question, so it works before the page's script has loaded.
use crate::access::model::Me;
use crate::access::ui::RequireLogin;
use crate::community::api::{open_survey, resident_surveys, AnswerSurvey};
use crate::community::model::{MySurvey, MySurveyRow, QuestionAnswer, QuestionKind, SurveyState};
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{toast, CsrfField, EmptyState, ErrorState, Loading, ResidentShell};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/community/surveys`: the surveys that reached the resident's homes.
#[component]
pub fn SurveysPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("cm.surveys") />
        <ResidentShell>
            <header class="page-head">
                <a class="back" href="/community" aria-label=move || i18n.t("common.back")>"‹"</a>
                <h1>{move || i18n.t("cm.surveys")}</h1>
            </header>
            <RequireLogin f=move |_me: Me| view! { <Surveys /> } />
        </ResidentShell>
    }
}

#[component]
fn Surveys() -> impl IntoView {
    let list = Resource::new(|| (), |_| resident_surveys());
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match list.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(l) if l.is_empty() => view! { <EmptyState title="cm.no_surveys" body="cm.no_surveys_body" icon="✎" /> }.into_any(),
                Ok(l) => view! { <SurveyList items=l /> }.into_any(),
            }})}
        </Transition>
    }
}

/// Surveys as links, with whether each is still open and answered.
#[component]
pub fn SurveyList(items: Vec<MySurveyRow>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="notice-list" data-testid="survey-list">
            {items.into_iter().map(|s| {
                let open = s.state == SurveyState::Open;
                let (label, class) = match (open, s.answered) {
                    (true, false) => ("cm.to_answer", "badge badge--alert"),
                    (_, true) => ("cm.answered", "badge badge--ok"),
                    (false, false) => ("cm.sstate.closed", "badge badge--off"),
                };
                let until = i18n.t("cm.closes").replace("{at}", &s.closes_at);
                view! {
                    <li>
                        <a class="notice-item" href=format!("/community/surveys/{}", s.id) data-read=(s.answered || !open).to_string()>
                            <span class="notice-item__top">
                                <span class=class>{move || i18n.t(label)}</span>
                                <span class="muted small notice-item__time">{until}</span>
                            </span>
                            <strong class="notice-item__title">{s.title.clone()}</strong>
                            <span class="muted small">{s.community.clone()}" · "{i18n.t("cm.n_questions").replace("{n}", &s.questions.to_string())}</span>
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The form name of question `i`'s mark `k` (0 for a question with one mark).
fn mark(i: usize, k: usize) -> String {
    format!("marks[{}]", i * 32 + k)
}

/// `/community/surveys/:id`: one survey to answer (or the answer given, when final or closed).
#[component]
pub fn SurveyPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("cm.survey") />
        <ResidentShell>
            <header class="page-head">
                <a class="back" href="/community/surveys" aria-label=move || i18n.t("common.back")>"‹"</a>
                <h1>{move || i18n.t("cm.survey")}</h1>
            </header>
            <RequireLogin f=move |_me: Me| view! { <OneSurvey /> } />
        </ResidentShell>
    }
}

#[component]
fn OneSurvey() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)));
    let answer = ServerAction::<AnswerSurvey>::new();
    let survey = Resource::new(move || (id.get(), answer.version().get()), |(id, _)| open_survey(id));
    Effect::new(move |_| {
        if let Some(Ok(_)) = answer.value().get() {
            toast(i18n.t("cm.thanks"));
        }
    });
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match survey.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(s) => view! { <SurveyForm s answer /> }.into_any(),
            }})}
        </Transition>
    }
}

#[component]
fn SurveyForm(s: MySurvey, answer: ServerAction<AnswerSurvey>) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || answer.value().get().and_then(|r| r.err()));
    let answered = s.homes.first().is_some_and(|h| h.answered);
    let open = s.state == SurveyState::Open;
    let editable = open && (!answered || s.replace);
    let mine: Vec<QuestionAnswer> = s.mine.clone().unwrap_or_default();
    let rule = match (s.anonymous, s.per_person) {
        (true, true) => "cm.rule_anon_person",
        (true, false) => "cm.rule_anon_household",
        (false, true) => "cm.rule_named_person",
        (false, false) => "cm.rule_named_household",
    };
    let status = if !open {
        i18n.t("cm.survey_closed_note")
    } else if answered && !s.replace {
        i18n.t("cm.answered_final")
    } else if answered {
        i18n.t("cm.answered_change").replace("{at}", &s.closes_at)
    } else {
        i18n.t("cm.closes").replace("{at}", &s.closes_at)
    };
    // Errors of no question (closed, already answered, not your home) show above the button.
    let general = move || {
        error
            .get()
            .filter(|e| e.field().is_none_or(|f| !f.starts_with('q')))
            .map(|e| e.localized(i18n.code()))
    };
    let homes = s.homes.clone();
    let id = s.id;
    let questions = s.questions.iter().enumerate().map(|(i, q)| {
        let given = mine.iter().find(|a| a.question as usize == i).cloned().unwrap_or_default();
        let name = format!("q{i}");
        let err = {
            let name = name.clone();
            move || error.get().filter(|e| e.field() == Some(name.as_str())).map(|e| e.localized(i18n.code()))
        };
        let body = match q.kind {
            QuestionKind::Single | QuestionKind::Multi => {
                let kind = if q.kind == QuestionKind::Single { "radio" } else { "checkbox" };
                q.options.iter().enumerate().map(|(k, o)| {
                    // One index per question for radio buttons, one per option for tick boxes, so
                    // that the form posts every tick (`marks[n]`, n unique on the form).
                    let field = if q.kind == QuestionKind::Single { mark(i, 0) } else { mark(i, k + 1) };
                    view! {
                        <label class="sv-option">
                            <input type=kind name=field value=format!("{i}:{k}") checked=given.choices.contains(&(k as u32)) disabled=!editable />
                            <span>{o.clone()}</span>
                        </label>
                    }
                }).collect_view().into_any()
            }
            QuestionKind::Rating => view! {
                <div class="sv-stars" role="radiogroup">
                    {(1..=5u8).rev().map(|star| view! {
                        <label class="sv-star" title=format!("{star}")>
                            <input type="radio" name=mark(i, 0) value=format!("{i}:{star}") checked=given.rating == Some(star) disabled=!editable
                                aria-label=i18n.t("cm.stars").replace("{n}", &star.to_string()) />
                            <span aria-hidden="true">"★"</span>
                        </label>
                    }).collect_view()}
                </div>
            }.into_any(),
            QuestionKind::Text => view! {
                <textarea class="input" name=format!("texts[{i}]") rows="3" maxlength="500" disabled=!editable
                    aria-label=q.text.clone()>{given.text.clone()}</textarea>
            }.into_any(),
        };
        let required = q.required;
        let hint = (q.kind == QuestionKind::Multi).then(|| i18n.t("cm.multi_hint"));
        view! {
            <fieldset class="sv-q" data-testid=format!("q-{i}")>
                <legend class="sv-q__text">{format!("{}. {}", i + 1, q.text)}
                    {required.then(|| view! { <span class="sv-q__req" aria-label=move || i18n.t("cm.required")>" *"</span> })}
                </legend>
                {hint.map(|h| view! { <p class="muted small">{h}</p> })}
                <div class="sv-q__body">{body}</div>
                <p class="field__error" role="alert">{err}</p>
            </fieldset>
        }
    }).collect_view();
    view! {
        <article class="card sv" data-testid="survey">
            <h2 class="cm-notice__title">{s.title.clone()}</h2>
            <p class="muted small">{s.community.clone()}" · "{move || i18n.t(rule)}</p>
            {(!s.intro.is_empty()).then(|| view! { <p class="sv__intro">{s.intro.clone()}</p> })}
            <p class="sv__status" data-testid="survey-status">{status}</p>
            <ActionForm action=answer attr:class="form" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="id" value=id.to_string() />
                {(homes.len() > 1).then(|| view! {
                    <label class="field"><span class="field__label">{move || i18n.t("cm.answer_for")}</span>
                        <select class="input" name="unit">
                            {homes.iter().map(|h| view! { <option value=h.unit_id.to_string()>{h.number.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                })}
                {questions}
                <Show when=move || general().is_some()>
                    <div class="alert alert--error" role="alert">{general}</div>
                </Show>
                {editable.then(|| view! {
                    <button type="submit" class="btn btn--primary btn--block" data-testid="submit-survey" disabled=move || answer.pending().get()>
                        {move || i18n.t(if answered { "cm.resubmit" } else { "cm.submit" })}
                    </button>
                })}
            </ActionForm>
        </article>
    }
}
