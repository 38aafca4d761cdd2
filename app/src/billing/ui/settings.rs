//! 收费设置: an office's billing rules — late fees (a daily rate in ‰ after grace days, or
//! none), the monthly due day, vacant-unit relief, the prepay discount and the receipt prefix.
use crate::billing::api::{billing_orgs, get_billing_settings, SaveBillingSettings};
use crate::billing::model::{permille_label, BillingSettings, SettingsInput};
use crate::org::model::OrgKind;
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ids::OrgId;
use crate::shared::ui::{toast, EmptyState, ErrorState, FormError, Loading};
use leptos::prelude::*;
use leptos_meta::Title;

/// Fields of the form, by the name the server gives them in errors.
const FIELDS: &[&str] = &[
    "late_fee_mode",
    "late_fee_rate",
    "grace_days",
    "due_day",
    "vacant_relief_bp",
    "prepay_discount_bp",
    "receipt_prefix",
];

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let orgs = Resource::new(|| (), |_| billing_orgs());
    let office: RwSignal<Option<i64>> = RwSignal::new(None);
    let settings = Resource::new(
        move || office.get(),
        |o| async move {
            // Until an office is picked: the first one the caller may see (the select shows it).
            let o = match o {
                Some(o) => Some(o),
                None => billing_orgs()
                    .await?
                    .into_iter()
                    .find(|x| x.kind == OrgKind::Office)
                    .map(|x| x.id.0),
            };
            match o {
                Some(o) => get_billing_settings(OrgId(o)).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Title text=move || i18n.t("billing.settings") />
        <h1 class="page-title">{move || i18n.t("billing.settings")}</h1>
        <p class="muted">{move || i18n.t("billing.settings_intro")}</p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                let list: Vec<_> = orgs.await.unwrap_or_default().into_iter().filter(|o| o.kind == OrgKind::Office).collect();
                if list.len() < 2 {
                    return ().into_any();
                }
                view! {
                    <div class="toolbar">
                        <label class="field">
                            <span class="field__label">{move || i18n.t("billing.office")}</span>
                            <select class="input" on:change=move |ev| office.set(event_target_value(&ev).parse().ok())>
                                {list.into_iter().map(|o| view! { <option value=o.id.0.to_string()>{o.name}</option> }).collect_view()}
                            </select>
                        </label>
                    </div>
                }.into_any()
            })}
        </Transition>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match settings.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(None) => view! { <EmptyState title="billing.no_offices" /> }.into_any(),
                    Ok(Some(s)) => view! { <SettingsForm s /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn SettingsForm(s: BillingSettings) -> impl IntoView {
    let i18n = use_i18n();
    let base = RwSignal::new(s.clone());
    let f = SettingsInput::of(&s);
    let mode = RwSignal::new(f.late_fee_mode);
    let rate = RwSignal::new(f.late_fee_rate);
    let grace = RwSignal::new(f.grace_days);
    let due = RwSignal::new(f.due_day);
    let relief = RwSignal::new(f.vacant_relief);
    let discount = RwSignal::new(f.prepay_discount);
    let prefix = RwSignal::new(f.receipt_prefix);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let save = ServerAction::<SaveBillingSettings>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => {
            toast(i18n.t("common.saved"));
            error.set(None);
            let f = SettingsInput::of(&saved);
            rate.set(f.late_fee_rate);
            relief.set(f.vacant_relief);
            discount.set(f.prepay_discount);
            prefix.set(f.receipt_prefix);
            base.set(saved);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = SettingsInput {
            late_fee_mode: mode.get_untracked(),
            late_fee_rate: rate.get_untracked(),
            grace_days: grace.get_untracked(),
            due_day: due.get_untracked(),
            vacant_relief: relief.get_untracked(),
            prepay_discount: discount.get_untracked(),
            receipt_prefix: prefix.get_untracked(),
        };
        match input.parse(&base.get_untracked()) {
            Ok(settings) => {
                error.set(None);
                save.dispatch(SaveBillingSettings { settings });
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let err = Signal::derive(move || error.get());
    let daily = move || mode.get() == "daily";
    let initially_daily = s.late_fee_mode == "daily";
    // The shape of the receipt numbers a payment gets, e.g. `SK-YYYYMM-000123`.
    let sample = move || {
        format!(
            "{}-{}-000123",
            prefix.get().trim().to_uppercase(),
            i18n.t("billing.yyyymm")
        )
    };
    let rate_example = move || {
        let r = crate::billing::model::parse_permille(&rate.get()).unwrap_or(0);
        // The late fee of ¥1 000 owed for 30 days at this rate, in yuan.
        let fen = 100_000i64 * r as i64 * 30 / 10_000;
        i18n.t("billing.late_fee_example")
            .replace("{rate}", &permille_label(r))
            .replace("{fee}", &crate::shared::money::fixed2(fen))
    };
    view! {
        <form class="form settings" novalidate on:submit=submit>
            <FormError error=err fields=FIELDS />
            <section class="card settings__group" aria-labelledby="set-late">
                <h2 class="card__title" id="set-late">{move || i18n.t("billing.late_fee")}</h2>
                <fieldset class="choice">
                    <legend class="sr-only">{move || i18n.t("billing.late_fee_mode")}</legend>
                    <label class="check">
                        <input type="radio" name="late_fee_mode" value="none" checked=!initially_daily prop:checked=move || !daily()
                            on:change=move |_| mode.set("none".into()) />
                        <span>{move || i18n.t("billing.late_fee_none")}</span>
                    </label>
                    <label class="check">
                        <input type="radio" name="late_fee_mode" value="daily" checked=initially_daily prop:checked=daily
                            on:change=move |_| mode.set("daily".into()) />
                        <span>{move || i18n.t("billing.late_fee_daily")}</span>
                    </label>
                </fieldset>
                <div class="settings__row" class:settings__row--off=move || !daily()>
                    <NumberField name="late_fee_rate" label="billing.late_fee_rate" unit="billing.per_mille_day"
                        hint="billing.late_fee_rate_hint" value=rate error=err decimal=true />
                    <NumberField name="grace_days" label="billing.grace_days" unit="billing.days"
                        hint="billing.grace_days_hint" value=grace error=err decimal=false />
                </div>
                <p class="field__hint settings__example" class:hidden=move || !daily()>{rate_example}</p>
            </section>
            <section class="card settings__group" aria-labelledby="set-bills">
                <h2 class="card__title" id="set-bills">{move || i18n.t("billing.bills_and_receipts")}</h2>
                <div class="settings__row">
                    <NumberField name="due_day" label="billing.due_day" unit="billing.day_of_month"
                        hint="billing.due_day_hint" value=due error=err decimal=false />
                    <div>
                        <TextField name="receipt_prefix" label="billing.receipt_prefix" value=prefix error=err />
                        <p class="field__hint">{move || i18n.t("billing.receipt_prefix_hint")} " " <span class="mono nowrap">{sample}</span></p>
                    </div>
                </div>
            </section>
            <section class="card settings__group" aria-labelledby="set-relief">
                <h2 class="card__title" id="set-relief">{move || i18n.t("billing.relief_and_discount")}</h2>
                <div class="settings__row">
                    <NumberField name="vacant_relief_bp" label="billing.vacant_relief" unit="billing.percent"
                        hint="billing.vacant_relief_hint" value=relief error=err decimal=true />
                    <NumberField name="prepay_discount_bp" label="billing.prepay_discount" unit="billing.percent"
                        hint="billing.prepay_discount_hint" value=discount error=err decimal=true />
                </div>
            </section>
            <div class="actions settings__actions">
                <button type="submit" class="btn btn--primary" disabled=move || save.pending().get()>
                    {move || i18n.t(if save.pending().get() { "common.working" } else { "common.save" })}
                </button>
            </div>
        </form>
    }
    .into_any()
}

/// A number with its unit after it (‰/天, 天, %), its hint, and its error underneath.
#[component]
fn NumberField(
    name: &'static str,
    label: &'static str,
    unit: &'static str,
    hint: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<AppError>>,
    decimal: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("set-{name}");
    let (hint_id, err_id) = (format!("{id}-hint"), format!("{id}-err"));
    let described = format!("{hint_id} {err_id}");
    let msg = move || {
        error
            .get()
            .filter(|e| e.field() == Some(name))
            .map(|e| e.localized(i18n.code()))
    };
    view! {
        <div class="field" class:field--error=move || msg().is_some()>
            <label for=id.clone()>{move || i18n.t(label)}</label>
            <div class="input-unit">
                <input id=id class="input" name=name type="text" inputmode=if decimal { "decimal" } else { "numeric" }
                    autocomplete="off" value=value.get_untracked() prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                    aria-invalid=move || msg().map(|_| "true") aria-describedby=described />
                <span class="input-unit__unit" aria-hidden="true">{move || i18n.t(unit)}</span>
            </div>
            <p class="field__hint" id=hint_id>{move || i18n.t(hint)}</p>
            <p class="field__error" id=err_id role="alert">{msg}</p>
        </div>
    }
    .into_any()
}

#[component]
fn TextField(
    name: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("set-{name}");
    let err_id = format!("{id}-err");
    let msg = move || {
        error
            .get()
            .filter(|e| e.field() == Some(name))
            .map(|e| e.localized(i18n.code()))
    };
    view! {
        <div class="field" class:field--error=move || msg().is_some()>
            <label for=id.clone()>{move || i18n.t(label)}</label>
            <input id=id class="input" name=name type="text" autocomplete="off" autocapitalize="characters" maxlength="6"
                value=value.get_untracked() prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || msg().map(|_| "true") aria-describedby=err_id.clone() />
            <p class="field__error" id=err_id role="alert">{msg}</p>
        </div>
    }
    .into_any()
}
