//! Back office: layout, overview, staff accounts and grants, roles and permissions.
use super::account::RequireLogin;
use super::session::use_session;
use crate::access::api::{
    list_orgs, list_roles, list_users, CreateStaff, GrantRole, RevokeGrant, SetRolePermission, SetUserStatus,
};
use crate::access::model::{Me, Permission, RoleRow, UserRow, UserStatus};
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{
    toast, CsrfField, EmptyState, ErrorState, Field, FormError, LoadMore, Loading, NavItem, Pager, StaffShell,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;

fn staff_nav(me: &Me) -> Vec<NavItem> {
    let mut v = vec![NavItem {
        label: "admin.overview",
        href: "/admin",
        icon: "▦",
    }];
    if me.can(Permission::UsersRead) {
        v.push(NavItem {
            label: "admin.users",
            href: "/admin/users",
            icon: "☺",
        });
        v.push(NavItem {
            label: "admin.roles",
            href: "/admin/roles",
            icon: "⚿",
        });
        v.push(NavItem {
            label: "keys.title",
            href: "/admin/keys",
            icon: "⚷",
        });
    }
    if me.can(Permission::AuditRead) {
        v.push(NavItem {
            label: "admin.audit",
            href: "/admin/audit",
            icon: "☰",
        });
    }
    if me.can(Permission::OrgRead) {
        v.push(NavItem {
            label: "orgs.title",
            href: "/admin/orgs",
            icon: "⌬",
        });
        v.push(NavItem {
            label: "records.units",
            href: "/admin/units",
            icon: "⌂",
        });
        v.push(NavItem {
            label: "parking.title",
            href: "/admin/parking",
            icon: "P",
        });
    }
    if me.can(Permission::PeopleRead) {
        v.push(NavItem {
            label: "people.title",
            href: "/admin/people",
            icon: "☺",
        });
        v.push(NavItem {
            label: "gov.register",
            href: "/admin/governance/register",
            icon: "⚖",
        });
    }
    if me.can(Permission::PeopleWrite) {
        v.push(NavItem {
            label: "binds.title",
            href: "/admin/binds",
            icon: "✓",
        });
    }
    if me.can(Permission::BillingCollect) {
        v.push(NavItem {
            label: "billing.counter",
            href: "/admin/billing/counter",
            icon: "¥",
        });
        v.push(NavItem {
            label: "billing.meters",
            href: "/admin/billing/meters",
            icon: "◔",
        });
    }
    if me.can(Permission::BillingRead) {
        v.push(NavItem {
            label: "billing.items",
            href: "/admin/billing/items",
            icon: "≡",
        });
        v.push(NavItem {
            label: "billing.reports",
            href: "/admin/billing/reports",
            icon: "▤",
        });
        v.push(NavItem {
            label: "payments.admin_title",
            href: "/admin/billing/online",
            icon: "⇄",
        });
    }
    if me.can(Permission::BillingManage) {
        v.push(NavItem {
            label: "billing.run",
            href: "/admin/billing/run",
            icon: "⎘",
        });
        v.push(NavItem {
            label: "billing.settings",
            href: "/admin/billing/settings",
            icon: "§",
        });
    }
    if me.can(Permission::ServiceRead) || me.can(Permission::ServiceDispatch) || me.can(Permission::ServiceWork) {
        v.push(NavItem {
            label: if me.can(Permission::ServiceDispatch) || me.can(Permission::ServiceRead) {
                "service.tickets"
            } else {
                "service.my_tasks"
            },
            href: "/admin/service",
            icon: "✎",
        });
    }
    if me.can(Permission::ServiceDispatch) {
        v.push(NavItem {
            label: "service.setup",
            href: "/admin/service/settings",
            icon: "⚙",
        });
    }
    if me.can(Permission::ServiceDispatch) || me.can(Permission::ReportsRead) {
        v.push(NavItem {
            label: "service.reports",
            href: "/admin/service/reports",
            icon: "▤",
        });
    }
    if me.can(Permission::ServiceDispatch) || me.can(Permission::InspectionWork) {
        v.push(NavItem {
            label: "eng.equipment",
            href: "/admin/engineering/equipment",
            icon: "⚙",
        });
        v.push(NavItem {
            label: "eng.inspection",
            href: "/admin/engineering/rounds",
            icon: "⌖",
        });
    }
    if me.can(Permission::NoticesPublish) {
        v.push(NavItem {
            label: "cm.notices",
            href: "/admin/notices",
            icon: "⚑",
        });
        v.push(NavItem {
            label: "cm.surveys",
            href: "/admin/surveys",
            icon: "✎",
        });
        v.push(NavItem {
            label: "cm.events",
            href: "/admin/events",
            icon: "✦",
        });
        v.push(NavItem {
            label: "notify.broadcasts",
            href: "/admin/broadcasts",
            icon: "✉",
        });
    }
    if me.can(Permission::AmenitiesManage) {
        v.push(NavItem {
            label: "am.desk",
            href: "/admin/amenities",
            icon: "◎",
        });
    }
    v.push(NavItem {
        label: "notify.title",
        href: "/admin/inbox",
        icon: "✉",
    });
    v.push(NavItem {
        label: "admin.my_account",
        href: "/me",
        icon: "⚙",
    });
    v
}

/// The staff layout around every `/admin` page; visitors and residents are turned away.
#[component]
pub fn StaffLayout() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <RequireLogin f=move |me: Me| {
            if !me.is_staff() {
                return view! { <main class="page"><ErrorState error=AppError::Forbidden /></main> }.into_any();
            }
            let nav = staff_nav(&me);
            let who = me.display_name.clone();
            view! {
                <StaffShell nav=Signal::derive(move || nav.clone()) who=Signal::derive(move || who.clone())>
                    <Outlet />
                </StaffShell>
            }
            .into_any()
        } />
        <noscript>{move || i18n.t("common.noscript")}</noscript>
    }
}

