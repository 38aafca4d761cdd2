//! `<App/>`: the document shell, the per-page contexts (language, session, toasts) and the
//! router that mounts every area's pages.
use crate::access::ui::{
    provide_session, use_session, AccountPage, AdminApiKeys, AdminHome, AdminRoles, AdminUsers, ForgotPage, LoginPage,
    PasswordPage, PhonePage, SignupPage, StaffLayout,
};
use crate::amenities::ui::staff::{DeskPage, VenuesAdminPage};
use crate::amenities::ui::{BookingPage, ClubhousePage, VenuePage};
use crate::audit::ui::AuditPage;
use crate::billing::ui::{
    BillRunPage, CounterPage, DayEndPage, ItemsPage, MetersPage, MyBillsPage, NoticePage, ReceiptPage, ReportsPage,
    SettingsPage,
};
use crate::community::ui::committee::{CommitteeNoticePage, CommitteeNoticesPage};
use crate::community::ui::events::{EventPage, EventsPage};
use crate::community::ui::staff::{NoticeAdminPage, NoticesAdminPage};
use crate::community::ui::staff_events::{EventAdminPage, EventsAdminPage};
use crate::community::ui::staff_surveys::{SurveyAdminPage, SurveysAdminPage};
use crate::community::ui::surveys::{SurveyPage, SurveysPage};
use crate::community::ui::{CommunityPage, NoticePage as CommunityNoticePage, NoticesPage};
use crate::engineering::ui::{
    CheckpointsPage, EquipmentDetailPage, EquipmentPage, QrPage, RoundsPage, RoutesPage, ScanPage,
};
use crate::estate::ui::{
    BindRequestsPage, ImportPage, OrgsPage, PeoplePage, PersonPage, SpacesPage, UnitPage, UnitsPage,
};
use crate::governance::ui::{AssemblyPage, CommitteePage, MeetingPage, RegisterPage};
use crate::home::HomePage;
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
use leptos_router::{Lazy, SsrMode};

