//! The photo picker of forms (a repair request, a technician's report, an inspection): take or
//! choose photos, watch each upload, remove one; the form sends the ids collected. The
//! document picker does the same for PDFs (an equipment's manuals).
#[cfg(feature = "hydrate")]
use super::model::{DocRef, FileRef};
use super::model::{HeldPhoto, DOC_ACCEPT, PHOTO_ACCEPT};
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ui::field_error;
use leptos::prelude::*;

// Built only in the browser (a server render has no chosen files).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq)]
enum State {
    Uploading,
    Done(i64),
    /// No signal: kept on the phone under this key, uploaded later with the form.
    Held(String),
    Failed(AppError),
}

impl State {
    /// What an item shows under it: a passing status, or why it failed.
    fn said(&self, i18n: crate::shared::i18n::I18n) -> (Option<String>, Option<String>) {
        match self {
            State::Uploading => (Some(i18n.t("files.uploading")), None),
            State::Held(_) => (Some(i18n.t("files.held")), None),
            State::Done(_) => (None, None),
            State::Failed(e) => (None, Some(e.localized(i18n.code()))),
        }
    }
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq)]
struct Item {
    /// Local, for finding it again when its upload answers.
    key: u32,
    name: String,
    /// A `blob:` URL of the chosen photo: shows it before (and without) a server copy. Empty
    /// for documents.
    preview: String,
    state: State,
}

/// The signals of one picker.
#[derive(Clone, Copy)]
struct Picker {
    items: RwSignal<Vec<Item>>,
    ids: RwSignal<Vec<i64>>,
    /// Where photos go that cannot be uploaded now (no signal), when the form allows it.
    held: Option<RwSignal<Vec<HeldPhoto>>>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    next_key: StoredValue<u32>,
    notice: RwSignal<Option<String>>,
}

impl Picker {
    fn new(ids: RwSignal<Vec<i64>>, held: Option<RwSignal<Vec<HeldPhoto>>>, busy: Option<RwSignal<bool>>) -> Self {
        let p = Picker {
            items: RwSignal::new(vec![]),
            ids,
            held,
            next_key: StoredValue::new(0),
            notice: RwSignal::new(None),
        };
        // Files whose id (or kept key) the form dropped (after sending, or a reset) go too.
        Effect::new(move |_| {
            let current = ids.get();
            let kept: Vec<String> = held
                .map(|h| h.with(|v| v.iter().map(|x| x.key.clone()).collect()))
                .unwrap_or_default();
            p.items.update(|v| {
                v.retain(|i| {
                    let keep = match &i.state {
                        State::Done(id) => current.contains(id),
                        State::Held(k) => kept.contains(k),
                        _ => true,
                    };
                    // The picture's memory goes with it.
                    #[cfg(feature = "hydrate")]
                    if !keep && !i.preview.is_empty() {
                        let _ = web_sys::Url::revoke_object_url(&i.preview);
                    }
                    keep
                })
            });
        });
        if let Some(busy) = busy {
            Effect::new(move |_| {
                busy.set(p.items.with(|v| v.iter().any(|i| i.state == State::Uploading)));
            });
        }
        p
    }

    /// Files chosen, uploaded or kept (failed ones do not count).
    fn taken(self) -> usize {
        self.items
            .with(|v| v.iter().filter(|i| !matches!(i.state, State::Failed(_))).count())
    }
}

