//! 问卷 for staff (`/admin/surveys`): put a survey to a community (or start from the yearly
//! satisfaction survey), the list with answer counts; one survey's live results as bar charts,
//! star averages and text answers, its export, closing it early and withdrawing it.
use super::staff::{percent, target_text, TargetFields};
use crate::community::api::*;
use crate::community::model::{Question, QuestionKind, QuestionResult, SurveyResults, SurveyState, SurveySummary};
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{field_error, toast, CsrfField, EmptyState, ErrorState, FormError, Loading};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn state_class(s: SurveyState) -> &'static str {
    match s {
        SurveyState::Open => "badge badge--ok",
        SurveyState::Scheduled => "badge",
        SurveyState::Closed | SurveyState::Withdrawn => "badge badge--off",
    }
}

/// `/admin/surveys`: the form and the surveys of the caller's scope.
#[component]
pub fn SurveysAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateSurvey>::new();
    let list = Resource::new(move || create.version().get(), |_| staff_surveys());
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            toast(i18n.t("cm.survey_saved"));
        }
    });
    view! {
        <Title text=move || i18n.t("cm.surveys") />
        <h1 class="page-title">{move || i18n.t("cm.surveys")}</h1>
        <SurveyForm create />
        <h2 class="card__title">{move || i18n.t("cm.surveys_sent")}</h2>
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match list.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(l) if l.is_empty() => view! { <EmptyState title="cm.no_surveys" body="cm.no_surveys_staff" icon="✎" /> }.into_any(),
                Ok(l) => view! {
                    <div class="table-wrap">
                        <table class="table" data-testid="staff-surveys">
                            <thead><tr>
                                <th>{move || i18n.t("cm.title")}</th>
                                <th>{move || i18n.t("cm.target")}</th>
                                <th>{move || i18n.t("cm.window")}</th>
                                <th>{move || i18n.t("cm.state_label")}</th>
                                <th class="num">{move || i18n.t("cm.answered_of")}</th>
                            </tr></thead>
                            <tbody>
                                {l.into_iter().map(|s| view! { <SurveyTr s /> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }})}
        </Transition>
    }
}

#[component]
fn SurveyTr(s: SurveySummary) -> impl IntoView {
    let i18n = use_i18n();
    let state = s.state.key();
    let class = state_class(s.state);
    let aud = s.audience.key();
    let target = target_text(&s.buildings, &s.units, i18n);
    view! {
        <tr>
            <td><a href=format!("/admin/surveys/{}", s.id)>{s.title.clone()}</a></td>
            <td>{s.community.clone()}" · "{target}" · "{move || i18n.t(&aud)}</td>
            <td>{s.opens_at.clone()}" – "{s.closes_at.clone()}</td>
            <td><span class=class>{move || i18n.t(&state)}</span></td>
            <td class="num" data-testid="answered-count">{format!("{} / {}", s.households_answered, s.households)}</td>
        </tr>
    }
}

/// A question being written.
#[derive(Clone, Copy)]
struct Draft {
    key: u64,
    text: RwSignal<String>,
    kind: RwSignal<QuestionKind>,
    required: RwSignal<bool>,
    /// One option per line.
    options: RwSignal<String>,
}

impl Draft {
    fn new(key: u64, q: Option<&Question>) -> Draft {
        Draft {
            key,
            text: RwSignal::new(q.map(|q| q.text.clone()).unwrap_or_default()),
            kind: RwSignal::new(q.map_or(QuestionKind::Single, |q| q.kind)),
            required: RwSignal::new(q.is_none_or(|q| q.required)),
            options: RwSignal::new(q.map(|q| q.options.join("\n")).unwrap_or_default()),
        }
    }

    fn question(&self) -> Question {
        let kind = self.kind.get();
        Question {
            text: self.text.get(),
            kind,
            required: self.required.get(),
            options: if kind.has_options() {
                self.options
                    .get()
                    .lines()
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty())
                    .collect()
            } else {
                vec![]
            },
        }
    }
}

