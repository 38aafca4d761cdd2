//! The one "load more" of every keyset-paged list: the rows shown so far, the cursor of the
//! next page, and a button that appends it. A list that changes its filter hands its new first
//! page to [`Pager::first`]; a "more" reply for the old filter that arrives later is dropped.
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::pagination::Page;
use leptos::prelude::*;
use std::future::Future;

type More<T> = Action<(u64, i64), (u64, Result<Page<T>, AppError>)>;

/// A paged list's state. `Copy`: hand it to closures and components freely.
pub struct Pager<T: Send + Sync + 'static> {
    /// The rows shown so far, in the server's order.
    pub rows: RwSignal<Vec<T>>,
    next: RwSignal<Option<i64>>,
    /// Bumped by every new first page; "more" replies carry the generation they were asked in.
    generation: RwSignal<u64>,
    error: RwSignal<Option<AppError>>,
    more: More<T>,
}

impl<T: Send + Sync + 'static> Clone for Pager<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for Pager<T> {}

impl<T: Clone + Send + Sync + 'static> Pager<T> {
    /// `fetch_more(cursor)` loads the page after `cursor` under the list's current filter.
    pub fn new<F, Fut>(fetch_more: F) -> Self
    where
        F: Fn(i64) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Page<T>, AppError>> + Send + 'static,
    {
        let rows = RwSignal::new(vec![]);
        let next = RwSignal::new(None);
        let generation = RwSignal::new(0u64);
        let error = RwSignal::new(None);
        let more: More<T> = Action::new(move |&(generation, cursor): &(u64, i64)| {
            let page = fetch_more(cursor);
            async move { (generation, page.await) }
        });
        Effect::new(move |_| {
            let Some((asked_in, reply)) = more.value().get() else {
                return;
            };
            if asked_in != generation.get_untracked() {
                return;
            }
            match reply {
                Ok(p) => {
                    rows.update(|r| r.extend(p.items));
                    next.set(p.next);
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
        Pager {
            rows,
            next,
            generation,
            error,
            more,
        }
    }

    /// Shows `page` as the list's first page (a new filter or a reload), replacing the rows.
    pub fn first(&self, page: Page<T>) {
        self.generation.update(|g| *g += 1);
        self.rows.set(page.items);
        self.next.set(page.next);
        self.error.set(None);
    }

    /// True when no row is shown.
    pub fn is_empty(&self) -> bool {
        self.rows.with(Vec::is_empty)
    }

    fn load_more(&self) {
        if self.more.pending().get_untracked() {
            return;
        }
        if let Some(cursor) = self.next.get_untracked() {
            self.more.dispatch((self.generation.get_untracked(), cursor));
        }
    }
}

/// The button under a paged list: shown while a next page exists, busy while it loads, and
/// the error in words when loading it failed (pressing again retries).
#[component]
pub fn LoadMore<T: Clone + Send + Sync + 'static>(pager: Pager<T>) -> impl IntoView {
    let i18n = use_i18n();
    let pending = pager.more.pending();
    view! {
        <Show when=move || pager.error.with(Option::is_some)>
            <div class="alert alert--error" role="alert">
                {move || pager.error.get().map(|e| e.localized(i18n.code())).unwrap_or_default()}
            </div>
        </Show>
        <Show when=move || pager.next.with(Option::is_some)>
            <button class="btn btn--block" type="button" disabled=move || pending.get()
                aria-busy=move || pending.get().to_string()
                on:click=move |_| pager.load_more()>
                {move || i18n.t(if pending.get() { "common.loading" } else { "common.load_more" })}
            </button>
        </Show>
    }
}