#[component]
pub fn AdminHome() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <Title text=move || i18n.t("admin.overview") />
        <h1 class="page-title">{move || i18n.t("admin.overview")}</h1>
        {move || session.me.get().map(|me| {
            let grants = me.grants.clone();
            view! {
                <p class="lead">{move || i18n.t("admin.welcome")} " " {me.display_name.clone()}</p>
                <section class="card">
                    <h2 class="card__title">{move || i18n.t("account.roles")}</h2>
                    <table class="table">
                        <thead><tr><th>{move || i18n.t("admin.role")}</th><th>{move || i18n.t("admin.scope")}</th></tr></thead>
                        <tbody>
                            {grants.into_iter().map(|g| {
                                let zh = g.role_name_zh.clone();
                                let en = g.role_name_en.clone();
                                view! { <tr><td>{move || if i18n.code() == "en" { en.clone() } else { zh.clone() }}</td><td>{g.org_name.clone()}</td></tr> }
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
                <div class="tiles">
                    {me.can(Permission::UsersRead).then(|| view! { <a class="tile" href="/admin/users">{move || i18n.t("admin.users")}</a> })}
                    {me.can(Permission::AuditRead).then(|| view! { <a class="tile" href="/admin/audit">{move || i18n.t("admin.audit")}</a> })}
                </div>
            }
        })}
    }
}

pub(crate) fn role_name(i18n: crate::shared::i18n::I18n, zh: &str, en: &str) -> String {
    if i18n.code() == "en" {
        en.to_string()
    } else {
        zh.to_string()
    }
}

#[component]
pub fn AdminUsers() -> impl IntoView {
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    let reload = RwSignal::new(0u32);
    let first = Resource::new(move || (query.get(), reload.get()), |(q, _)| list_users(Some(q), None));
    let pager = Pager::<UserRow>::new(move |before| list_users(Some(query.get_untracked()), Some(before)));
    // Roles and orgs load with the list, awaited inside its one Transition and kept in plain
    // signals: several boundaries reading several shared resources with `.get()` can deadlock
    // leptos's SSR (leptos-rs/leptos#4578, #4673).
    let choices = Resource::new(|| (), |_| async { (list_roles().await, list_orgs().await) });
    let roles: RwSignal<Vec<RoleRow>> = RwSignal::new(vec![]);
    let orgs: RwSignal<Vec<crate::org::model::OrgNode>> = RwSignal::new(vec![]);

    let create = ServerAction::<CreateStaff>::new();
    let create_err = Signal::derive(move || create.value().get().and_then(|r: Result<_, AppError>| r.err()));
    Effect::new(move |_| {
        if let Some(Ok(u)) = create.value().get() {
            toast(format!("{} {}", i18n.t("admin.user_created"), u.login));
            reload.update(|v| *v += 1);
        }
    });
    let grant = ServerAction::<GrantRole>::new();
    let revoke = ServerAction::<RevokeGrant>::new();
    let status = ServerAction::<SetUserStatus>::new();
    Effect::new(move |_| {
        let results = [
            grant.value().get().map(|r| r.map(|_| "admin.grant_added")),
            revoke.value().get().map(|r| r.map(|_| "admin.grant_removed")),
            status.value().get().map(|r| r.map(|_| "common.saved")),
        ];
        for r in results.into_iter().flatten() {
            match r {
                Ok(k) => toast(i18n.t(k)),
                Err(e) => toast(e.localized(i18n.code())),
            }
        }
        reload.update(|v| *v += 1);
    });

    let role_options = move || {
        roles
            .get()
            .into_iter()
            .filter(|r: &RoleRow| r.is_staff)
            .map(|r| {
                let label = role_name(i18n, &r.name_zh, &r.name_en);
                view! { <option value=r.code.clone()>{label}</option> }
            })
            .collect_view()
    };
    let org_options = move || {
        orgs.get()
            .into_iter()
            .map(|o| {
                let indent = "　".repeat(o.depth.max(0) as usize);
                view! { <option value=o.id.0.to_string()>{format!("{indent}{}", o.name)}</option> }
            })
            .collect_view()
    };

    view! {
        <Title text=move || i18n.t("admin.users") />
        <h1 class="page-title">{move || i18n.t("admin.users")}</h1>
        <details class="card">
            <summary class="card__title">{move || i18n.t("admin.new_staff")}</summary>
            <ActionForm action=create attr:class="form form--grid" attr:novalidate=true>
                <CsrfField />
                <FormError error=create_err fields=&["login", "display_name", "phone", "password", "role_code", "org_id"] />
                <Field label="admin.login" name="login" autocomplete="off" hint="admin.login_hint" error=create_err />
                <Field label="auth.display_name" name="display_name" error=create_err />
                <Field label="auth.phone" name="phone" kind="tel" required=false error=create_err />
                <Field label="admin.initial_password" name="password" kind="password" autocomplete="new-password" hint="auth.password_rule" error=create_err />
                <div class="field">
                    <label for="f-role">{move || i18n.t("admin.role")}</label>
                    <select id="f-role" name="role_code">{role_options}</select>
                </div>
                <div class="field">
                    <label for="f-org">{move || i18n.t("admin.scope")}</label>
                    <select id="f-org" name="org_id">{org_options}</select>
                </div>
                <button type="submit" class="btn btn--primary">{move || i18n.t("admin.create")}</button>
            </ActionForm>
        </details>
        <div class="toolbar">
            <label class="sr-only" for="user-q">{move || i18n.t("common.search")}</label>
            <input id="user-q" type="search" class="input" placeholder=move || i18n.t("admin.search_users")
                on:change=move |ev| query.set(event_target_value(&ev)) />
        </div>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                let (rs, os) = choices.await;
                roles.set(rs.unwrap_or_default());
                orgs.set(os.unwrap_or_default());
                match first.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(p) => {
                    pager.first(p);
                    view! {
                        <Show when=move || !pager.is_empty() fallback=|| view! { <EmptyState title="admin.no_users" /> }>
                            <div class="table-wrap">
                                <table class="table table--cards">
                                    <thead><tr>
                                        <th>{move || i18n.t("admin.login")}</th>
                                        <th>{move || i18n.t("auth.display_name")}</th>
                                        <th>{move || i18n.t("auth.phone")}</th>
                                        <th>{move || i18n.t("admin.roles_scopes")}</th>
                                        <th>{move || i18n.t("admin.status")}</th>
                                    </tr></thead>
                                    <tbody>
                                        <For each=move || pager.rows.get() key=|u| (u.id, u.grants.len(), u.status) let:u>
                                            <UserRowView u grant revoke status role_options org_options />
                                        </For>
                                    </tbody>
                                </table>
                            </div>
                        </Show>
                        <LoadMore pager />
                    }.into_any()
                }
                }
            })}
        </Transition>
    }
}