/// Photos for a form, at most `max`. Each chosen photo is uploaded at once; `ids` holds the
/// uploaded ones in order (the form sends them, and may clear it after sending: the pictures
/// whose id left `ids` disappear). A photo the server refuses shows why under its name. With
/// `held`, a photo chosen without signal is kept on the phone instead and listed there; the
/// form then hands it to its own outbox.
#[component]
pub fn PhotoPicker(
    /// The uploaded photos' ids.
    ids: RwSignal<Vec<i64>>,
    #[prop(default = 6)] max: usize,
    /// i18n key of the group's label.
    #[prop(default = "files.photos")]
    label: &'static str,
    /// i18n key of a hint under the label.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// True while an upload is under way (a form waits before sending).
    #[prop(optional)]
    busy: Option<RwSignal<bool>>,
    /// The form's last error; shown here when it names `photos`.
    #[prop(optional, into)]
    error: Option<Signal<Option<AppError>>>,
    /// Photos kept on the phone while there is no signal (the form sends them later).
    #[prop(optional)]
    held: Option<RwSignal<Vec<HeldPhoto>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let p = Picker::new(ids, held, busy);
    let Picker { items, notice, .. } = p;
    let taken = move || p.taken();
    let full = move || taken() >= max;
    let form_error = field_error(error.unwrap_or_else(|| Signal::derive(|| None)), "photos");

    let remove = move |key: u32| remove_item(p, key);
    let on_change = move |ev: leptos::ev::Event| {
        let room = max.saturating_sub(taken());
        let too_many = i18n.t("files.too_many").replace("{max}", &max.to_string());
        start_uploads(&ev, i18n, Picked::Photos, room, too_many, p);
    };

    view! {
        <fieldset class="fieldset photo-picker" data-testid="photo-picker">
            <legend class="photo-picker__label">{move || i18n.t(label)}</legend>
            {hint.map(|h| view! { <p class="field__hint">{move || i18n.t(h)}</p> })}
            <ul class="photo-picker__list">
                {move || {
                    items
                        .get()
                        .into_iter()
                        .map(|it| {
                            let key = it.key;
                            let remove_label = format!("{} {}", i18n.t("files.remove"), it.name);
                            let (status, failed) = it.state.said(i18n);
                            let is_failed = failed.is_some();
                            let uploading = status.is_some().then_some("true");
                            view! {
                                <li
                                    class="photo-picker__item"
                                    class:photo-picker__item--failed=is_failed
                                    aria-busy=uploading
                                >
                                    {match failed {
                                        None => view! {
                                            <img class="photo-picker__thumb" src=it.preview alt=it.name.clone() />
                                        }
                                            .into_any(),
                                        Some(msg) => view! {
                                            <div class="photo-picker__failed">
                                                <span class="photo-picker__name">{it.name.clone()}</span>
                                                <span class="photo-picker__error" role="alert">{msg}</span>
                                            </div>
                                        }
                                            .into_any(),
                                    }}
                                    {status.map(|s| view! { <span class="photo-picker__status">{s}</span> })}
                                    <button
                                        type="button"
                                        class="photo-picker__remove"
                                        aria-label=remove_label
                                        title=move || i18n.t("files.remove")
                                        on:click=move |_| remove(key)
                                    >
                                        "×"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <div class="photo-picker__add" class:photo-picker__add--full=full>
                // Phones open the camera for the first and the gallery for the second; a
                // `capture` input alone would leave no way to pick an earlier photo.
                <label class="btn photo-picker__button photo-picker__button--camera">
                    <input
                        class="sr-only"
                        type="file"
                        accept=PHOTO_ACCEPT
                        capture="environment"
                        disabled=full
                        on:change=on_change
                    />
                    <span aria-hidden="true">"📷"</span>
                    {move || i18n.t("files.take_photo")}
                </label>
                <label class="btn photo-picker__button">
                    <input
                        class="sr-only"
                        type="file"
                        accept=PHOTO_ACCEPT
                        multiple
                        disabled=full
                        on:change=on_change
                    />
                    <span aria-hidden="true">"＋"</span>
                    {move || i18n.t("files.choose_photos")}
                </label>
            </div>
            <p class="field__hint">
                {move || {
                    i18n.t("files.count").replace("{n}", &taken().to_string()).replace("{max}", &max.to_string())
                }}
            </p>
            {move || {
                items
                    .with(|v| v.iter().any(|i| matches!(i.state, State::Held(_))))
                    .then(|| view! { <p class="field__hint" data-testid="held-hint">{move || i18n.t("files.held_hint")}</p> })
            }}
            <p class="field__error" role="alert">{move || notice.get().or_else(|| form_error.get())}</p>
        </fieldset>
    }
}

/// Takes item `key` off the list; an uploaded file leaves `ids` and is thrown away, a kept
/// one leaves the phone.
fn remove_item(p: Picker, key: u32) {
    let Picker {
        items,
        ids,
        notice,
        held,
        ..
    } = p;
    let mut gone = None;
    items.update(|v| {
        if let Some(p) = v.iter().position(|i| i.key == key) {
            gone = Some(v.remove(p));
        }
    });
    let Some(item) = gone else { return };
    #[cfg(feature = "hydrate")]
    if !item.preview.is_empty() {
        let _ = web_sys::Url::revoke_object_url(&item.preview);
    }
    match item.state {
        State::Done(id) => {
            ids.update(|v| v.retain(|x| *x != id));
            // Not needed for correctness (unattached uploads are purged), only tidy.
            leptos::task::spawn_local(async move {
                let _ = super::api::discard_photo(id).await;
            });
        }
        State::Held(k) => {
            if let Some(h) = held {
                h.update(|v| v.retain(|x| x.key != k));
            }
            #[cfg(feature = "hydrate")]
            leptos::task::spawn_local(async move { crate::shared::ui::drop_kept(&k).await });
        }
        _ => {}
    }
    notice.set(None);
}

/// What a picker uploads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Picked {
    Photos,
    Documents,
}

/// Uploads the files chosen in the input of `ev`, at most `room` of them (else `too_many`
/// is said), each as an item of the picker; an uploaded file's id joins its `ids`. A photo
/// that cannot go now for want of signal is kept on the phone when the picker may hold.
fn start_uploads(
    ev: &leptos::ev::Event,
    i18n: crate::shared::i18n::I18n,
    what: Picked,
    room: usize,
    too_many: String,
    p: Picker,
) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Picker {
            items,
            ids,
            held,
            next_key,
            notice,
        } = p;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
            return;
        };
        let chosen: Vec<web_sys::File> = input
            .files()
            .map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect())
            .unwrap_or_default();
        // The same file may be chosen again after removing it.
        input.set_value("");
        notice.set((chosen.len() > room).then_some(too_many));
        for file in chosen.into_iter().take(room) {
            let key = next_key.get_value();
            next_key.set_value(key.wrapping_add(1));
            let name: String = file.name().chars().take(100).collect();
            let preview = match what {
                Picked::Photos => web_sys::Url::create_object_url_with_blob(&file).unwrap_or_default(),
                Picked::Documents => String::new(),
            };
            items.update(|v| {
                v.push(Item {
                    key,
                    name: name.clone(),
                    preview,
                    state: State::Uploading,
                })
            });
            let content_type = match file.type_() {
                t if t.is_empty() => "application/octet-stream".to_string(),
                t => t,
            };
            let path = match what {
                Picked::Photos => "/api/v1/files/photos",
                Picked::Documents => "/api/v1/files/documents",
            };
            let url = format!("{path}?name={}", crate::shared::pagination::query_value(&name));
            leptos::task::spawn_local(async move {
                use crate::shared::ui::{keep_file, online, upload_file};
                let r = match what {
                    // Without signal there is no point waiting for a timeout.
                    Picked::Photos if held.is_some() && !online() => Err(AppError::Transport("offline".into())),
                    Picked::Photos => upload_file::<FileRef>(&url, &file, &content_type, i18n.code())
                        .await
                        .map(|f| f.id),
                    Picked::Documents => upload_file::<DocRef>(&url, &file, &content_type, i18n.code())
                        .await
                        .map(|f| f.id),
                };
                let still_there = || {
                    items
                        .try_with_untracked(|v| v.iter().any(|i| i.key == key))
                        .unwrap_or(false)
                };
                let r = match (r, held) {
                    (Err(AppError::Transport(_)), Some(h)) => match keep_file(&file).await {
                        Ok(k) if still_there() => {
                            h.update(|v| {
                                v.push(HeldPhoto {
                                    key: k.clone(),
                                    name: name.clone(),
                                    content_type: content_type.clone(),
                                })
                            });
                            set_state(items, key, State::Held(k));
                            return;
                        }
                        Ok(k) => {
                            crate::shared::ui::drop_kept(&k).await;
                            return;
                        }
                        Err(e) => Err(e),
                    },
                    (r, _) => r,
                };
                let still_there = still_there();
                match r {
                    Ok(id) if still_there => {
                        ids.update(|v| v.push(id));
                        set_state(items, key, State::Done(id));
                    }
                    // Removed (or the form left) while uploading.
                    Ok(id) => {
                        let _ = super::api::discard_photo(id).await;
                    }
                    Err(e) => set_state(items, key, State::Failed(e)),
                }
            });
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, i18n, what, room, too_many, p);
}

/// PDF documents for a form (an equipment's manuals and warranty cards), at most `max`; as
/// [`PhotoPicker`], with names instead of pictures.
#[component]
pub fn DocumentPicker(
    /// The uploaded documents' ids.
    ids: RwSignal<Vec<i64>>,
    #[prop(default = 10)] max: usize,
    /// i18n keys of the group's label and of the hint under it.
    #[prop(default = "files.documents")]
    label: &'static str,
    #[prop(default = "files.documents_hint")] hint: &'static str,
    /// True while an upload is under way (a form waits before sending).
    #[prop(optional)]
    busy: Option<RwSignal<bool>>,
    /// The form's last error; shown here when it names `documents`.
    #[prop(optional, into)]
    error: Option<Signal<Option<AppError>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let p = Picker::new(ids, None, busy);
    let Picker { items, notice, .. } = p;
    let taken = move || p.taken();
    let full = move || taken() >= max;
    let form_error = field_error(error.unwrap_or_else(|| Signal::derive(|| None)), "documents");
    let on_change = move |ev: leptos::ev::Event| {
        let room = max.saturating_sub(taken());
        let too_many = i18n.t("files.documents_too_many").replace("{max}", &max.to_string());
        start_uploads(&ev, i18n, Picked::Documents, room, too_many, p);
    };
    view! {
        <fieldset class="fieldset doc-picker" data-testid="doc-picker">
            <legend class="photo-picker__label">{move || i18n.t(label)}</legend>
            <p class="field__hint">{move || i18n.t(hint)}</p>
            <ul class="doc-picker__list">
                {move || {
                    items
                        .get()
                        .into_iter()
                        .map(|it| {
                            let key = it.key;
                            let remove_label = format!("{} {}", i18n.t("files.remove_document"), it.name);
                            let (status, failed) = it.state.said(i18n);
                            let uploading = status.is_some().then_some("true");
                            let is_failed = failed.is_some();
                            view! {
                                <li class="doc-picker__item" class:doc-picker__item--failed=is_failed aria-busy=uploading>
                                    <span class="doc-badge" aria-hidden="true">"PDF"</span>
                                    <span class="doc-picker__name">{it.name.clone()}</span>
                                    {status.map(|s| view! { <span class="muted small">{s}</span> })}
                                    {failed.map(|m| view! { <span class="field__error" role="alert">{m}</span> })}
                                    <button type="button" class="photo-picker__remove doc-picker__remove" aria-label=remove_label
                                        title=move || i18n.t("files.remove_document") on:click=move |_| remove_item(p, key)>
                                        "×"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <label class="btn photo-picker__button" class:photo-picker__add--full=full>
                <input class="sr-only" type="file" accept=DOC_ACCEPT multiple disabled=full on:change=on_change />
                <span aria-hidden="true">"＋"</span>
                {move || i18n.t("files.choose_documents")}
            </label>
            <p class="field__hint">
                {move || {
                    i18n.t("files.documents_count").replace("{n}", &taken().to_string()).replace("{max}", &max.to_string())
                }}
            </p>
            <p class="field__error" role="alert">{move || notice.get().or_else(|| form_error.get())}</p>
        </fieldset>
    }
}

#[cfg(feature = "hydrate")]
fn set_state(items: RwSignal<Vec<Item>>, key: u32, state: State) {
    items.try_update(|v| {
        if let Some(i) = v.iter_mut().find(|i| i.key == key) {
            i.state = state;
        }
    });
}
