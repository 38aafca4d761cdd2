//! The current user, loaded once per page and refreshed after login/logout.
use crate::access::api::get_me;
use crate::access::model::Me;
use crate::shared::error::AppError;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Session {
    pub me: Resource<Result<Option<Me>, AppError>>,
    version: RwSignal<u32>,
}

impl Session {
    /// Re-reads the current user (after login, logout or a preference change).
    pub fn refresh(&self) {
        self.version.update(|v| *v += 1);
    }
}

pub fn provide_session() {
    let version = RwSignal::new(0u32);
    let me = Resource::new(move || version.get(), |_| get_me());
    provide_context(Session { me, version });
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