#[component]
fn UserRowView<R, O, RV, OV>(
    u: UserRow,
    grant: ServerAction<GrantRole>,
    revoke: ServerAction<RevokeGrant>,
    status: ServerAction<SetUserStatus>,
    role_options: R,
    org_options: O,
) -> impl IntoView
where
    R: Fn() -> RV + Send + Sync + Copy + 'static,
    O: Fn() -> OV + Send + Sync + Copy + 'static,
    RV: IntoView + 'static,
    OV: IntoView + 'static,
{
    let i18n = use_i18n();
    let uid = u.id;
    let active = u.status == UserStatus::Active;
    let grants = u.grants.clone();
    view! {
        <tr>
            <td data-label=move || i18n.t("admin.login")>{u.login.clone()}</td>
            <td data-label=move || i18n.t("auth.display_name")>{u.display_name.clone()}</td>
            <td data-label=move || i18n.t("auth.phone")>{u.phone_masked.clone().unwrap_or_default()}</td>
            <td data-label=move || i18n.t("admin.roles_scopes")>
                <ul class="chips">
                    {grants.into_iter().map(|g| {
                        let gid = g.id;
                        let zh = g.role_name_zh.clone();
                        let en = g.role_name_en.clone();
                        view! {
                            <li class="chip">
                                {move || if i18n.code() == "en" { en.clone() } else { zh.clone() }} " · " {g.org_name.clone()}
                                <button class="chip__x" aria-label=move || i18n.t("admin.revoke")
                                    on:click=move |_| { revoke.dispatch(RevokeGrant { grant_id: gid }); }>"×"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <details>
                    <summary class="link">{move || i18n.t("admin.add_grant")}</summary>
                    <ActionForm action=grant attr:class="inline-form">
                        <CsrfField />
                        <input type="hidden" name="user_id" value=uid.0.to_string() />
                        <select name="role_code" aria-label=move || i18n.t("admin.role")>{role_options}</select>
                        <select name="org_id" aria-label=move || i18n.t("admin.scope")>{org_options}</select>
                        <button type="submit" class="btn btn--small">{move || i18n.t("admin.grant")}</button>
                    </ActionForm>
                </details>
            </td>
            <td data-label=move || i18n.t("admin.status")>
                <span class=if active { "badge badge--ok" } else { "badge badge--off" }>
                    {move || if active { i18n.t("admin.active") } else { i18n.t("admin.disabled") }}
                </span>
                <button class="btn btn--small btn--ghost"
                    on:click=move |_| { status.dispatch(SetUserStatus { user_id: uid, active: !active }); }>
                    {move || if active { i18n.t("admin.disable") } else { i18n.t("admin.enable") }}
                </button>
            </td>
        </tr>
    }
}

#[component]
pub fn AdminRoles() -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    let roles = Resource::new(move || reload.get(), |_| list_roles());
    let set = ServerAction::<SetRolePermission>::new();
    Effect::new(move |_| {
        match set.value().get() {
            Some(Ok(())) => toast(i18n.t("common.saved")),
            Some(Err(e)) => toast(e.localized(i18n.code())),
            None => {}
        }
        reload.update(|v| *v += 1);
    });
    view! {
        <Title text=move || i18n.t("admin.roles") />
        <h1 class="page-title">{move || i18n.t("admin.roles")}</h1>
        <p class="muted">{move || i18n.t("admin.roles_note")}</p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match roles.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(list) => view! {
                    <div class="table-wrap">
                        <table class="table matrix">
                            <thead><tr>
                                <th scope="col">{move || i18n.t("admin.permission")}</th>
                                {list.iter().map(|r| { let (zh, en) = (r.name_zh.clone(), r.name_en.clone()); view! { <th scope="col">{move || role_name(i18n, &zh, &en)}</th> } }).collect_view()}
                            </tr></thead>
                            <tbody>
                                {Permission::ALL.into_iter().map(|p| {
                                    let key = format!("perm.{}", p.code());
                                    view! {
                                        <tr>
                                            <th scope="row">{move || i18n.t(&key)}</th>
                                            {list.iter().map(|r| {
                                                let on = r.permissions.iter().any(|c| c == p.code());
                                                let role_id = r.id;
                                                let label = format!("{} / {}", r.code, p.code());
                                                view! {
                                                    <td>
                                                        <input type="checkbox" aria-label=label checked=on disabled=r.code == "sysadmin"
                                                            on:change=move |ev| {
                                                                set.dispatch(SetRolePermission { role_id, permission: p.code().to_string(), on: event_target_checked(&ev) });
                                                            } />
                                                    </td>
                                                }
                                            }).collect_view()}
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }})}
        </Transition>
    }
}
