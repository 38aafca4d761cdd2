//! 社区 → 业主大会: the meetings of the resident's community, voting on a phone with a receipt,
//! the live turnout against the two-thirds quorum, the published result, proxies; the owners'
//! committee drafts a meeting here, and runs it on its own page (`committee.rs`).
use crate::access::model::Me;
use crate::access::ui::RequireLogin;
use crate::files::ui::{DocumentPicker, PhotoPicker};
use crate::governance::api::*;
use crate::governance::model::*;
use crate::shared::i18n::use_i18n;
use crate::shared::ids::{MeetingId, OrgId};
use crate::shared::money::fixed2;
use crate::shared::time::format_local;
use crate::shared::ui::{field_error, toast, CsrfField, EmptyState, ErrorState, FormError, Loading, ResidentShell};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

/// `part / whole` as a percentage cut to one decimal (`66.6%`): turnout never looks larger
/// than it is.
fn percent(part: i64, whole: i64) -> String {
    let p = crate::shared::percent::floored(part, whole);
    if whole <= 0 {
        p
    } else {
        format!("{p}%")
    }
}

fn status_key(s: MeetingStatus) -> &'static str {
    match s {
        MeetingStatus::Draft => "gov.status_draft",
        MeetingStatus::Noticed => "gov.status_noticed",
        MeetingStatus::Open => "gov.status_open",
        MeetingStatus::Closed => "gov.status_closed",
        MeetingStatus::Published => "gov.status_published",
    }
}

fn rule_key(r: Rule) -> &'static str {
    match r {
        Rule::Ordinary => "gov.rule_ordinary",
        Rule::Special => "gov.rule_special",
    }
}

fn choice_key(c: Choice) -> &'static str {
    match c {
        Choice::Agree => "gov.agree",
        Choice::Oppose => "gov.oppose",
        Choice::Abstain => "gov.abstain",
    }
}

#[component]
pub(super) fn StatusBadge(row: MeetingRow) -> impl IntoView {
    let i18n = use_i18n();
    let (key, class) = if row.voting {
        ("gov.voting_now", "badge badge--ok")
    } else {
        (
            status_key(row.status),
            match row.status {
                MeetingStatus::Published => "badge badge--ok",
                MeetingStatus::Draft => "badge badge--off",
                _ => "badge",
            },
        )
    };
    view! { <span class=class data-testid="meeting-status">{move || i18n.t(key)}</span> }
}

/// `/community/assembly`: the meetings, and the committee's new-meeting form.
#[component]
pub fn AssemblyPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("gov.assembly") />
        <ResidentShell>
            <header class="page-head">
                <a class="back" href="/community" aria-label=move || i18n.t("common.back")>"‹"</a>
                <h1>{move || i18n.t("gov.assembly")}</h1>
            </header>
            <RequireLogin f=move |_me: Me| view! { <AssemblyList /> } />
        </ResidentShell>
    }
}

