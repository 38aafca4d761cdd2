//! `/i/{token}`: what a scanned QR code opens on a phone. A checkpoint's form — each item
//! 正常/异常 with large buttons, a note, photos — that keeps the result and its photos on the
//! phone when the network is gone and sends them (and anything else waiting) when it returns;
//! or a piece of equipment's card.
use super::inspection::ResultItem;
use super::outbox::{self, Flushed, Waiting};
use super::{category_key, ChecklistToggles, DueBadge};
use crate::access::ui::use_session;
use crate::engineering::api::{record_inspection, scan_code};
use crate::engineering::model::*;
use crate::files::model::HeldPhoto;
use crate::files::ui::PhotoPicker;
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::pagination::query_value;
use crate::shared::ui::{ErrorState, FormError, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ScanPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = Memo::new(move |_| params.with(|p| p.get("token").unwrap_or_default()));
    let session = use_session();
    // Re-rendered when the user changes, not on every refresh of their data.
    let user = Memo::new(move |_| session.me.with(|m| m.as_ref().map(|m| m.id.0)));
    view! {
        <Title text=move || i18n.t("eng.inspection") />
        <main class="page scan" id="main">
            {move || match user.get() {
                None => {
                    let next = query_value(&format!("/i/{}", token.get()));
                    view! {
                        <div class="empty">
                            <div class="empty__icon" aria-hidden="true">"⌖"</div>
                            <p class="empty__title">{move || i18n.t("eng.login_to_inspect")}</p>
                            <a class="btn btn--primary" href=format!("/login?next={next}")>{move || i18n.t("auth.login")}</a>
                        </div>
                    }.into_any()
                }
                Some(u) => view! { <ScanBody token=token.get() user=u /> }.into_any(),
            }}
        </main>
    }
}

