//! `<App/>`: the document shell, the per-page contexts (language, session, toasts) and the
//! router that mounts every area's pages.
use crate::access::ui::{
    provide_session, use_session, AccountPage, AdminApiKeys, AdminHome, AdminRoles, AdminUsers, ForgotPage, LoginPage,
    PasswordPage, PhonePage, SignupPage, StaffLayout,
};
use crate::audit::ui::AuditPage;
use crate::billing::ui::{
    BillRunPage, CounterPage, DayEndPage, ItemsPage, MetersPage, MyBillsPage, NoticePage, ReceiptPage, ReportsPage,
    SettingsPage,
};
use crate::engineering::ui::{
    CheckpointsPage, EquipmentDetailPage, EquipmentPage, QrPage, RoundsPage, RoutesPage, ScanPage,
};
use crate::estate::ui::{
    BindRequestsPage, ImportPage, OrgsPage, PeoplePage, PersonPage, SpacesPage, UnitPage, UnitsPage,
};
use crate::home::{CommunityPage, HomePage};
use crate::notify::ui::{BroadcastsPage, InboxPage, NotifySettingsPage, StaffInboxPage};
use crate::payments::ui::{CheckoutPage, OnlinePaymentsPage};
use crate::shared::i18n::{initial_locale, use_i18n, I18n};
use crate::shared::ui::{provide_toasts, NotFound, ToastHost};
use crate::tickets::ui::{
    HotlinePage, MyTicketPage, NewTicketPage, RepairPage, ServiceReportsPage, ServiceSetupPage, ServiceTicketsPage,
    StaffTicketPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Meta, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;
use leptos_router::SsrMode;

/// The HTML document around the app (server only). Sets `lang` for the request's language
/// and a strict Content-Security-Policy bound to this response's nonce.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = initial_locale();
    // The build names assets after their content hash, so they can be cached for a year.
    let css = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    #[cfg(feature = "ssr")]
    if let (Some(res), Some(nonce)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        leptos::nonce::use_nonce(),
    ) {
        let csp = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; \
             form-action 'self'; frame-ancestors 'none'; manifest-src 'self'"
        );
        if let Ok(v) = http::HeaderValue::from_str(&csp) {
            res.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang=locale.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="theme-color" content="#0f766e" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="stylesheet" href=css />
                <link rel="manifest" href="/manifest.webmanifest" />
                <script src="/csrf.js"></script>
                <script src="/pwa.js" defer></script>
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let i18n = I18n::new(initial_locale());
    provide_context(i18n);
    provide_toasts();
    crate::notify::ui::provide_unread();
    provide_context(crate::shared::ui::InboxBadge(ViewFn::from(|| {
        view! { <crate::notify::ui::UnreadBadge /> }
    })));
    provide_session();
    let session = use_session();
    let i18n = use_i18n();
    // The large-text (适老化) mode: rendered from its cookie, then kept in step with the
    // account's setting once the session loads (and the cookie with it).
    let large = RwSignal::new(crate::shared::i18n::initial_large_text());
    Effect::new(move |_| {
        if let Some(me) = session.me.get() {
            if me.large_text != large.get_untracked() {
                large.set(me.large_text);
            }
            crate::shared::i18n::remember_large_text(me.large_text);
        }
    });

    view! {
        <Title formatter=move |t: String| if t.is_empty() { i18n.t("app.name") } else { format!("{t} · {}", i18n.t("app.name")) } />
        <Meta name="description" content=move || i18n.t("app.tagline") />
        <div class="app" class:app--large=move || large.get()>
            <Router>
                // In-order streaming: each page arrives as readable HTML, in order, with no script
                // needed to put its data in place, so it works on a slow phone before the WASM
                // arrives and with JavaScript off (the forms post natively, with their token).
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::InOrder />
                    <Route path=path!("/pay") view=|| view! { <MyBillsPage online=online_pay() /> } ssr=SsrMode::InOrder />
                    <Route path=path!("/pay/receipts/:id") view=ReceiptPage ssr=SsrMode::InOrder />
                    <Route path=path!("/pay/online/:id") view=CheckoutPage ssr=SsrMode::InOrder />
                    <Route path=path!("/inbox") view=InboxPage ssr=SsrMode::InOrder />
                    <Route path=path!("/repair") view=RepairPage ssr=SsrMode::InOrder />
                    <Route path=path!("/repair/new") view=NewTicketPage ssr=SsrMode::InOrder />
                    <Route path=path!("/repair/:id") view=MyTicketPage ssr=SsrMode::InOrder />
                    <Route path=path!("/community") view=CommunityPage ssr=SsrMode::InOrder />
                    <Route path=path!("/me") view=|| view! { <AccountPage homes=|| view! { <crate::estate::ui::MyHomes /> } /> } ssr=SsrMode::InOrder />
                    <Route path=path!("/me/password") view=PasswordPage ssr=SsrMode::InOrder />
                    <Route path=path!("/me/phone") view=PhonePage ssr=SsrMode::InOrder />
                    <Route path=path!("/me/notifications") view=NotifySettingsPage ssr=SsrMode::InOrder />
                    <Route path=path!("/i/:token") view=ScanPage ssr=SsrMode::InOrder />
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::InOrder />
                    <Route path=path!("/signup") view=SignupPage ssr=SsrMode::InOrder />
                    <Route path=path!("/forgot") view=ForgotPage ssr=SsrMode::InOrder />
                    <ParentRoute path=path!("/admin") view=StaffLayout ssr=SsrMode::InOrder>
                        <Route path=path!("") view=AdminHome ssr=SsrMode::InOrder />
                        <Route path=path!("users") view=AdminUsers ssr=SsrMode::InOrder />
                        <Route path=path!("roles") view=AdminRoles ssr=SsrMode::InOrder />
                        <Route path=path!("keys") view=AdminApiKeys ssr=SsrMode::InOrder />
                        <Route path=path!("audit") view=AuditPage ssr=SsrMode::InOrder />
                        <Route path=path!("orgs") view=OrgsPage ssr=SsrMode::InOrder />
                        <Route path=path!("units") view=UnitsPage ssr=SsrMode::InOrder />
                        <Route path=path!("units/:id") view=UnitPage ssr=SsrMode::InOrder />
                        <Route path=path!("people") view=PeoplePage ssr=SsrMode::InOrder />
                        <Route path=path!("people/:id") view=PersonPage ssr=SsrMode::InOrder />
                        <Route path=path!("parking") view=SpacesPage ssr=SsrMode::InOrder />
                        <Route path=path!("binds") view=BindRequestsPage ssr=SsrMode::InOrder />
                        <Route path=path!("import") view=ImportPage ssr=SsrMode::InOrder />
                        <Route path=path!("billing/items") view=ItemsPage ssr=SsrMode::InOrder />
                        <Route path=path!("billing/settings") view=SettingsPage ssr=SsrMode::InOrder />
                        <Route path=path!("billing/meters") view=MetersPage ssr=SsrMode::InOrder />
                        <Route path=path!("billing/run") view=BillRunPage ssr=SsrMode::InOrder />
                        <Route path=path!("billing/counter") view=CounterPage ssr=SsrMode::InOrder />
                        <Route path=path!("billing/day-end") view=DayEndPage ssr=SsrMode::InOrder />
                        <Route path=path!("billing/notice/:id") view=NoticePage ssr=SsrMode::InOrder />
                        <Route path=path!("billing/receipts/:id") view=ReceiptPage ssr=SsrMode::InOrder />
                        <Route path=path!("billing/reports") view=ReportsPage ssr=SsrMode::InOrder />
                        <Route path=path!("billing/online") view=OnlinePaymentsPage ssr=SsrMode::InOrder />
                        <Route path=path!("inbox") view=StaffInboxPage ssr=SsrMode::InOrder />
                        <Route path=path!("notices") view=BroadcastsPage ssr=SsrMode::InOrder />
                        <Route path=path!("engineering/equipment") view=EquipmentPage ssr=SsrMode::InOrder />
                        <Route path=path!("engineering/equipment/:id") view=EquipmentDetailPage ssr=SsrMode::InOrder />
                        <Route path=path!("engineering/checkpoints") view=CheckpointsPage ssr=SsrMode::InOrder />
                        <Route path=path!("engineering/routes") view=RoutesPage ssr=SsrMode::InOrder />
                        <Route path=path!("engineering/rounds") view=RoundsPage ssr=SsrMode::InOrder />
                        <Route path=path!("engineering/qr") view=QrPage ssr=SsrMode::InOrder />
                        <Route path=path!("service") view=ServiceTicketsPage ssr=SsrMode::InOrder />
                        <Route path=path!("service/new") view=HotlinePage ssr=SsrMode::InOrder />
                        <Route path=path!("service/tickets/:id") view=StaffTicketPage ssr=SsrMode::InOrder />
                        <Route path=path!("service/settings") view=ServiceSetupPage ssr=SsrMode::InOrder />
                        <Route path=path!("service/reports") view=ServiceReportsPage ssr=SsrMode::InOrder />
                    </ParentRoute>
                </Routes>
            </Router>
            <ToastHost />
        </div>
    }
}

/// Online payment on billing's 缴费 page: the payments area's switch and pay bar, composed here
/// so that billing (which payments builds on) names no payments code.
fn online_pay() -> crate::billing::ui::OnlinePay {
    crate::billing::ui::OnlinePay {
        enabled: std::sync::Arc::new(|| {
            Box::pin(async { crate::payments::api::get_online_setup().await.map(|s| s.enabled) })
        }),
        bar: Callback::new(|(unit, lines, picked)| {
            view! { <crate::payments::ui::PayOnline unit lines picked /> }.into_any()
        }),
    }
}
