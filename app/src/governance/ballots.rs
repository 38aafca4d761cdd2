//! (ssr) Ballots and the ballot log. Every ballot (every replacement, paper entry and conflict
//! resolution) is one row of a per-meeting hash chain: `hash = SHA-256(prev_hash | meeting |
//! seq | kind | voter token | voter area | source | answers | at)`, followed by `| scan` on rows
//! entered from a scanned paper ballot. The voter's receipt is the start of that hash. A voter
//! may hold one online and one paper ballot: both stay in force, listed as a conflict, until
//! the committee says which one stands; the result cannot be published before. The tally reads
//! each voter's ballot in force; [`verify`] re-walks the chain and re-tallies it, which is what
//! `linli admin verify-vote` and anyone holding the exported log can do.
use super::meetings::{self, status, visible, voting, Seat};
use super::model::*;
use crate::access::model::{Authed, RequestMeta};
use crate::access::service::actor_label;
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{gov_ballot_log, gov_ballots, gov_meetings, gov_voter_persons, gov_voters};
use crate::db::AppCtx;
use crate::estate::model::Relation;
use crate::estate::service as estate;
use crate::notify::model::Category;
use crate::notify::service::{self as notify_svc, Notice};
use crate::shared::error::AppError;
use crate::shared::i18n::Msg;
use crate::shared::ids::{MeetingId, OrgId, PersonId, UserId};
use crate::with_txn;
use chrono::Utc;
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// The `prev_hash` of a meeting's first log row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Log rows that carry no ballot: a proxy accepted or revoked, a register correction.
pub const NO_BALLOT: [&str; 3] = ["proxy", "revoke", "correct"];
/// Log rows read per query when a meeting is tallied or verified.
const PAGE: u64 = 5_000;

/// The hash of one log row, from exactly what the exported log shows.
pub fn row_hash(meeting: i64, r: &LogRow) -> String {
    use sha2::Digest;
    let answers = serde_json::to_string(&r.answers).unwrap_or_default();
    let mut buf = format!(
        "{}|{}|{}|{}|{}|{}|{}|{}|{}",
        r.prev_hash, meeting, r.seq, r.kind, r.voter, r.area, r.source, answers, r.at
    );
    if let Some(scan) = &r.scan {
        buf.push('|');
        buf.push_str(scan);
    }
    hex::encode(sha2::Sha256::digest(buf.as_bytes()))
}

/// [`cast`] from a form's marks (see [`ballot_from_marks`]). Errors: as [`cast`].
pub async fn cast_marks(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: MeetingId,
    voter: i32,
    marks: &[String],
) -> Result<MyVoter, AppError> {
    let (m, _) = visible(ctx, auth, id).await?;
    let items = meetings::items_of(&ctx.db, m.id).await?;
    let ballot = ballot_from_marks(&items, marks).map_err(|p| AppError::validation("answers", p.key()))?;
    cast(ctx, meta, auth, id, voter, ballot).await
}

/// [`enter_paper`] from a form's marks (see [`ballot_from_marks`]). Errors: as [`enter_paper`].
pub async fn enter_paper_marks(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: MeetingId,
    voter: i32,
    marks: &[String],
    scan: i64,
) -> Result<RegisterVoter, AppError> {
    let m = counting(ctx, meta, auth, id).await?;
    let items = meetings::items_of(&ctx.db, m.id).await?;
    let ballot = ballot_from_marks(&items, marks).map_err(|p| AppError::validation("answers", p.key()))?;
    enter_paper(ctx, meta, auth, id, voter, ballot, scan).await
}