// The browser bundle's parts. The first part every page loads holds the app's frame (router,
// session, language, toasts) and no page; each page loads with its part, which the server's
// preload hints fetch alongside the first part on a direct visit (see `shared::ui::lazy`). A part
// should be what one person opens together: each of the resident's tabs (首页, 缴费, 报修, 社区,
// 我的) is one, so a resident's first page is the frame and one tab; their second-level pages by
// tab; signing in; the back office by area.
// Signing in is the first page of everyone not signed in: it goes alone, without signing up
// and the forgotten password.
crate::lazy_pages!(mod login {
    Login => view! { <LoginPage /> },
});
crate::lazy_pages!(mod auth_more {
    Signup => view! { <SignupPage /> },
    Forgot => view! { <ForgotPage /> },
});
crate::lazy_pages!(mod tab_home {
    Home => view! { <HomePage /> },
});
crate::lazy_pages!(mod tab_pay {
    Bills => view! { <MyBillsPage online=online_pay() /> },
});
crate::lazy_pages!(mod tab_repair {
    Repair => view! { <RepairPage /> },
});
crate::lazy_pages!(mod tab_community {
    Community => view! { <CommunityPage /> },
});
crate::lazy_pages!(mod tab_me {
    Account => view! { <AccountPage homes=|| view! { <crate::estate::ui::MyHomes /> } /> },
});
/// The resident's tabs, fetched one by one once the first page is interactive so that
/// switching tabs never waits for the network (the service worker keeps them from then on).
/// 首页 first: it is where signing in leads.
const TABS: &[crate::shared::ui::PartFetch] = &[
    tab_home::fetch,
    tab_pay::fetch,
    tab_repair::fetch,
    tab_community::fetch,
    tab_me::fetch,
];
// The back office's frame (menu, bar): only staff load it.
crate::lazy_pages!(mod staff_shell {
    Layout => view! { <StaffLayout /> },
});
crate::lazy_pages!(mod pay_more {
    Receipt => view! { <ReceiptPage /> },
    Checkout => view! { <CheckoutPage /> },
});
crate::lazy_pages!(mod repair_more {
    NewTicket => view! { <NewTicketPage /> },
    MyTicket => view! { <MyTicketPage /> },
});
crate::lazy_pages!(mod me_more {
    Inbox => view! { <InboxPage /> },
    Password => view! { <PasswordPage /> },
    Phone => view! { <PhonePage /> },
    Notify => view! { <NotifySettingsPage /> },
});
crate::lazy_pages!(mod admin_access {
    Home => view! { <AdminHome /> },
    Users => view! { <AdminUsers /> },
    Roles => view! { <AdminRoles /> },
    Keys => view! { <AdminApiKeys /> },
    Audit => view! { <AuditPage /> },
    Orgs => view! { <OrgsPage /> },
});
crate::lazy_pages!(mod admin_records {
    Units => view! { <UnitsPage /> },
    Unit => view! { <UnitPage /> },
    People => view! { <PeoplePage /> },
    Person => view! { <PersonPage /> },
});
crate::lazy_pages!(mod admin_estate {
    Parking => view! { <SpacesPage /> },
    Binds => view! { <BindRequestsPage /> },
    Import => view! { <ImportPage /> },
});
crate::lazy_pages!(mod billing_setup {
    Items => view! { <ItemsPage /> },
    Settings => view! { <SettingsPage /> },
});
crate::lazy_pages!(mod bill_run {
    Meters => view! { <MetersPage /> },
    Run => view! { <BillRunPage /> },
    Notice => view! { <NoticePage /> },
});
crate::lazy_pages!(mod cashier {
    Counter => view! { <CounterPage /> },
    DayEnd => view! { <DayEndPage /> },
    Reports => view! { <ReportsPage /> },
    Online => view! { <OnlinePaymentsPage /> },
});
crate::lazy_pages!(mod admin_service {
    Tickets => view! { <ServiceTicketsPage /> },
    Hotline => view! { <HotlinePage /> },
    Ticket => view! { <StaffTicketPage /> },
    Setup => view! { <ServiceSetupPage /> },
    Reports => view! { <ServiceReportsPage /> },
    Inbox => view! { <StaffInboxPage /> },
    Broadcasts => view! { <BroadcastsPage /> },
});
crate::lazy_pages!(mod admin_notices {
    List => view! { <NoticesAdminPage /> },
    Detail => view! { <NoticeAdminPage /> },
});
crate::lazy_pages!(mod admin_surveys {
    List => view! { <SurveysAdminPage /> },
    Results => view! { <SurveyAdminPage /> },
});
crate::lazy_pages!(mod admin_events {
    List => view! { <EventsAdminPage /> },
    Detail => view! { <EventAdminPage /> },
});
crate::lazy_pages!(mod equipment {
    List => view! { <EquipmentPage /> },
    Detail => view! { <EquipmentDetailPage /> },
});
crate::lazy_pages!(mod inspection_setup {
    Checkpoints => view! { <CheckpointsPage /> },
    Routes => view! { <RoutesPage /> },
    Qr => view! { <QrPage /> },
});
// Owners' governance: the voter register (the committee's pages join it).
crate::lazy_pages!(mod governance {
    Register => view! { <RegisterPage /> },
});
// 社区 → 业主大会: the list with the committee's roster and rules, one meeting (voting, proxies,
// the result), and the committee's tools for it, each its own part: together they pass a part's
// budget.
// 社区 → 公告: the list and one notice, one part (a notice is usually opened from the list).
crate::lazy_pages!(mod notices {
    List => view! { <NoticesPage /> },
    Notice => view! { <CommunityNoticePage /> },
});
// 社区 → 问卷: the list and one survey's form, one part.
crate::lazy_pages!(mod surveys {
    List => view! { <SurveysPage /> },
    Survey => view! { <SurveyPage /> },
});
// 社区 → 活动: the list and one event, one part.
crate::lazy_pages!(mod events {
    List => view! { <EventsPage /> },
    Event => view! { <EventPage /> },
});
// 社区 → 会所预订: the venues, one venue's day and one booking, one part.
crate::lazy_pages!(mod clubhouse {
    List => view! { <ClubhousePage /> },
    Venue => view! { <VenuePage /> },
    Booking => view! { <BookingPage /> },
});
// 会所前台 and the venues' settings.
crate::lazy_pages!(mod admin_amenities {
    Desk => view! { <DeskPage /> },
    Venues => view! { <VenuesAdminPage /> },
});
// The owners' committee's notices: only its members open them.
crate::lazy_pages!(mod committee_notices {
    Page => view! { <CommitteeNoticesPage /> },
    Notice => view! { <CommitteeNoticePage /> },
});
crate::lazy_pages!(mod assembly {
    List => view! { <AssemblyPage /> },
});
crate::lazy_pages!(mod assembly_meeting {
    Meeting => view! { <MeetingPage /> },
});
// The committee's tools for one meeting: owners never fetch them. No link prefix leads only to
// it, so it is fetched when opened, never on intent.
crate::lazy_pages!(#[allow(dead_code)] mod assembly_committee {
    Manage => view! { <CommitteePage /> },
});
// What an inspector on a round opens, often on a phone in a basement.
crate::lazy_pages!(mod rounds {
    Rounds => view! { <RoundsPage /> },
    Scan => view! { <ScanPage /> },
});

