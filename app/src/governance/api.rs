//! Server functions of owners' governance: authorize, call one use case, map the error.
use super::model::{
    AssemblyRules, BallotConflict, Meeting, MeetingRow, MyMeeting, MyVoter, Proxy, RegisterFix, RegisterPreview,
    RegisterVoter, Roster,
};
use crate::org::model::OrgNode;
use crate::shared::error::AppError;
use crate::shared::ids::{MeetingId, OrgId};
use leptos::prelude::*;

/// The communities whose voter register the caller may read.
#[server]
pub async fn gov_communities() -> Result<Vec<OrgNode>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::register::communities(&ctx, &meta, &auth).await).await
}

/// A community's voter register as it would be frozen today.
#[server]
pub async fn voter_register(community: OrgId) -> Result<RegisterPreview, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::register::preview(&ctx, &meta, &auth, community).await).await
}

/// The meetings the caller may see (committee: all of its communities'; residents: from the
/// notice on), newest first.
#[server]
pub async fn assembly_list() -> Result<Vec<MeetingRow>, AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::meetings::list(&ctx, &auth).await).await
}

/// The communities whose meetings the caller runs (for the new-meeting form): those whose
/// owners' committee they sit on, and those whose committee lets them assist as staff.
#[server]
pub async fn committee_communities() -> Result<Vec<OrgNode>, AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::meetings::runner_choices(&ctx, &auth).await).await
}

/// One meeting as the caller sees it: the matters, their ballots and receipts, the tools when
/// they sit on its committee.
#[server]
pub async fn assembly_meeting(id: MeetingId) -> Result<MyMeeting, AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::meetings::mine(&ctx, &auth, id).await).await
}

/// Casts or replaces the ballot of register voter `voter` from the form's marks
/// (`"<item>:<choice or candidate>"`).
#[server]
pub async fn cast_ballot(
    meeting: MeetingId,
    voter: i32,
    #[server(default)] marks: Vec<String>,
) -> Result<MyVoter, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::ballots::cast_marks(&ctx, &meta, &auth, meeting, voter, &marks).await
    })
    .await
}

/// Drafts a meeting (`opens_on` and `closes_on` as `YYYY-MM-DD`).
#[server]
pub async fn create_meeting(
    community: OrgId,
    title: String,
    #[server(default)] body: String,
    opens_on: String,
    closes_on: String,
    #[server(default)] allow_change: bool,
    #[server(default)] open_ballot: bool,
) -> Result<Meeting, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let day = |field: &str, v: &str| {
            chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
                .map_err(|_| AppError::validation(field, "err.date_invalid"))
        };
        let new = super::model::NewMeeting {
            community,
            title,
            body,
            opens_on: day("opens_on", &opens_on)?,
            closes_on: day("closes_on", &closes_on)?,
            allow_change,
            open_ballot,
        };
        super::meetings::create(&ctx, &meta, &auth, new).await
    })
    .await
}

/// Adds an item to a draft meeting; an election's candidates one per line.
#[server]
pub async fn add_meeting_item(
    meeting: MeetingId,
    title: String,
    #[server(default)] body: String,
    kind: String,
    #[server(default)] rule: String,
    #[server(default)] seats: i32,
    #[server(default)] max_picks: i32,
    #[server(default)] candidates: String,
) -> Result<Meeting, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        use super::model::{ItemKind, NewMeetingItem, Rule};
        let kind = ItemKind::parse(&kind).ok_or_else(|| AppError::validation("kind", "gov.err_kind"))?;
        let rule = match kind {
            ItemKind::Election => Rule::Ordinary,
            ItemKind::Matter => Rule::parse(&rule).ok_or_else(|| AppError::validation("rule", "gov.err_rule"))?,
        };
        let new = NewMeetingItem {
            title,
            body,
            kind,
            rule,
            seats,
            max_picks,
            candidates: vec![candidates],
        };
        super::meetings::add_item(&ctx, &meta, &auth, meeting, new).await
    })
    .await
}

