//! 服务设置: an office's dispatch mode, reopen window, business hours, SLA overrides, repair
//! price list and technician teams.
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ui::{field_error, toast, ErrorState, FormError, Loading};
use crate::tickets::api::{
    load_office_setup, office_technicians, service_offices, SavePriceItem, SaveServiceSettings, SaveTeam,
};
use crate::tickets::model::*;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ServiceSetupPage() -> impl IntoView {
    let i18n = use_i18n();
    let offices = Resource::new(|| (), |_| service_offices());
    let office: RwSignal<Option<i64>> = RwSignal::new(None);
    let saved = RwSignal::new(0u32);
    let setup = Resource::new(
        move || (office.get(), saved.get()),
        |(o, _)| async move {
            let o = match o {
                Some(o) => Some(o),
                None => service_offices().await?.first().map(|x| x.0),
            };
            match o {
                Some(o) => load_office_setup(o).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Title text=move || i18n.t("service.setup") />
        <h1 class="page-title">{move || i18n.t("service.setup")}</h1>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                let list = offices.await.unwrap_or_default();
                (list.len() > 1).then(|| view! {
                    <div class="toolbar">
                        <label class="field">
                            <span class="field__label">{move || i18n.t("service.office")}</span>
                            <select class="input" on:change=move |ev| office.set(event_target_value(&ev).parse().ok())>
                                {list.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                            </select>
                        </label>
                    </div>
                })
            })}
        </Transition>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match setup.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(None) => ().into_any(),
                    Ok(Some(s)) => view! { <SetupForms s saved /> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn hhmm(m: u32) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 24 && m < 60 && h * 60 + m <= 24 * 60).then_some(h * 60 + m)
}

#[component]
fn SetupForms(s: OfficeSetup, saved: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let office = s.settings.office_id;
    let mode = RwSignal::new(s.settings.dispatch_mode);
    let reopen = RwSignal::new(s.settings.reopen_days.to_string());
    let use_hours = RwSignal::new(s.settings.hours.is_some());
    let h = s.settings.hours.clone().unwrap_or(BusinessHours {
        open: 8 * 60 + 30,
        close: 17 * 60 + 30,
        days: 0b0011111,
        closed_dates: vec![],
    });
    let open = RwSignal::new(hhmm(h.open));
    let close = RwSignal::new(hhmm(h.close));
    let days = RwSignal::new(h.days);
    let sla = RwSignal::new(s.settings.sla.clone());
    let photo_required = RwSignal::new(s.settings.photo_required);
    let labour_required = RwSignal::new(s.settings.labour_required);
    let save = ServerAction::<SaveServiceSettings>::new();
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let err = Signal::derive(move || error.get());
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => {
            toast(i18n.t("common.saved"));
            error.set(None);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let reopen_err = field_error(err, "reopen_days");
    let hours_err = field_error(err, "hours");
    let weekdays = [
        "service.mon",
        "service.tue",
        "service.wed",
        "service.thu",
        "service.fri",
        "service.sat",
        "service.sun",
    ];
    let form = view! {
        <form class="form card" novalidate on:submit=move |ev| {
            ev.prevent_default();
            let hours = if use_hours.get_untracked() {
                match (parse_hhmm(&open.get_untracked()), parse_hhmm(&close.get_untracked())) {
                    (Some(o), Some(c)) => Some(BusinessHours { open: o, close: c, days: days.get_untracked(), closed_dates: vec![] }),
                    _ => {
                        error.set(Some(AppError::validation("hours", "err.business_hours")));
                        return;
                    }
                }
            } else {
                None
            };
            let Ok(reopen_days) = reopen.get_untracked().trim().parse::<i64>() else {
                error.set(Some(AppError::validation("reopen_days", "err.reopen_days")));
                return;
            };
            save.dispatch(SaveServiceSettings { settings: ServiceSettings {
                office_id: office, dispatch_mode: mode.get_untracked(), reopen_days, hours, sla: sla.get_untracked(),
                photo_required: photo_required.get_untracked(), labour_required: labour_required.get_untracked(),
            }});
        }>
            <h2 class="card__title">{move || i18n.t("service.dispatch_rules")}</h2>
            <FormError error=err fields=&["reopen_days", "hours", "sla"] />
            <fieldset class="fieldset">
                <legend class="field__label">{move || i18n.t("service.dispatch_mode")}</legend>
                {[DispatchMode::Manual, DispatchMode::RoundRobin, DispatchMode::Pool].into_iter().map(|m| {
                    let key = format!("service.mode_{}", m.code());
                    view! {
                        <label class="check">
                            <input type="radio" name="mode" checked=move || mode.get() == m on:change=move |_| mode.set(m) />
                            <span>{move || i18n.t(&key)}</span>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <div class="field" class:field--error=move || reopen_err.get().is_some()>
                <label for="s-reopen">{move || i18n.t("service.reopen_days")}</label>
                <input id="s-reopen" class="input" inputmode="numeric" prop:value=move || reopen.get() on:input=move |ev| reopen.set(event_target_value(&ev)) />
                <p class="field__error" role="alert">{move || reopen_err.get()}</p>
            </div>
            <label class="check">
                <input type="checkbox" prop:checked=move || use_hours.get() on:change=move |ev| use_hours.set(event_target_checked(&ev)) />
                <span>{move || i18n.t("service.use_hours")}</span>
            </label>
            <p class="field__hint">{move || i18n.t("service.hours_hint")}</p>
            <Show when=move || use_hours.get()>
                <div class="form--grid">
                    <div class="field">
                        <label for="s-open">{move || i18n.t("service.opens")}</label>
                        <input id="s-open" class="input" type="time" prop:value=move || open.get() on:input=move |ev| open.set(event_target_value(&ev)) />
                    </div>
                    <div class="field">
                        <label for="s-close">{move || i18n.t("service.closes")}</label>
                        <input id="s-close" class="input" type="time" prop:value=move || close.get() on:input=move |ev| close.set(event_target_value(&ev)) />
                    </div>
                </div>
                <div class="chips">
                    {weekdays.iter().enumerate().map(|(i, k)| {
                        let k = *k;
                        let bit = 1u8 << i;
                        view! {
                            <label class="check">
                                <input type="checkbox" prop:checked=move || days.get() & bit != 0
                                    on:change=move |ev| days.update(|d| if event_target_checked(&ev) { *d |= bit } else { *d &= !bit }) />
                                <span>{move || i18n.t(k)}</span>
                            </label>
                        }
                    }).collect_view()}
                </div>
            </Show>
            <p class="field__error" role="alert">{move || hours_err.get()}</p>
            <SlaTable sla error=err />
            <fieldset class="fieldset">
                <legend class="field__label">{move || i18n.t("service.completion_record")}</legend>
                <p class="field__hint">{move || i18n.t("service.completion_record_hint")}</p>
                <label class="check">
                    <input type="checkbox" data-testid="photo-required" prop:checked=move || photo_required.get()
                        on:change=move |ev| photo_required.set(event_target_checked(&ev)) />
                    <span>{move || i18n.t("service.photo_required")}</span>
                </label>
                <label class="check">
                    <input type="checkbox" data-testid="labour-required" prop:checked=move || labour_required.get()
                        on:change=move |ev| labour_required.set(event_target_checked(&ev)) />
                    <span>{move || i18n.t("service.labour_required")}</span>
                </label>
            </fieldset>
            <button type="submit" class="btn btn--primary" disabled=move || save.pending().get()>{move || i18n.t("common.save")}</button>
        </form>
    }
    .into_any();
    view! {
        {form}
        <PriceList office prices=s.prices.clone() saved />
        <Teams office teams=s.teams.clone() saved />
    }
    .into_any()
}

#[component]
fn SlaTable(sla: RwSignal<Vec<SlaRule>>, #[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let sla_err = field_error(error, "sla");
    view! {
            <fieldset class="fieldset">
                <legend class="field__label">{move || i18n.t("service.sla_rules")}</legend>
                <p class="field__hint">{move || i18n.t("service.sla_hint")}</p>
                <div class="table-wrap">
                    <table class="table">
                        <thead><tr>
                            <th>{move || i18n.t("service.kind")}</th>
                            <th>{move || i18n.t("service.category")}</th>
                            <th>{move || i18n.t("service.priority")}</th>
                            <th>{move || i18n.t("service.respond_min")}</th>
                            <th>{move || i18n.t("service.handle_min")}</th>
                            <th></th>
                        </tr></thead>
                        <tbody>
                            {move || sla.get().into_iter().enumerate().map(|(i, r)| view! {
                                <tr>
                                    <td>
                                        <select class="input" aria-label=move || i18n.t("service.kind") on:change=move |ev| sla.update(|v| v[i].kind = event_target_value(&ev))>
                                            <option value="*" selected=r.kind == "*">{move || i18n.t("service.any")}</option>
                                            {Kind::ALL.into_iter().map(|k| { let key = k.key(); let sel = r.kind == k.code(); view! { <option value=k.code() selected=sel>{i18n.t(&key)}</option> } }).collect_view()}
                                        </select>
                                    </td>
                                    <td>
                                        <select class="input" aria-label=move || i18n.t("service.category") on:change=move |ev| sla.update(|v| v[i].category = event_target_value(&ev))>
                                            <option value="*" selected=r.category == "*">{move || i18n.t("service.any")}</option>
                                            {all_categories().into_iter().map(|c| { let key = category_key(c); let sel = r.category == c; view! { <option value=c selected=sel>{i18n.t(&key)}</option> } }).collect_view()}
                                        </select>
                                    </td>
                                    <td>
                                        <select class="input" aria-label=move || i18n.t("service.priority") on:change=move |ev| sla.update(|v| v[i].priority = Priority::parse(&event_target_value(&ev)).unwrap_or(Priority::Normal))>
                                            {Priority::ALL.into_iter().map(|p| { let key = p.key(); let sel = r.priority == p; view! { <option value=p.code() selected=sel>{i18n.t(&key)}</option> } }).collect_view()}
                                        </select>
                                    </td>
                                    <td><input class="input" inputmode="numeric" aria-label=move || i18n.t("service.respond_min") value=r.respond.to_string()
                                        on:change=move |ev| sla.update(|v| v[i].respond = event_target_value(&ev).trim().parse().unwrap_or(0)) /></td>
                                    <td><input class="input" inputmode="numeric" aria-label=move || i18n.t("service.handle_min") value=r.handle.to_string()
                                        on:change=move |ev| sla.update(|v| v[i].handle = event_target_value(&ev).trim().parse().unwrap_or(0)) /></td>
                                    <td><button type="button" class="btn btn--small btn--danger-ghost" on:click=move |_| sla.update(|v| { v.remove(i); })>{move || i18n.t("common.remove")}</button></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <button type="button" class="btn btn--small" on:click=move |_| sla.update(|v| v.push(SlaRule {
                    kind: "*".into(), category: "*".into(), priority: Priority::Normal, respond: 15, handle: 240,
                }))>{move || i18n.t("service.add_rule")}</button>
                <p class="field__error" role="alert">{move || sla_err.get()}</p>
            </fieldset>
    }
    .into_any()
}

#[component]
fn PriceList(office: i64, prices: Vec<PriceItem>, saved: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SavePriceItem>::new();
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let err = Signal::derive(move || error.get());
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => {
            toast(i18n.t("common.saved"));
            saved.update(|v| *v += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let name = RwSignal::new(String::new());
    let unit = RwSignal::new(String::new());
    let price = RwSignal::new(String::new());
    view! {
        <section class="card">
            <h2 class="card__title">{move || i18n.t("service.price_list")}</h2>
            <p class="field__hint">{move || i18n.t("service.price_list_hint")}</p>
            <ul class="list">
                {prices.into_iter().map(|p| {
                    let item = p.clone();
                    view! {
                        <li class="list__item">
                            <span class="list__main">{p.name.clone()} " · " {crate::shared::money::Money(p.price).to_string()} "/" {p.unit.clone()}</span>
                            <button type="button" class="btn btn--small" on:click=move |_| {
                                let mut i = item.clone();
                                i.active = !i.active;
                                save.dispatch(SavePriceItem { office, item: i });
                            }>{move || i18n.t(if p.active { "service.deactivate" } else { "service.activate" })}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="form form--grid" novalidate on:submit=move |ev| {
                ev.prevent_default();
                match crate::shared::money::Money::parse_yuan(price.get_untracked().trim()) {
                    Ok(m) => {
                        save.dispatch(SavePriceItem { office, item: PriceItem { id: 0, name: name.get_untracked(), unit: unit.get_untracked(), price: m.fen(), active: true } });
                    }
                    Err(_) => error.set(Some(AppError::validation("price", "err.price_amount"))),
                }
            }>
                <FormError error=err />
                <input class="input" aria-label=move || i18n.t("service.price_name") placeholder=move || i18n.t("service.price_name") prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                <input class="input" aria-label=move || i18n.t("service.price_unit") placeholder=move || i18n.t("service.price_unit") prop:value=move || unit.get() on:input=move |ev| unit.set(event_target_value(&ev)) />
                <input class="input" inputmode="decimal" aria-label=move || i18n.t("service.price_yuan") placeholder=move || i18n.t("service.price_yuan") prop:value=move || price.get() on:input=move |ev| price.set(event_target_value(&ev)) />
                <button type="submit" class="btn">{move || i18n.t("service.add_price")}</button>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn Teams(office: i64, teams: Vec<Team>, saved: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let techs = Resource::new(move || office, office_technicians);
    let save = ServerAction::<SaveTeam>::new();
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let err = Signal::derive(move || error.get());
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => {
            toast(i18n.t("common.saved"));
            saved.update(|v| *v += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let name = RwSignal::new(String::new());
    let members: RwSignal<Vec<i64>> = RwSignal::new(vec![]);
    view! {
        <section class="card">
            <h2 class="card__title">{move || i18n.t("service.teams")}</h2>
            <ul class="list">
                {teams.into_iter().map(|t| view! {
                    <li class="list__item"><span class="list__main"><strong>{t.name.clone()}</strong> " " {t.members.iter().map(|m| m.1.clone()).collect::<Vec<_>>().join("、")}</span></li>
                }).collect_view()}
            </ul>
            <form class="form" novalidate on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(SaveTeam { office, team: Team { id: 0, name: name.get_untracked(), members: members.get_untracked().into_iter().map(|m| (m, String::new())).collect() } });
            }>
                <FormError error=err />
                <input class="input" aria-label=move || i18n.t("service.team_name") placeholder=move || i18n.t("service.team_name") prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        techs.await.unwrap_or_default().into_iter().map(|t| {
                            let id = t.id;
                            view! {
                                <label class="check">
                                    <input type="checkbox" on:change=move |ev| members.update(|m| { m.retain(|x| *x != id); if event_target_checked(&ev) { m.push(id); } }) />
                                    <span>{t.name.clone()}</span>
                                </label>
                            }
                        }).collect_view()
                    })}
                </Transition>
                <button type="submit" class="btn">{move || i18n.t("service.add_team")}</button>
            </form>
        </section>
    }
    .into_any()
}
