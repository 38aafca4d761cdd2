//! 社区 for residents: the tab (the newest notices that matter, and the community's features),
//! the notice list with its category filter, and one notice (opening it marks it read). Staff's
//! pages are in `ui/staff.rs`.
use super::api::{community_tab, open_notice, resident_notices};
use super::model::{MyNoticeRow, NoticeCategory, NoticeKind, TabItem};
use crate::access::model::Me;
use crate::access::ui::RequireLogin;
use crate::files::model::{size_label, DocRef, FileRef};
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{EmptyState, ErrorState, Loading, ResidentShell};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

pub mod committee;
pub mod events;
pub mod staff;
pub mod staff_events;
pub mod staff_surveys;
pub mod surveys;

/// 社区: the community's features (notices, surveys, events, the owners' assembly; the
/// clubhouse, the marketplace and group buys join them), then the notices that matter now
/// (emergencies, pinned, unread), the surveys waiting for an answer and the events coming up.
#[component]
pub fn CommunityPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("nav.community") />
        <ResidentShell>
            <header class="page-head"><h1>{move || i18n.t("nav.community")}</h1></header>
            <RequireLogin f=move |_me: Me| view! { <CommunityHome /> } />
        </ResidentShell>
    }
}

#[component]
fn CommunityHome() -> impl IntoView {
    let i18n = use_i18n();
    let tab = Resource::new(|| (), |_| community_tab());
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match tab.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(t) => {
                    let unread = t.unread;
                    let top = t.notices;
                    view! {
                        {crate::estate::ui::home_switcher(t.homes)}
                        <nav class="grid-links" aria-label=move || i18n.t("nav.community")>
                            <a class="grid-link" href="/community/notices"><span aria-hidden="true">"⚑"</span>{move || i18n.t("cm.notices")}</a>
                            <a class="grid-link" href="/community/surveys"><span aria-hidden="true">"✎"</span>{move || i18n.t("cm.surveys")}</a>
                            <a class="grid-link" href="/community/events"><span aria-hidden="true">"✦"</span>{move || i18n.t("cm.events")}</a>
                            <a class="grid-link" href="/community/clubhouse"><span aria-hidden="true">"◎"</span>{move || i18n.t("am.clubhouse")}</a>
                            <a class="grid-link" href="/community/assembly"><span aria-hidden="true">"☷"</span>{move || i18n.t("gov.assembly")}</a>
                        </nav>
                        <section class="card" aria-labelledby="cm-latest">
                            <div class="cm-head">
                                <h2 class="card__title" id="cm-latest">{move || i18n.t("cm.notices")}
                                    {(unread > 0).then(|| view! { <span class="badge badge--alert" data-testid="unread-notices">{unread}</span> })}
                                </h2>
                                <a class="small" href="/community/notices">{move || i18n.t("cm.all_notices")}" ›"</a>
                            </div>
                            {if top.is_empty() {
                                view! { <p class="muted">{move || i18n.t("cm.nothing_new")}</p> }.into_any()
                            } else {
                                view! { <NoticeList items=top /> }.into_any()
                            }}
                        </section>
                        <TabSection title="cm.surveys_waiting" all="/community/surveys" all_label="cm.all_surveys" items=t.surveys testid="survey-list" />
                        <TabSection title="cm.events_upcoming" all="/community/events" all_label="cm.all_events" items=t.events testid="event-list" />
                    }.into_any()
                }
            }})}
        </Transition>
    }
}