#[component]
fn SurveyForm(create: ServerAction<CreateSurvey>) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    let msg = move |f: &'static str| {
        let m = field_error(error, f);
        move || m.get()
    };
    let next = StoredValue::new(1u64);
    let fresh = move |q: Option<&Question>| {
        let k = next.get_value();
        next.set_value(k + 1);
        Draft::new(k, q)
    };
    let drafts = RwSignal::new(vec![Draft::new(0, None)]);
    let title = RwSignal::new(String::new());
    let intro = RwSignal::new(String::new());
    let json = move || {
        let qs: Vec<Question> = drafts.get().iter().map(Draft::question).collect();
        serde_json::to_string(&qs).unwrap_or_default()
    };
    let use_template = move |_| {
        let (t, i, qs) = crate::community::model::satisfaction_template();
        title.set(t);
        intro.set(i);
        drafts.set(qs.iter().map(|q| fresh(Some(q))).collect());
    };
    // The error of question n, shown under it.
    let q_error = move |n: usize| {
        error
            .get()
            .filter(|e| e.field() == Some(format!("q{n}").as_str()))
            .map(|e| e.localized(i18n.code()))
    };
    view! {
        <ActionForm action=create attr:class="card form" attr:novalidate=true attr:data-testid="survey-form">
            <CsrfField />
            <div class="cm-head">
                <span class="field__hint">{move || i18n.t("cm.template_hint")}</span>
                <button type="button" class="btn btn--small" data-testid="use-template" on:click=use_template>
                    {move || i18n.t("cm.template_satisfaction")}
                </button>
            </div>
            <label class="field"><span class="field__label">{move || i18n.t("cm.title")}</span>
                <input class="input" name="title" required maxlength="120" prop:value=move || title.get()
                    on:input=move |ev| title.set(event_target_value(&ev)) />
                <span class="field__error" role="alert">{msg("title")}</span>
            </label>
            <label class="field"><span class="field__label">{move || i18n.t("cm.intro")}</span>
                <textarea class="input" name="intro" rows="3" maxlength="2000" prop:value=move || intro.get()
                    on:input=move |ev| intro.set(event_target_value(&ev))></textarea>
                <span class="field__error" role="alert">{msg("intro")}</span>
            </label>
            <input type="hidden" name="questions" prop:value=json />
            <ol class="sv-drafts" data-testid="questions">
                <For each=move || drafts.get().into_iter().enumerate() key=|(i, d)| (*i, d.key) let:item>
                    {
                        let (n, d) = item;
                        view! {
                            <li class="sv-draft" data-testid=format!("draft-{n}")>
                                <div class="form__row">
                                    <label class="field sv-draft__text"><span class="field__label">{format!("{} {}", i18n.t("cm.question"), n + 1)}</span>
                                        <input class="input" prop:value=move || d.text.get() maxlength="200"
                                            on:input=move |ev| d.text.set(event_target_value(&ev)) />
                                    </label>
                                    <label class="field"><span class="field__label">{move || i18n.t("cm.qkind_label")}</span>
                                        <select class="input" on:change=move |ev| {
                                            if let Some(k) = QuestionKind::parse(&event_target_value(&ev)) { d.kind.set(k); }
                                        }>
                                            {QuestionKind::ALL.iter().map(|k| { let key = k.key(); let k = *k; view! {
                                                <option value=k.code() selected=move || d.kind.get() == k>{move || i18n.t(&key)}</option>
                                            } }).collect_view()}
                                        </select>
                                    </label>
                                </div>
                                <Show when=move || d.kind.get().has_options()>
                                    <label class="field"><span class="field__label">{move || i18n.t("cm.options")}</span>
                                        <textarea class="input" rows="3" prop:value=move || d.options.get()
                                            on:input=move |ev| d.options.set(event_target_value(&ev))></textarea>
                                        <span class="field__hint">{move || i18n.t("cm.options_hint")}</span>
                                    </label>
                                </Show>
                                <div class="sv-draft__foot">
                                    <label class="check"><input type="checkbox" prop:checked=move || d.required.get()
                                        on:change=move |ev| d.required.set(event_target_checked(&ev)) />{move || i18n.t("cm.required")}</label>
                                    <button type="button" class="btn btn--small btn--ghost" disabled=move || drafts.with(|v| v.len() < 2)
                                        on:click=move |_| drafts.update(|v| v.retain(|x| x.key != d.key))>{move || i18n.t("cm.remove_question")}</button>
                                </div>
                                <span class="field__error" role="alert">{move || q_error(n)}</span>
                            </li>
                        }
                    }
                </For>
            </ol>
            <button type="button" class="btn btn--small" data-testid="add-question"
                on:click=move |_| { let d = fresh(None); drafts.update(|v| v.push(d)); }>{move || i18n.t("cm.add_question")}</button>
            <span class="field__error" role="alert">{msg("questions")}</span>
            <TargetFields error />
            <fieldset class="fieldset">
                <legend class="field__label">{move || i18n.t("cm.survey_rules")}</legend>
                <label class="check"><input type="checkbox" name="anonymous" />{move || i18n.t("cm.anonymous")}</label>
                <label class="check"><input type="checkbox" name="per_person" />{move || i18n.t("cm.per_person")}</label>
                <label class="check"><input type="checkbox" name="replace" checked=true />{move || i18n.t("cm.replace")}</label>
            </fieldset>
            <div class="form__row">
                <label class="field"><span class="field__label">{move || i18n.t("cm.opens_at")}</span>
                    <input class="input" type="datetime-local" name="opens_at" />
                    <span class="field__hint">{move || i18n.t("cm.publish_hint")}</span>
                    <span class="field__error" role="alert">{msg("opens_at")}</span>
                </label>
                <label class="field"><span class="field__label">{move || i18n.t("cm.closes_at")}</span>
                    <input class="input" type="datetime-local" name="closes_at" required />
                    <span class="field__error" role="alert">{msg("closes_at")}</span>
                </label>
            </div>
            <FormError error fields=&["title", "intro", "questions", "buildings", "units", "opens_at", "closes_at"] />
            <button type="submit" class="btn btn--primary" data-testid="create-survey" disabled=move || create.pending().get()>
                {move || i18n.t("cm.open_survey")}
            </button>
        </ActionForm>
    }
}

