//! Layout shells. Residents: content above a bottom tab bar (首页 / 缴费 / 报修 / 社区 / 消息 / 我的).
//! Staff: a sidebar that becomes a slide-in drawer on a phone.
use crate::shared::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// What the inbox entries of both bars show beside their label (the unread count). Given by the
/// composition root (`app.rs`) through context, so the shell names no area; without it the
/// entries show no badge.
#[derive(Clone)]
pub struct InboxBadge(pub ViewFn);

fn inbox_badge() -> Option<AnyView> {
    use_context::<InboxBadge>().map(|b| b.0.run())
}

/// One entry of a navigation bar: i18n key, href, icon glyph.
#[derive(Clone, Debug, PartialEq)]
pub struct NavItem {
    pub label: &'static str,
    pub href: &'static str,
    pub icon: &'static str,
}

const TABS: [NavItem; 6] = [
    NavItem {
        label: "nav.home",
        href: "/",
        icon: "⌂",
    },
    NavItem {
        label: "nav.pay",
        href: "/pay",
        icon: "¥",
    },
    NavItem {
        label: "nav.repair",
        href: "/repair",
        icon: "✎",
    },
    NavItem {
        label: "nav.community",
        href: "/community",
        icon: "☷",
    },
    NavItem {
        label: "nav.inbox",
        href: "/inbox",
        icon: "✉",
    },
    NavItem {
        label: "nav.me",
        href: "/me",
        icon: "☺",
    },
];

fn is_current(path: &str, href: &str) -> bool {
    if href == "/" || href == "/admin" {
        path == href
    } else {
        path == href || path.starts_with(&format!("{href}/"))
    }
}

#[component]
pub fn ResidentShell(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let loc = use_location();
    view! {
        <div class="resident">
            <a class="skip-link" href="#main">{move || i18n.t("common.skip_to_content")}</a>
            <main id="main" class="resident__main">{children()}</main>
            <nav class="tabbar" aria-label=move || i18n.t("nav.main")>
                {TABS
                    .iter()
                    .map(|t| {
                        let href = t.href;
                        let label = t.label;
                        let current = move || is_current(&loc.pathname.get(), href).then_some("page");
                        view! {
                            <a class="tabbar__item" href=href aria-current=current>
                                <span class="tabbar__icon" aria-hidden="true">{t.icon}</span>
                                {(href == "/inbox").then(inbox_badge)}
                                <span class="tabbar__label">{move || i18n.t(label)}</span>
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
        </div>
    }
}

#[component]
pub fn StaffShell(
    #[prop(into)] nav: Signal<Vec<NavItem>>,
    /// Shown at the top of the sidebar (e.g. the user's name).
    #[prop(into)]
    who: Signal<String>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let loc = use_location();
    let open = RwSignal::new(false);
    // Close the drawer when navigating.
    Effect::new(move |_| {
        loc.pathname.track();
        open.set(false);
    });
    view! {
        <div class="staff" class:staff--open=move || open.get()>
            <a class="skip-link" href="#main">{move || i18n.t("common.skip_to_content")}</a>
            <header class="staff__bar">
                <button
                    class="staff__menu btn btn--ghost"
                    aria-controls="staff-nav"
                    aria-expanded=move || open.get().to_string()
                    on:click=move |_| open.update(|o| *o = !*o)
                >
                    <span aria-hidden="true">"☰"</span>
                    // Said in words: a bare ☰ on a phone hid a technician's tasks.
                    <span class="staff__menu-label">{move || i18n.t("nav.menu")}</span>
                </button>
                <a class="staff__brand" href="/admin">{move || i18n.t("app.name_staff")}</a>
                // The unread count stays in sight on a phone, where the sidebar is folded away.
                <a class="staff__inbox" href="/admin/inbox" aria-label=move || i18n.t("nav.inbox")>
                    <span aria-hidden="true">"✉"</span>
                    {inbox_badge()}
                </a>
            </header>
            <nav id="staff-nav" class="staff__nav" aria-label=move || i18n.t("nav.staff")>
                <div class="staff__who">{move || who.get()}</div>
                <ul>
                    {move || {
                        nav.get()
                            .into_iter()
                            .map(|t| {
                                let href = t.href;
                                let label = t.label;
                                let current = move || is_current(&loc.pathname.get(), href).then_some("page");
                                view! {
                                    <li>
                                        <a class="staff__link" href=href aria-current=current>
                                            <span aria-hidden="true" class="staff__icon">{t.icon}</span>
                                            {move || i18n.t(label)}
                                            {(href == "/admin/inbox").then(inbox_badge)}
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </nav>
            <div class="staff__scrim" on:click=move |_| open.set(false)></div>
            <main id="main" class="staff__main">{children()}</main>
        </div>
    }
}