#[component]
fn ScanBody(token: String, user: i64) -> impl IntoView {
    let scan = Resource::new(move || token.clone(), scan_code);
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match scan.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(Scan::Checkpoint(c)) => view! { <InspectForm c user /> }.into_any(),
                    Ok(Scan::Equipment(e)) => view! { <EquipmentCard e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn EquipmentCard(e: EquipmentRow) -> impl IntoView {
    let i18n = use_i18n();
    let cat = category_key(&e.category);
    view! {
        <section class="card">
            <h1 class="scan__title"><span class="mono">{e.code.clone()}</span> " " {e.name.clone()}</h1>
            <dl class="facts">
                <dt>{move || i18n.t("eng.category")}</dt><dd>{move || i18n.t(&cat)}</dd>
                <dt>{move || i18n.t("eng.location")}</dt><dd>{e.location.clone()}</dd>
                <dt>{move || i18n.t("eng.model")}</dt><dd>{e.model.clone()}</dd>
                <dt>{move || i18n.t("eng.next_due")}</dt><dd><DueBadge state=e.due_state date=e.next_due.clone() /></dd>
            </dl>
            <a class="btn btn--primary btn--block" href=format!("/admin/engineering/equipment/{}", e.id)>{move || i18n.t("eng.open_ledger")}</a>
        </section>
    }
}

/// What the form last did.
#[derive(Debug, Clone, PartialEq)]
enum Said {
    Sent(Box<ResultRow>),
    /// Kept on the phone; this many wait.
    Kept(usize),
    Flushed(Flushed),
}

#[component]
fn InspectForm(c: ScanCheckpoint, user: i64) -> impl IntoView {
    let i18n = use_i18n();
    let answers: RwSignal<Vec<Answer>> = RwSignal::new(vec![]);
    let note = RwSignal::new(String::new());
    let photos: RwSignal<Vec<i64>> = RwSignal::new(vec![]);
    // Photos taken without signal, kept on the phone until the result goes.
    let held: RwSignal<Vec<HeldPhoto>> = RwSignal::new(vec![]);
    let busy = RwSignal::new(false);
    let sending = RwSignal::new(false);
    let waiting = RwSignal::new(0usize);
    let said: RwSignal<Option<Said>> = RwSignal::new(None);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    // Bumped after a result leaves the form: the toggles start again at 正常.
    let round_no = RwSignal::new(0u32);
    let checkpoint = c.id;
    let items = c.checklist.clone();

    let send_waiting = move || {
        leptos::task::spawn_local(async move {
            let f = outbox::flush(user, i18n.code()).await;
            waiting.set(f.left);
            if !f.sent.is_empty() || !f.refused.is_empty() {
                said.set(Some(Said::Flushed(f)));
            }
        });
    };
    // In the browser only: send what an earlier visit kept, now, whenever the signal returns,
    // and every 20 s while something waits (an `online` event can be missed).
    Effect::new(move |_| {
        leptos::task::spawn_local(outbox::drop_orphaned_photos());
        waiting.set(outbox::pending(user).len());
        if waiting.get_untracked() > 0 && outbox::online() {
            send_waiting();
        }
        let on_line = window_event_listener(leptos::ev::online, move |_| send_waiting());
        let retry = set_interval_with_handle(
            move || {
                if waiting.get_untracked() > 0 && outbox::online() {
                    send_waiting();
                }
            },
            std::time::Duration::from_secs(20),
        )
        .ok();
        on_cleanup(move || {
            on_line.remove();
            if let Some(h) = retry {
                h.clear();
            }
        });
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() {
            return;
        }
        let r = NewResult {
            checkpoint_id: checkpoint,
            client_id: outbox::new_client_id(),
            answers: answers.get_untracked(),
            note: note.get_untracked(),
            photos: photos.get_untracked(),
            recorded_at: Some(outbox::now_ms()),
        };
        let clear = move || {
            note.set(String::new());
            photos.set(vec![]);
            held.set(vec![]);
            round_no.update(|n| *n += 1);
            error.set(None);
        };
        let kept_photos = held.get_untracked();
        if !outbox::online() || !kept_photos.is_empty() {
            // Photos on the phone go through the outbox, which uploads them first.
            let n = outbox::keep(
                user,
                Waiting {
                    result: r,
                    held: kept_photos,
                },
            );
            waiting.set(n);
            said.set(Some(Said::Kept(n)));
            clear();
            if outbox::online() {
                send_waiting();
            }
            return;
        }
        sending.set(true);
        leptos::task::spawn_local(async move {
            match record_inspection(r.clone()).await {
                Ok(row) => {
                    said.set(Some(Said::Sent(Box::new(row))));
                    clear();
                }
                Err(e) if outbox::keep_for_later(&e) => {
                    let n = outbox::keep(
                        user,
                        Waiting {
                            result: r,
                            held: vec![],
                        },
                    );
                    waiting.set(n);
                    said.set(Some(Said::Kept(n)));
                    clear();
                }
                Err(e) => error.set(Some(e)),
            }
            sending.set(false);
        });
    };

    let err = Signal::derive(move || error.get());
    view! {
        <header class="scan__head">
            <h1 class="scan__title">{c.name.clone()}</h1>
            <p class="muted">{c.location.clone()} " · " {c.community.clone()}</p>
            {c.equipment.clone().map(|e| view! { <p class="small">{move || i18n.t("eng.equipment")} ": " {e}</p> })}
            {match c.round.clone() {
                Some((route, span)) => view! { <p class="badge badge--info scan__round">{route} " " {span}</p> }.into_any(),
                None => view! { <p class="muted small">{move || i18n.t("eng.no_open_round")}</p> }.into_any(),
            }}
        </header>
        <Status said waiting />
        {(!c.active).then(|| view! { <p class="alert alert--warn">{move || i18n.t("eng.checkpoint_inactive")}</p> })}
        <form class="form scan__form" on:submit=submit novalidate>
            <FormError error=err fields=&["note", "photos"] />
            {move || {
                round_no.track();
                view! { <ChecklistToggles items=items.clone() answers /> }
            }}
            <div class="field">
                <label for="scan-note">{move || i18n.t("eng.note")}</label>
                <textarea class="input" id="scan-note" rows="2" maxlength="500" placeholder=move || i18n.t("eng.note_hint")
                    prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            </div>
            <PhotoPicker ids=photos busy error=err held />
            <button type="submit" class="btn btn--primary btn--block scan__submit"
                disabled=move || sending.get() || busy.get()>
                {move || i18n.t(if sending.get() { "common.working" } else { "eng.submit" })}
            </button>
        </form>
    }
}

/// The outcome of the last send, and what still waits on the phone.
#[component]
fn Status(said: RwSignal<Option<Said>>, waiting: RwSignal<usize>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="scan__status" role="status" aria-live="polite" data-testid="scan-status">
            {move || said.get().map(|s| match s {
                Said::Sent(r) => view! {
                    <div class="alert alert--ok">
                        <p><strong>{move || i18n.t("eng.sent")}</strong></p>
                        <ul class="list"><ResultItem r=*r /></ul>
                    </div>
                }.into_any(),
                Said::Kept(n) => view! {
                    <p class="alert alert--warn" data-testid="kept">{move || i18n.t("eng.kept_offline").replace("{n}", &n.to_string())}</p>
                }.into_any(),
                Said::Flushed(f) => {
                    let n = f.sent.len();
                    let refused: Vec<String> = f.refused.iter().map(|e| e.localized(i18n.code())).collect();
                    view! {
                        <div class="alert alert--ok" data-testid="flushed">
                            {(n > 0).then(|| view! { <p><strong>{move || i18n.t("eng.flushed").replace("{n}", &n.to_string())}</strong></p> })}
                            <ul class="list">{f.sent.into_iter().map(|r| view! { <ResultItem r /> }).collect_view()}</ul>
                            {refused.into_iter().map(|m| view! {
                                <p class="alert alert--error">{move || i18n.t("eng.refused")} " " {m}</p>
                            }).collect_view()}
                        </div>
                    }.into_any()
                }
            })}
            {move || (waiting.get() > 0).then(|| view! {
                <p class="muted small" data-testid="waiting">{move || i18n.t("eng.waiting").replace("{n}", &waiting.get().to_string())}</p>
            })}
        </div>
    }
}