/// Casts (or, where the meeting allows it, replaces) the ballot of register voter `voter` for
/// the caller, who must be one of that voter's owners or its accepted proxy (the owners are
/// told, with the receipt). Returns the voter's standing with the
/// receipt. Errors (nothing stored): `NotFound` for a meeting the caller cannot see;
/// `gov.err_not_voting` outside the voting window; `gov.err_not_your_voter` for a voter the
/// caller does not own (a tenant, a family member, another household); the ballot's problem
/// (`gov.err_ballot_shape`, `gov.err_too_many_picks` …); `gov.err_already_voted` for a second
/// ballot where changes are not allowed. The same ballot twice is taken once.
pub async fn cast(
    ctx: &AppCtx,
    _meta: &RequestMeta,
    auth: &Authed,
    id: MeetingId,
    voter: i32,
    ballot: Ballot,
) -> Result<MyVoter, AppError> {
    let (m, _) = visible(ctx, auth, id).await?;
    if !voting(&m, Utc::now()) {
        return Err(AppError::conflict("meeting", "gov.err_not_voting"));
    }
    let places = estate::my_places(&ctx.db, auth.user_id).await?;
    let mine: Vec<i64> = places
        .iter()
        .filter(|p| p.community.0 == m.community_id)
        .map(|p| p.person.0)
        .collect();
    let owners: Vec<PersonId> = gov_voter_persons::Entity::find()
        .filter(gov_voter_persons::Column::MeetingId.eq(m.id))
        .filter(gov_voter_persons::Column::VoterIdx.eq(voter))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|p| PersonId(p.person_id))
        .collect();
    let owner = owners.iter().any(|p| mine.contains(&p.0));
    // Not an owner: the voter's accepted proxy (委托代理人) casts it too.
    let as_proxy = !owner
        && super::proxies::held_by(&ctx.db, m.id, auth.user_id)
            .await?
            .contains(&voter);
    if !owner && !as_proxy {
        let here: Vec<_> = places
            .iter()
            .filter(|p| p.community.0 == m.community_id)
            .map(|p| p.relation)
            .collect();
        // Someone who owns here (another household's voter, or the developer's, which the
        // committee records) is told the voter is not theirs; anyone else why they cannot vote.
        let owns_here = here.iter().any(|r| matches!(r, Relation::Owner | Relation::CoOwner));
        let key = if owners.is_empty() || owns_here {
            "gov.err_not_your_voter"
        } else {
            meetings::cannot_vote_key(&here)
        };
        return Err(AppError::validation("voter", key));
    }
    let items = meetings::items_of(&ctx.db, m.id).await?;
    check_ballot(&items, &ballot).map_err(|p| AppError::validation("answers", p.key()))?;
    let v = gov_voters::Entity::find()
        .filter(gov_voters::Column::MeetingId.eq(m.id))
        .filter(gov_voters::Column::Idx.eq(voter))
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let (row, written) = record(ctx, m.id, &v, &ballot, auth.user_id).await?;
    if written && (as_proxy || owners.len() > 1) {
        tell_owners(
            ctx,
            Some(auth.user_id),
            &m,
            &owners,
            if as_proxy {
                "gov.proxy_cast_body"
            } else {
                "gov.co_owner_body"
            },
            &v.numbers,
            &row.receipt,
        )
        .await;
    }
    let paper = gov_ballots::Entity::find()
        .filter(gov_ballots::Column::MeetingId.eq(m.id))
        .filter(gov_ballots::Column::VoterIdx.eq(voter))
        .filter(gov_ballots::Column::Source.eq(BallotSource::Paper.code()))
        .one(&ctx.db)
        .await?;
    Ok(MyVoter {
        voter,
        units: v.numbers,
        area: v.area,
        ballot: Some(ballot),
        receipt: Some(row.receipt),
        cast_at: Some(row.cast_at),
        paper_receipt: paper.as_ref().map(|p| p.receipt.clone()),
        paper_at: paper.map(|p| p.cast_at),
        as_proxy,
        proxy: None,
    })
}

/// Writes voter `v`'s online ballot (a new one, or a replacement where the meeting allows it) as
/// the next row of the meeting's log, and returns the ballot in force and whether anything was
/// written (the same ballot again is not). Checks the voting window and the change rule, not who
/// casts: [`cast`] does that for owners; the demo loader calls it directly.
pub async fn record(
    ctx: &AppCtx,
    meeting: i64,
    v: &gov_voters::Model,
    ballot: &Ballot,
    by: UserId,
) -> Result<(gov_ballots::Model, bool), AppError> {
    write(ctx, meeting, v, ballot, by, None).await
}

/// The scanned paper ballot a paper entry is made from: the uploaded photo and its SHA-256.
struct Scan {
    file: i64,
    sha256: String,
}