/// `/admin/surveys/:id`: one survey's live results, its export, closing and withdrawal.
#[component]
pub fn SurveyAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)));
    let close = ServerAction::<CloseSurvey>::new();
    let withdraw = ServerAction::<WithdrawSurvey>::new();
    let results = Resource::new(
        move || (id.get(), close.version().get(), withdraw.version().get()),
        |(id, _, _)| survey_results(id),
    );
    Effect::new(move |_| {
        for r in [close.value().get(), withdraw.value().get()].into_iter().flatten() {
            if let Err(e) = r {
                toast(e.localized(i18n.code()));
            }
        }
    });
    view! {
        <Title text=move || i18n.t("cm.survey") />
        <p><a href="/admin/surveys">"‹ "{move || i18n.t("cm.surveys")}</a></p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match results.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(r) => view! { <Results r close withdraw /> }.into_any(),
            }})}
        </Transition>
    }
}

#[component]
fn Results(
    r: SurveyResults,
    close: ServerAction<CloseSurvey>,
    withdraw: ServerAction<WithdrawSurvey>,
) -> impl IntoView {
    let i18n = use_i18n();
    let s = r.survey.clone();
    let id = s.id;
    let state = s.state.key();
    let class = state_class(s.state);
    let aud = s.audience.key();
    let target = target_text(&s.buildings, &s.units, i18n);
    let rules = [
        if s.anonymous { "cm.anonymous" } else { "cm.named" },
        if s.per_person {
            "cm.per_person"
        } else {
            "cm.per_household"
        },
        if s.replace { "cm.replace" } else { "cm.final" },
    ];
    let open = s.state == SurveyState::Open;
    let live = s.state != SurveyState::Withdrawn;
    view! {
        <h1 class="page-title">{s.title.clone()}" "<span class=class data-testid="survey-state">{move || i18n.t(&state)}</span></h1>
        <dl class="cm-figures" data-testid="survey-stats">
            <div><dt>{move || i18n.t("cm.households")}</dt><dd>{s.households}</dd></div>
            <div><dt>{move || i18n.t("cm.households_answered")}</dt><dd data-testid="stat-answered">{s.households_answered}</dd></div>
            <div><dt>{move || i18n.t("cm.answer_rate")}</dt><dd>{percent(s.households_answered, s.households)}</dd></div>
            <div><dt>{move || i18n.t("cm.responses")}</dt><dd data-testid="stat-responses">{s.responses}</dd></div>
        </dl>
        <section class="card">
            <p class="muted small">{s.community.clone()}" · "{target}" · "{move || i18n.t(&aud)}" · "
                {rules.map(|k| view! { {move || i18n.t(k)}" " }).collect_view()}</p>
            <p class="muted small">{s.opens_at.clone()}" – "{s.closes_at.clone()}</p>
            {(!r.intro.is_empty()).then(|| view! { <p class="sv__intro">{r.intro.clone()}</p> })}
            <div class="row">
                <a class="btn btn--small" href=format!("/api/v1/surveys/{id}/results.xlsx") download>{move || i18n.t("cm.export")}</a>
                {open.then(|| view! {
                    <ActionForm action=close attr:class="inline-form">
                        <CsrfField />
                        <input type="hidden" name="id" value=id.to_string() />
                        <button type="submit" class="btn btn--small" data-testid="close-survey" disabled=move || close.pending().get()>
                            {move || i18n.t("cm.close_now")}
                        </button>
                    </ActionForm>
                })}
                {live.then(|| view! {
                    <ActionForm action=withdraw attr:class="inline-form">
                        <CsrfField />
                        <input type="hidden" name="id" value=id.to_string() />
                        <button type="submit" class="btn btn--small btn--danger" disabled=move || withdraw.pending().get()>
                            {move || i18n.t("cm.withdraw")}
                        </button>
                    </ActionForm>
                })}
            </div>
        </section>
        {r.results.into_iter().enumerate().map(|(i, q)| view! { <QuestionCard i q /> }).collect_view()}
    }
}

