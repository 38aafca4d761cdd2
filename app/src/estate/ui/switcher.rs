//! 当前房屋: for a resident with several homes, which one 首页, 社区 and 缴费 show. The choice is
//! kept on the server (every device agrees); the page then loads again for the home chosen.
use crate::estate::api::{my_current_home, ChooseHome};
use crate::shared::i18n::use_i18n;
use crate::shared::ids::UnitId;
use leptos::prelude::*;

/// A labelled picker of the caller's homes; nothing with one home or none.
#[component]
pub fn HomeSwitcher() -> impl IntoView {
    let i18n = use_i18n();
    let homes = Resource::new(|| (), |_| my_current_home());
    let choose = ServerAction::<ChooseHome>::new();
    Effect::new(move |_| match choose.value().get() {
        // Every part of the page is the home's: load it again, as the server renders it.
        #[cfg(feature = "hydrate")]
        Some(Ok(_)) => {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        }
        Some(Err(e)) => crate::shared::ui::toast(e.localized(i18n.code())),
        _ => {}
    });
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move { match homes.await {
                Ok(h) if h.homes.len() > 1 => {
                    let current = h.current;
                    view! {
                        <label class="home-switcher" data-testid="home-switcher">
                            <span class="home-switcher__label">{move || i18n.t("records.current_home")}</span>
                            <select class="home-switcher__select" disabled=move || choose.pending().get()
                                on:change=move |ev| {
                                    if let Ok(id) = event_target_value(&ev).parse::<i64>() {
                                        choose.dispatch(ChooseHome { unit: UnitId(id) });
                                    }
                                }>
                                {h.homes.into_iter().map(|c| view! {
                                    <option value=c.unit.0.to_string() selected=current == Some(c.unit)>
                                        {format!("{} {}", c.community, c.number)}
                                    </option>
                                }).collect_view()}
                            </select>
                        </label>
                    }.into_any()
                }
                _ => ().into_any(),
            }})}
        </Suspense>
    }
}