/// Writes voter `v`'s ballot from one source, online (`scan` is `None`) or paper, as the next
/// row of the log (see [`record`]). Online ballots are taken while voting is open; paper ones
/// from the opening until the result is published (ballots handed in by the close are entered
/// after it). A paper ballot's scan is attached to the meeting in the same transaction.
async fn write(
    ctx: &AppCtx,
    meeting: i64,
    v: &gov_voters::Model,
    ballot: &Ballot,
    by: UserId,
    scan: Option<Scan>,
) -> Result<(gov_ballots::Model, bool), AppError> {
    let answers = serde_json::to_string(ballot).map_err(|_| AppError::Internal)?;
    let source = if scan.is_some() {
        BallotSource::Paper
    } else {
        BallotSource::Online
    };
    with_txn!(ctx.db, |txn| {
        // Under the meeting's row lock (PostgreSQL; SQLite's writer lock already serializes):
        // the status, the voter's ballot and the log head are read and written as one step.
        let fresh = meetings::locked(&txn, meeting).await?;
        let open = match source {
            BallotSource::Online => voting(&fresh, Utc::now()),
            BallotSource::Paper => matches!(status(&fresh), MeetingStatus::Open | MeetingStatus::Closed),
        };
        if !open {
            return Err(AppError::conflict("meeting", "gov.err_not_voting"));
        }
        let existing = gov_ballots::Entity::find()
            .filter(gov_ballots::Column::MeetingId.eq(meeting))
            .filter(gov_ballots::Column::VoterIdx.eq(v.idx))
            .filter(gov_ballots::Column::Source.eq(source.code()))
            .one(&txn)
            .await?;
        if let Some(b) = &existing {
            if b.answers == answers && b.file_id == scan.as_ref().map(|s| s.file) {
                return Ok((b.clone(), false));
            }
            if !fresh.allow_change {
                return Err(AppError::conflict("voter", "gov.err_already_voted"));
            }
        }
        if existing.is_none() && !fresh.allow_change {
            // A ballot from this source that a conflict's settlement set aside was still cast:
            // where changes are not allowed, it is not cast again.
            let before = gov_ballot_log::Entity::find()
                .filter(gov_ballot_log::Column::MeetingId.eq(meeting))
                .filter(gov_ballot_log::Column::VoterIdx.eq(v.idx))
                .filter(gov_ballot_log::Column::Source.eq(source.code()))
                .filter(gov_ballot_log::Column::Kind.ne("resolve"))
                .count(&txn)
                .await?;
            if before > 0 {
                return Err(AppError::conflict("voter", "gov.err_already_voted"));
            }
        }
        let kind = if existing.is_some() { "replace" } else { "cast" };
        let (log, _) = append(
            &txn,
            meeting,
            v,
            kind,
            source.code(),
            ballot,
            scan.as_ref().map(|s| s.sha256.clone()),
        )
        .await?;
        if let Some(s) = &scan {
            crate::files::service::attach(&txn, by, &[s.file], SCAN_KIND, meeting, MAX_SCANS)
                .await
                .map_err(|_| AppError::validation("scan", "gov.err_scan"))?;
        }
        let receipt = receipt_of(&log.hash);
        let at = parse_at(&log.at);
        let b = match existing.clone() {
            Some(b) => {
                let mut am: gov_ballots::ActiveModel = b.into();
                am.answers = Set(answers.clone());
                am.receipt = Set(receipt);
                am.seq = Set(log.seq);
                am.cast_by = Set(by.0);
                am.cast_at = Set(at);
                am.file_id = Set(scan.as_ref().map(|s| s.file));
                am.update(&txn).await?
            }
            None => {
                gov_ballots::ActiveModel {
                    meeting_id: Set(meeting),
                    voter_idx: Set(v.idx),
                    source: Set(source.code().into()),
                    answers: Set(answers.clone()),
                    receipt: Set(receipt),
                    seq: Set(log.seq),
                    cast_by: Set(by.0),
                    cast_at: Set(at),
                    file_id: Set(scan.as_ref().map(|s| s.file)),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
            }
        };
        Ok((b, true))
    })
}

/// The `at` of a log row as a time (it was written from one).
fn parse_at(at: &str) -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|_| Utc::now())
}