/// One question's results: a bar per option or star with its count and share, the average of a
/// rating, the text answers of a text question.
#[component]
fn QuestionCard(i: usize, q: QuestionResult) -> impl IntoView {
    let i18n = use_i18n();
    let kind = q.question.kind.key();
    let answered = q.answered;
    let max = q.counts.iter().map(|c| c.count).max().unwrap_or(0);
    let bars = (!q.counts.is_empty()).then(|| view! {
        <table class="sv-bars">
            <caption class="sr-only">{q.question.text.clone()}</caption>
            <tbody>
                {q.counts.iter().map(|c| {
                    // Widths are relative to the most chosen option; the share is of the answers.
                    let width = if max > 0 { c.count * 100 / max } else { 0 };
                    view! {
                        <tr>
                            <th scope="row" class="sv-bars__label">{c.label.clone()}</th>
                            <td class="sv-bars__bar"><span class="sv-bar" style=format!("width: {width}%")></span></td>
                            <td class="num sv-bars__n">{c.count}</td>
                            <td class="num sv-bars__pct">{percent(c.count, answered)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    });
    let texts = (q.question.kind == QuestionKind::Text).then(|| {
        let more = q.texts_total - q.texts.len() as i64;
        view! {
            {if q.texts.is_empty() {
                view! { <p class="muted">{move || i18n.t("cm.no_texts")}</p> }.into_any()
            } else {
                view! {
                    <ul class="sv-texts">
                        {q.texts.iter().map(|t| view! {
                            <li>{t.text.clone()}{t.who.clone().map(|w| view! { <span class="muted small">" — "{w}</span> })}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(more > 0).then(|| view! { <p class="muted small">{i18n.t("cm.more_in_export").replace("{n}", &more.to_string())}</p> })}
        }
    });
    view! {
        <section class="card sv-result" data-testid=format!("result-{i}")>
            <h2 class="card__title">{format!("{}. {}", i + 1, q.question.text)}</h2>
            <p class="muted small">{move || i18n.t(&kind)}" · "{i18n.t("cm.n_answered").replace("{n}", &answered.to_string())}
                {q.average.clone().map(|a| view! { " · "{move || i18n.t("cm.average")}" "<strong data-testid="average">{a}</strong> })}</p>
            {bars}
            {texts}
        </section>
    }
}
