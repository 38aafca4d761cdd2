//! The action panel under a ticket: only what the viewer may do now (the server's `can`),
//! each as a button or a small form. Residents, the desk and technicians share it.
use crate::files::ui::PhotoPicker;
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ui::field_error;
use crate::tickets::api::{dispatch_options, ticket_prices, TicketAct};
use crate::tickets::model::Action;
use crate::tickets::model::*;
use leptos::prelude::*;

fn send(act: ServerAction<TicketAct>, id: i64, input: ActInput) {
    act.dispatch(TicketAct { id, input });
}

/// A button that applies an action with nothing more to say.
#[component]
fn PlainAction(
    act: ServerAction<TicketAct>,
    id: i64,
    action: Action,
    label: &'static str,
    #[prop(optional)] primary: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let code = action.code();
    view! {
        <button type="button" class="btn" class:btn--primary=primary data-act=code
            disabled=move || act.pending().get()
            on:click=move |_| send(act, id, ActInput::of(action.clone()))>
            {move || i18n.t(label)}
        </button>
    }
}

/// An action that needs a text (reason, reply, note): a collapsible form.
#[component]
fn TextAction(
    act: ServerAction<TicketAct>,
    id: i64,
    code: &'static str,
    label: &'static str,
    placeholder: &'static str,
    make: fn(String) -> Action,
    #[prop(optional)] danger: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let fid = format!("act-{code}");
    view! {
        <details class="act">
            <summary class="btn" class:btn--danger-ghost=danger data-act=code>{move || i18n.t(label)}</summary>
            <form class="form act__form" on:submit=move |ev| {
                ev.prevent_default();
                send(act, id, ActInput::of(make(text.get_untracked())));
            }>
                <label class="sr-only" for=fid.clone()>{move || i18n.t(placeholder)}</label>
                <textarea id=fid class="input" rows="3" maxlength="2000" placeholder=move || i18n.t(placeholder)
                    prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                <button type="submit" class="btn btn--primary" disabled=move || act.pending().get()>{move || i18n.t(label)}</button>
            </form>
        </details>
    }
}

#[component]
pub fn ActionPanel(
    detail: TicketDetail,
    act: ServerAction<TicketAct>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = detail.row.id;
    let can = detail.can.clone();
    let has = move |c: &str| can.iter().any(|x| x == c);
    if detail.can.iter().all(|c| c == "comment") && detail.can.is_empty() {
        return ().into_any();
    }
    let is_home = detail.row.kind == Kind::RepairHome;
    let needs = detail.needs;
    view! {
        <section class="card act-panel" aria-labelledby="act-title">
            <h2 class="card__title" id="act-title">{move || i18n.t("service.what_next")}</h2>
            <div class="act-panel__buttons">
                {has("accept").then(|| view! { <PlainAction act id action=Action::Accept label="service.act_accept" primary=true /> })}
                {has("grab").then(|| view! { <PlainAction act id action=Action::Grab label="service.act_grab" primary=true /> })}
                {has("take_on").then(|| view! { <PlainAction act id action=Action::TakeOn label="service.act_take_on" primary=true /> })}
                {has("verify").then(|| view! { <PlainAction act id action=Action::Verify label="service.act_verify" primary=true /> })}
                {has("close").then(|| view! { <PlainAction act id action=Action::Close label="service.act_close" /> })}
            </div>
            {has("dispatch").then(|| view! { <DispatchForm act id /> })}
            {has("check_in").then(|| view! { <PhotoAction act id action=Action::CheckIn label="service.act_check_in" hint="service.before_photos" /> })}
            {has("complete").then(|| view! { <CompleteForm act id is_home needs error /> })}
            {has("resolve").then(|| view! { <TextAction act id code="resolve" label="service.act_resolve" placeholder="service.reply_hint" make=|t| Action::Resolve { reply: t } /> })}
            {has("rate").then(|| view! { <RateForm act id /> })}
            {has("callback").then(|| view! { <CallbackForm act id /> })}
            {has("set_priority").then(|| view! { <PriorityForm act id current=detail.row.priority /> })}
            <div class="act-panel__more">
                {has("hand_back").then(|| view! { <TextAction act id code="hand_back" label="service.act_hand_back" placeholder="service.reason_hint" make=|t| Action::HandBack { reason: t } /> })}
                {has("rework").then(|| view! { <TextAction act id code="rework" label="service.act_rework" placeholder="service.reason_hint" make=|t| Action::Rework { reason: t } danger=true /> })}
                {has("reopen").then(|| view! { <TextAction act id code="reopen" label="service.act_reopen" placeholder="service.reason_hint" make=|t| Action::Reopen { reason: t } /> })}
                {has("escalate").then(|| view! { <TextAction act id code="escalate" label="service.act_escalate" placeholder="service.reason_hint" make=|t| Action::Escalate { reason: t } danger=true /> })}
                {has("cancel").then(|| view! { <TextAction act id code="cancel" label="service.act_cancel" placeholder="service.reason_hint" make=|t| Action::Cancel { reason: t } danger=true /> })}
            </div>
            {has("comment").then(|| view! { <CommentForm act id /> })}
        </section>
    }
    .into_any()
}

