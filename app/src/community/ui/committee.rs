//! 业委会公告 (`/community/committee-notices`): a member of the owners' committee writes a
//! notice signed by the committee to their community (some buildings or units, owners, tenants
//! or everyone), with photos and PDFs, and follows how many households have read each one.
use super::staff::{NoticeDesk, NoticeForm};
use crate::access::model::Me;
use crate::access::ui::RequireLogin;
use crate::community::api::{committee_notices, CreateNotice};
use crate::community::model::{NoticeState, NoticeSummary};
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{toast, EmptyState, ErrorState, Loading, ResidentShell};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CommitteeNoticesPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("cm.committee_notices") />
        <ResidentShell>
            <header class="page-head">
                <a class="back" href="/community/assembly" aria-label=move || i18n.t("common.back")>"‹"</a>
                <h1>{move || i18n.t("cm.committee_notices")}</h1>
            </header>
            <RequireLogin f=move |_me: Me| view! { <CommitteeNotices /> } />
        </ResidentShell>
    }
}

#[component]
fn CommitteeNotices() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateNotice>::new();
    // Reloaded after a notice is saved only: a refused one keeps the form as typed.
    let saved = RwSignal::new(0u32);
    let list = Resource::new(move || saved.get(), |_| committee_notices());
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            toast(i18n.t("cm.saved"));
            saved.update(|n| *n += 1);
        }
    });
    // The form stands outside the list's suspense, as on staff's page: its own resources (the
    // communities, then their buildings) are then not created only after the list resolved,
    // which made hydration depend on when their data reached the browser.
    view! {
        <p class="muted small">{move || i18n.t("cm.committee_hint")}</p>
        <NoticeForm create committee=true />
        <h2 class="card__title">{move || i18n.t("cm.sent")}</h2>
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match list.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(l) if l.is_empty() => view! { <EmptyState title="cm.none" body="cm.none_committee" icon="⚑" /> }.into_any(),
                Ok(l) => view! {
                    <ul class="notice-list" data-testid="committee-notices">
                        {l.into_iter().map(|n| view! { <Sent n /> }).collect_view()}
                    </ul>
                }.into_any(),
            }})}
        </Transition>
    }
}

/// One of the committee's notices: its state, whom it reached, and how many households read it.
#[component]
fn Sent(n: NoticeSummary) -> impl IntoView {
    let i18n = use_i18n();
    let state = n.state.key();
    let reach = i18n
        .t("cm.read_households")
        .replace("{r}", &n.read.to_string())
        .replace("{n}", &n.households.to_string());
    let published = n.state == NoticeState::Published;
    view! {
        <li>
            <a class="notice-item" href=format!("/community/committee-notices/{}", n.id)>
                <span class="notice-item__top">
                    <span class="badge">{move || i18n.t(&state)}</span>
                    <span class="muted small notice-item__time">{n.publish_at.clone()}</span>
                </span>
                <strong class="notice-item__title">{n.title.clone()}</strong>
                {published.then(|| view! { <span class="muted small" data-testid="read-count">{reach}</span> })}
            </a>
        </li>
    }
}

/// `/community/committee-notices/:id`: one of the committee's notices as its members follow it:
/// households reached and read, who has not read it, a reminder to only them, the receipts as
/// XLSX, and withdrawal.
#[component]
pub fn CommitteeNoticePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("cm.committee_notices") />
        <ResidentShell>
            <header class="page-head">
                <a class="back" href="/community/committee-notices" aria-label=move || i18n.t("common.back")>"‹"</a>
                <h1>{move || i18n.t("cm.committee_notices")}</h1>
            </header>
            <RequireLogin f=move |_me: Me| view! { <NoticeDesk /> } />
        </ResidentShell>
    }
}