/// Which part a link leads to, for fetching it on the intent to follow the link (with the back
/// office's frame for its pages). A prefix ending
/// in `/` matches every path under it; any other matches itself and the paths under it.
const PART_OF_PATH: &[(&str, &[fn()])] = &[
    ("/login", &[login::prefetch]),
    ("/signup", &[auth_more::prefetch]),
    ("/forgot", &[auth_more::prefetch]),
    ("/pay/receipts/", &[pay_more::prefetch]),
    ("/pay/online/", &[pay_more::prefetch]),
    ("/pay", &[tab_pay::prefetch]),
    ("/repair/", &[repair_more::prefetch]),
    ("/repair", &[tab_repair::prefetch]),
    ("/inbox", &[me_more::prefetch]),
    ("/me/", &[me_more::prefetch]),
    ("/me", &[tab_me::prefetch]),
    ("/i/", &[rounds::prefetch]),
    // The committee's page under it loads its own part when opened: owners never fetch it.
    ("/community/assembly/", &[assembly_meeting::prefetch]),
    ("/community/assembly", &[assembly::prefetch]),
    ("/community/notices", &[notices::prefetch]),
    ("/community/committee-notices", &[committee_notices::prefetch]),
    ("/community/surveys", &[surveys::prefetch]),
    ("/community/events", &[events::prefetch]),
    ("/community/clubhouse", &[clubhouse::prefetch]),
    ("/community", &[tab_community::prefetch]),
    ("/", &[tab_home::prefetch]),
    ("/admin/users", &[staff_shell::prefetch, admin_access::prefetch]),
    ("/admin/roles", &[staff_shell::prefetch, admin_access::prefetch]),
    ("/admin/keys", &[staff_shell::prefetch, admin_access::prefetch]),
    ("/admin/audit", &[staff_shell::prefetch, admin_access::prefetch]),
    ("/admin/orgs", &[staff_shell::prefetch, admin_access::prefetch]),
    ("/admin/units", &[staff_shell::prefetch, admin_records::prefetch]),
    ("/admin/people", &[staff_shell::prefetch, admin_records::prefetch]),
    ("/admin/parking", &[staff_shell::prefetch, admin_estate::prefetch]),
    ("/admin/binds", &[staff_shell::prefetch, admin_estate::prefetch]),
    ("/admin/import", &[staff_shell::prefetch, admin_estate::prefetch]),
    ("/admin/billing/receipts/", &[staff_shell::prefetch, pay_more::prefetch]),
    ("/admin/billing/counter", &[staff_shell::prefetch, cashier::prefetch]),
    ("/admin/billing/day-end", &[staff_shell::prefetch, cashier::prefetch]),
    ("/admin/billing/reports", &[staff_shell::prefetch, cashier::prefetch]),
    ("/admin/billing/online", &[staff_shell::prefetch, cashier::prefetch]),
    (
        "/admin/billing/items",
        &[staff_shell::prefetch, billing_setup::prefetch],
    ),
    (
        "/admin/billing/settings",
        &[staff_shell::prefetch, billing_setup::prefetch],
    ),
    ("/admin/billing", &[staff_shell::prefetch, bill_run::prefetch]),
    ("/admin/service", &[staff_shell::prefetch, admin_service::prefetch]),
    ("/admin/inbox", &[staff_shell::prefetch, admin_service::prefetch]),
    ("/admin/broadcasts", &[staff_shell::prefetch, admin_service::prefetch]),
    ("/admin/notices", &[staff_shell::prefetch, admin_notices::prefetch]),
    ("/admin/surveys", &[staff_shell::prefetch, admin_surveys::prefetch]),
    ("/admin/events", &[staff_shell::prefetch, admin_events::prefetch]),
    ("/admin/amenities", &[staff_shell::prefetch, admin_amenities::prefetch]),
    ("/admin/governance/", &[staff_shell::prefetch, governance::prefetch]),
    ("/admin/engineering/rounds", &[staff_shell::prefetch, rounds::prefetch]),
    (
        "/admin/engineering/equipment",
        &[staff_shell::prefetch, equipment::prefetch],
    ),
    (
        "/admin/engineering",
        &[staff_shell::prefetch, inspection_setup::prefetch],
    ),
    ("/admin", &[staff_shell::prefetch, admin_access::prefetch]),
];