/// Removes an item from a draft meeting.
#[server]
pub async fn remove_meeting_item(meeting: MeetingId, item: i64) -> Result<Meeting, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::meetings::remove_item(&ctx, &meta, &auth, meeting, item).await)
        .await
}

/// Moves a meeting on: `notice`, `open`, `close` or `publish`.
#[server]
pub async fn advance_meeting(meeting: MeetingId, action: String) -> Result<Meeting, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let action = super::model::MeetingAction::parse(&action)
            .ok_or_else(|| AppError::validation("action", "gov.err_action"))?;
        super::meetings::act(&ctx, &meta, &auth, meeting, action).await
    })
    .await
}

/// Voters of a meeting's frozen register whose units contain `q` (the committee).
#[server]
pub async fn find_register_voters(
    meeting: MeetingId,
    #[server(default)] q: String,
) -> Result<Vec<RegisterVoter>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::ballots::find_voters(&ctx, &meta, &auth, meeting, &q).await).await
}

/// Enters a paper ballot for register voter `voter` from the form's marks and the uploaded scan.
#[server]
pub async fn enter_paper_ballot(
    meeting: MeetingId,
    #[server(default)] voter: Option<i32>,
    #[server(default)] scan: Option<i64>,
    #[server(default)] marks: Vec<String>,
) -> Result<RegisterVoter, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let voter = voter.ok_or_else(|| AppError::validation("voter", "gov.err_pick_voter"))?;
        let scan = scan.ok_or_else(|| AppError::validation("scan", "gov.err_scan_missing"))?;
        super::ballots::enter_paper_marks(&ctx, &meta, &auth, meeting, voter, &marks, scan).await
    })
    .await
}

/// The voters of a meeting holding both a paper and an online ballot (the committee).
#[server]
pub async fn ballot_conflicts(meeting: MeetingId) -> Result<Vec<BallotConflict>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::ballots::conflicts(&ctx, &meta, &auth, meeting).await).await
}

/// Settles a voter's conflict: `keep` is `paper` or `online`.
#[server]
pub async fn resolve_conflict(meeting: MeetingId, voter: i32, keep: String) -> Result<Vec<BallotConflict>, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let keep =
            super::model::BallotSource::parse(&keep).ok_or_else(|| AppError::validation("keep", "gov.err_keep"))?;
        super::ballots::resolve(&ctx, &meta, &auth, meeting, voter, keep).await
    })
    .await
}

/// The rules of each community whose owners' committee the caller sits on.
#[server]
pub async fn my_assembly_rules() -> Result<Vec<(OrgNode, AssemblyRules)>, AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::rules::mine(&ctx, &auth).await).await
}

/// Saves a community's notice period and reminder day (its committee).
#[server]
pub async fn save_assembly_rules(
    community: OrgId,
    notice_days: i32,
    remind_days: i32,
    #[server(default)] proxy_max: Option<i32>,
    #[server(default)] staff_assist: Option<String>,
) -> Result<AssemblyRules, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let r = AssemblyRules {
            community,
            notice_days,
            remind_days,
            proxy_max: proxy_max.unwrap_or(super::model::DEFAULT_PROXY_MAX),
            staff_assist: staff_assist.is_some_and(|v| v == "on" || v == "true"),
        };
        super::rules::save(&ctx, &meta, &auth, r).await
    })
    .await
}

/// The committee rosters of the caller's communities, and the communities whose committee they
/// sit on (who may edit).
#[server]
pub async fn my_rosters() -> Result<(Vec<Roster>, Vec<OrgId>), AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::roster::mine(&ctx, &auth).await).await
}