/// Appends one row to meeting `meeting`'s log, after its head, and returns it with its id.
/// The caller holds the meeting's row lock.
pub(super) async fn append<C: ConnectionTrait>(
    c: &C,
    meeting: i64,
    v: &gov_voters::Model,
    kind: &str,
    source: &str,
    ballot: &Ballot,
    scan: Option<String>,
) -> Result<(LogRow, i64), AppError> {
    let head = gov_ballot_log::Entity::find()
        .filter(gov_ballot_log::Column::MeetingId.eq(meeting))
        .order_by_desc(gov_ballot_log::Column::Seq)
        .limit(1)
        .one(c)
        .await?;
    let now = Utc::now();
    let now = now - chrono::Duration::nanoseconds(i64::from(now.timestamp_subsec_nanos() % 1000));
    let mut log = LogRow {
        seq: head.as_ref().map_or(1, |h| h.seq + 1),
        kind: kind.into(),
        voter: v.token.clone(),
        units: None,
        area: v.area,
        source: source.into(),
        answers: ballot.clone(),
        at: now.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        scan,
        prev_hash: head.map_or_else(|| GENESIS.to_string(), |h| h.hash),
        hash: String::new(),
    };
    log.hash = row_hash(meeting, &log);
    let row = gov_ballot_log::ActiveModel {
        meeting_id: Set(meeting),
        seq: Set(log.seq),
        kind: Set(log.kind.clone()),
        voter_idx: Set(v.idx),
        source: Set(log.source.clone()),
        answers: Set(serde_json::to_string(ballot).map_err(|_| AppError::Internal)?),
        at: Set(log.at.clone()),
        prev_hash: Set(log.prev_hash.clone()),
        hash: Set(log.hash.clone()),
        scan: Set(log.scan.clone()),
        area: Set(Some(log.area)),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok((log, row.id))
}

/// The attachment kind of scanned paper ballots (attached to their meeting).
const SCAN_KIND: &str = "gov_paper";
/// Scans one meeting may hold: one per paper entry, replacements included.
const MAX_SCANS: usize = 1_000_000;

/// The meeting `id` for its committee. Errors: `NotFound` (not visible), `Forbidden` (audited).
pub(super) async fn for_committee(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: MeetingId,
) -> Result<gov_meetings::Model, AppError> {
    let (m, _) = visible(ctx, auth, id).await?;
    meetings::require_committee(ctx, meta, auth, OrgId(m.community_id)).await?;
    Ok(m)
}

/// The meeting `id` for its committee, while ballots are being collected or counted (open or
/// closed, not yet published). Errors: `NotFound`, `Forbidden` (audited), a conflict naming
/// `status` at any other step.
async fn counting(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: MeetingId,
) -> Result<gov_meetings::Model, AppError> {
    let m = for_committee(ctx, meta, auth, id).await?;
    if !matches!(status(&m), MeetingStatus::Open | MeetingStatus::Closed) {
        return Err(AppError::conflict("status", "gov.err_not_counting"));
    }
    Ok(m)
}

/// The register voter `voter` of meeting `m`. Errors: a validation error naming `voter`.
pub(super) async fn voter_of<C: ConnectionTrait>(
    c: &C,
    m: &gov_meetings::Model,
    voter: i32,
) -> Result<gov_voters::Model, AppError> {
    gov_voters::Entity::find()
        .filter(gov_voters::Column::MeetingId.eq(m.id))
        .filter(gov_voters::Column::Idx.eq(voter))
        .one(c)
        .await?
        .ok_or_else(|| AppError::validation("voter", "gov.err_no_such_voter"))
}

/// The persons a register voter stands for (its owners; none for the developer).
pub(super) async fn owners_of<C: ConnectionTrait>(c: &C, meeting: i64, voter: i32) -> Result<Vec<PersonId>, AppError> {
    Ok(gov_voter_persons::Entity::find()
        .filter(gov_voter_persons::Column::MeetingId.eq(meeting))
        .filter(gov_voter_persons::Column::VoterIdx.eq(voter))
        .all(c)
        .await?
        .into_iter()
        .map(|p| PersonId(p.person_id))
        .collect())
}

/// Register voters of a meeting whose units contain `q` (all of them for an empty `q`), at most
/// 20, with the ballots they hold; for the committee entering paper ballots.
/// Errors: as [`counting`], published meetings included (their register stays readable).
pub async fn find_voters(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: MeetingId,
    q: &str,
) -> Result<Vec<RegisterVoter>, AppError> {
    let m = for_committee(ctx, meta, auth, id).await?;
    if matches!(status(&m), MeetingStatus::Draft | MeetingStatus::Noticed) {
        return Err(AppError::conflict("status", "gov.err_not_counting"));
    }
    let q: String = q.trim().chars().take(40).collect();
    let mut find = gov_voters::Entity::find().filter(gov_voters::Column::MeetingId.eq(m.id));
    if !q.is_empty() {
        find = find.filter(gov_voters::Column::Numbers.contains(&q));
    }
    let rows = find
        .order_by_asc(gov_voters::Column::Idx)
        .limit(20)
        .all(&ctx.db)
        .await?;
    register_rows(&ctx.db, m.id, rows).await
}

/// Register voters of meeting `meeting` with the ballots each holds.
async fn register_rows<C: ConnectionTrait>(
    c: &C,
    meeting: i64,
    rows: Vec<gov_voters::Model>,
) -> Result<Vec<RegisterVoter>, AppError> {
    let idxs: Vec<i32> = rows.iter().map(|v| v.idx).collect();
    let held: Vec<(i32, String)> = gov_ballots::Entity::find()
        .select_only()
        .column(gov_ballots::Column::VoterIdx)
        .column(gov_ballots::Column::Source)
        .filter(gov_ballots::Column::MeetingId.eq(meeting))
        .filter(gov_ballots::Column::VoterIdx.is_in(idxs))
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|v| RegisterVoter {
            voter: v.idx,
            developer: VoterKey::parse(&v.key) == Some(VoterKey::Developer),
            online: held.contains(&(v.idx, BallotSource::Online.code().to_string())),
            paper: held.contains(&(v.idx, BallotSource::Paper.code().to_string())),
            units: v.numbers,
            area: v.area,
        })
        .collect())
}

