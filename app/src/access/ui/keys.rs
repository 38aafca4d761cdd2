//! API 密钥: system administrators create keys for integrations, each holding one role over
//! one org subtree, and revoke them. A new key is shown once.
use super::admin::role_name;
use crate::access::api::{list_api_keys, list_orgs, list_roles, CreateApiKey, RevokeApiKey};
use crate::access::model::RoleRow;
use crate::org::model::OrgNode;
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{toast, CsrfField, EmptyState, ErrorState, Field, FormError, Loading};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AdminApiKeys() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateApiKey>::new();
    let create_err = Signal::derive(move || create.value().get().and_then(|r: Result<_, AppError>| r.err()));
    let fresh = Signal::derive(move || create.value().get().and_then(Result::ok));
    let revoke = ServerAction::<RevokeApiKey>::new();
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(())) => toast(i18n.t("keys.revoked")),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    let data = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| async { (list_api_keys().await, list_roles().await, list_orgs().await) },
    );
    view! {
        <Title text=move || i18n.t("keys.title") />
        <h1 class="page-title">{move || i18n.t("keys.title")}</h1>
        <p class="muted">{move || i18n.t("keys.intro")}</p>
        {move || fresh.get().map(|k| view! {
            <div class="alert alert--ok" role="status">
                <p>{move || i18n.t("keys.copy_now")}</p>
                <code class="secret" data-testid="new-key">{k.key.clone()}</code>
            </div>
        })}
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                let (keys, rs, os) = data.await;
                let roles: Vec<RoleRow> = rs.unwrap_or_default();
                let orgs: Vec<OrgNode> = os.unwrap_or_default();
                let form = view! {
                    <details class="card">
                        <summary class="card__title">{move || i18n.t("keys.new")}</summary>
                        <ActionForm action=create attr:class="form form--grid" attr:novalidate=true>
                            <CsrfField />
                            <FormError error=create_err fields=&["name", "role_code", "org_id"] />
                            <Field label="keys.name" name="name" hint="keys.name_hint" autocomplete="off" error=create_err />
                            <div class="field">
                                <label for="f-key-role">{move || i18n.t("admin.role")}</label>
                                <select id="f-key-role" name="role_code">
                                    {roles.iter().filter(|r| r.is_staff && r.code != "sysadmin").map(|r| {
                                        let label = role_name(i18n, &r.name_zh, &r.name_en);
                                        view! { <option value=r.code.clone()>{label}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="f-key-org">{move || i18n.t("admin.scope")}</label>
                                <select id="f-key-org" name="org_id">
                                    {orgs.iter().map(|o| {
                                        let indent = "　".repeat(o.depth.max(0) as usize);
                                        view! { <option value=o.id.0.to_string()>{format!("{indent}{}", o.name)}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <button type="submit" class="btn btn--primary">{move || i18n.t("admin.create")}</button>
                        </ActionForm>
                    </details>
                };
                let list = match keys {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <EmptyState title="keys.none" /> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap">
                            <table class="table table--cards keys">
                                <thead><tr>
                                    <th>{move || i18n.t("keys.name")}</th>
                                    <th>{move || i18n.t("keys.prefix")}</th>
                                    <th>{move || i18n.t("admin.roles_scopes")}</th>
                                    <th>{move || i18n.t("keys.last_used")}</th>
                                    <th>{move || i18n.t("admin.status")}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|k| {
                                        let id = k.id.0.to_string();
                                        view! {
                                            <tr>
                                                <td data-label=move || i18n.t("keys.name")>{k.name.clone()}</td>
                                                <td data-label=move || i18n.t("keys.prefix")><code>{format!("{}…", k.prefix)}</code></td>
                                                <td data-label=move || i18n.t("admin.roles_scopes")>{format!("{} @ {}", k.role_code, k.org_name)}</td>
                                                <td data-label=move || i18n.t("keys.last_used")>{k.last_used_at.clone().unwrap_or_else(|| "—".into())}</td>
                                                <td data-label=move || i18n.t("admin.status")>
                                                    {if k.revoked {
                                                        view! { <span class="badge">{move || i18n.t("keys.is_revoked")}</span> }.into_any()
                                                    } else {
                                                        view! {
                                                            <ActionForm action=revoke attr:class="inline-form">
                                                                <CsrfField />
                                                                <input type="hidden" name="id" value=id.clone() />
                                                                <button type="submit" class="btn btn--small btn--danger-ghost">{move || i18n.t("keys.revoke")}</button>
                                                            </ActionForm>
                                                        }.into_any()
                                                    }}
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                };
                view! { {form} {list} }
            })}
        </Transition>
    }
}