#[component]
fn CommentForm(act: ServerAction<TicketAct>, id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let photos: RwSignal<Vec<i64>> = RwSignal::new(vec![]);
    let busy = RwSignal::new(false);
    // Clear after a successful send.
    Effect::new(move |_| {
        if let Some(Ok(_)) = act.value().get() {
            text.set(String::new());
            photos.set(vec![]);
        }
    });
    view! {
        <form class="form act__comment" on:submit=move |ev| {
            ev.prevent_default();
            let mut input = ActInput::of(Action::Comment { text: text.get_untracked() });
            input.photos = photos.get_untracked();
            send(act, id, input);
        }>
            <label class="field__label" for="act-comment">{move || i18n.t("service.act_comment")}</label>
            <textarea id="act-comment" class="input" rows="2" maxlength="2000" placeholder=move || i18n.t("service.comment_hint")
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <PhotoPicker ids=photos max=MAX_PHOTOS busy />
            <button type="submit" class="btn" disabled=move || act.pending().get() || busy.get()>{move || i18n.t("service.send")}</button>
        </form>
    }
}

/// Check-in with before photos.
#[component]
fn PhotoAction(
    act: ServerAction<TicketAct>,
    id: i64,
    action: Action,
    label: &'static str,
    hint: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let photos: RwSignal<Vec<i64>> = RwSignal::new(vec![]);
    let busy = RwSignal::new(false);
    let code = action.code();
    view! {
        <form class="form act__form act__photo" on:submit=move |ev| {
            ev.prevent_default();
            let mut input = ActInput::of(action.clone());
            input.photos = photos.get_untracked();
            send(act, id, input);
        }>
            <PhotoPicker ids=photos max=MAX_PHOTOS label=hint busy />
            <button type="submit" class="btn btn--primary btn--block" data-act=code disabled=move || act.pending().get() || busy.get()>
                {move || i18n.t(label)}
            </button>
        </form>
    }
}

