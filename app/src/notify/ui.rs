//! The inbox (消息): notices newest first, unread ones marked, each leading to its object;
//! and the unread badge of the tab bar.
use super::api::{my_inbox, unread_notices, MarkNoticesRead};
use super::model::Inbox;
use crate::access::model::Me;
use crate::access::ui::RequireLogin;
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{CsrfField, EmptyState, ErrorState, Loading, ResidentShell};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_query_map};

/// Bumped when notices are marked read, so the badge counts again.
#[derive(Clone, Copy)]
pub struct UnreadTick(pub RwSignal<u32>);

/// Called once by the app.
pub fn provide_unread() {
    provide_context(UnreadTick(RwSignal::new(0)));
}

/// The unread count as a badge (nothing when 0 or signed out); refreshed on navigation and
/// when notices are read.
#[component]
pub fn UnreadBadge() -> impl IntoView {
    let i18n = use_i18n();
    let loc = use_location();
    let tick = use_context::<UnreadTick>().map(|t| t.0);
    // Live while the page stays open: a desk that sits on one page still sees new tickets come.
    let poll = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Ok(h) = set_interval_with_handle(move || poll.update(|p| *p += 1), std::time::Duration::from_secs(60)) {
            on_cleanup(move || h.clear());
        }
    });
    let n = Resource::new(
        move || (loc.pathname.get(), tick.map(|t| t.get()), poll.get()),
        |_| unread_notices(),
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let n = n.await.unwrap_or(0);
                (n > 0).then(|| {
                    let label = i18n.t("notify.unread").replace("{n}", &n.to_string());
                    view! {
                        <span class="badge-dot" data-testid="unread-badge" aria-label=label>
                            {if n > 99 { "99+".to_string() } else { n.to_string() }}
                        </span>
                    }
                })
            })}
        </Transition>
    }
}

#[component]
fn InboxList() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let before = move || query.with(|q| q.get("before").and_then(|s| s.parse::<i64>().ok()));
    let read = ServerAction::<MarkNoticesRead>::new();
    // Notices are worded in the page's language: switching it reads them again.
    let inbox = Resource::new(
        move || (before(), read.version().get(), i18n.locale.get()),
        |(b, _, _)| my_inbox(b),
    );
    if let Some(UnreadTick(t)) = use_context::<UnreadTick>() {
        Effect::new(move |_| {
            if read.version().get() > 0 {
                t.update(|v| *v += 1);
            }
        });
    }
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match inbox.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(Inbox { items, .. }) if items.is_empty() => view! {
                    <EmptyState title="notify.empty" body="notify.empty_body" icon="✉" />
                }.into_any(),
                Ok(Inbox { items, unread, next }) => view! {
                    <div class="toolbar inbox__bar">
                        <span class="muted">{i18n.t("notify.unread").replace("{n}", &unread.to_string())}</span>
                        {(unread > 0).then(|| view! {
                            <button type="button" class="btn btn--small"
                                on:click=move |_| { read.dispatch(MarkNoticesRead { ids: vec![] }); }>
                                {move || i18n.t("notify.mark_all")}
                            </button>
                        })}
                    </div>
                    <ul class="inbox">
                        {items.into_iter().map(|n| {
                            let id = n.id;
                            let unread = !n.read;
                            let ck = n.category.key();
                            view! {
                                <li class="inbox__item" class:inbox__item--unread=unread>
                                    <a class="inbox__link" href=n.link.clone()
                                        on:click=move |_| { if unread { read.dispatch(MarkNoticesRead { ids: vec![id] }); } }>
                                        <span class="inbox__head">
                                            <span class="badge">{move || i18n.t(&ck)}</span>
                                            <strong class="inbox__title">{n.title.clone()}</strong>
                                            {unread.then(|| view! { <span class="sr-only">{move || i18n.t("notify.new")}</span> })}
                                        </span>
                                        <span class="inbox__body">{n.body.clone()}</span>
                                        <span class="muted small">{n.created_at.clone()}</span>
                                    </a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {next.map(|b| view! {
                        <a class="btn btn--block" href=format!("?before={b}")>{move || i18n.t("notify.older")}</a>
                    })}
                }.into_any(),
            }})}
        </Transition>
    }
}

/// 消息 (residents).
#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("notify.title") />
        <ResidentShell>
            <header class="page-head"><h1>{move || i18n.t("notify.title")}</h1></header>
            <RequireLogin f=move |_me: Me| view! { <InboxList /> } />
        </ResidentShell>
    }
}