/// Enters a paper ballot (书面表决票) for register voter `voter` from its scan, photo `scan`
/// uploaded by the caller. The committee only, from the opening until the result is published.
/// The voter's owners are told, with the receipt. Where the voter also holds an online ballot
/// both stay, and the pair is listed by [`conflicts`].
/// Errors (nothing stored): as [`counting`]; a validation error naming `voter` (not on the
/// register), `answers` (the ballot's problem) or `scan` (not the caller's fresh upload);
/// `gov.err_already_voted` for a second paper ballot where changes are not allowed.
pub async fn enter_paper(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: MeetingId,
    voter: i32,
    ballot: Ballot,
    scan: i64,
) -> Result<RegisterVoter, AppError> {
    let m = counting(ctx, meta, auth, id).await?;
    let v = voter_of(&ctx.db, &m, voter).await?;
    let items = meetings::items_of(&ctx.db, m.id).await?;
    check_ballot(&items, &ballot).map_err(|p| AppError::validation("answers", p.key()))?;
    let sha256 = crate::files::service::unattached_photo_sha256(&ctx.db, auth.user_id, scan)
        .await?
        .ok_or_else(|| AppError::validation("scan", "gov.err_scan"))?;
    let (b, written) = write(ctx, m.id, &v, &ballot, auth.user_id, Some(Scan { file: scan, sha256 })).await?;
    if written {
        let actor = actor_label(&ctx.db, auth.user_id).await;
        audit::record(
            &ctx.db,
            meta,
            AuditEntry::new("assembly.paper", "meeting", m.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(m.community_id)))
                .summary(serde_json::json!({ "voter": v.idx, "units": v.numbers, "seq": b.seq, "scan": scan })),
        )
        .await?;
        let owners = owners_of(&ctx.db, m.id, v.idx).await?;
        tell_owners(ctx, None, &m, &owners, "gov.paper_body", &v.numbers, &b.receipt).await;
    }
    register_rows(&ctx.db, m.id, vec![v])
        .await?
        .pop()
        .ok_or(AppError::Internal)
}

/// The voters of a meeting holding both a paper and an online ballot, for its committee.
/// Errors: `NotFound`, `Forbidden`.
pub async fn conflicts(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: MeetingId,
) -> Result<Vec<BallotConflict>, AppError> {
    let m = for_committee(ctx, meta, auth, id).await?;
    conflicts_of(&ctx.db, &m).await
}

async fn conflicts_of<C: ConnectionTrait>(c: &C, m: &gov_meetings::Model) -> Result<Vec<BallotConflict>, AppError> {
    let twice: Vec<i32> = gov_ballots::Entity::find()
        .select_only()
        .column(gov_ballots::Column::VoterIdx)
        .filter(gov_ballots::Column::MeetingId.eq(m.id))
        .group_by(gov_ballots::Column::VoterIdx)
        .having(Expr::cust("COUNT(*) > 1"))
        .into_tuple()
        .all(c)
        .await?;
    if twice.is_empty() {
        return Ok(vec![]);
    }
    let ballots = gov_ballots::Entity::find()
        .filter(gov_ballots::Column::MeetingId.eq(m.id))
        .filter(gov_ballots::Column::VoterIdx.is_in(twice.clone()))
        .all(c)
        .await?;
    let voters = gov_voters::Entity::find()
        .filter(gov_voters::Column::MeetingId.eq(m.id))
        .filter(gov_voters::Column::Idx.is_in(twice))
        .order_by_asc(gov_voters::Column::Idx)
        .all(c)
        .await?;
    let read = |b: &gov_ballots::Model| serde_json::from_str::<Ballot>(&b.answers).unwrap_or_default();
    Ok(voters
        .into_iter()
        .filter_map(|v| {
            let of = |s: BallotSource| ballots.iter().find(|b| b.voter_idx == v.idx && b.source == s.code());
            let (online, paper) = (of(BallotSource::Online)?, of(BallotSource::Paper)?);
            Some(BallotConflict {
                voter: v.idx,
                units: v.numbers,
                area: v.area,
                online: read(online),
                online_at: online.cast_at,
                paper: read(paper),
                paper_at: paper.cast_at,
                scan: paper.file_id,
            })
        })
        .collect())
}

/// Settles a voter's paper-versus-online conflict: the ballot from `keep` stands, the other no
/// longer counts. One `resolve` row in the log records it; the voter's owners are told.
/// Errors (nothing changed): as [`counting`]; a conflict naming `voter` when the voter does not
/// hold both ballots.
pub async fn resolve(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: MeetingId,
    voter: i32,
    keep: BallotSource,
) -> Result<Vec<BallotConflict>, AppError> {
    let m = counting(ctx, meta, auth, id).await?;
    let v = voter_of(&ctx.db, &m, voter).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let kept = with_txn!(ctx.db, |txn| {
        // Under the meeting's row lock: a publication in between would have tallied both.
        let fresh = meetings::locked(&txn, m.id).await?;
        if !matches!(status(&fresh), MeetingStatus::Open | MeetingStatus::Closed) {
            return Err(AppError::conflict("status", "gov.err_not_counting"));
        }
        let held = gov_ballots::Entity::find()
            .filter(gov_ballots::Column::MeetingId.eq(m.id))
            .filter(gov_ballots::Column::VoterIdx.eq(v.idx))
            .all(&txn)
            .await?;
        let (Some(kept), Some(dropped)) = (
            held.iter().find(|b| b.source == keep.code()),
            held.iter().find(|b| b.source != keep.code()),
        ) else {
            return Err(AppError::conflict("voter", "gov.err_no_conflict"));
        };
        let ballot: Ballot = serde_json::from_str(&kept.answers).map_err(|_| AppError::Internal)?;
        let (log, _) = append(&txn, m.id, &v, "resolve", keep.code(), &ballot, None).await?;
        gov_ballots::Entity::delete_by_id(dropped.id).exec(&txn).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("assembly.resolve", "meeting", m.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(m.community_id)))
                .summary(serde_json::json!({
                    "voter": v.idx, "units": v.numbers, "keep": keep.code(), "seq": log.seq,
                    "dropped": dropped.source, "dropped_seq": dropped.seq,
                })),
        )
        .await?;
        Ok(kept.receipt.clone())
    })?;
    let owners = owners_of(&ctx.db, m.id, v.idx).await?;
    let body = match keep {
        BallotSource::Online => "gov.resolved_online_body",
        BallotSource::Paper => "gov.resolved_paper_body",
    };
    tell_owners(ctx, None, &m, &owners, body, &v.numbers, &kept).await;
    conflicts_of(&ctx.db, &m).await
}

