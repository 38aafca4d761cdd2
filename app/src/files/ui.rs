//! The photo picker of forms (a repair request, a technician's report, an inspection): take or
//! choose photos, watch each upload, remove one; the form sends the ids collected.
#[cfg(feature = "hydrate")]
use super::model::FileRef;
use super::model::PHOTO_ACCEPT;
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
    Failed(AppError),
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq)]
struct Item {
    /// Local, for finding it again when its upload answers.
    key: u32,
    name: String,
    /// A `blob:` URL of the chosen file: shows the photo before (and without) a server copy.
    preview: String,
    state: State,
}

/// `s` as a URL query value.
#[cfg(any(feature = "hydrate", test))]
fn query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Photos for a form, at most `max`. Each chosen photo is uploaded at once; `ids` holds the
/// uploaded ones in order (the form sends them, and may clear it after sending: the pictures
/// whose id left `ids` disappear). A photo the server refuses shows why under its name.
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
) -> impl IntoView {
    let i18n = use_i18n();
    let items: RwSignal<Vec<Item>> = RwSignal::new(vec![]);
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    let next_key = StoredValue::new(0u32);
    let taken = move || items.with(|v| v.iter().filter(|i| !matches!(i.state, State::Failed(_))).count());
    let full = move || taken() >= max;
    let form_error = field_error(error.unwrap_or_else(|| Signal::derive(|| None)), "photos");

    // Pictures whose id the form dropped (after sending, or a reset) go too.
    Effect::new(move |_| {
        let current = ids.get();
        items.update(|v| {
            v.retain(|i| match i.state {
                State::Done(id) => current.contains(&id),
                _ => true,
            })
        });
    });
    if let Some(busy) = busy {
        Effect::new(move |_| {
            busy.set(items.with(|v| v.iter().any(|i| i.state == State::Uploading)));
        });
    }

    let remove = move |key: u32| {
        let mut gone = None;
        items.update(|v| {
            if let Some(p) = v.iter().position(|i| i.key == key) {
                gone = Some(v.remove(p));
            }
        });
        let Some(item) = gone else { return };
        #[cfg(feature = "hydrate")]
        let _ = web_sys::Url::revoke_object_url(&item.preview);
        if let State::Done(id) = item.state {
            ids.update(|v| v.retain(|x| *x != id));
            // Not needed for correctness (unattached uploads are purged), only tidy.
            leptos::task::spawn_local(async move {
                let _ = super::api::discard_photo(id).await;
            });
        }
        notice.set(None);
    };

    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
                return;
            };
            let chosen: Vec<web_sys::File> = input
                .files()
                .map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect())
                .unwrap_or_default();
            // The same photo may be chosen again after removing it.
            input.set_value("");
            let room = max.saturating_sub(taken());
            notice.set((chosen.len() > room).then(|| i18n.t("files.too_many").replace("{max}", &max.to_string())));
            for file in chosen.into_iter().take(room) {
                let key = next_key.get_value();
                next_key.set_value(key.wrapping_add(1));
                let name: String = file.name().chars().take(100).collect();
                let preview = web_sys::Url::create_object_url_with_blob(&file).unwrap_or_default();
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
                let url = format!("{}?name={}", "/api/v1/files/photos", query_value(&name));
                leptos::task::spawn_local(async move {
                    let r = crate::shared::ui::upload_file::<FileRef>(&url, file, &content_type, i18n.code()).await;
                    let still_there = items
                        .try_with_untracked(|v| v.iter().any(|i| i.key == key))
                        .unwrap_or(false);
                    match r {
                        Ok(f) if still_there => {
                            ids.update(|v| v.push(f.id));
                            set_state(items, key, State::Done(f.id));
                        }
                        // Removed (or the form left) while uploading.
                        Ok(f) => {
                            let _ = super::api::discard_photo(f.id).await;
                        }
                        Err(e) => set_state(items, key, State::Failed(e)),
                    }
                });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, &next_key);
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
                            let (status, failed) = match &it.state {
                                State::Uploading => (Some(i18n.t("files.uploading")), None),
                                State::Done(_) => (None, None),
                                State::Failed(e) => (None, Some(e.localized(i18n.code()))),
                            };
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

#[cfg(test)]
mod tests {
    #[test]
    fn files_names_are_escaped_for_the_query() {
        assert_eq!(super::query_value("IMG 1.jpg"), "IMG%201.jpg");
        assert_eq!(super::query_value("照片&x=1.png"), "%E7%85%A7%E7%89%87%26x%3D1.png");
    }
}