#[component]
fn AssemblyList() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |_| assembly_list());
    let committees = Resource::new(|| (), |_| committee_communities());
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match committees.await {
                    Ok(c) if !c.is_empty() => view! {
                        <a class="btn btn--block" href="/community/committee-notices" data-testid="committee-notices-link">{move || i18n.t("cm.committee_notices")}" ›"</a>
                        <NewMeetingForm communities=c /> <RulesForms />
                    }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Transition>
        <Rosters />
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(l) if l.is_empty() => view! { <EmptyState title="gov.no_meetings" body="gov.no_meetings_body" icon="☷" /> }.into_any(),
                    Ok(l) => view! {
                        <ul class="meeting-list" aria-label=move || i18n.t("gov.assembly")>
                            {l.into_iter().map(|row| {
                                let href = format!("/community/assembly/{}", row.id);
                                let when = format!("{} – {}", format_local(row.opens_at), format_local(row.closes_at));
                                view! {
                                    <li>
                                        <a class="card meeting-card" href=href>
                                            <span class="meeting-card__top">
                                                <StatusBadge row=row.clone() />
                                                <span class="muted small">{row.community.clone()}</span>
                                            </span>
                                            <strong class="meeting-card__title">{row.title.clone()}</strong>
                                            <span class="muted small">{move || i18n.t("gov.voting_time")}" "{when.clone()}</span>
                                        </a>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn NewMeetingForm(communities: Vec<crate::org::model::OrgNode>) -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateMeeting>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(m)) = create.value().get() {
            navigate(&format!("/community/assembly/{}/manage", m.row.id), Default::default());
        }
    });
    let error = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    let msg = move |f: &'static str| {
        let m = field_error(error, f);
        move || m.get()
    };
    let one = (communities.len() == 1).then(|| communities[0].id.0);
    view! {
        <details class="card new-meeting">
            <summary class="new-meeting__summary">{move || i18n.t("gov.new_meeting")}</summary>
            <ActionForm action=create attr:class="form" attr:novalidate=true>
                <CsrfField />
                {match one {
                    Some(id) => view! { <input type="hidden" name="community" value=id.to_string() /> }.into_any(),
                    None => view! {
                        <label class="field"><span class="field__label">{move || i18n.t("gov.community")}</span>
                            <select class="input" name="community" required>
                                {communities.into_iter().map(|o| view! { <option value=o.id.0.to_string()>{o.name}</option> }).collect_view()}
                            </select>
                        </label>
                    }.into_any(),
                }}
                <label class="field"><span class="field__label">{move || i18n.t("gov.meeting_title")}</span>
                    <input class="input" name="title" required maxlength="120" />
                    <span class="field__error" role="alert">{msg("title")}</span>
                </label>
                <label class="field"><span class="field__label">{move || i18n.t("gov.meeting_body")}</span>
                    <textarea class="input" name="body" rows="4" maxlength="20000"></textarea>
                </label>
                <div class="form__row">
                    <label class="field"><span class="field__label">{move || i18n.t("gov.opens_on")}</span>
                        <input class="input" type="date" name="opens_on" required />
                        <span class="field__error" role="alert">{msg("opens_on")}</span>
                    </label>
                    <label class="field"><span class="field__label">{move || i18n.t("gov.closes_on")}</span>
                        <input class="input" type="date" name="closes_on" required />
                        <span class="field__error" role="alert">{msg("closes_on")}</span>
                    </label>
                </div>
                <p class="field__hint">{move || i18n.t("gov.notice_hint")}</p>
                <label class="check"><input type="checkbox" name="allow_change" value="true" checked />
                    {move || i18n.t("gov.allow_change")}</label>
                <label class="check"><input type="checkbox" name="open_ballot" value="true" />
                    {move || i18n.t("gov.open_ballot")}</label>
                <FormError error fields=&["title", "opens_on", "closes_on"] />
                <button type="submit" class="btn btn--primary" disabled=move || create.pending().get()>
                    {move || i18n.t("gov.create_draft")}
                </button>
            </ActionForm>
        </details>
    }
}

/// The committee's rules for its community's meetings: the notice period and the reminder.
#[component]
fn RulesForms() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveAssemblyRules>::new();
    let rules = Resource::new(|| (), |_| my_assembly_rules());
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            toast(i18n.t("common.saved"));
        }
    });
    let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let msg = move |f: &'static str| {
        let m = field_error(error, f);
        move || m.get()
    };
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match rules.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(list) => list.into_iter().map(|(org, r)| view! {
                        <details class="card new-meeting" data-testid="assembly-rules">
                            <summary class="new-meeting__summary">{move || i18n.t("gov.rules")}" · "{org.name.clone()}</summary>
                            <ActionForm action=save attr:class="form" attr:novalidate=true>
                                <CsrfField />
                                <input type="hidden" name="community" value=org.id.0.to_string() />
                                <div class="form__row">
                                    <label class="field"><span class="field__label">{move || i18n.t("gov.notice_days")}</span>
                                        <input class="input" type="number" name="notice_days" min=MIN_NOTICE_DAYS max=MAX_NOTICE_DAYS
                                            value=r.notice_days.to_string() inputmode="numeric" required />
                                        <span class="field__error" role="alert">{msg("notice_days")}</span>
                                    </label>
                                    <label class="field"><span class="field__label">{move || i18n.t("gov.remind_days")}</span>
                                        <input class="input" type="number" name="remind_days" min="0" max=MAX_REMIND_DAYS
                                            value=r.remind_days.to_string() inputmode="numeric" required />
                                        <span class="field__error" role="alert">{msg("remind_days")}</span>
                                    </label>
                                    <label class="field"><span class="field__label">{move || i18n.t("gov.proxy_max")}</span>
                                        <input class="input" type="number" name="proxy_max" min="1" max=MAX_PROXY_MAX
                                            value=r.proxy_max.to_string() inputmode="numeric" required />
                                        <span class="field__error" role="alert">{msg("proxy_max")}</span>
                                    </label>
                                </div>
                                <label class="choice">
                                    <input type="checkbox" name="staff_assist" value="on" checked=r.staff_assist />
                                    <span>{move || i18n.t("gov.staff_assist")}</span>
                                </label>
                                <p class="field__hint">{move || i18n.t("gov.rules_hint")}</p>
                                <FormError error fields=&["notice_days", "remind_days", "proxy_max"] />
                                <button type="submit" class="btn" disabled=move || save.pending().get()>{move || i18n.t("common.save")}</button>
                            </ActionForm>
                            <p class="field__hint">{move || i18n.t("gov.export_hint")}</p>
                            <a class="btn btn--block" download href=format!("/api/v1/communities/{}/voter-register.xlsx", org.id.0)>
                                {move || i18n.t("gov.export_register")}
                            </a>
                        </details>
                    }).collect_view().into_any(),
                }
            })}
        </Transition>
    }
}

fn position_key(p: CommitteePosition) -> &'static str {
    match p {
        CommitteePosition::Chair => "gov.chair",
        CommitteePosition::ViceChair => "gov.vice_chair",
        CommitteePosition::Member => "gov.member",
    }
}

/// 本届业主委员会: the rosters of the caller's communities, and the committee's form to keep its
/// own (term, filing, members one per line, filing documents).
#[component]
fn Rosters() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveRoster>::new();
    let remove = ServerAction::<RemoveRosterDocument>::new();
    let rosters = Resource::new(move || (save.version().get(), remove.version().get()), |_| my_rosters());
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            toast(i18n.t("common.saved"));
        }
    });
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                let Ok((list, mine)) = rosters.await else { return ().into_any() };
                let editable: Vec<_> = mine.iter().filter(|c| !list.iter().any(|r| r.community == **c)).copied().collect();
                view! {
                    {list.into_iter().map(|r| {
                        let edit = mine.contains(&r.community);
                        view! { <RosterCard r edit save remove /> }
                    }).collect_view()}
                    {editable.into_iter().map(|c| view! {
                        <details class="card new-meeting" data-testid="roster-new">
                            <summary class="new-meeting__summary">{move || i18n.t("gov.roster_keep")}</summary>
                            <RosterForm community=c current=None save />
                        </details>
                    }).collect_view()}
                }.into_any()
            })}
        </Transition>
    }
}

