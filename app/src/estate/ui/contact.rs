//! How residents reach their property office: name, 一键呼叫 (a `tel:` link), address and
//! hours of the nearest office above each home. Shown in 我的 and, when online payment is off,
//! at the top of 缴费.
use crate::estate::api::my_contacts;
use crate::org::model::OrgContact;
use crate::shared::i18n::use_i18n;
use leptos::prelude::*;

/// One office's contact card.
#[component]
pub fn ContactCard(k: OrgContact) -> impl IntoView {
    let i18n = use_i18n();
    let dial = k.dial();
    view! {
        <section class="card contact" data-testid="office-contact" aria-label=move || i18n.t("homes.office")>
            <h2 class="card__title">{move || i18n.t("homes.office")} " · " {k.org.clone()}</h2>
            {(!dial.is_empty()).then(|| view! {
                <a class="btn btn--primary contact__call" href=format!("tel:{dial}")>
                    {move || i18n.t("homes.call")} " " {k.phone.clone()}
                </a>
            })}
            {(!k.address.is_empty()).then(|| view! { <p class="contact__line">{k.address.clone()}</p> })}
            {(!k.hours.is_empty()).then(|| view! { <p class="contact__line muted">{move || i18n.t("homes.hours")} " " {k.hours.clone()}</p> })}
        </section>
    }
}

/// The caller's offices (one card each); nothing while loading, on error, or when none is set.
#[component]
pub fn MyOfficeContacts() -> impl IntoView {
    let contacts = Resource::new(|| (), |_| my_contacts());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                contacts.await.unwrap_or_default().into_iter().map(|k| view! { <ContactCard k /> }).collect_view()
            })}
        </Transition>
    }
}