/// The HTML document around the app (server only). Sets `lang` for the request's language
/// and a strict Content-Security-Policy bound to this response's nonce.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = initial_locale();
    // The build names assets after their content hash, so they can be cached for a year.
    let css = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    // The words of the page's language, which the bundle reads before it hydrates the page.
    let words = format!("/{}/words.{}.json", options.site_pkg_dir, locale.code());
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
                <link rel="preload" href={words} as="fetch" crossorigin="anonymous" id=crate::shared::i18n::WORDS_LINK_ID />
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
    // Runs once, in the browser, after hydration.
    Effect::new(|_| {
        crate::shared::ui::prefetch_on_intent(PART_OF_PATH);
        crate::shared::ui::prefetch_when_settled(TABS);
    });
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
                    <Route path=path!("/") view={Lazy::<tab_home::Home>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/pay") view={Lazy::<tab_pay::Bills>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/pay/receipts/:id") view={Lazy::<pay_more::Receipt>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/pay/online/:id") view={Lazy::<pay_more::Checkout>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/inbox") view={Lazy::<me_more::Inbox>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/repair") view={Lazy::<tab_repair::Repair>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/repair/new") view={Lazy::<repair_more::NewTicket>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/repair/:id") view={Lazy::<repair_more::MyTicket>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/community") view={Lazy::<tab_community::Community>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/community/notices") view={Lazy::<notices::List>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/community/committee-notices") view={Lazy::<committee_notices::Page>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/community/committee-notices/:id") view={Lazy::<committee_notices::Notice>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/community/notices/:id") view={Lazy::<notices::Notice>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/community/surveys") view={Lazy::<surveys::List>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/community/surveys/:id") view={Lazy::<surveys::Survey>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/community/events") view={Lazy::<events::List>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/community/events/:id") view={Lazy::<events::Event>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/community/clubhouse") view={Lazy::<clubhouse::List>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/community/clubhouse/:id") view={Lazy::<clubhouse::Venue>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/community/clubhouse/bookings/:id") view={Lazy::<clubhouse::Booking>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/community/assembly") view={Lazy::<assembly::List>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/community/assembly/:id") view={Lazy::<assembly_meeting::Meeting>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/community/assembly/:id/manage") view={Lazy::<assembly_committee::Manage>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/me") view={Lazy::<tab_me::Account>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/me/password") view={Lazy::<me_more::Password>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/me/phone") view={Lazy::<me_more::Phone>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/me/notifications") view={Lazy::<me_more::Notify>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/i/:token") view={Lazy::<rounds::Scan>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/login") view={Lazy::<login::Login>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/signup") view={Lazy::<auth_more::Signup>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/forgot") view={Lazy::<auth_more::Forgot>::new()} ssr=SsrMode::InOrder />
                    <ParentRoute path=path!("/admin") view={Lazy::<staff_shell::Layout>::new()} ssr=SsrMode::InOrder>
                        <Route path=path!("") view={Lazy::<admin_access::Home>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("users") view={Lazy::<admin_access::Users>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("roles") view={Lazy::<admin_access::Roles>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("keys") view={Lazy::<admin_access::Keys>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("audit") view={Lazy::<admin_access::Audit>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("orgs") view={Lazy::<admin_access::Orgs>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("units") view={Lazy::<admin_records::Units>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("units/:id") view={Lazy::<admin_records::Unit>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("people") view={Lazy::<admin_records::People>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("people/:id") view={Lazy::<admin_records::Person>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("parking") view={Lazy::<admin_estate::Parking>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("binds") view={Lazy::<admin_estate::Binds>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("import") view={Lazy::<admin_estate::Import>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("billing/items") view={Lazy::<billing_setup::Items>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("billing/settings") view={Lazy::<billing_setup::Settings>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("billing/meters") view={Lazy::<bill_run::Meters>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("billing/run") view={Lazy::<bill_run::Run>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("billing/counter") view={Lazy::<cashier::Counter>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("billing/day-end") view={Lazy::<cashier::DayEnd>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("billing/notice/:id") view={Lazy::<bill_run::Notice>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("billing/receipts/:id") view={Lazy::<pay_more::Receipt>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("billing/reports") view={Lazy::<cashier::Reports>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("billing/online") view={Lazy::<cashier::Online>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("inbox") view={Lazy::<admin_service::Inbox>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("broadcasts") view={Lazy::<admin_service::Broadcasts>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("notices") view={Lazy::<admin_notices::List>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("notices/:id") view={Lazy::<admin_notices::Detail>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("surveys") view={Lazy::<admin_surveys::List>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("surveys/:id") view={Lazy::<admin_surveys::Results>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("events") view={Lazy::<admin_events::List>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("events/:id") view={Lazy::<admin_events::Detail>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("amenities") view={Lazy::<admin_amenities::Desk>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("amenities/venues") view={Lazy::<admin_amenities::Venues>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("governance/register") view={Lazy::<governance::Register>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("engineering/equipment") view={Lazy::<equipment::List>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("engineering/equipment/:id") view={Lazy::<equipment::Detail>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("engineering/checkpoints") view={Lazy::<inspection_setup::Checkpoints>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("engineering/routes") view={Lazy::<inspection_setup::Routes>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("engineering/rounds") view={Lazy::<rounds::Rounds>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("engineering/qr") view={Lazy::<inspection_setup::Qr>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("service") view={Lazy::<admin_service::Tickets>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("service/new") view={Lazy::<admin_service::Hotline>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("service/tickets/:id") view={Lazy::<admin_service::Ticket>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("service/settings") view={Lazy::<admin_service::Setup>::new()} ssr=SsrMode::InOrder />
                        <Route path=path!("service/reports") view={Lazy::<admin_service::Reports>::new()} ssr=SsrMode::InOrder />
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
