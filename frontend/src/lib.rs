//! The browser entry: hydrates the server-rendered page with the same `<App/>`.
//!
//! Hydration is asynchronous: a page in a lazily loaded part of the bundle hydrates once that
//! part has arrived (the server's preload hints have usually fetched it alongside this one).
#![recursion_limit = "512"]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_broken(&info.to_string());
    }));
    let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) else {
        return;
    };
    // `hydrate_from_async` sets up Leptos's executor itself.
    wasm_bindgen_futures::spawn_local(async move {
        // The page's words come beside the bundle (the preload link has usually fetched them
        // already). Without them the page would hydrate showing keys: it stays as the server
        // rendered it instead, which works without script (its forms post natively).
        if let Err(e) = app::shared::i18n::load_words(app::shared::i18n::initial_locale()).await {
            leptos::logging::error!("not hydrating this page: {e}");
            return;
        }
        leptos::mount::hydrate_from_async(body.clone(), app::App).await.forget();
        // A marker for end-to-end tests and for CSS that should only apply once interactive.
        let _ = body.set_attribute("data-hydrated", "");
    });
}

/// After a panic the page no longer answers taps: say so, with a link that reloads it, instead
/// of leaving buttons that silently do nothing. `data-broken` carries the message for tests.
fn show_broken(message: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = doc.body() else { return };
    if body.has_attribute("data-broken") {
        return;
    }
    let _ = body.set_attribute("data-broken", message);
    let en = doc
        .document_element()
        .and_then(|h| h.get_attribute("lang"))
        .is_some_and(|l| l.starts_with("en"));
    let (text, again) = if en {
        ("Something went wrong on this page; it may not respond.", "Reload")
    } else {
        ("页面出了点问题，可能无法操作。", "重新载入")
    };
    let Ok(notice) = doc.create_element("div") else { return };
    notice.set_class_name("app-broken");
    let _ = notice.set_attribute("role", "alert");
    notice.set_text_content(Some(text));
    if let Ok(link) = doc.create_element("a") {
        // An empty href is this page: following it reloads without any script. `rel=external`
        // keeps the router (whose listener may still run) from taking the click.
        let _ = link.set_attribute("href", "");
        let _ = link.set_attribute("rel", "external");
        link.set_text_content(Some(again));
        let _ = notice.append_child(&link);
    }
    let _ = body.append_child(&notice);
}