#[component]
fn RosterCard(
    r: Roster,
    edit: bool,
    save: ServerAction<SaveRoster>,
    remove: ServerAction<RemoveRosterDocument>,
) -> impl IntoView {
    let i18n = use_i18n();
    let term = format!("{} – {}", r.term_start, r.term_end);
    let filed = match r.filed_on {
        Some(d) => {
            let with = r.filed_with.clone();
            let d = d.to_string();
            view! { <p class="small">{move || i18n.t("gov.filed").replace("{on}", &d).replace("{with}", &with)}</p> }
                .into_any()
        }
        None => view! { <p class="small alert alert--warn">{move || i18n.t("gov.not_filed")}</p> }.into_any(),
    };
    let community = r.community;
    let docs = r.documents.clone();
    view! {
        <section class="card roster" data-testid="roster" aria-labelledby=format!("roster-{}", community.0)>
            <h2 class="card__title" id=format!("roster-{}", community.0)>{move || i18n.t("gov.roster")}" · "{r.community_name.clone()}</h2>
            <p class="muted small">{move || i18n.t("gov.term")}" "{term.clone()}</p>
            {filed}
            <ul class="roster__members">
                {r.members.iter().map(|m| {
                    let k = position_key(m.position);
                    view! { <li><span class="badge">{move || i18n.t(k)}</span>" "{m.name.clone()}</li> }
                }).collect_view()}
            </ul>
            {(!docs.is_empty()).then(|| view! {
                <ul class="roster__docs">
                    {docs.iter().map(|d| {
                        let href = format!("/api/v1/communities/{}/committee/documents/{}", community.0, d.id);
                        let file = d.id;
                        view! {
                            <li>
                                <a href=href download>{d.name.clone()}</a>
                                {edit.then(|| view! {
                                    <ActionForm action=remove attr:class="inline-form">
                                        <CsrfField />
                                        <input type="hidden" name="community" value=community.0.to_string() />
                                        <input type="hidden" name="file" value=file.to_string() />
                                        <button type="submit" class="btn btn--small">{move || i18n.t("gov.remove_item")}</button>
                                    </ActionForm>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            {edit.then(|| view! {
                <details class="add-item">
                    <summary>{move || i18n.t("gov.roster_edit")}</summary>
                    <RosterForm community current=Some(r.clone()) save />
                </details>
            })}
        </section>
    }
}

#[component]
fn RosterForm(community: OrgId, current: Option<Roster>, save: ServerAction<SaveRoster>) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let msg = move |f: &'static str| {
        let m = field_error(error, f);
        move || m.get()
    };
    let documents = RwSignal::new(Vec::<i64>::new());
    let busy = RwSignal::new(false);
    let have = current.as_ref().map_or(0, |r| r.documents.len());
    let lines = current
        .as_ref()
        .map(|r| {
            r.members
                .iter()
                .map(|m| format!("{} {}", m.name, m.position.word()))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    let start = current.as_ref().map(|r| r.term_start.to_string()).unwrap_or_default();
    let end = current.as_ref().map(|r| r.term_end.to_string()).unwrap_or_default();
    let filed_on = current
        .as_ref()
        .and_then(|r| r.filed_on)
        .map(|d| d.to_string())
        .unwrap_or_default();
    let filed_with = current.as_ref().map(|r| r.filed_with.clone()).unwrap_or_default();
    view! {
        <ActionForm action=save attr:class="form" attr:novalidate=true>
            <CsrfField />
            <input type="hidden" name="community" value=community.0.to_string() />
            <div class="form__row">
                <label class="field"><span class="field__label">{move || i18n.t("gov.term_start")}</span>
                    <input class="input" type="date" name="term_start" value=start required />
                    <span class="field__error" role="alert">{msg("term_start")}</span>
                </label>
                <label class="field"><span class="field__label">{move || i18n.t("gov.term_end")}</span>
                    <input class="input" type="date" name="term_end" value=end required />
                    <span class="field__error" role="alert">{msg("term_end")}</span>
                </label>
            </div>
            <label class="field"><span class="field__label">{move || i18n.t("gov.members")}</span>
                <textarea class="input" name="members" rows="6" placeholder=move || i18n.t("gov.members_hint")>{lines}</textarea>
                <span class="field__hint">{move || i18n.t("gov.members_hint")}</span>
                <span class="field__error" role="alert">{msg("members")}</span>
            </label>
            <div class="form__row">
                <label class="field"><span class="field__label">{move || i18n.t("gov.filed_on")}</span>
                    <input class="input" type="date" name="filed_on" value=filed_on />
                    <span class="field__error" role="alert">{msg("filed_on")}</span>
                </label>
                <label class="field"><span class="field__label">{move || i18n.t("gov.filed_with")}</span>
                    <input class="input" name="filed_with" maxlength="100" value=filed_with placeholder=move || i18n.t("gov.filed_with_hint") />
                    <span class="field__error" role="alert">{msg("filed_with")}</span>
                </label>
            </div>
            <DocumentPicker ids=documents busy error max=MAX_ROSTER_DOCS.saturating_sub(have) />
            {move || documents.get().into_iter().enumerate().map(|(i, d)| view! {
                <input type="hidden" name=format!("documents[{i}]") value=d.to_string() />
            }).collect_view()}
            <FormError error fields=&["term_start", "term_end", "members", "filed_on", "filed_with", "documents"] />
            <button type="submit" class="btn btn--primary" data-testid="roster-save" disabled=move || save.pending().get() || busy.get()>
                {move || i18n.t("common.save")}
            </button>
        </ActionForm>
    }
}

/// `/community/assembly/:id`: one meeting.
#[component]
pub fn MeetingPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || i18n.t("gov.assembly") />
        <ResidentShell>
            <header class="page-head">
                <a class="back" href="/community/assembly" aria-label=move || i18n.t("common.back")>"‹"</a>
                <h1>{move || i18n.t("gov.assembly")}</h1>
            </header>
            <RequireLogin f=move |_me: Me| view! { <MeetingLoader /> } />
        </ResidentShell>
    }
}

/// The page's server actions: a meeting reloads after one of them succeeded, not after a
/// refusal (a reload rebuilds the forms and would wipe a ballot being fixed).
#[derive(Clone, Copy)]
struct Acts {
    cast: ServerAction<CastBallot>,
    proxy: ServerAction<RequestProxy>,
    withdraw: ServerAction<WithdrawProxy>,
}

#[component]
fn MeetingLoader() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let acts = Acts {
        cast: ServerAction::new(),
        proxy: ServerAction::new(),
        withdraw: ServerAction::new(),
    };
    let taken = RwSignal::new(0u32);
    let on_ok = move |key: &'static str| {
        taken.update(|n| *n += 1);
        toast(i18n.t(key));
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = acts.cast.value().get() {
            on_ok("gov.ballot_taken");
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = acts.proxy.value().get() {
            on_ok("gov.proxy_requested");
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = acts.withdraw.value().get() {
            on_ok("gov.proxy_withdrawn");
        }
    });
    let meeting = Resource::new(move || (id(), taken.get()), |(id, _)| assembly_meeting(MeetingId(id)));
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match meeting.await {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(d) => view! { <MeetingView d acts /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn MeetingView(d: MyMeeting, acts: Acts) -> impl IntoView {
    let i18n = use_i18n();
    let m = d.meeting;
    let row = m.row.clone();
    let voting = row.voting;
    let items = m.items.clone();
    let when = format!("{} – {}", format_local(row.opens_at), format_local(row.closes_at));
    let mode = if m.open_ballot {
        "gov.open_ballot_short"
    } else {
        "gov.secret_ballot_short"
    };
    let change = if m.allow_change {
        "gov.change_allowed"
    } else {
        "gov.change_not_allowed"
    };
    let show_items = !(voting && d.voters.iter().any(|v| v.ballot.is_none() || m.allow_change));
    let before_opening = matches!(row.status, MeetingStatus::Draft | MeetingStatus::Noticed);
    let ended_unclosed = row.status == MeetingStatus::Open && !voting;
    let notice_days = m.notice_days;
    view! {
        <article class="meeting" data-status=row.status.code()>
            <section class="card">
                <div class="meeting-card__top">
                    <StatusBadge row=row.clone() />
                    <span class="muted small">{row.community.clone()}</span>
                </div>
                <h2 class="meeting__title" data-testid="meeting-title">{row.title.clone()}</h2>
                <dl class="facts">
                    <dt>{move || i18n.t("gov.voting_time")}</dt><dd>{when}</dd>
                    <dt>{move || i18n.t("gov.ballot_mode")}</dt><dd>{move || i18n.t(mode)}" · "{move || i18n.t(change)}</dd>
                    {m.noticed_at.map(|t| view! { <dt>{move || i18n.t("gov.noticed_at")}</dt><dd>{format_local(t)}</dd> })}
                    <dt>{move || i18n.t("gov.notice_period")}</dt><dd>{move || i18n.t("gov.n_days").replace("{n}", &notice_days.to_string())}</dd>
                </dl>
                {(!m.body.is_empty()).then(|| view! { <p class="meeting__body">{m.body.clone()}</p> })}
                {(!m.attachments.is_empty()).then(|| {
                    let id = row.id.0;
                    view! {
                        <ul class="doc-list" aria-label=move || i18n.t("gov.attachments") data-testid="notice-documents">
                            {m.attachments.clone().into_iter().map(|d| view! {
                                <li class="doc-list__item"><a href=format!("/api/v1/votes/{id}/documents/{}", d.id) target="_blank" rel="noopener">{d.name.clone()}</a></li>
                            }).collect_view()}
                        </ul>
                    }
                })}
                {ended_unclosed.then(|| view! { <p class="alert alert--warn" role="status">{move || i18n.t("gov.ended_awaiting")}</p> })}
            </section>
            {m.total.zip(m.turnout).map(|(total, turnout)| view! { <Turnout total turnout /> })}
            {(!m.corrections.is_empty()).then(|| view! { <Corrections fixes=m.corrections.clone() /> })}
            {d.cannot_vote.clone().map(|k| view! {
                <p class="alert alert--info" role="status" data-testid="cannot-vote">{move || i18n.t(&k)}</p>
            })}
            {(before_opening && d.cannot_vote.is_none() && !d.manages).then(|| view! {
                <p class="alert alert--info" role="status">{move || i18n.t("gov.vote_opens_later")}</p>
            })}
            {d.voters.into_iter().map(|v| {
                let can_cast = voting && (v.ballot.is_none() || m.allow_change);
                view! { <VoterCard meeting=row.id v items=items.clone() can_cast voting acts /> }
            }).collect_view()}
            {show_items.then(|| view! { <ItemList items=items.clone() /> })}
            {m.result.clone().map(|r| view! { <ResultView r items=items.clone() /> })}
            // A published meeting leaves the committee nothing to do.
            // The committee's tools are a page of their own (and a part of the bundle owners never
            // fetch).
            {((d.manages || d.assists) && row.status != MeetingStatus::Published).then(|| {
                let label = if d.manages { "gov.committee_tools" } else { "gov.staff_tools" };
                view! {
                    <a class="card committee-link" href=format!("/community/assembly/{}/manage", row.id.0) data-testid="manage-link">
                        <strong>{move || i18n.t(label)}</strong>
                        <span class="muted small">{move || i18n.t("gov.manage_hint")}</span>
                        <span aria-hidden="true">"›"</span>
                    </a>
                }
            })}
        </article>
    }
}

#[component]
pub(super) fn Turnout(total: Count, turnout: Count) -> impl IntoView {
    let i18n = use_i18n();
    let reached = at_least(turnout.persons, total.persons, 2, 3) && at_least(turnout.area, total.area, 2, 3);
    let bar = |part: i64, whole: i64| {
        let pct = if whole > 0 {
            (i128::from(part) * 100 / i128::from(whole)) as i64
        } else {
            0
        };
        format!("width: {}%", pct.clamp(0, 100))
    };
    view! {
        <section class="card turnout" aria-labelledby="turnout-title">
            <h2 class="card__title" id="turnout-title">{move || i18n.t("gov.turnout")}</h2>
            <div class="turnout__row">
                <span>{move || i18n.t("gov.persons")}</span>
                <span class="num" data-testid="turnout-persons">{format!("{} / {}（{}）", turnout.persons, total.persons, percent(turnout.persons, total.persons))}</span>
            </div>
            <div class="gauge" role="img" aria-label=move || i18n.t("gov.persons")>
                <span class="gauge__fill" style=bar(turnout.persons, total.persons)></span>
                <span class="gauge__mark" aria-hidden="true"></span>
            </div>
            <div class="turnout__row">
                <span>{move || i18n.t("gov.area")}</span>
                <span class="num" data-testid="turnout-area">{format!("{} / {} ㎡（{}）", fixed2(turnout.area), fixed2(total.area), percent(turnout.area, total.area))}</span>
            </div>
            <div class="gauge" role="img" aria-label=move || i18n.t("gov.area")>
                <span class="gauge__fill" style=bar(turnout.area, total.area)></span>
                <span class="gauge__mark" aria-hidden="true"></span>
            </div>
            <p class="field__hint">
                {move || i18n.t(if reached { "gov.quorum_reached" } else { "gov.quorum_needed" })}
            </p>
        </section>
    }
}

#[component]
fn ItemList(items: Vec<MeetingItem>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" aria-labelledby="items-title">
            <h2 class="card__title" id="items-title">{move || i18n.t("gov.items")}</h2>
            <ol class="items">
                {items.into_iter().map(|it| {
                    let rule = rule_key(it.rule);
                    let election = it.kind == ItemKind::Election;
                    let seats = it.seats;
                    view! {
                        <li class="items__item">
                            <strong>{it.title.clone()}</strong>
                            <span class="muted small">
                                {move || if election {
                                    i18n.t("gov.election_rule").replace("{n}", &seats.to_string())
                                } else {
                                    i18n.t(rule)
                                }}
                            </span>
                            {(!it.body.is_empty()).then(|| view! { <p class="small">{it.body.clone()}</p> })}
                            {election.then(|| view! { <p class="small">{it.candidates.join("、")}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

/// A register voter the caller casts for: their ballot and receipt, and the form while they may
/// (still) vote.
#[component]
fn VoterCard(
    meeting: MeetingId,
    v: MyVoter,
    items: Vec<MeetingItem>,
    can_cast: bool,
    voting: bool,
    acts: Acts,
) -> impl IntoView {
    let i18n = use_i18n();
    let title = format!("{} · {} ㎡", v.units, fixed2(v.area));
    let heading = if v.as_proxy {
        "gov.proxy_ballot"
    } else {
        "gov.your_ballot"
    };
    view! {
        <section class="card ballot" aria-label=title.clone() data-testid=if v.as_proxy { "proxy-ballot" } else { "own-ballot" }>
            <h2 class="card__title">{move || i18n.t(heading)}</h2>
            <p class="muted small">{title.clone()}</p>
            {v.as_proxy.then(|| view! { <p class="alert alert--info" role="status">{move || i18n.t("gov.as_proxy_note")}</p> })}
            {v.receipt.clone().map(|r| {
                let at = v.cast_at.map(format_local).unwrap_or_default();
                view! {
                    <div class="receipt" role="status">
                        <p>{move || i18n.t("gov.voted_at").replace("{at}", &at)}</p>
                        <p>{move || i18n.t("gov.receipt")}" "<code class="receipt__code" data-testid="receipt">{r.clone()}</code></p>
                        <p class="field__hint">{move || i18n.t("gov.receipt_hint")}</p>
                    </div>
                }
            })}
            {v.paper_receipt.clone().map(|r| {
                let at = v.paper_at.map(format_local).unwrap_or_default();
                let both = v.receipt.is_some();
                view! {
                    <div class="receipt" role="status" data-testid="paper-receipt">
                        <p>{move || i18n.t("gov.paper_entered_at").replace("{at}", &at)}</p>
                        <p>{move || i18n.t("gov.receipt")}" "<code class="receipt__code">{r.clone()}</code></p>
                        {both.then(|| view! { <p class="alert alert--warn">{move || i18n.t("gov.both_ballots")}</p> })}
                    </div>
                }
            })}
            {match (can_cast, v.ballot.clone()) {
                (true, current) => view! { <BallotForm meeting voter=v.voter items current acts /> }.into_any(),
                (false, Some(b)) => view! { <BallotSummary items ballot=b /> }.into_any(),
                (false, None) => ().into_any(),
            }}
            {(!v.as_proxy).then(|| view! { <ProxySection meeting voter=v.voter proxy=v.proxy.clone() voting acts /> })}
        </section>
    }
}

/// An owner's proxy (委托投票) for one voter: who it names and where it stands, withdrawing
/// it, or naming one while voting is open.
#[component]
fn ProxySection(meeting: MeetingId, voter: i32, proxy: Option<Proxy>, voting: bool, acts: Acts) -> impl IntoView {
    let i18n = use_i18n();
    let withdraw = acts.withdraw;
    let werror = Signal::derive(move || withdraw.value().get().and_then(|r| r.err()));
    let live = proxy
        .as_ref()
        .is_some_and(|p| matches!(p.status, ProxyStatus::Pending | ProxyStatus::Accepted));
    let status = proxy.map(|p| {
        let who = format!("{}（{}）", p.name, crate::access::model::mask_phone(&p.phone));
        let key = match p.status {
            ProxyStatus::Pending => "gov.proxy_pending",
            ProxyStatus::Accepted => "gov.proxy_accepted",
            ProxyStatus::Rejected => "gov.proxy_rejected",
            ProxyStatus::Withdrawn => "gov.proxy_withdrawn",
        };
        let reason = p.reason.clone().unwrap_or_default();
        let can_withdraw = voting && matches!(p.status, ProxyStatus::Pending | ProxyStatus::Accepted);
        view! {
            <div class="proxy" data-testid="proxy-status" data-status=p.status.code()>
                <p>{move || i18n.t(key).replace("{who}", &who).replace("{reason}", &reason)}</p>
                {can_withdraw.then(|| view! {
                    <ActionForm action=withdraw attr:class="inline-form">
                        <CsrfField />
                        <input type="hidden" name="meeting" value=meeting.0.to_string() />
                        <input type="hidden" name="proxy" value=p.id.to_string() />
                        <FormError error=werror />
                        <button type="submit" class="btn btn--small" data-testid="proxy-withdraw"
                            disabled=move || withdraw.pending().get()>{move || i18n.t("gov.proxy_withdraw")}</button>
                    </ActionForm>
                })}
            </div>
        }
    });
    view! {
        {status}
        {(voting && !live).then(|| view! { <ProxyForm meeting voter acts /> })}
    }
}

#[component]
fn ProxyForm(meeting: MeetingId, voter: i32, acts: Acts) -> impl IntoView {
    let i18n = use_i18n();
    let proxy = acts.proxy;
    let error = Signal::derive(move || proxy.value().get().and_then(|r| r.err()));
    let msg = move |f: &'static str| {
        let m = field_error(error, f);
        move || m.get()
    };
    let photo = RwSignal::new(Vec::<i64>::new());
    let busy = RwSignal::new(false);
    view! {
        <details class="proxy-form" data-testid="proxy-form">
            <summary>{move || i18n.t("gov.proxy_name_one")}</summary>
            <p class="field__hint">{move || i18n.t("gov.proxy_hint")}</p>
            <ActionForm action=proxy attr:class="form" attr:novalidate=true>
                <CsrfField />
                <input type="hidden" name="meeting" value=meeting.0.to_string() />
                <input type="hidden" name="voter" value=voter.to_string() />
                <label class="field"><span class="field__label">{move || i18n.t("gov.proxy_person")}</span>
                    <input class="input" name="name" maxlength="40" autocomplete="off" required />
                    <span class="field__error" role="alert">{msg("name")}</span>
                </label>
                <label class="field"><span class="field__label">{move || i18n.t("gov.proxy_phone")}</span>
                    <input class="input" name="phone" type="tel" inputmode="tel" maxlength="13" autocomplete="off" required />
                    <span class="field__error" role="alert">{msg("phone")}</span>
                </label>
                <PhotoPicker ids=photo max=1 label="gov.proxy_authorization" hint="gov.proxy_authorization_hint" busy error />
                {move || photo.get().first().map(|f| view! { <input type="hidden" name="authorization" value=f.to_string() /> })}
                <FormError error fields=&["name", "phone"] />
                <button type="submit" class="btn btn--block" data-testid="proxy-submit"
                    disabled=move || proxy.pending().get() || busy.get()>{move || i18n.t("gov.proxy_submit")}</button>
            </ActionForm>
        </details>
    }
}

/// The corrections of the frozen register, for everyone who sees the meeting.
#[component]
fn Corrections(fixes: Vec<RegisterFix>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" aria-labelledby="fixes-title" data-testid="corrections">
            <h2 class="card__title" id="fixes-title">{move || i18n.t("gov.corrections")}</h2>
            <ul class="items">
                {fixes.into_iter().map(|f| {
                    let area = format!("{} → {} ㎡", fixed2(f.old_area), fixed2(f.new_area));
                    let at = format_local(f.at);
                    view! {
                        <li class="items__item">
                            <strong>{f.units.clone()}</strong>
                            <span class="small">{area}</span>
                            {f.owners_changed.then(|| view! { <span class="badge">{move || i18n.t("gov.fix_owners_changed")}</span> })}
                            <span class="muted small">{f.reason.clone()}" · "{at}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// A ballot's answers, item by item; with `other` (the voter's other ballot in a conflict), the
/// answers that differ from it are marked.
#[component]
pub(super) fn BallotSummary(
    items: Vec<MeetingItem>,
    ballot: Ballot,
    #[prop(optional)] other: Option<Ballot>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ol class="items">
            {items.into_iter().zip(ballot).enumerate().map(|(i, (it, a))| {
                let differs = other
                    .as_ref()
                    .is_some_and(|o| o.get(i).cloned().flatten() != a);
                let said = match a {
                    Some(Vote::Choice(c)) => {
                        let k = choice_key(c);
                        view! { <span>{move || i18n.t(k)}</span> }.into_any()
                    }
                    Some(Vote::Picks(p)) if !p.is_empty() => {
                        let names: Vec<String> = p.iter().filter_map(|c| it.candidates.get(*c as usize).cloned()).collect();
                        view! { <span>{names.join("、")}</span> }.into_any()
                    }
                    _ => view! { <span>{move || i18n.t("gov.blank")}</span> }.into_any(),
                };
                view! {
                    <li class="items__item" class:items__item--differs=differs>
                        <span>{it.title.clone()}</span>
                        <strong class="items__answer">{said}</strong>
                        {differs.then(|| view! { <span class="badge badge--warn" data-testid="differs">{move || i18n.t("gov.differs")}</span> })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// One fieldset per item, for an owner's ballot or a paper entry. Marks are named `marks[k]`
/// (k unique on the form) with the value `"<item>:<answer>"`.
pub(super) fn ballot_fields(items: &[MeetingItem], current: Option<&Ballot>) -> impl IntoView {
    let i18n = use_i18n();
    let mut k = 0usize;
    let mut next = move || {
        k += 1;
        format!("marks[{}]", k - 1)
    };
    items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let answer = current.and_then(|b| b.get(i).cloned().flatten());
            let legend = format!("{}. {}", it.position, it.title);
            let body = (!it.body.is_empty()).then(|| it.body.clone());
            match it.kind {
                ItemKind::Matter => {
                    let name = next();
                    let rule = rule_key(it.rule);
                    let choices = [Choice::Agree, Choice::Oppose, Choice::Abstain].map(|c| {
                        let checked = answer == Some(Vote::Choice(c));
                        let key = choice_key(c);
                        let value = format!("{i}:{}", c.code());
                        view! {
                            <label class="choice">
                                <input type="radio" name=name.clone() value=value checked=checked />
                                <span>{move || i18n.t(key)}</span>
                            </label>
                        }
                    });
                    view! {
                        <fieldset class="ballot__item" data-testid=format!("item-{i}")>
                            <legend>{legend}</legend>
                            {body.map(|b| view! { <p class="small">{b}</p> })}
                            <p class="muted small">{move || i18n.t(rule)}</p>
                            <div class="choices">{choices.into_iter().collect_view()}</div>
                        </fieldset>
                    }
                    .into_any()
                }
                ItemKind::Election => {
                    let picked: Vec<u32> = match answer {
                        Some(Vote::Picks(p)) => p,
                        _ => vec![],
                    };
                    let max = it.max_picks;
                    let boxes = it
                        .candidates
                        .iter()
                        .enumerate()
                        .map(|(c, name)| {
                            let field = next();
                            let checked = picked.contains(&(c as u32));
                            view! {
                                <label class="choice">
                                    <input type="checkbox" name=field value=format!("{i}:{c}") checked=checked />
                                    <span>{name.clone()}</span>
                                </label>
                            }
                        })
                        .collect_view();
                    view! {
                        <fieldset class="ballot__item" data-testid=format!("item-{i}")>
                            <legend>{legend}</legend>
                            {body.map(|b| view! { <p class="small">{b}</p> })}
                            <p class="muted small">{move || i18n.t("gov.pick_at_most").replace("{n}", &max.to_string())}</p>
                            <div class="choices choices--list">{boxes}</div>
                        </fieldset>
                    }
                    .into_any()
                }
            }
        })
        .collect_view()
}

/// The ballot: one fieldset per item. Marks are named `marks[k]` (k unique on the form) with
/// the value `"<item>:<answer>"`, so a form without script posts exactly what is checked.
#[component]
fn BallotForm(
    meeting: MeetingId,
    voter: i32,
    items: Vec<MeetingItem>,
    current: Option<Ballot>,
    acts: Acts,
) -> impl IntoView {
    let i18n = use_i18n();
    let cast = acts.cast;
    let error = Signal::derive(move || cast.value().get().and_then(|r| r.err()));
    let fields = ballot_fields(&items, current.as_ref());
    let label = if current.is_some() {
        "gov.change_vote"
    } else {
        "gov.cast_vote"
    };
    view! {
        <ActionForm action=cast attr:class="form ballot__form" attr:novalidate=true>
            <CsrfField />
            <input type="hidden" name="meeting" value=meeting.0.to_string() />
            <input type="hidden" name="voter" value=voter.to_string() />
            {fields}
            <p class="field__hint">{move || i18n.t("gov.blank_hint")}</p>
            <FormError error />
            <button type="submit" class="btn btn--primary btn--block" disabled=move || cast.pending().get()>
                {move || i18n.t(label)}
            </button>
        </ActionForm>
    }
}

#[component]
fn ResultView(r: MeetingResult, items: Vec<MeetingItem>) -> impl IntoView {
    let i18n = use_i18n();
    let head = r.head.clone();
    view! {
        <section class="card result" aria-labelledby="result-title" data-testid="result">
            <h2 class="card__title" id="result-title">{move || i18n.t("gov.result")}</h2>
            <p class="small">
                {move || i18n.t("gov.result_turnout")
                    .replace("{p}", &r.participating.persons.to_string())
                    .replace("{pt}", &r.total.persons.to_string())
                    .replace("{a}", &fixed2(r.participating.area))
                    .replace("{at}", &fixed2(r.total.area))}
            </p>
            {r.items.clone().into_iter().map(|ir| {
                let item = items.iter().find(|i| i.id == ir.item).cloned();
                view! { <ItemResultView ir item /> }
            }).collect_view()}
            <p class="field__hint">{move || i18n.t("gov.head_hint")}</p>
            <p><code class="receipt__code hash" data-testid="result-head">{head}</code></p>
        </section>
    }
}

#[component]
fn ItemResultView(ir: ItemResult, item: Option<MeetingItem>) -> impl IntoView {
    let i18n = use_i18n();
    let title = format!("{}. {}", ir.position, ir.title);
    match ir.outcome {
        ItemOutcome::Matter(t) => {
            let verdict = if t.passed { "gov.passed" } else { "gov.not_passed" };
            let badge = if t.passed {
                "badge badge--ok"
            } else {
                "badge badge--failed"
            };
            let rule = rule_key(t.rule);
            let line = move |key: &'static str, c: Count| {
                view! {
                    <tr>
                        <th scope="row">{move || i18n.t(key)}</th>
                        <td class="num">{c.persons}</td>
                        <td class="num">{fixed2(c.area)}</td>
                    </tr>
                }
            };
            view! {
                <div class="result__item">
                    <h3 class="result__title">{title}" "<span class=badge data-testid="verdict">{move || i18n.t(verdict)}</span></h3>
                    <p class="muted small">{move || i18n.t(rule)}" · "{move || i18n.t(if t.quorum { "gov.quorum_met" } else { "gov.quorum_missed" })}</p>
                    <div class="table-wrap">
                        <table class="table result__table">
                            <thead><tr><th></th><th class="num">{move || i18n.t("gov.persons")}</th><th class="num">{move || i18n.t("gov.area_m2")}</th></tr></thead>
                            <tbody>
                                {line("gov.agree", t.agree)}
                                {line("gov.oppose", t.oppose)}
                                {line("gov.abstain_blank", t.abstain)}
                                {line("gov.participating", t.participating)}
                                {line("gov.total", t.total)}
                            </tbody>
                        </table>
                    </div>
                </div>
            }
            .into_any()
        }
        ItemOutcome::Election(e) => {
            let names = item.map(|i| i.candidates).unwrap_or_default();
            let tied = e.tied.clone();
            let tie_names: Vec<String> = tied.iter().filter_map(|c| names.get(*c).cloned()).collect();
            view! {
                <div class="result__item">
                    <h3 class="result__title">{title}</h3>
                    <p class="muted small">
                        {move || i18n.t("gov.election_rule").replace("{n}", &e.seats.to_string())}" · "
                        {move || i18n.t(if e.quorum { "gov.quorum_met" } else { "gov.quorum_missed" })}
                    </p>
                    <div class="table-wrap">
                        <table class="table result__table">
                            <thead><tr>
                                <th>{move || i18n.t("gov.candidate")}</th>
                                <th class="num">{move || i18n.t("gov.persons")}</th>
                                <th class="num">{move || i18n.t("gov.area_m2")}</th>
                                <th></th>
                            </tr></thead>
                            <tbody>
                                {e.candidates.iter().map(|c| {
                                    let name = names.get(c.candidate).cloned().unwrap_or_default();
                                    let elected = e.elected.contains(&c.candidate);
                                    let tie = tied.contains(&c.candidate);
                                    view! {
                                        <tr>
                                            <th scope="row">{name}</th>
                                            <td class="num">{c.agree.persons}</td>
                                            <td class="num">{fixed2(c.agree.area)}</td>
                                            <td>
                                                {elected.then(|| view! { <span class="badge badge--ok">{move || i18n.t("gov.elected")}</span> })}
                                                {tie.then(|| view! { <span class="badge">{move || i18n.t("gov.tied")}</span> })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    {(!tie_names.is_empty()).then(|| view! {
                        <p class="alert alert--warn">{move || i18n.t("gov.tie_note").replace("{names}", &tie_names.join("、"))}</p>
                    })}
                </div>
            }
            .into_any()
        }
    }
}