/// Saves a community's committee roster; members one per line, `姓名 职务`.
#[server]
pub async fn save_roster(
    community: OrgId,
    term_start: String,
    term_end: String,
    #[server(default)] filed_on: String,
    #[server(default)] filed_with: String,
    #[server(default)] members: String,
    #[server(default)] documents: Vec<i64>,
) -> Result<Roster, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let day = |field: &str, v: &str| {
            chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
                .map_err(|_| AppError::validation(field, "err.date_invalid"))
        };
        let new = super::model::NewRoster {
            community,
            term_start: day("term_start", &term_start)?,
            term_end: day("term_end", &term_end)?,
            filed_on: if filed_on.trim().is_empty() {
                None
            } else {
                Some(day("filed_on", &filed_on)?)
            },
            filed_with,
            members: super::model::members_from_lines(&members),
            documents,
        };
        super::roster::save(&ctx, &meta, &auth, new).await
    })
    .await
}

/// Takes a filing document off a community's committee roster.
#[server]
pub async fn remove_roster_document(community: OrgId, file: i64) -> Result<Roster, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::roster::remove_document(&ctx, &meta, &auth, community, file).await)
        .await
}

/// Names a proxy (委托代理人) for register voter `voter`, with the photo of the signed
/// authorization (an owner of the voter, while voting is open).
#[server]
pub async fn request_proxy(
    meeting: MeetingId,
    voter: i32,
    #[server(default)] name: String,
    #[server(default)] phone: String,
    #[server(default)] authorization: Option<i64>,
) -> Result<Proxy, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let authorization =
            authorization.ok_or_else(|| AppError::validation("authorization", "gov.err_proxy_authorization"))?;
        let new = super::model::NewProxy {
            voter,
            name,
            phone,
            authorization,
        };
        super::proxies::request(&ctx, &meta, &auth, meeting, new).await
    })
    .await
}

/// Withdraws a proxy the caller's voter named.
#[server]
pub async fn withdraw_proxy(meeting: MeetingId, proxy: i64) -> Result<Proxy, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::proxies::withdraw(&ctx, &meta, &auth, meeting, proxy).await).await
}

/// Every proxy of a meeting, pending first (the committee).
#[server]
pub async fn meeting_proxies(meeting: MeetingId) -> Result<Vec<Proxy>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::proxies::list(&ctx, &meta, &auth, meeting).await).await
}

/// Accepts (`decision` = `accept`) or rejects (`reject`, with a reason) a pending proxy (the
/// committee).
#[server]
pub async fn decide_proxy(
    meeting: MeetingId,
    proxy: i64,
    decision: String,
    #[server(default)] reason: String,
) -> Result<Proxy, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let accept = match decision.as_str() {
            "accept" => true,
            "reject" => false,
            _ => return Err(AppError::validation("decision", "gov.err_decision")),
        };
        let d = super::model::ProxyDecision { accept, reason };
        super::proxies::decide(&ctx, &meta, &auth, meeting, proxy, d).await
    })
    .await
}

/// Re-reads register voter `voter` from today's estate records, with the reason (the committee,
/// before the close).
#[server]
pub async fn correct_register_voter(
    meeting: MeetingId,
    #[server(default)] voter: Option<i32>,
    #[server(default)] reason: String,
) -> Result<RegisterFix, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let voter = voter.ok_or_else(|| AppError::validation("voter", "gov.err_pick_voter"))?;
        super::corrections::correct(&ctx, &meta, &auth, meeting, voter, &reason).await
    })
    .await
}

/// Attaches uploaded PDFs to a draft meeting's notice.
#[server]
pub async fn add_meeting_documents(
    meeting: MeetingId,
    #[server(default)] documents: Vec<i64>,
) -> Result<Meeting, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::meetings::add_documents(&ctx, &meta, &auth, meeting, &documents).await
    })
    .await
}

/// Takes a PDF off a draft meeting's notice.
#[server]
pub async fn remove_meeting_document(meeting: MeetingId, file: i64) -> Result<Meeting, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::meetings::remove_document(&ctx, &meta, &auth, meeting, file).await)
        .await
}