/// 消息 (staff, inside the back office).
#[component]
pub fn StaffInboxPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("notify.title") />
        <h1 class="page-title">{move || i18n.t("notify.title")}</h1>
        <InboxList />
    }
}

/// 通知设置: push on this device, the devices that get pushes, categories and quiet hours.
#[component]
pub fn NotifySettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("notify.settings") />
        <ResidentShell>
            <header class="page-head"><h1>{move || i18n.t("notify.settings")}</h1></header>
            <RequireLogin f=move |_me: Me| view! { <NotifySettings /> } />
        </ResidentShell>
    }
}

#[component]
fn NotifySettings() -> impl IntoView {
    use super::api::{get_notify_prefs, get_push_config, my_devices, RemoveDevice, SaveNotifyPrefs};
    use super::model::{Category, Prefs};
    use crate::shared::ui::toast;
    let i18n = use_i18n();
    let remove = ServerAction::<RemoveDevice>::new();
    let save = ServerAction::<SaveNotifyPrefs>::new();
    let config = Resource::new(|| (), |_| get_push_config());
    let devices = Resource::new(move || remove.version().get(), |_| my_devices());
    let prefs = Resource::new(|| (), |_| get_notify_prefs());
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => toast(i18n.t("common.saved")),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    view! {
        <section class="card">
            <h2 class="card__title">{move || i18n.t("notify.this_device")}</h2>
            <Transition fallback=Loading>
                {move || Suspend::new(async move { match config.await {
                    Ok(c) if c.enabled => view! {
                        <p class="muted">{move || i18n.t("notify.push_hint")}</p>
                        <button type="button" class="btn btn--primary btn--block" data-testid="push-enable"
                            data-push-enable=c.public_key.clone() aria-describedby="push-status"
                            data-msg-denied=move || i18n.t("notify.push_denied")
                            data-msg-failed=move || i18n.t("notify.push_failed")
                            data-msg-unsupported=move || i18n.t("notify.push_unsupported")>
                            {move || i18n.t("notify.push_enable")}
                        </button>
                        <p id="push-status" class="muted small" role="status"></p>
                    }.into_any(),
                    Ok(_) => view! { <p class="muted">{move || i18n.t("notify.push_off")}</p> }.into_any(),
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                }})}
            </Transition>
            <h3>{move || i18n.t("notify.devices")}</h3>
            <Transition fallback=Loading>
                {move || Suspend::new(async move { match devices.await {
                    Ok(list) if list.is_empty() => view! { <p class="muted" data-testid="no-devices">{move || i18n.t("notify.no_devices")}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="list" data-testid="devices">
                            {list.into_iter().map(|d| view! {
                                <li class="list__item">
                                    <span class="list__main">{if d.label.is_empty() { "—".to_string() } else { d.label.clone() }}</span>
                                    <span class="muted small">{d.created_at.clone()}</span>
                                    <ActionForm action=remove attr:class="inline-form">
                                        <CsrfField />
                                        <input type="hidden" name="id" value=d.id.to_string() />
                                        <button type="submit" class="btn btn--small">{move || i18n.t("notify.remove_device")}</button>
                                    </ActionForm>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                }})}
            </Transition>
        </section>
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match prefs.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(p) => {
                    let muted = RwSignal::new(p.muted.clone());
                    let from = RwSignal::new(p.quiet_from.clone());
                    let to = RwSignal::new(p.quiet_to.clone());
                    let email = RwSignal::new(p.email.clone());
                    view! {
                        <form class="card form" on:submit=move |ev| {
                            ev.prevent_default();
                            save.dispatch(SaveNotifyPrefs { prefs: Prefs { muted: muted.get_untracked(), quiet_from: from.get_untracked(), quiet_to: to.get_untracked(), email: email.get_untracked() } });
                        }>
                            <fieldset class="fieldset">
                                <legend class="card__title">{move || i18n.t("notify.push_categories")}</legend>
                                {Category::OFFERED.into_iter().map(|c| {
                                    let k = c.key();
                                    view! {
                                        <label class="menu__item switch">
                                            <span>{move || i18n.t(&k)}</span>
                                            <input type="checkbox" role="switch"
                                                prop:checked=move || muted.with(|m| !m.contains(&c))
                                                on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    muted.update(|m| { m.retain(|x| *x != c); if !on { m.push(c); } });
                                                } />
                                        </label>
                                    }
                                }).collect_view()}
                            </fieldset>
                            <fieldset class="fieldset">
                                <legend class="card__title">{move || i18n.t("notify.quiet_hours")}</legend>
                                <p class="muted small">{move || i18n.t("notify.quiet_hint")}</p>
                                <div class="row">
                                    <label class="field"><span class="field__label">{move || i18n.t("notify.quiet_from")}</span>
                                        <input class="input" type="time" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev)) /></label>
                                    <label class="field"><span class="field__label">{move || i18n.t("notify.quiet_to")}</span>
                                        <input class="input" type="time" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev)) /></label>
                                </div>
                            </fieldset>
                            <label class="field"><span class="field__label">{move || i18n.t("notify.email")}</span>
                                <input class="input" type="email" name="email" autocomplete="email" data-testid="notify-email"
                                    prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
                                <span class="muted small">{move || i18n.t("notify.email_hint")}</span></label>
                            <button type="submit" class="btn btn--primary btn--block">{move || i18n.t("common.save")}</button>
                        </form>
                    }.into_any()
                }
            }})}
        </Transition>
    }
}

