//! Toasts: short confirmations that announce themselves to screen readers.
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Toasts(RwSignal<Vec<(u64, String)>>);

pub fn provide_toasts() {
    provide_context(Toasts(RwSignal::new(vec![])));
}

/// Shows a message for four seconds. One at a time: a new message replaces the one showing,
/// so quick saves never pile up over the form being worked on.
pub fn toast(msg: String) {
    if let Some(Toasts(list)) = use_context::<Toasts>() {
        let id = list.with_untracked(|l| l.iter().map(|(i, _)| *i).max().unwrap_or(0) + 1);
        list.set(vec![(id, msg)]);
        set_timeout(
            move || list.update(|l| l.retain(|(i, _)| *i != id)),
            std::time::Duration::from_secs(4),
        );
    }
}

#[component]
pub fn ToastHost() -> impl IntoView {
    let list = use_context::<Toasts>()
        .map(|t| t.0)
        .unwrap_or_else(|| RwSignal::new(vec![]));
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || list.get() key=|(id, _)| *id let:item>
                <div class="toast">{item.1}</div>
            </For>
        </div>
    }
}

/// Asks the browser's own yes/no question before something that cannot be undone (deleting
/// a document); true when the user agreed. Always false on the server.
pub fn confirm(question: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.confirm_with_message(question).ok())
            .unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = question;
        false
    }
}
