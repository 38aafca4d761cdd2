//! Pages of engineering: the equipment ledger and a piece of equipment, checkpoints, patrol
//! routes, the day's rounds with recent results, the printable QR sheet, and the phone form a
//! scanned code opens (which keeps results while the signal is gone).
mod equipment;
mod inspection;
mod outbox;
mod scan;

pub use equipment::{EquipmentDetailPage, EquipmentPage};
pub use inspection::{CheckpointsPage, QrPage, RoundsPage, RoutesPage};
pub use scan::ScanPage;

use crate::engineering::model::{Answer, Community, DueState, RoundStatus, Verdict};
use crate::shared::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

/// The `community` query parameter of an engineering page.
pub(crate) fn community_param() -> Memo<Option<i64>> {
    let q = use_query_map();
    Memo::new(move |_| q.with(|q| q.get("community").and_then(|c| c.parse().ok())))
}

/// The engineering pages' own navigation (under the page title).
#[component]
pub(crate) fn EngTabs(current: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let tabs = [
        ("equipment", "/admin/engineering/equipment", "eng.equipment"),
        ("checkpoints", "/admin/engineering/checkpoints", "eng.checkpoints"),
        ("routes", "/admin/engineering/routes", "eng.routes"),
        ("rounds", "/admin/engineering/rounds", "eng.rounds"),
    ];
    view! {
        <nav class="chips eng-tabs" aria-label=move || i18n.t("eng.title")>
            {tabs.into_iter().map(|(code, href, key)| view! {
                <a class="chip" href=href aria-current=(code == current).then_some("page")>{move || i18n.t(key)}</a>
            }).collect_view()}
        </nav>
    }
}

/// Chooses the community (`?community=` of page `path`).
#[component]
pub(crate) fn CommunityFilter(path: &'static str, list: Vec<Community>, #[prop(optional)] all: bool) -> impl IntoView {
    let i18n = use_i18n();
    let current = community_param();
    let navigate = use_navigate();
    view! {
        <div class="toolbar filters">
            <label class="field">
                <span class="field__label">{move || i18n.t("eng.community")}</span>
                <select class="input toolbar__select" data-testid="eng-community" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    let to = if v.is_empty() { path.to_string() } else { format!("{path}?community={v}") };
                    navigate(&to, Default::default());
                }>
                    {all.then(|| view! { <option value="">{move || i18n.t("eng.all_communities")}</option> })}
                    {list.into_iter().map(|c| {
                        let id = c.id.0;
                        view! { <option value=id.to_string() selected=move || current.get() == Some(id)>{c.name}</option> }
                    }).collect_view()}
                </select>
            </label>
        </div>
    }
}

/// Bumps `reload` each time `ok()` (an action's last result was a success) turns true: pages
/// reload their data by it, while a refused form stays open with its error.
pub(crate) fn reload_on_ok(ok: impl Fn() -> bool + 'static, reload: RwSignal<u32>) {
    Effect::new(move |_| {
        if ok() {
            reload.update(|n| *n += 1);
        }
    });
}

/// True when the action's last result was a success.
macro_rules! succeeded {
    ($action:expr) => {{
        let a = $action;
        move || a.value().with(|v| matches!(v, Some(Ok(_))))
    }};
}
pub(crate) use succeeded;

pub(crate) fn category_key(c: &str) -> String {
    format!("eng.cat_{c}")
}

#[component]
pub(crate) fn DueBadge(state: Option<DueState>, date: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    state.map(|s| {
        let class = match s {
            DueState::Overdue => "badge badge--failed",
            DueState::DueSoon => "badge badge--warn",
            DueState::Scheduled => "badge",
        };
        let key = format!("eng.due_{}", s.code());
        let date = date.unwrap_or_default();
        view! { <span class=class>{move || i18n.t(&key)} " " {date}</span> }
    })
}

#[component]
pub(crate) fn RoundBadge(status: RoundStatus) -> impl IntoView {
    let i18n = use_i18n();
    let class = match status {
        RoundStatus::Done => "badge badge--ok",
        RoundStatus::Missed => "badge badge--failed",
        RoundStatus::Planned => "badge",
    };
    let key = format!("eng.round_{}", status.code());
    view! { <span class=class data-status=status.code()>{move || i18n.t(&key)}</span> }
}

/// Answers in checklist order, the abnormal ones marked.
#[component]
pub(crate) fn AnswerList(answers: Vec<Answer>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="eng-answers">
            {answers.into_iter().map(|a| {
                let bad = a.result == Verdict::Abnormal;
                view! {
                    <li class:eng-answers__bad=bad>
                        <span>{a.item}</span>
                        <span class=if bad { "badge badge--failed" } else { "badge badge--ok" }>
                            {move || i18n.t(if bad { "eng.abnormal" } else { "eng.ok" })}
                        </span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// Thumbnails linking to the full photos.
#[component]
pub(crate) fn PhotoStrip(base: String, photos: Vec<i64>) -> impl IntoView {
    let i18n = use_i18n();
    (!photos.is_empty()).then(|| {
        view! {
            <ul class="eng-photos">
                {photos.into_iter().map(|f| {
                    let full = format!("{base}/photos/{f}");
                    let thumb = format!("{base}/photos/{f}?thumb=true");
                    view! {
                        <li><a href=full target="_blank" rel="noopener">
                            <img src=thumb alt=move || i18n.t("eng.photo") loading="lazy" width="88" height="88" />
                        </a></li>
                    }
                }).collect_view()}
            </ul>
        }
    })
}

/// A checklist answered with two large buttons per item (正常 / 异常).
#[component]
pub(crate) fn ChecklistToggles(items: Vec<String>, answers: RwSignal<Vec<Answer>>) -> impl IntoView {
    let i18n = use_i18n();
    answers.set(
        items
            .iter()
            .map(|i| Answer {
                item: i.clone(),
                result: Verdict::Ok,
            })
            .collect(),
    );
    view! {
        <ol class="eng-check">
            {items.into_iter().enumerate().map(|(n, item)| {
                let is = move |v: Verdict| answers.with(|a| a.get(n).map(|a| a.result) == Some(v));
                let set = move |v: Verdict| answers.update(|a| if let Some(x) = a.get_mut(n) { x.result = v });
                let label = item.clone();
                view! {
                    <li class="eng-check__item" class:eng-check__item--bad=move || is(Verdict::Abnormal)>
                        <span class="eng-check__label">{item}</span>
                        <div class="eng-check__buttons" role="group" aria-label=label.clone()>
                            <button type="button" class="eng-check__btn eng-check__btn--ok"
                                aria-pressed=move || is(Verdict::Ok).to_string()
                                on:click=move |_| set(Verdict::Ok)>{move || i18n.t("eng.ok")}</button>
                            <button type="button" class="eng-check__btn eng-check__btn--bad"
                                aria-pressed=move || is(Verdict::Abnormal).to_string()
                                on:click=move |_| set(Verdict::Abnormal)>{move || i18n.t("eng.abnormal")}</button>
                        </div>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
