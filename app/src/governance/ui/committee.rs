//! 社区 → 业主大会 → 业委会操作 (`/community/assembly/:id/manage`): the committee runs one meeting
//! on its own page: the draft's matters and notice PDFs, the step from notice to publication,
//! and while ballots are counted the paper entry, the conflicts, the proxies to check and the
//! register's corrections. Staff the committee lets assist see the procedure only. A part of
//! the bundle of its own: owners never fetch it.
use super::assembly::{ballot_fields, BallotSummary, StatusBadge, Turnout};
use crate::access::model::Me;
use crate::access::ui::RequireLogin;
use crate::files::ui::{DocumentPicker, PhotoPicker};
use crate::governance::api::*;
use crate::governance::model::*;
use crate::shared::error::AppError;
use crate::shared::i18n::use_i18n;
use crate::shared::ids::MeetingId;
use crate::shared::money::fixed2;
use crate::shared::time::format_local;
use crate::shared::ui::{field_error, toast, CsrfField, ErrorState, FormError, Loading, ResidentShell};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/community/assembly/:id/manage`: the committee's tools for one meeting.
#[component]
pub fn CommitteePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let back = move || params.with(|p| format!("/community/assembly/{}", p.get("id").unwrap_or_default()));
    view! {
        <Title text=move || i18n.t("gov.committee_tools") />
        <ResidentShell>
            <header class="page-head">
                <a class="back" href=back aria-label=move || i18n.t("common.back")>"‹"</a>
                <h1>{move || i18n.t("gov.committee_tools")}</h1>
            </header>
            <RequireLogin f=move |_me: Me| view! { <ToolsLoader /> } />
        </ResidentShell>
    }
}

/// The page's server actions: the meeting reloads after one of them succeeded, not after a
/// refusal (a reload rebuilds the forms and would wipe what is being fixed).
#[derive(Clone, Copy)]
struct Tools {
    add: ServerAction<AddMeetingItem>,
    remove: ServerAction<RemoveMeetingItem>,
    advance: ServerAction<AdvanceMeeting>,
    paper: ServerAction<EnterPaperBallot>,
    resolve: ServerAction<ResolveConflict>,
    decide: ServerAction<DecideProxy>,
    correct: ServerAction<CorrectRegisterVoter>,
    docs: ServerAction<AddMeetingDocuments>,
    undoc: ServerAction<RemoveMeetingDocument>,
}

#[component]
fn ToolsLoader() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let acts = Tools {
        add: ServerAction::new(),
        remove: ServerAction::new(),
        advance: ServerAction::new(),
        paper: ServerAction::new(),
        resolve: ServerAction::new(),
        decide: ServerAction::new(),
        correct: ServerAction::new(),
        docs: ServerAction::new(),
        undoc: ServerAction::new(),
    };
    let taken = RwSignal::new(0u32);
    let on_ok = move |key: &'static str| {
        taken.update(|n| *n += 1);
        toast(i18n.t(key));
    };
    macro_rules! reload_on_ok {
        ($($act:ident => $key:literal),+ $(,)?) => {$(
            Effect::new(move |_| {
                if let Some(Ok(_)) = acts.$act.value().get() {
                    on_ok($key);
                }
            });
        )+};
    }
    reload_on_ok!(
        add => "common.saved",
        remove => "common.saved",
        advance => "common.saved",
        paper => "gov.paper_entered",
        resolve => "gov.conflict_resolved",
        decide => "common.saved",
        correct => "gov.fix_done",
        docs => "common.saved",
        undoc => "common.saved",
    );
    let meeting = Resource::new(move || (id(), taken.get()), |(id, _)| assembly_meeting(MeetingId(id)));
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match meeting.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(d) if !(d.manages || d.assists) => view! { <ErrorState error=AppError::Forbidden /> }.into_any(),
                    Ok(d) => view! { <ToolsView d acts /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The meeting at a glance, then the tools of its current step.
#[component]
fn ToolsView(d: MyMeeting, acts: Tools) -> impl IntoView {
    let i18n = use_i18n();
    let m = d.meeting;
    let row = m.row.clone();
    let when = format!("{} – {}", format_local(row.opens_at), format_local(row.closes_at));
    let href = format!("/community/assembly/{}", row.id.0);
    let published = row.status == MeetingStatus::Published;
    view! {
        <article class="meeting" data-status=row.status.code()>
            <section class="card">
                <div class="meeting-card__top">
                    <StatusBadge row=row.clone() />
                    <span class="muted small">{row.community.clone()}</span>
                </div>
                <h2 class="meeting__title" data-testid="meeting-title">{row.title.clone()}</h2>
                <p class="muted small">{move || i18n.t("gov.voting_time")}" "{when}</p>
                <a class="btn btn--block" href=href data-testid="meeting-link">{move || i18n.t("gov.to_meeting")}</a>
            </section>
            {m.total.zip(m.turnout).map(|(total, turnout)| view! { <Turnout total turnout /> })}
            {if published {
                view! { <p class="alert alert--info" role="status">{move || i18n.t("gov.published_note")}</p> }.into_any()
            } else {
                view! { <CommitteeTools m=m.clone() full=d.manages acts /> }.into_any()
            }}
        </article>
    }
}

/// The committee's tools for the meeting's current step.
#[component]
fn CommitteeTools(m: Meeting, full: bool, acts: Tools) -> impl IntoView {
    let i18n = use_i18n();
    let id = m.row.id;
    let advance = acts.advance;
    let error = Signal::derive(move || advance.value().get().and_then(|r| r.err()));
    let step = match m.row.status {
        MeetingStatus::Draft => Some((MeetingAction::Notice, "gov.act_notice", "gov.act_notice_hint")),
        MeetingStatus::Noticed => Some((MeetingAction::Open, "gov.act_open", "gov.act_open_hint")),
        MeetingStatus::Open => Some((MeetingAction::Close, "gov.act_close", "gov.act_close_hint")),
        MeetingStatus::Closed => Some((MeetingAction::Publish, "gov.act_publish", "gov.act_publish_hint")),
        MeetingStatus::Published => None,
    };
    let draft = m.row.status == MeetingStatus::Draft;
    // Staff who assist run the procedure only: ballots, proxies and the register stay with the
    // committee.
    let counting = full && matches!(m.row.status, MeetingStatus::Open | MeetingStatus::Closed);
    let open = full && m.row.status == MeetingStatus::Open;
    let proxy_max = m.proxy_max;
    view! {
        <section class="card committee" aria-labelledby="committee-title">
            <h2 class="card__title" id="committee-title">{move || i18n.t(if full { "gov.committee_tools" } else { "gov.staff_tools" })}</h2>
            {draft.then(|| view! {
                <DraftItems id items=m.items.clone() acts />
                <NoticeDocuments id docs=m.attachments.clone() acts />
            })}
            {counting.then(|| view! {
                <Conflicts id items=m.items.clone() acts />
                <PaperEntry id items=m.items.clone() acts />
            })}
            {open.then(|| view! {
                <ProxyReview id proxy_max acts />
                <CorrectRegister id acts />
            })}
            {step.map(|(action, label, hint)| view! {
                <ActionForm action=advance attr:class="form">
                    <CsrfField />
                    <input type="hidden" name="meeting" value=id.0.to_string() />
                    <input type="hidden" name="action" value=action.code() />
                    <p class="field__hint">{move || i18n.t(hint)}</p>
                    <FormError error />
                    <button type="submit" class="btn btn--primary" data-testid=format!("act-{}", action.code())
                        disabled=move || advance.pending().get()>{move || i18n.t(label)}</button>
                </ActionForm>
            })}
        </section>
    }
}

#[component]
fn DraftItems(id: MeetingId, items: Vec<MeetingItem>, acts: Tools) -> impl IntoView {
    let i18n = use_i18n();
    let add = acts.add;
    let remove = acts.remove;
    let error: Signal<Option<AppError>> = Signal::derive(move || add.value().get().and_then(|r| r.err()));
    view! {
        <ol class="items">
            {items.into_iter().map(|it| view! {
                <li class="items__item items__item--row">
                    <span>{format!("{}. {}", it.position, it.title)}</span>
                    <ActionForm action=remove attr:class="inline-form">
                        <CsrfField />
                        <input type="hidden" name="meeting" value=id.0.to_string() />
                        <input type="hidden" name="item" value=it.id.to_string() />
                        <button type="submit" class="btn btn--small">{move || i18n.t("gov.remove_item")}</button>
                    </ActionForm>
                </li>
            }).collect_view()}
        </ol>
        <details class="add-item" open=true>
            <summary>{move || i18n.t("gov.add_item")}</summary>
            <ActionForm action=add attr:class="form" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="meeting" value=id.0.to_string() />
                <label class="field"><span class="field__label">{move || i18n.t("gov.item_kind")}</span>
                    <select class="input" name="kind">
                        <option value="matter">{move || i18n.t("gov.kind_matter")}</option>
                        <option value="election">{move || i18n.t("gov.kind_election")}</option>
                    </select>
                </label>
                <label class="field"><span class="field__label">{move || i18n.t("gov.item_title")}</span>
                    <input class="input" name="title" maxlength="200" required />
                </label>
                <label class="field"><span class="field__label">{move || i18n.t("gov.item_body")}</span>
                    <textarea class="input" name="body" rows="2"></textarea>
                </label>
                <label class="field"><span class="field__label">{move || i18n.t("gov.item_rule")}</span>
                    <select class="input" name="rule">
                        <option value="ordinary">{move || i18n.t("gov.rule_ordinary")}</option>
                        <option value="special">{move || i18n.t("gov.rule_special")}</option>
                    </select>
                    <span class="field__hint">{move || i18n.t("gov.item_rule_hint")}</span>
                </label>
                <fieldset class="add-item__election">
                    <legend>{move || i18n.t("gov.election_fields")}</legend>
                    <label class="field"><span class="field__label">{move || i18n.t("gov.candidates")}</span>
                        <textarea class="input" name="candidates" rows="4" placeholder=move || i18n.t("gov.candidates_hint")></textarea>
                    </label>
                    <div class="form__row">
                        <label class="field"><span class="field__label">{move || i18n.t("gov.seats")}</span>
                            <input class="input" type="number" name="seats" min="1" value="0" inputmode="numeric" />
                        </label>
                        <label class="field"><span class="field__label">{move || i18n.t("gov.max_picks")}</span>
                            <input class="input" type="number" name="max_picks" min="0" value="0" inputmode="numeric" />
                        </label>
                    </div>
                </fieldset>
                <FormError error />
                <button type="submit" class="btn" disabled=move || add.pending().get()>{move || i18n.t("gov.add_item")}</button>
            </ActionForm>
        </details>
    }
}

/// Voters holding a paper and an online ballot: the committee sees both, with the scan, and
/// says which one stands.
#[component]
fn Conflicts(id: MeetingId, items: Vec<MeetingItem>, acts: Tools) -> impl IntoView {
    let i18n = use_i18n();
    let resolve = acts.resolve;
    let error = Signal::derive(move || resolve.value().get().and_then(|r| r.err()));
    let list = Resource::new(|| (), move |_| ballot_conflicts(id));
    view! {
        <Transition fallback=Loading>
            {move || {
                let items = items.clone();
                Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorState error=e /> }.into_any(),
                        Ok(l) if l.is_empty() => ().into_any(),
                        Ok(l) => {
                            let n = l.len().to_string();
                            view! {
                            <div class="conflicts" data-testid="conflicts">
                                <p class="alert alert--warn" role="status">
                                    {move || i18n.t("gov.conflicts_note").replace("{n}", &n)}
                                </p>
                                <FormError error />
                                {l.into_iter().map(|c| {
                                    let title = format!("{} · {} ㎡", c.units, fixed2(c.area));
                                    let online_at = format_local(c.online_at);
                                    let paper_at = format_local(c.paper_at);
                                    let scan = c.scan.map(|f| format!("/api/v1/votes/{}/scans/{f}", id.0));
                                    let keep = move |source: BallotSource, label: &'static str| view! {
                                        <ActionForm action=resolve attr:class="inline-form">
                                            <CsrfField />
                                            <input type="hidden" name="meeting" value=id.0.to_string() />
                                            <input type="hidden" name="voter" value=c.voter.to_string() />
                                            <input type="hidden" name="keep" value=source.code() />
                                            <button type="submit" class="btn btn--small" data-testid=format!("keep-{}", source.code())
                                                disabled=move || resolve.pending().get()>{move || i18n.t(label)}</button>
                                        </ActionForm>
                                    };
                                    view! {
                                        <article class="conflict" data-testid="conflict" aria-label=title.clone()>
                                            <h3 class="conflict__title">{title.clone()}</h3>
                                            <div class="conflict__sides">
                                                <div>
                                                    <p class="small"><strong>{move || i18n.t("gov.online_ballot")}</strong>" · "{online_at}</p>
                                                    <BallotSummary items=items.clone() ballot=c.online.clone() other=c.paper.clone() />
                                                    {keep(BallotSource::Online, "gov.keep_online")}
                                                </div>
                                                <div>
                                                    <p class="small"><strong>{move || i18n.t("gov.paper_ballot")}</strong>" · "{paper_at}</p>
                                                    {scan.map(|u| view! {
                                                        <a href=u.clone() target="_blank" rel="noopener">
                                                            <img class="conflict__scan" src=format!("{u}?thumb=true") alt=move || i18n.t("gov.paper_scan") loading="lazy" width="96" height="96" />
                                                        </a>
                                                    })}
                                                    <BallotSummary items=items.clone() ballot=c.paper.clone() other=c.online.clone() />
                                                    {keep(BallotSource::Paper, "gov.keep_paper")}
                                                </div>
                                            </div>
                                        </article>
                                    }
                                }).collect_view()}
                            </div>
                        }.into_any()
                        }
                    }
                })
            }}
        </Transition>
    }
}

/// Entering a paper ballot (书面表决票): find the voter by unit number, attach the scan, mark
/// the answers as written on the paper.
#[component]
fn PaperEntry(id: MeetingId, items: Vec<MeetingItem>, acts: Tools) -> impl IntoView {
    let i18n = use_i18n();
    let paper = acts.paper;
    let error = Signal::derive(move || paper.value().get().and_then(|r| r.err()));
    let q = RwSignal::new(String::new());
    let found = Resource::new(move || q.get(), move |q| find_register_voters(id, q));
    let scan = RwSignal::new(Vec::<i64>::new());
    let busy = RwSignal::new(false);
    view! {
        <details class="paper-entry" data-testid="paper-entry">
            <summary>{move || i18n.t("gov.paper_entry")}</summary>
            <p class="field__hint">{move || i18n.t("gov.paper_hint")}</p>
            <label class="field">
                <span class="field__label">{move || i18n.t("gov.find_voter")}</span>
                <input class="input" type="search" name="unit_search" placeholder=move || i18n.t("gov.find_voter_hint")
                    prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev)) />
            </label>
            <ActionForm action=paper attr:class="form" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="meeting" value=id.0.to_string() />
                <fieldset class="voter-pick">
                    <legend>{move || i18n.t("gov.pick_voter")}</legend>
                    <Transition fallback=Loading>
                        {move || Suspend::new(async move {
                            match found.await {
                                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                                Ok(v) if v.is_empty() => view! { <p class="muted small">{move || i18n.t("gov.no_voter_found")}</p> }.into_any(),
                                Ok(v) => v.into_iter().map(|r| {
                                    let area = format!("{} ㎡", fixed2(r.area));
                                    view! {
                                        <label class="choice voter-pick__row">
                                            <input type="radio" name="voter" value=r.voter.to_string() />
                                            <span>{r.units.clone()}" · "{area}</span>
                                            {r.developer.then(|| view! { <span class="badge">{move || i18n.t("gov.developer")}</span> })}
                                            {r.online.then(|| view! { <span class="badge badge--ok">{move || i18n.t("gov.has_online")}</span> })}
                                            {r.paper.then(|| view! { <span class="badge">{move || i18n.t("gov.has_paper")}</span> })}
                                        </label>
                                    }
                                }).collect_view().into_any(),
                            }
                        })}
                    </Transition>
                </fieldset>
                <PhotoPicker ids=scan max=1 label="gov.paper_scan" hint="gov.paper_scan_hint" busy error />
                {move || scan.get().first().map(|f| view! { <input type="hidden" name="scan" value=f.to_string() /> })}
                {ballot_fields(&items, None)}
                <FormError error />
                <button type="submit" class="btn btn--primary btn--block" data-testid="enter-paper"
                    disabled=move || paper.pending().get() || busy.get()>{move || i18n.t("gov.enter_paper")}</button>
            </ActionForm>
        </details>
    }
}

/// The notice's PDFs while the meeting is a draft: listed, removable, and more to upload.
#[component]
fn NoticeDocuments(id: MeetingId, docs: Vec<crate::files::model::DocRef>, acts: Tools) -> impl IntoView {
    let i18n = use_i18n();
    let add = acts.docs;
    let undoc = acts.undoc;
    let error: Signal<Option<AppError>> = Signal::derive(move || add.value().get().and_then(|r| r.err()));
    let documents = RwSignal::new(Vec::<i64>::new());
    let busy = RwSignal::new(false);
    let have = docs.len();
    view! {
        <details class="add-item" data-testid="notice-docs">
            <summary>{move || i18n.t("gov.attachments")}" ("{have}")"</summary>
            <ul class="items">
                {docs.into_iter().map(|d| view! {
                    <li class="items__item items__item--row">
                        <a href=format!("/api/v1/votes/{}/documents/{}", id.0, d.id) target="_blank" rel="noopener">{d.name.clone()}</a>
                        <ActionForm action=undoc attr:class="inline-form">
                            <CsrfField />
                            <input type="hidden" name="meeting" value=id.0.to_string() />
                            <input type="hidden" name="file" value=d.id.to_string() />
                            <button type="submit" class="btn btn--small">{move || i18n.t("gov.remove_item")}</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
            <ActionForm action=add attr:class="form">
                <CsrfField />
                <input type="hidden" name="meeting" value=id.0.to_string() />
                <p class="field__hint">{move || i18n.t("gov.attachments_hint")}</p>
                <DocumentPicker ids=documents busy error max=MAX_NOTICE_DOCS.saturating_sub(have) />
                {move || documents.get().into_iter().enumerate().map(|(i, d)| view! {
                    <input type="hidden" name=format!("documents[{i}]") value=d.to_string() />
                }).collect_view()}
                <FormError error fields=&["documents"] />
                <button type="submit" class="btn" data-testid="notice-docs-save"
                    disabled=move || add.pending().get() || busy.get() || documents.with(|d| d.is_empty())>{move || i18n.t("gov.attach")}</button>
            </ActionForm>
        </details>
    }
}

/// The committee checks each proxy's signed authorization and accepts or rejects it.
#[component]
fn ProxyReview(id: MeetingId, proxy_max: i32, acts: Tools) -> impl IntoView {
    let i18n = use_i18n();
    let decide = acts.decide;
    let error = Signal::derive(move || decide.value().get().and_then(|r| r.err()));
    let list = Resource::new(|| (), move |_| meeting_proxies(id));
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(l) if l.is_empty() => ().into_any(),
                    Ok(l) => {
                        let waiting = l.iter().filter(|p| p.status == ProxyStatus::Pending).count();
                        let pending = waiting.to_string();
                        view! {
                        <details class="proxies" data-testid="proxy-review" open={waiting > 0}>
                            <summary>{move || i18n.t("gov.proxies").replace("{n}", &pending)}</summary>
                            <p class="field__hint">{move || i18n.t("gov.proxy_max_note").replace("{n}", &proxy_max.to_string())}</p>
                            <FormError error />
                            {l.into_iter().map(|p| {
                                let title = format!("{} · {} ㎡", p.units, fixed2(p.area));
                                let who = format!("{} {}", p.name, p.phone);
                                let holds = i18n.t("gov.proxy_holds").replace("{n}", &p.holds.to_string());
                                let photo = format!("/api/v1/votes/{}/proxies/{}/authorization", id.0, p.id);
                                let st = match p.status {
                                    ProxyStatus::Pending => "gov.proxy_st_pending",
                                    ProxyStatus::Accepted => "gov.proxy_st_accepted",
                                    ProxyStatus::Rejected => "gov.proxy_st_rejected",
                                    ProxyStatus::Withdrawn => "gov.proxy_st_withdrawn",
                                };
                                let pending = p.status == ProxyStatus::Pending;
                                let pid = p.id;
                                view! {
                                    <article class="conflict" data-testid="proxy-row" data-status=p.status.code() aria-label=title.clone()>
                                        <h3 class="conflict__title">{title.clone()}" "<span class="badge">{move || i18n.t(st)}</span></h3>
                                        <div class="proxy__body">
                                            <a href=photo.clone() target="_blank" rel="noopener">
                                                <img class="conflict__scan" src=format!("{photo}?thumb=true") alt=move || i18n.t("gov.proxy_authorization") loading="lazy" width="96" height="96" />
                                            </a>
                                            <div>
                                                <p><strong>{who}</strong></p>
                                                <p class="muted small">{holds}</p>
                                                {p.reason.clone().map(|r| view! { <p class="small">{r}</p> })}
                                            </div>
                                        </div>
                                        {pending.then(|| view! {
                                            <div class="proxy__actions">
                                                <ActionForm action=decide attr:class="inline-form">
                                                    <CsrfField />
                                                    <input type="hidden" name="meeting" value=id.0.to_string() />
                                                    <input type="hidden" name="proxy" value=pid.to_string() />
                                                    <input type="hidden" name="decision" value="accept" />
                                                    <button type="submit" class="btn btn--small btn--primary" data-testid="proxy-accept"
                                                        disabled=move || decide.pending().get()>{move || i18n.t("gov.proxy_accept")}</button>
                                                </ActionForm>
                                                <ActionForm action=decide attr:class="form proxy__reject" attr:novalidate=true>
                                                    <CsrfField />
                                                    <input type="hidden" name="meeting" value=id.0.to_string() />
                                                    <input type="hidden" name="proxy" value=pid.to_string() />
                                                    <input type="hidden" name="decision" value="reject" />
                                                    <label class="field"><span class="field__label">{move || i18n.t("gov.proxy_reason")}</span>
                                                        <input class="input" name="reason" maxlength="200" />
                                                    </label>
                                                    <button type="submit" class="btn btn--small" data-testid="proxy-reject"
                                                        disabled=move || decide.pending().get()>{move || i18n.t("gov.proxy_reject")}</button>
                                                </ActionForm>
                                            </div>
                                        })}
                                    </article>
                                }
                            }).collect_view()}
                        </details>
                    }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// Re-reading one voter of the frozen register from the estate records, with the reason.
#[component]
fn CorrectRegister(id: MeetingId, acts: Tools) -> impl IntoView {
    let i18n = use_i18n();
    let correct = acts.correct;
    let error = Signal::derive(move || correct.value().get().and_then(|r| r.err()));
    let msg = move |f: &'static str| {
        let m = field_error(error, f);
        move || m.get()
    };
    let q = RwSignal::new(String::new());
    let found = Resource::new(move || q.get(), move |q| find_register_voters(id, q));
    view! {
        <details class="paper-entry" data-testid="correct-register">
            <summary>{move || i18n.t("gov.fix_register")}</summary>
            <p class="field__hint">{move || i18n.t("gov.fix_hint")}</p>
            <label class="field">
                <span class="field__label">{move || i18n.t("gov.find_voter")}</span>
                <input class="input" type="search" name="fix_search" placeholder=move || i18n.t("gov.find_voter_hint")
                    prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev)) />
            </label>
            <ActionForm action=correct attr:class="form" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="meeting" value=id.0.to_string() />
                <fieldset class="voter-pick">
                    <legend>{move || i18n.t("gov.pick_voter")}</legend>
                    <Transition fallback=Loading>
                        {move || Suspend::new(async move {
                            match found.await {
                                Err(e) => view! { <ErrorState error=e /> }.into_any(),
                                Ok(v) if v.is_empty() => view! { <p class="muted small">{move || i18n.t("gov.no_voter_found")}</p> }.into_any(),
                                Ok(v) => v.into_iter().map(|r| {
                                    let area = format!("{} ㎡", fixed2(r.area));
                                    view! {
                                        <label class="choice voter-pick__row">
                                            <input type="radio" name="voter" value=r.voter.to_string() />
                                            <span>{r.units.clone()}" · "{area}</span>
                                        </label>
                                    }
                                }).collect_view().into_any(),
                            }
                        })}
                    </Transition>
                </fieldset>
                <label class="field"><span class="field__label">{move || i18n.t("gov.fix_reason")}</span>
                    <input class="input" name="reason" maxlength="200" required />
                    <span class="field__error" role="alert">{msg("reason")}</span>
                </label>
                <FormError error fields=&["reason"] />
                <button type="submit" class="btn btn--block" data-testid="fix-submit"
                    disabled=move || correct.pending().get()>{move || i18n.t("gov.fix_submit")}</button>
            </ActionForm>
        </details>
    }
}
