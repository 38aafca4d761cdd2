//! 组织架构: the org tree the caller may see; add a region, office or community under a node
//! they may write, and rename nodes.
use crate::access::api::list_orgs;
use crate::estate::api::{org_contact, AddOrg, RenameOrg, SetOrgContact};
use crate::org::model::{OrgKind, OrgNode};
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{field_error, toast, CsrfField, EmptyState, ErrorState, Field, FormError, Loading};
use leptos::prelude::*;
use leptos_meta::Title;

const KINDS: [OrgKind; 4] = [OrgKind::Company, OrgKind::Region, OrgKind::Office, OrgKind::Community];

fn kind_key(k: OrgKind) -> String {
    format!("orgs.kind_{}", k.code())
}

#[component]
pub fn OrgsPage() -> impl IntoView {
    let i18n = use_i18n();
    let add = ServerAction::<AddOrg>::new();
    let add_err = Signal::derive(move || add.value().get().and_then(|r: Result<_, AppError>| r.err()));
    let rename = ServerAction::<RenameOrg>::new();
    Effect::new(move |_| {
        if let Some(Ok(n)) = add.value().get() {
            toast(format!("{} {}", i18n.t("orgs.added"), n.name));
        }
    });
    Effect::new(move |_| match rename.value().get() {
        Some(Ok(_)) => toast(i18n.t("common.saved")),
        Some(Err(e)) => toast(e.localized(i18n.code())),
        None => {}
    });
    let tree = Resource::new(move || (add.version().get(), rename.version().get()), |_| list_orgs());
    view! {
        <Title text=move || i18n.t("orgs.title") />
        <h1 class="page-title">{move || i18n.t("orgs.title")}</h1>
        <Transition fallback=Loading>
            {move || Suspend::new(async move { match tree.await {
                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                Ok(nodes) if nodes.is_empty() => view! { <EmptyState title="orgs.none" /> }.into_any(),
                Ok(nodes) => {
                    let parents: Vec<OrgNode> = nodes.iter().filter(|n| n.kind != OrgKind::Community).cloned().collect();
                    view! {
                        <details class="card">
                            <summary class="card__title">{move || i18n.t("orgs.new")}</summary>
                            <ActionForm action=add attr:class="form form--grid" attr:novalidate=true>
                                <CsrfField />
                                <FormError error=add_err fields=&["parent_id", "kind", "name", "code"] />
                                <div class="field">
                                    <label for="f-parent">{move || i18n.t("orgs.parent")}</label>
                                    <select id="f-parent" name="parent_id">
                                        {parents.into_iter().map(|o| {
                                            let indent = "　".repeat(o.depth.max(0) as usize);
                                            view! { <option value=o.id.0.to_string()>{format!("{indent}{}", o.name)}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="f-kind">{move || i18n.t("orgs.kind")}</label>
                                    <select id="f-kind" name="kind">
                                        {KINDS[1..].iter().map(|k| {
                                            let key = kind_key(*k);
                                            view! { <option value=k.code() selected=*k == OrgKind::Community>{move || i18n.t(&key)}</option> }
                                        }).collect_view()}
                                    </select>
                                    <p class="field__hint">{move || i18n.t("orgs.kind_hint")}</p>
                                </div>
                                <Field label="orgs.name" name="name" error=add_err />
                                <Field label="orgs.code" name="code" hint="orgs.code_hint" autocomplete="off" error=add_err />
                                <button type="submit" class="btn btn--primary">{move || i18n.t("admin.create")}</button>
                            </ActionForm>
                        </details>
                        <ul class="tree card">
                            {nodes.into_iter().map(|n| {
                                let k = kind_key(n.kind);
                                let id = n.id.0.to_string();
                                let label = format!("{} {}", i18n.t("orgs.rename"), n.name);
                                view! {
                                    <li class="tree__node" style=format!("--depth:{}", n.depth.max(0))>
                                        <span class="badge">{move || i18n.t(&k)}</span>
                                        <ActionForm action=rename attr:class="inline-form tree__form">
                                            <CsrfField />
                                            <input type="hidden" name="id" value=id />
                                            <input type="text" name="name" class="input input--small tree__name" value=n.name.clone() aria-label=label />
                                            <button type="submit" class="btn btn--small">{move || i18n.t("common.save")}</button>
                                        </ActionForm>
                                        <span class="muted">{n.code.clone()}</span>
                                        {(n.kind != OrgKind::Community).then(|| view! { <ContactForm id=n.id /> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }})}
        </Transition>
    }
}

/// How residents under a node reach the property: opened on demand, saved on its own.
#[component]
fn ContactForm(id: crate::shared::ids::OrgId) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let save = ServerAction::<SetOrgContact>::new();
    let err = Signal::derive(move || save.value().get().and_then(|r: Result<_, AppError>| r.err()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            toast(i18n.t("common.saved"));
        }
    });
    let current = Resource::new(
        move || open.get(),
        move |o| async move {
            if o {
                org_contact(id).await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    let f = move |name: &str| format!("c-{}-{name}", id.0);
    view! {
        <details class="tree__contact" on:toggle=move |_| open.set(true)>
            <summary>{move || i18n.t("orgs.contact")}</summary>
            <p class="field__hint">{move || i18n.t("orgs.contact_hint")}</p>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match current.await {
                        Err(e) => view! { <ErrorState error=e /> }.into_any(),
                        Ok(None) => ().into_any(),
                        Ok(Some(k)) => view! {
                            <ActionForm action=save attr:class="form" attr:novalidate=true>
                                <CsrfField />
                                <FormError error=err fields=&["phone", "address", "hours"] />
                                <input type="hidden" name="id" value=id.0.to_string() />
                                {["phone", "address", "hours"].into_iter().map(|name| {
                                    let value = match name { "phone" => k.phone.clone(), "address" => k.address.clone(), _ => k.hours.clone() };
                                    let label = format!("orgs.contact_{name}");
                                    let msg = field_error(err, name);
                                    let (id_, err_id) = (f(name), format!("{}-err", f(name)));
                                    view! {
                                        <div class="field" class:field--error=move || msg.get().is_some()>
                                            <label for=id_.clone()>{move || i18n.t(&label)}</label>
                                            <input id=id_.clone() class="input" name=name value=value
                                                type=if name == "phone" { "tel" } else { "text" }
                                                aria-invalid=move || msg.get().is_some().then_some("true") aria-describedby=err_id.clone() />
                                            <p class="field__error" id=err_id role="alert">{move || msg.get()}</p>
                                        </div>
                                    }
                                }).collect_view()}
                                <button type="submit" class="btn btn--small" disabled=move || save.pending().get()>{move || i18n.t("common.save")}</button>
                            </ActionForm>
                        }.into_any(),
                    }
                })}
            </Transition>
        </details>
    }
}