/// A card of surveys or events on the tab (and on 首页); none: the card stays away.
#[component]
pub fn TabSection(
    title: &'static str,
    all: &'static str,
    all_label: &'static str,
    items: Vec<TabItem>,
    testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    (!items.is_empty()).then(|| view! {
        <section class="card" aria-label=move || i18n.t(title)>
            <div class="cm-head">
                <h2 class="card__title">{move || i18n.t(title)}</h2>
                <a class="small" href=all>{move || i18n.t(all_label)}" ›"</a>
            </div>
            <ul class="notice-list" data-testid=testid>
                {items.into_iter().map(|it| {
                    let note = i18n.t(&it.note_key).replace("{at}", &it.at);
                    view! {
                        <li>
                            <a class="notice-item" href=it.href.clone()>
                                <span class="notice-item__top">
                                    {it.badge.clone().map(|k| view! { <span class="badge">{move || i18n.t(&k)}</span> })}
                                    <span class="muted small notice-item__time">{note}</span>
                                </span>
                                <strong class="notice-item__title">{it.title.clone()}</strong>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    })
}

/// Notices as a list, emergencies and pinned ones marked, unread ones dotted.
#[component]
pub fn NoticeList(items: Vec<MyNoticeRow>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="notice-list" data-testid="notice-list">
            {items.into_iter().map(|n| {
                let class = match n.kind {
                    NoticeKind::Emergency => "notice-item notice-item--emergency",
                    NoticeKind::Pinned => "notice-item notice-item--pinned",
                    NoticeKind::Normal => "notice-item",
                };
                let cat = n.category.key();
                let kind = n.kind;
                view! {
                    <li>
                        <a class=class href=format!("/community/notices/{}", n.id) data-read=n.read.to_string()>
                            <span class="notice-item__top">
                                {(kind != NoticeKind::Normal).then(|| { let k = kind.key(); view! { <span class="badge notice-item__kind">{move || i18n.t(&k)}</span> } })}
                                <span class="badge">{move || i18n.t(&cat)}</span>
                                {n.by_committee.then(|| view! { <span class="badge badge--committee">{move || i18n.t("cm.by_committee")}</span> })}
                                {(!n.read).then(|| view! { <span class="notice-item__dot" role="img" aria-label=move || i18n.t("cm.unread")></span> })}
                                <span class="muted small notice-item__time">{n.published_at.clone()}</span>
                            </span>
                            <strong class="notice-item__title">{n.title.clone()}</strong>
                            <span class="muted small notice-item__excerpt">{n.excerpt.clone()}</span>
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// `/community/notices`: every notice that reached the resident's homes, emergencies, pinned
/// and unread first, filtered by category (`?c=outage`).
#[component]
pub fn NoticesPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("cm.notices") />
        <ResidentShell>
            <header class="page-head">
                <a class="back" href="/community" aria-label=move || i18n.t("common.back")>"‹"</a>
                <h1>{move || i18n.t("cm.notices")}</h1>
            </header>
            <RequireLogin f=move |_me: Me| view! { <Notices /> } />
        </ResidentShell>
    }
}

#[component]
fn Notices() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let category = Memo::new(move |_| query.with(|q| q.get("c").unwrap_or_default()));
    let list = Resource::new(move || category.get(), resident_notices);
    let chip = move |code: &'static str, key: String| {
        let href = if code.is_empty() {
            "/community/notices".to_string()
        } else {
            format!("/community/notices?c={code}")
        };
        view! {
            <li><a class="filter-chip" href=href
                aria-current=move || (category.get() == code).then_some("page")>{move || i18n.t(&key)}</a></li>
        }
    };
    view! {
        <nav aria-label=move || i18n.t("cm.category")>
            <ul class="filter-chips" data-testid="notice-filter">
                {chip("", "cm.all".to_string())}
                {NoticeCategory::ALL.iter().map(|c| chip(c.code(), c.key())).collect_view()}
            </ul>
        </nav>
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match list.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(l) if l.items.is_empty() => view! { <EmptyState title="cm.none" body="cm.none_body" icon="⚑" /> }.into_any(),
                Ok(l) => view! { <NoticeList items=l.items /> }.into_any(),
            }})}
        </Transition>
    }
}

/// `/community/notices/:id`: one notice; opening it marks it read for the household.
#[component]
pub fn NoticePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("cm.notice") />
        <ResidentShell>
            <header class="page-head">
                <a class="back" href="/community/notices" aria-label=move || i18n.t("common.back")>"‹"</a>
                <h1>{move || i18n.t("cm.notice")}</h1>
            </header>
            <RequireLogin f=move |_me: Me| view! { <OneNotice /> } />
        </ResidentShell>
    }
}

#[component]
fn OneNotice() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)));
    let notice = Resource::new(move || id.get(), open_notice);
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match notice.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(n) => {
                    let cat = n.category.key();
                    let kind = n.kind;
                    view! {
                        <article class="card cm-notice" data-testid="notice">
                            <h2 class="cm-notice__title">{n.title.clone()}</h2>
                            <p class="cm-notice__meta muted small">
                                {(kind != NoticeKind::Normal).then(|| { let k = kind.key(); view! { <span class="badge notice-item__kind">{move || i18n.t(&k)}</span>" " } })}
                                <span class="badge">{move || i18n.t(&cat)}</span>" "
                                {n.by_committee.then(|| view! { <span class="badge badge--committee">{move || i18n.t("cm.committee_signed")}</span>" " })}
                                {n.community.clone()}" · "{n.published_at.clone()}
                            </p>
                            // Sanitised on the server when it was saved (an allow-list of tags).
                            <div class="cm-notice__body" inner_html=n.body.clone()></div>
                            <Attachments base=format!("/api/v1/notices/{}", n.id) documents=n.documents.clone() photos=n.photos.clone() />
                            {n.ends_at.clone().map(|e| view! { <p class="muted small">{move || i18n.t("cm.valid_until")}" "{e.clone()}</p> })}
                        </article>
                    }.into_any()
                }
            }})}
        </Transition>
    }
}

/// A notice's or an event's photos (thumbnails opening the full photo) and PDFs, read under
/// `base` (`/api/v1/notices/7`): `base/photos/{file}`, `base/documents/{file}`.
#[component]
pub fn Attachments(base: String, documents: Vec<DocRef>, photos: Vec<FileRef>) -> impl IntoView {
    let i18n = use_i18n();
    let b = base.clone();
    view! {
        {(!photos.is_empty()).then(|| view! {
            <ul class="photo-strip cm-photos" data-testid="photos">
                {photos.into_iter().map(|f| view! {
                    <li>
                        <a href=format!("{b}/photos/{}", f.id) target="_blank" rel="noopener">
                            <img src=format!("{b}/photos/{}?thumb=true", f.id) alt=move || i18n.t("cm.photo") loading="lazy" width="96" height="96" />
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        })}
        {(!documents.is_empty()).then(|| view! {
            <ul class="doc-list" aria-label=move || i18n.t("cm.attachments") data-testid="documents">
                {documents.into_iter().map(|d| view! {
                    <li class="doc-list__item">
                        <span class="badge" aria-hidden="true">"PDF"</span>
                        <a href=format!("{base}/documents/{}", d.id) target="_blank" rel="noopener">{d.name.clone()}</a>
                        <span class="muted small">{size_label(d.bytes)}</span>
                    </li>
                }).collect_view()}
            </ul>
        })}
    }
}