/// A scanned paper ballot of meeting `id`, for its committee.
/// Errors: `NotFound` (also for a file that is not one of the meeting's scans), `Forbidden`.
pub async fn scan(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: MeetingId,
    file: i64,
    thumb: bool,
) -> Result<Vec<u8>, AppError> {
    let m = for_committee(ctx, meta, auth, id).await?;
    crate::files::service::read(ctx, file, SCAN_KIND, m.id, thumb).await
}

/// The owners of a register voter hear that its ballot was cast, replaced, entered from paper
/// or settled (the law lets any co-owner cast it; none may be surprised), all but `except` (who
/// did it). `body` fills `who`, `units` and `receipt`. A failure is logged: the ballot stands.
pub(super) async fn tell_owners(
    ctx: &AppCtx,
    except: Option<UserId>,
    m: &gov_meetings::Model,
    owners: &[PersonId],
    body: &str,
    units: &str,
    receipt: &str,
) {
    let users = async {
        let users: Vec<_> = estate::users_of_persons(&ctx.db, owners)
            .await?
            .into_iter()
            .filter(|u| Some(*u) != except)
            .collect();
        let who = match except {
            Some(u) => crate::access::service::display_names(&ctx.db, &[u.0])
                .await?
                .remove(&u.0)
                .unwrap_or_default(),
            None => String::new(),
        };
        Ok::<_, AppError>((users, who))
    };
    match users.await {
        Ok((users, who)) => {
            let body = Msg::fill(
                body,
                [
                    ("who", Msg::text(&who)),
                    ("units", Msg::text(units)),
                    ("receipt", Msg::text(receipt)),
                ],
            );
            tell_users(ctx, m, &users, body).await;
        }
        Err(e) => tracing::warn!(meeting = m.id, error = ?e, "the owners were not told of a ballot"),
    }
}

/// Tells `users` about something that happened to their ballot, proxy or register entry in
/// meeting `m` (titled with the meeting). A failure is logged: what happened stands.
pub(super) async fn tell_users(ctx: &AppCtx, m: &gov_meetings::Model, users: &[UserId], body: Msg) {
    if users.is_empty() {
        return;
    }
    let told = with_txn!(ctx.db, |txn| {
        notify_svc::raise(
            &txn,
            users,
            &Notice {
                category: Category::Votes,
                title: Msg::fill("gov.co_owner_title", [("title", Msg::text(&m.title))]),
                body: body.clone(),
                link: format!("/community/assembly/{}", m.id),
                dedupe: None,
                ttl: chrono::Duration::days(1),
                broadcast: None,
                replace: false,
                urgent: false,
            },
        )
        .await?;
        Ok(())
    });
    if let Err(e) = told {
        tracing::warn!(meeting = m.id, error = ?e, "a voter's owners were not told");
    }
}

/// The frozen register of a meeting.
async fn register_of<C: ConnectionTrait>(
    c: &C,
    m: &gov_meetings::Model,
) -> Result<(Register, Vec<gov_voters::Model>), AppError> {
    let rows = gov_voters::Entity::find()
        .filter(gov_voters::Column::MeetingId.eq(m.id))
        .order_by_asc(gov_voters::Column::Idx)
        .all(c)
        .await?;
    let voters: Vec<Voter> = rows
        .iter()
        .map(|v| Voter {
            key: VoterKey::parse(&v.key).unwrap_or(VoterKey::Developer),
            units: serde_json::from_str::<Vec<i64>>(&v.units)
                .unwrap_or_default()
                .into_iter()
                .map(crate::shared::ids::UnitId)
                .collect(),
            area: v.area,
        })
        .collect();
    let register = Register::frozen(voters, m.total_area, m.units as usize).ok_or_else(|| {
        tracing::error!(meeting = m.id, "the frozen register is damaged");
        AppError::Internal
    })?;
    Ok((register, rows))
}