/// 群发通知 (staff): send a notice to everyone living in an org subtree; see delivery counts.
#[component]
pub fn BroadcastsPage() -> impl IntoView {
    use super::api::{broadcast_orgs, list_broadcasts, SendBroadcast};
    use crate::shared::ui::toast;
    let i18n = use_i18n();
    let send = ServerAction::<SendBroadcast>::new();
    let orgs = Resource::new(|| (), |_| broadcast_orgs());
    let tick = RwSignal::new(0u32);
    let list = Resource::new(move || (send.version().get(), tick.get()), |_| list_broadcasts());
    Effect::new(move |_| match send.value().get() {
        Some(Ok(_)) => toast(i18n.t("notify.broadcast_sent")),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    view! {
        <Title text=move || i18n.t("notify.broadcasts") />
        <h1 class="page-title">{move || i18n.t("notify.broadcasts")}</h1>
        <ActionForm action=send attr:class="card form">
            <CsrfField />
            <label class="field"><span class="field__label">{move || i18n.t("notify.broadcast_to")}</span>
                <Transition fallback=Loading>
                    {move || Suspend::new(async move { match orgs.await {
                        Err(e) => view! { <ErrorState error=e /> }.into_any(),
                        Ok(list) => view! {
                            <select class="input" name="org" required>
                                {list.into_iter().map(|o| view! {
                                    <option value=o.id.0.to_string()>{format!("{}{}", "　".repeat(o.depth as usize), o.name)}</option>
                                }).collect_view()}
                            </select>
                        }.into_any(),
                    }})}
                </Transition>
            </label>
            <label class="field"><span class="field__label">{move || i18n.t("notify.broadcast_title")}</span>
                <input class="input" name="title" required maxlength="120" /></label>
            <label class="field"><span class="field__label">{move || i18n.t("notify.broadcast_body")}</span>
                <textarea class="input" name="body" rows="4" required maxlength="2000"></textarea></label>
            <label class="field"><span class="field__label">{move || i18n.t("notify.broadcast_link")}</span>
                <input class="input" name="link" placeholder="/community" /></label>
            <button type="submit" class="btn btn--primary">{move || i18n.t("notify.broadcast_send")}</button>
        </ActionForm>
        <div class="toolbar">
            <h2 class="card__title">{move || i18n.t("notify.broadcast_sent_list")}</h2>
            <button type="button" class="btn btn--small" on:click=move |_| tick.update(|t| *t += 1)>{move || i18n.t("notify.refresh")}</button>
        </div>
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match list.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(l) if l.is_empty() => view! { <EmptyState title="notify.no_broadcasts" body="notify.no_broadcasts_body" icon="✉" /> }.into_any(),
                Ok(l) => view! {
                    <ul class="list" data-testid="broadcasts">
                        {l.into_iter().map(|b| {
                            let counts = i18n.t("notify.broadcast_counts")
                                .replace("{recipients}", &b.recipients.to_string())
                                .replace("{read}", &b.read.to_string())
                                .replace("{pushed}", &b.pushed.to_string())
                                .replace("{pending}", &b.push_pending.to_string())
                                .replace("{failed}", &b.push_failed.to_string());
                            view! {
                                <li class="list__item broadcast-row">
                                    <span class="list__main">{b.title.clone()}</span>
                                    <span class="muted small">{b.org.clone()} " · " {b.created_at.clone()}</span>
                                    {b.sending.then(|| view! { <span class="badge">{move || i18n.t("notify.sending")}</span> })}
                                    <span class="small" data-testid="broadcast-counts">{counts}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }})}
        </Transition>
    }
}
