//! Parts of the browser bundle that load when first needed.
//!
//! `lazy_pages!` declares one part: a module holding a route type for each of its pages (for
//! `<Route view=Lazy::<part::Page>::new() />`). The server renders those pages as any other and
//! adds preload hints for the part's files; in the browser the part's WASM is fetched the first
//! time one of its pages is shown (or a link to it is about to be followed, see [`prefetch_on_intent`]).
//! A part that cannot be fetched (the phone went offline) shows [`PartFailed`] instead of
//! stopping the app, and the next visit tries again.
use crate::shared::i18n::use_i18n;
use leptos::prelude::*;

/// Declares a lazily loaded part of the bundle: `lazy_pages!(mod billing_admin { Items => view! { <ItemsPage/> }, ... });`.
/// Each name becomes a route type; `prefetch()` starts loading the part.
#[macro_export]
macro_rules! lazy_pages {
    ($(#[$m:meta])* $vis:vis mod $part:ident { $($page:ident => $view:expr),+ $(,)? }) => {
        $(#[$m])*
        $vis mod $part {
            #[allow(unused_imports)]
            use super::*;
            use ::leptos::prelude::{AnyView, IntoAny};

            #[derive(Clone, Copy)]
            #[doc(hidden)]
            pub enum Which { $($page),+ }

            fn render(which: Which) -> AnyView {
                match which { $(Which::$page => IntoAny::into_any($view)),+ }
            }

            #[cfg(feature = "hydrate")]
            #[::leptos::wasm_split::wasm_split(
                $part,
                wasm_split_path = ::leptos::wasm_split,
                preload(#[doc(hidden)] __preload),
                fallible
            )]
            fn pages(which: Which) -> Result<AnyView, ::leptos::wasm_split::SplitLoaderError> {
                Ok(render(which))
            }

            #[cfg(not(feature = "hydrate"))]
            async fn pages(which: Which) -> Result<AnyView, ::std::convert::Infallible> {
                // Asks the response for preload hints of this part's files.
                ::leptos::prefetch_lazy_fn_on_server(stringify!($part));
                Ok(render(which))
            }

            /// Starts fetching this part, so that following a link to it does not wait.
            pub fn prefetch() {
                #[cfg(feature = "hydrate")]
                ::leptos::task::spawn_local(fetch());
            }

            /// Fetches this part; done when it is loaded (or could not be: a failed fetch is not
            /// remembered, the visit itself tries again).
            #[allow(dead_code)]
            pub fn fetch() -> ::std::pin::Pin<::std::boxed::Box<dyn ::std::future::Future<Output = ()>>> {
                ::std::boxed::Box::pin(async {
                    #[cfg(feature = "hydrate")]
                    let _ = __preload().await;
                })
            }

            $(
                pub struct $page;
                impl ::leptos_router::LazyRoute for $page {
                    fn data() -> Self {
                        Self
                    }
                    // The router awaits this before it shows or hydrates the page, so that
                    // `view` finds the part loaded and renders at once (hydration needs that).
                    async fn preload() {
                        #[cfg(feature = "hydrate")]
                        let _ = __preload().await;
                    }
                    async fn view(_: Self) -> AnyView {
                        match pages(Which::$page).await {
                            Ok(view) => view,
                            #[allow(unreachable_patterns)]
                            Err(_) => IntoAny::into_any(::leptos::prelude::view! { <$crate::shared::ui::PartFailed /> }),
                        }
                    }
                }
            )+
        }
    };
}

/// What a page shows when its part of the bundle could not be fetched.
#[component]
pub fn PartFailed() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <main class="page page--center">
            <div class="empty empty--error" role="alert">
                <div class="empty__icon" aria-hidden="true">"!"</div>
                <p class="empty__title">{move || i18n.t("error.part_failed_title")}</p>
                <p class="empty__body">{move || i18n.t("error.part_failed_body")}</p>
                // A full load: the server renders the page, and the part is fetched again.
                <a class="btn btn--primary" href=move || leptos_router::hooks::use_location().pathname.get() rel="external">
                    {move || i18n.t("error.retry")}
                </a>
                <a class="btn" href="/">{move || i18n.t("error.back_home")}</a>
            </div>
        </main>
    }
}