/// Tallies the ballots in force of a meeting, with the log head they come from (publishing
/// stores it; the benchmark times it).
/// Errors: a conflict naming `conflicts` while a voter holds both a paper and an online ballot.
pub async fn tally<C: ConnectionTrait>(c: &C, m: &gov_meetings::Model) -> Result<MeetingResult, AppError> {
    if !conflicts_of(c, m).await?.is_empty() {
        return Err(AppError::conflict("conflicts", "gov.err_unresolved_conflicts"));
    }
    let (register, _) = register_of(c, m).await?;
    let items = meetings::items_of(c, m.id).await?;
    let ballots: Vec<(usize, Ballot)> = gov_ballots::Entity::find()
        .filter(gov_ballots::Column::MeetingId.eq(m.id))
        .order_by_asc(gov_ballots::Column::VoterIdx)
        .all(c)
        .await?
        .into_iter()
        .map(|b| {
            let ballot = serde_json::from_str(&b.answers).map_err(|_| AppError::Internal)?;
            Ok((b.voter_idx as usize, ballot))
        })
        .collect::<Result<_, AppError>>()?;
    let head = gov_ballot_log::Entity::find()
        .filter(gov_ballot_log::Column::MeetingId.eq(m.id))
        .order_by_desc(gov_ballot_log::Column::Seq)
        .one(c)
        .await?;
    let (hash, rows) = head.map_or_else(|| (GENESIS.to_string(), 0), |h| (h.hash, h.seq));
    result_of(&register, &items, &ballots, &hash, rows)
}

fn result_of(
    register: &Register,
    items: &[MeetingItem],
    ballots: &[(usize, Ballot)],
    head: &str,
    log_rows: i64,
) -> Result<MeetingResult, AppError> {
    let results = tally_meeting(register, items, ballots).map_err(|e| {
        tracing::error!(error = ?e, "a stored ballot cannot be tallied");
        AppError::Internal
    })?;
    let mut participating = Count::default();
    for (v, _) in ballots {
        participating.persons += 1;
        participating.area += register.voters()[*v].area;
    }
    Ok(MeetingResult {
        head: head.to_string(),
        log_rows,
        total: Count {
            persons: register.total_persons(),
            area: register.total_area(),
        },
        participating,
        items: results,
    })
}

/// The ballot log of a meeting: for its committee from the opening on, for its residents once
/// the result is published. In a closed (non-实名) meeting voters appear as their tokens only.
/// Errors: `NotFound` (not visible, or not yet open to the caller).
pub async fn log(ctx: &AppCtx, auth: &Authed, id: MeetingId) -> Result<BallotLog, AppError> {
    let (m, seat) = visible(ctx, auth, id).await?;
    let st = status(&m);
    let allowed = match seat {
        Seat::Committee => matches!(
            st,
            MeetingStatus::Open | MeetingStatus::Closed | MeetingStatus::Published
        ),
        Seat::Resident | Seat::Staff => st == MeetingStatus::Published,
    };
    if !allowed {
        return Err(AppError::NotFound);
    }
    let (_, voters) = register_of(&ctx.db, &m).await?;
    let rows = log_rows(&ctx.db, &m, &voters).await?;
    Ok(BallotLog {
        meeting: MeetingId(m.id),
        total: Count {
            persons: m.total_persons,
            area: m.total_area,
        },
        items: meetings::items_of(&ctx.db, m.id).await?,
        rows,
    })
}

async fn log_rows<C: ConnectionTrait>(
    c: &C,
    m: &gov_meetings::Model,
    voters: &[gov_voters::Model],
) -> Result<Vec<LogRow>, AppError> {
    let by_idx: HashMap<i32, &gov_voters::Model> = voters.iter().map(|v| (v.idx, v)).collect();
    let mut out = Vec::new();
    let mut after = 0i64;
    loop {
        let batch = gov_ballot_log::Entity::find()
            .filter(gov_ballot_log::Column::MeetingId.eq(m.id))
            .filter(gov_ballot_log::Column::Seq.gt(after))
            .order_by_asc(gov_ballot_log::Column::Seq)
            .limit(PAGE)
            .all(c)
            .await?;
        let Some(last) = batch.last() else { break };
        after = last.seq;
        for r in batch {
            let v = by_idx.get(&r.voter_idx);
            out.push(LogRow {
                seq: r.seq,
                kind: r.kind,
                voter: v.map(|v| v.token.clone()).unwrap_or_default(),
                units: v.filter(|_| m.open_ballot).map(|v| v.numbers.clone()),
                // Rows keep the area they were written with (a later correction moves it).
                area: r.area.unwrap_or_else(|| v.map_or(0, |v| v.area)),
                source: r.source,
                answers: serde_json::from_str(&r.answers).unwrap_or_default(),
                at: r.at,
                scan: r.scan,
                prev_hash: r.prev_hash,
                hash: r.hash,
            });
        }
    }
    Ok(out)
}

/// The published result of a meeting. Errors: `NotFound` before publication.
pub async fn result(ctx: &AppCtx, auth: &Authed, id: MeetingId) -> Result<MeetingResult, AppError> {
    let (m, _) = visible(ctx, auth, id).await?;
    m.result
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .ok_or(AppError::NotFound)
}

