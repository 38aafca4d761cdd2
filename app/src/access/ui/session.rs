//! The current user. The server resolves it with the request and serializes it into the page;
//! the browser reads it back during hydration, so every page renders its signed-in state on
//! the first pass, with no Suspense around it. Refreshed after login, logout or a change.
use crate::access::model::Me;
use leptos::prelude::*;

/// What the server's session layer found for a page request (a request extension).
#[derive(Debug, Clone)]
pub struct InitialMe(pub Option<Me>);

#[derive(Clone, Copy)]
pub struct Session {
    /// The signed-in user; `None` for a visitor.
    pub me: RwSignal<Option<Me>>,
}

impl Session {
    /// Re-reads the current user (after login, logout or a preference change).
    pub fn refresh(&self) {
        let me = self.me;
        leptos::task::spawn_local(async move {
            if let Ok(m) = crate::access::api::get_me().await {
                me.set(m);
            }
        });
    }

    /// Sets the user directly (login and signup answer with it).
    pub fn set(&self, me: Option<Me>) {
        self.me.set(me);
    }
}

pub fn provide_session() {
    let initial = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            use_context::<http::request::Parts>()
                .and_then(|p| p.extensions.get::<InitialMe>().cloned())
                .and_then(|m| m.0)
        }
        #[cfg(not(feature = "ssr"))]
        {
            None
        }
    })
    .into_inner();
    provide_context(Session {
        me: RwSignal::new(initial),
    });
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