/// Whether a link's path belongs to a part's prefix: a prefix ending in `/` matches the paths
/// under it; any other matches itself and the paths under it.
#[cfg(any(feature = "hydrate", test))]
fn part_matches(prefix: &str, path: &str) -> bool {
    if prefix.ends_with('/') {
        path.len() > prefix.len() && path.starts_with(prefix)
    } else {
        path == prefix || path.strip_prefix(prefix).is_some_and(|r| r.starts_with('/'))
    }
}

/// Starts fetching a lazy part as soon as the user shows the intent to open one of its pages:
/// a pointer over a link, a touch on it, or keyboard focus. `parts` maps a path prefix to the
/// `prefetch` of the parts its pages need (the first prefix that matches wins). Each prefix is
/// acted on once per page load.
pub fn prefetch_on_intent(parts: &'static [(&'static str, &'static [fn()])]) {
    #[cfg(feature = "hydrate")]
    {
        use std::cell::RefCell;
        use wasm_bindgen::JsCast;
        thread_local! {
            static ASKED: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
        }
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let on_intent = move |ev: web_sys::Event| {
            let Some(link) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.closest("a[href]").ok().flatten())
            else {
                return;
            };
            let Some(href) = link.get_attribute("href") else {
                return;
            };
            let path = href.split(['?', '#']).next().unwrap_or_default();
            let Some((prefix, prefetches)) = parts.iter().find(|(prefix, _)| part_matches(prefix, path)) else {
                return;
            };
            let first = ASKED.with(|a| {
                let mut a = a.borrow_mut();
                let first = !a.contains(prefix);
                if first {
                    a.push(prefix);
                }
                first
            });
            if first {
                prefetches.iter().for_each(|prefetch| prefetch());
            }
        };
        let handler = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(on_intent);
        for event in ["pointerover", "touchstart", "focusin"] {
            let opts = web_sys::AddEventListenerOptions::new();
            opts.set_passive(true);
            let _ = doc.add_event_listener_with_callback_and_add_event_listener_options(
                event,
                handler.as_ref().unchecked_ref(),
                &opts,
            );
        }
        // The listeners live as long as the page.
        handler.forget();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = parts;
}

/// A part's [`fetch`](crate::lazy_pages): done when the part is loaded.
pub type PartFetch = fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>;

/// Fetches the given parts a little after the page became interactive, one after the other and
/// in the order given, outside the back office (whose users do not open the resident's tabs): a
/// tab then opens without waiting for the network. One at a time, so that they never crowd out
/// what the user asks for meanwhile (a browser opens six connections to a server over HTTP/1.1,
/// and a part comes in up to a few hundred files).
pub fn prefetch_when_settled(parts: &'static [PartFetch]) {
    #[cfg(feature = "hydrate")]
    {
        let staff = web_sys::window()
            .and_then(|w| w.location().pathname().ok())
            .is_some_and(|p| p == "/admin" || p.starts_with("/admin/"));
        if !staff {
            leptos::prelude::set_timeout(
                move || {
                    leptos::task::spawn_local(async move {
                        for fetch in parts {
                            fetch().await;
                        }
                    })
                },
                std::time::Duration::from_millis(1500),
            );
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = parts;
}

#[cfg(test)]
mod tests {
    use super::part_matches;

    #[test]
    fn a_prefix_with_a_slash_matches_only_what_is_under_it() {
        assert!(part_matches("/repair/", "/repair/new"));
        assert!(part_matches("/repair/", "/repair/42"));
        assert!(
            !part_matches("/repair/", "/repair"),
            "the 报修 tab itself is its own part"
        );
        assert!(!part_matches("/repair/", "/repairs/1"));
    }

    #[test]
    fn a_prefix_without_a_slash_matches_itself_and_below_but_not_a_longer_word() {
        assert!(part_matches("/admin/billing", "/admin/billing"));
        assert!(part_matches("/admin/billing", "/admin/billing/run"));
        assert!(!part_matches("/admin/billing", "/admin/billings"));
        assert!(part_matches("/inbox", "/inbox"));
        assert!(!part_matches("/inbox", "/inboxes"));
    }
}