/// What re-walking a meeting's log found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub rows: i64,
    pub head: String,
    /// Each difference found, in words (empty: the log, the ballots in force and the published
    /// result agree).
    pub problems: Vec<String>,
}

/// Re-walks the ballot log of meeting `id` from the genesis hash, re-tallies the last ballot of
/// each voter, and compares both with the ballots in force and the published result.
pub async fn verify<C: ConnectionTrait>(c: &C, id: MeetingId) -> Result<Verification, AppError> {
    let m = gov_meetings::Entity::find_by_id(id.0)
        .one(c)
        .await?
        .ok_or(AppError::NotFound)?;
    let (register, voters) = register_of(c, &m).await?;
    let by_token: HashMap<&str, usize> = voters.iter().map(|v| (v.token.as_str(), v.idx as usize)).collect();
    let rows = log_rows(c, &m, &voters).await?;
    let items = meetings::items_of(c, m.id).await?;
    let mut problems = Vec::new();
    let mut prev = GENESIS.to_string();
    // Each voter's last ballot from each source; a `resolve` row drops the other source.
    let mut last: HashMap<(usize, String), (i64, Ballot)> = HashMap::new();
    for (n, r) in rows.iter().enumerate() {
        if r.seq != n as i64 + 1 {
            problems.push(format!("row {}: sequence {} out of order", n + 1, r.seq));
        }
        if r.prev_hash != prev {
            problems.push(format!("row {}: does not follow the row before it", r.seq));
        }
        if row_hash(m.id, r) != r.hash {
            problems.push(format!("row {}: its hash does not match its contents", r.seq));
        }
        match by_token.get(r.voter.as_str()) {
            None => problems.push(format!("row {}: names no voter of the register", r.seq)),
            Some(_) if NO_BALLOT.contains(&r.kind.as_str()) => {
                if !r.answers.is_empty() {
                    problems.push(format!("row {}: a {} row carries a ballot", r.seq, r.kind));
                }
            }
            Some(&v) => {
                if check_ballot(&items, &r.answers).is_err() {
                    problems.push(format!("row {}: the ballot does not fit the items", r.seq));
                }
                if r.kind == "resolve" {
                    let kept = last.get(&(v, r.source.clone())).map(|(_, b)| b);
                    let other = last.keys().any(|(w, s)| *w == v && *s != r.source);
                    if kept != Some(&r.answers) || !other {
                        problems.push(format!("row {}: settles a conflict the log does not hold", r.seq));
                    }
                    last.retain(|(w, s), _| *w != v || *s == r.source);
                } else {
                    last.insert((v, r.source.clone()), (r.seq, r.answers.clone()));
                }
            }
        }
        prev = r.hash.clone();
    }
    let mut in_force: Vec<(usize, Ballot)> = Vec::new();
    let mut sources: HashMap<usize, usize> = HashMap::new();
    for (v, _) in last.keys() {
        *sources.entry(*v).or_default() += 1;
    }
    for ((v, source), (_, b)) in &last {
        if sources[v] == 1 {
            in_force.push((*v, b.clone()));
        } else if m.result.is_some() && source == BallotSource::Paper.code() {
            problems.push(format!(
                "voter {v}: a paper and an online ballot were both in force at publication"
            ));
        }
    }
    in_force.sort_by_key(|(v, _)| *v);
    let stored: HashMap<(usize, String), (i64, String)> = gov_ballots::Entity::find()
        .filter(gov_ballots::Column::MeetingId.eq(m.id))
        .all(c)
        .await?
        .into_iter()
        .map(|b| ((b.voter_idx as usize, b.source), (b.seq, b.answers)))
        .collect();
    for ((v, source), (seq, ballot)) in &last {
        match stored.get(&(*v, source.clone())) {
            Some((s, a)) if s == seq && serde_json::from_str::<Ballot>(a).ok().as_ref() == Some(ballot) => {}
            _ => problems.push(format!(
                "voter {v}: the {source} ballot in force is not the last one in the log"
            )),
        }
    }
    for (v, source) in stored.keys().filter(|k| !last.contains_key(k)) {
        problems.push(format!("voter {v}: a {source} ballot in force has no row in the log"));
    }
    if let Some(published) = m.result.as_deref() {
        match (
            serde_json::from_str::<MeetingResult>(published),
            result_of(&register, &items, &in_force, &prev, rows.len() as i64),
        ) {
            (Ok(p), Ok(r)) if p == r => {}
            (Ok(p), Ok(r)) if p.head != r.head => problems.push(format!(
                "the result was published from head {}, the log ends at {}",
                p.head, r.head
            )),
            (Ok(_), Ok(_)) => problems.push("the published figures differ from the re-tally".into()),
            (Err(_), _) => problems.push("the published result cannot be read".into()),
            (_, Err(_)) => problems.push("the log cannot be tallied".into()),
        }
    }
    Ok(Verification {
        rows: rows.len() as i64,
        head: prev,
        problems,
    })
}
