//! The browser entry: hydrates the server-rendered page with the same `<App/>`.
//!
//! Hydration is asynchronous: a page in a lazily loaded part of the bundle hydrates once that
//! part has arrived (the server's preload hints have usually fetched it alongside this one).
#![recursion_limit = "512"]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) else {
        return;
    };
    // `hydrate_from_async` sets up Leptos's executor itself.
    wasm_bindgen_futures::spawn_local(async move {
        leptos::mount::hydrate_from_async(body.clone(), app::App).await.forget();
        // A marker for end-to-end tests and for CSS that should only apply once interactive.
        let _ = body.set_attribute("data-hydrated", "");
    });
}