#[component]
fn DispatchForm(act: ServerAction<TicketAct>, id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let choices = Resource::new(move || id, dispatch_options);
    // What is sent is read from the list itself when 派工 is pressed: a signal mirrored from it
    // could still be empty while the list already shows its default choice.
    let list = NodeRef::<leptos::html::Select>::new();
    view! {
        <form class="form act__form act__dispatch" on:submit=move |ev| {
            ev.prevent_default();
            // Before the choices arrive there is nothing to send (the button waits too).
            let Some(t) = list.get_untracked().map(|s| s.value()) else { return };
            let mut input = ActInput::of(Action::Dispatch { to: None, pool: false });
            if t == "pool" {
                input.action = Action::Dispatch { to: None, pool: true };
            } else if let Some(team) = t.strip_prefix("team:").and_then(|x| x.parse().ok()) {
                input.team = Some(team);
            } else if let Ok(u) = t.parse::<i64>() {
                input.action = Action::Dispatch { to: Some(u), pool: false };
            }
            send(act, id, input);
        }>
            <label class="field__label" for="act-dispatch">{move || i18n.t("service.dispatch_to")}</label>
            <Transition fallback=|| view! { <select class="input" disabled=true></select> }>
                {move || Suspend::new(async move {
                    match choices.await {
                        Err(e) => view! { <p class="field__error">{e.localized(i18n.code())}</p> }.into_any(),
                        Ok(c) => {
                            let mode = c.mode;
                            let first = c.technicians.first().map(|t| t.id.to_string());
                            view! {
                                <select id="act-dispatch" class="input" node_ref=list>
                                    {c.technicians.into_iter().map(|t| {
                                        let v = t.id.to_string();
                                        let sel = mode == DispatchMode::Manual && first.as_deref() == Some(v.as_str());
                                        view! { <option value=v selected=sel>{format!("{} ({})", t.name, i18n.t("service.open_n").replace("{n}", &t.open.to_string()))}</option> }
                                    }).collect_view()}
                                    {c.teams.into_iter().map(|(tid, name)| view! {
                                        <option value=format!("team:{tid}")>{format!("{} · {}", i18n.t("service.team_rr"), name)}</option>
                                    }).collect_view()}
                                    <option value="auto" selected=mode == DispatchMode::RoundRobin>{move || i18n.t("service.auto_rr")}</option>
                                    <option value="pool" selected=mode == DispatchMode::Pool>{move || i18n.t("service.to_pool")}</option>
                                </select>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
            <button type="submit" class="btn btn--primary" data-act="dispatch" disabled=move || { act.pending().get() || list.get().is_none() }>{move || i18n.t("service.act_dispatch")}</button>
        </form>
    }
}

#[component]
fn CompleteForm(
    act: ServerAction<TicketAct>,
    id: i64,
    is_home: bool,
    /// What this office asks a 完工 record to hold (said on the labels, checked by the server).
    needs: CompletionNeeds,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let note = RwSignal::new(String::new());
    let labour = RwSignal::new(String::new());
    let materials: RwSignal<Vec<(String, String)>> = RwSignal::new(vec![]);
    let charges: RwSignal<Vec<(i64, i64)>> = RwSignal::new(vec![]);
    let photos: RwSignal<Vec<i64>> = RwSignal::new(vec![]);
    let busy = RwSignal::new(false);
    let prices = Resource::new(move || id, ticket_prices);
    let labour_err = field_error(error, "labour_minutes");
    let note_err = field_error(error, "work_note");
    let required = move |on: bool| {
        if on {
            i18n.t("service.required_mark")
        } else {
            String::new()
        }
    };
    let materials_err = field_error(error, "materials");
    let charges_err = field_error(error, "charges");
    view! {
        <form class="form act__form act__complete" id="act-complete" novalidate on:submit=move |ev| {
            ev.prevent_default();
            let mut input = ActInput::of(Action::Complete);
            input.work_note = note.get_untracked();
            input.photos = photos.get_untracked();
            input.labour_minutes = labour.get_untracked().trim().parse().ok();
            input.materials = materials.get_untracked().into_iter()
                .filter(|(n, _)| !n.trim().is_empty())
                .map(|(name, quantity)| MaterialLine { name, quantity }).collect();
            input.charges = charges.get_untracked().into_iter().filter(|(_, q)| *q > 0)
                .map(|(price_id, quantity)| ChargeLine { price_id, quantity }).collect();
            send(act, id, input);
        }>
            <h3 class="act__title">{move || i18n.t("service.act_complete")}</h3>
            <div class="field" class:field--error=move || note_err.get().is_some()>
                <label class="field__label" for="act-note">{move || i18n.t("service.work_note")} {move || required(true)}</label>
                <textarea id="act-note" class="input" rows="3" maxlength="2000" required=true placeholder=move || i18n.t("service.work_note_hint")
                    aria-invalid=move || note_err.get().is_some().then_some("true")
                    prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                <p class="field__error" role="alert">{move || note_err.get()}</p>
            </div>
            <div class="field" class:field--error=move || labour_err.get().is_some()>
                <label for="act-labour">{move || i18n.t("service.labour_minutes")} {move || required(needs.labour)}</label>
                <input id="act-labour" class="input" inputmode="numeric" prop:value=move || labour.get()
                    on:input=move |ev| labour.set(event_target_value(&ev)) />
                <p class="field__error" role="alert">{move || labour_err.get()}</p>
            </div>
            <fieldset class="fieldset">
                <legend class="field__label">{move || i18n.t("service.materials")}</legend>
                {move || materials.get().into_iter().enumerate().map(|(i, (n, q))| view! {
                    <div class="material-row">
                        <input class="input" aria-label=move || i18n.t("service.material_name") placeholder=move || i18n.t("service.material_name") prop:value=n
                            on:change=move |ev| materials.update(|m| m[i].0 = event_target_value(&ev)) />
                        <input class="input material-row__qty" inputmode="decimal" aria-label=move || i18n.t("service.quantity") placeholder=move || i18n.t("service.quantity") prop:value=q
                            on:change=move |ev| materials.update(|m| m[i].1 = event_target_value(&ev)) />
                    </div>
                }).collect_view()}
                <button type="button" class="btn btn--small" on:click=move |_| materials.update(|m| m.push((String::new(), "1".into())))>
                    {move || i18n.t("service.add_material")}
                </button>
                <p class="field__error" role="alert">{move || materials_err.get()}</p>
            </fieldset>
            {is_home.then(|| view! {
                <fieldset class="fieldset">
                    <legend class="field__label">{move || i18n.t("service.charges")}</legend>
                    <p class="field__hint">{move || i18n.t("service.charges_hint")}</p>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let list = prices.await.unwrap_or_default();
                            if list.is_empty() {
                                return view! { <p class="muted small">{move || i18n.t("service.no_prices")}</p> }.into_any();
                            }
                            list.into_iter().map(|p| {
                                let pid = p.id;
                                let label = format!("{} · {}/{}", p.name, crate::shared::money::Money(p.price), p.unit);
                                view! {
                                    <label class="charge-row">
                                        <span>{label}</span>
                                        <input class="input charge-row__qty" type="number" min="0" max="1000" value="0" inputmode="numeric"
                                            on:change=move |ev| {
                                                let q: i64 = event_target_value(&ev).parse().unwrap_or(0);
                                                charges.update(|c| { c.retain(|(x, _)| *x != pid); if q > 0 { c.push((pid, q)); } });
                                            } />
                                    </label>
                                }
                            }).collect_view().into_any()
                        })}
                    </Transition>
                    <p class="field__error" role="alert">{move || charges_err.get()}</p>
                </fieldset>
            })}
            <PhotoPicker ids=photos max=MAX_PHOTOS label="service.after_photos"
                hint=if needs.photo { "service.after_photos_required" } else { "service.after_photos_optional" } busy error />
            <button type="submit" class="btn btn--primary btn--block" data-act="complete" disabled=move || act.pending().get() || busy.get()>
                {move || i18n.t("service.act_complete")}
            </button>
        </form>
    }
}

#[component]
fn RateForm(act: ServerAction<TicketAct>, id: i64) -> impl IntoView {
    let i18n = use_i18n();
    // No stars until the resident picks them: a preset rating closed tickets at 5★ with one tap.
    let stars = RwSignal::new(0u8);
    let comment = RwSignal::new(String::new());
    view! {
        <form class="form act__form act__rate" on:submit=move |ev| {
            ev.prevent_default();
            send(act, id, ActInput::of(Action::Rate { stars: stars.get_untracked(), comment: comment.get_untracked() }));
        }>
            <fieldset class="fieldset">
                <legend class="field__label">{move || i18n.t("service.rate_title")}</legend>
                <div class="stars" role="radiogroup">
                    {(1..=5u8).map(|n| {
                        let lit = move || stars.get() >= n;
                        view! {
                        <label class="stars__item" class:stars__item--on=lit>
                            <input type="radio" name="stars" value=n.to_string() checked=move || stars.get() == n on:change=move |_| stars.set(n) />
                            <span aria-hidden="true">"★"</span>
                            <span class="sr-only">{format!("{n}")}</span>
                        </label>
                    }}).collect_view()}
                </div>
                <p class="field__hint" class:sr-only=move || stars.get() != 0>{move || i18n.t("service.rate_pick")}</p>
            </fieldset>
            <label class="sr-only" for="act-rate">{move || i18n.t("service.rate_comment")}</label>
            <textarea id="act-rate" class="input" rows="2" maxlength="500" placeholder=move || i18n.t("service.rate_comment")
                prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
            <button type="submit" class="btn btn--primary btn--block" data-act="rate" disabled=move || { act.pending().get() || stars.get() == 0 }>{move || i18n.t("service.act_rate")}</button>
        </form>
    }
}

#[component]
fn CallbackForm(act: ServerAction<TicketAct>, id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let satisfied = RwSignal::new(true);
    let note = RwSignal::new(String::new());
    view! {
        <details class="act">
            <summary class="btn" data-act="callback">{move || i18n.t("service.act_callback")}</summary>
            <form class="form act__form" on:submit=move |ev| {
                ev.prevent_default();
                send(act, id, ActInput::of(Action::Callback { note: note.get_untracked(), satisfied: satisfied.get_untracked() }));
            }>
                <div class="segmented">
                    <label class="segmented__item" class:segmented__item--on=move || satisfied.get()>
                        <input type="radio" name="satisfied" checked=true on:change=move |_| satisfied.set(true) />
                        <span>{move || i18n.t("service.satisfied")}</span>
                    </label>
                    <label class="segmented__item" class:segmented__item--on=move || !satisfied.get()>
                        <input type="radio" name="satisfied" on:change=move |_| satisfied.set(false) />
                        <span>{move || i18n.t("service.unsatisfied")}</span>
                    </label>
                </div>
                <textarea class="input" rows="2" maxlength="2000" aria-label=move || i18n.t("service.callback_hint") placeholder=move || i18n.t("service.callback_hint")
                    prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                <button type="submit" class="btn btn--primary" disabled=move || act.pending().get()>{move || i18n.t("service.act_callback")}</button>
            </form>
        </details>
    }
}

#[component]
fn PriorityForm(act: ServerAction<TicketAct>, id: i64, current: Priority) -> impl IntoView {
    let i18n = use_i18n();
    let other = if current == Priority::Urgent {
        Priority::Normal
    } else {
        Priority::Urgent
    };
    let key = if other == Priority::Urgent {
        "service.make_urgent"
    } else {
        "service.make_normal"
    };
    view! {
        <button type="button" class="btn" data-act="set_priority" disabled=move || act.pending().get()
            on:click=move |_| send(act, id, ActInput::of(Action::SetPriority { priority: other }))>
            {move || i18n.t(key)}
        </button>
    }
}
