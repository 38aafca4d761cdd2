//! (ssr) Ballots and the ballot log. Every ballot (and every replacement) is one row of a
//! per-meeting hash chain: `hash = SHA-256(prev_hash | meeting | seq | kind | voter token |
//! voter area | source | answers | at)`. The voter's receipt is the start of that hash. The
//! tally reads each voter's ballot in force; [`verify`] re-walks the chain and re-tallies it,
//! which is what `linli admin verify-vote` and anyone holding the exported log can do.
use super::meetings::{self, status, visible, voting, Seat};
use super::model::*;
use crate::access::model::{Authed, RequestMeta};
use crate::db::entities::{gov_ballot_log, gov_ballots, gov_meetings, gov_voter_persons, gov_voters};
use crate::db::AppCtx;
use crate::estate::model::Relation;
use crate::estate::service as estate;
use crate::notify::model::Category;
use crate::notify::service::{self as notify_svc, Notice};
use crate::shared::error::AppError;
use crate::shared::i18n::Msg;
use crate::shared::ids::{MeetingId, PersonId};
use crate::with_txn;
use chrono::Utc;
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// The `prev_hash` of a meeting's first log row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Log rows read per query when a meeting is tallied or verified.
const PAGE: u64 = 5_000;

/// The hash of one log row, from exactly what the exported log shows.
pub fn row_hash(meeting: i64, r: &LogRow) -> String {
    use sha2::Digest;
    let answers = serde_json::to_string(&r.answers).unwrap_or_default();
    let buf = format!(
        "{}|{}|{}|{}|{}|{}|{}|{}|{}",
        r.prev_hash, meeting, r.seq, r.kind, r.voter, r.area, r.source, answers, r.at
    );
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

/// Casts (or, where the meeting allows it, replaces) the ballot of register voter `voter` for
/// the caller, who must be one of that voter's owners. Returns the voter's standing with the
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
    if !owners.iter().any(|p| mine.contains(&p.0)) {
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
    if written && owners.len() > 1 {
        tell_co_owners(ctx, auth, &m, &owners, &v.numbers, &row.receipt).await;
    }
    Ok(MyVoter {
        voter,
        units: v.numbers,
        area: v.area,
        ballot: Some(ballot),
        receipt: Some(row.receipt),
        cast_at: Some(row.cast_at),
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
    by: crate::shared::ids::UserId,
) -> Result<(gov_ballots::Model, bool), AppError> {
    let answers = serde_json::to_string(ballot).map_err(|_| AppError::Internal)?;
    with_txn!(ctx.db, |txn| {
        // Under the meeting's row lock (PostgreSQL; SQLite's writer lock already serializes):
        // the status, the voter's ballot and the log head are read and written as one step.
        let fresh = gov_meetings::Entity::find_by_id(meeting)
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        if !voting(&fresh, Utc::now()) {
            return Err(AppError::conflict("meeting", "gov.err_not_voting"));
        }
        let existing = gov_ballots::Entity::find()
            .filter(gov_ballots::Column::MeetingId.eq(meeting))
            .filter(gov_ballots::Column::VoterIdx.eq(v.idx))
            .filter(gov_ballots::Column::Source.eq("online"))
            .one(&txn)
            .await?;
        if let Some(b) = &existing {
            if b.answers == answers {
                return Ok((b.clone(), false));
            }
            if !fresh.allow_change {
                return Err(AppError::conflict("voter", "gov.err_already_voted"));
            }
        }
        let head = gov_ballot_log::Entity::find()
            .filter(gov_ballot_log::Column::MeetingId.eq(meeting))
            .order_by_desc(gov_ballot_log::Column::Seq)
            .limit(1)
            .one(&txn)
            .await?;
        let now = Utc::now();
        let now = now - chrono::Duration::nanoseconds(i64::from(now.timestamp_subsec_nanos() % 1000));
        let mut log = LogRow {
            seq: head.as_ref().map_or(1, |h| h.seq + 1),
            kind: if existing.is_some() { "replace" } else { "cast" }.into(),
            voter: v.token.clone(),
            units: None,
            area: v.area,
            source: "online".into(),
            answers: ballot.clone(),
            at: now.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
            prev_hash: head.map_or_else(|| GENESIS.to_string(), |h| h.hash),
            hash: String::new(),
        };
        log.hash = row_hash(meeting, &log);
        gov_ballot_log::ActiveModel {
            meeting_id: Set(meeting),
            seq: Set(log.seq),
            kind: Set(log.kind.clone()),
            voter_idx: Set(v.idx),
            source: Set(log.source.clone()),
            answers: Set(answers.clone()),
            at: Set(log.at.clone()),
            prev_hash: Set(log.prev_hash.clone()),
            hash: Set(log.hash.clone()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let receipt = receipt_of(&log.hash);
        let b = match existing.clone() {
            Some(b) => {
                let mut am: gov_ballots::ActiveModel = b.into();
                am.answers = Set(answers.clone());
                am.receipt = Set(receipt);
                am.seq = Set(log.seq);
                am.cast_by = Set(by.0);
                am.cast_at = Set(now);
                am.update(&txn).await?
            }
            None => {
                gov_ballots::ActiveModel {
                    meeting_id: Set(meeting),
                    voter_idx: Set(v.idx),
                    source: Set("online".into()),
                    answers: Set(answers.clone()),
                    receipt: Set(receipt),
                    seq: Set(log.seq),
                    cast_by: Set(by.0),
                    cast_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
            }
        };
        Ok((b, true))
    })
}

/// The other co-owners of a unit hear that its ballot was cast or replaced (the law lets any of
/// them cast it; none may be surprised). A failure is logged: the ballot stands.
async fn tell_co_owners(
    ctx: &AppCtx,
    auth: &Authed,
    m: &gov_meetings::Model,
    owners: &[PersonId],
    units: &str,
    receipt: &str,
) {
    let told = async {
        let users: Vec<_> = estate::users_of_persons(&ctx.db, owners)
            .await?
            .into_iter()
            .filter(|u| *u != auth.user_id)
            .collect();
        if users.is_empty() {
            return Ok::<(), AppError>(());
        }
        let actor = crate::access::service::display_names(&ctx.db, &[auth.user_id.0])
            .await?
            .remove(&auth.user_id.0)
            .unwrap_or_default();
        with_txn!(ctx.db, |txn| {
            notify_svc::raise(
                &txn,
                &users,
                &Notice {
                    category: Category::Votes,
                    title: Msg::fill("gov.co_owner_title", [("title", Msg::text(&m.title))]),
                    body: Msg::fill(
                        "gov.co_owner_body",
                        [
                            ("who", Msg::text(&actor)),
                            ("units", Msg::text(units)),
                            ("receipt", Msg::text(receipt)),
                        ],
                    ),
                    link: format!("/community/assembly/{}", m.id),
                    dedupe: None,
                    ttl: chrono::Duration::days(1),
                    broadcast: None,
                    replace: false,
                },
            )
            .await?;
            Ok(())
        })
    };
    if let Err(e) = told.await {
        tracing::warn!(meeting = m.id, error = ?e, "co-owners were not told of a ballot");
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
pub async fn tally<C: ConnectionTrait>(c: &C, m: &gov_meetings::Model) -> Result<MeetingResult, AppError> {
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
        Seat::Resident => st == MeetingStatus::Published,
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
                area: v.map_or(0, |v| v.area),
                source: r.source,
                answers: serde_json::from_str(&r.answers).unwrap_or_default(),
                at: r.at,
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
    let mut last: HashMap<usize, (i64, Ballot)> = HashMap::new();
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
            Some(&v) => {
                if check_ballot(&items, &r.answers).is_err() {
                    problems.push(format!("row {}: the ballot does not fit the items", r.seq));
                }
                last.insert(v, (r.seq, r.answers.clone()));
            }
        }
        prev = r.hash.clone();
    }
    let mut in_force: Vec<(usize, Ballot)> = last.iter().map(|(v, (_, b))| (*v, b.clone())).collect();
    in_force.sort_by_key(|(v, _)| *v);
    let stored: HashMap<usize, (i64, String)> = gov_ballots::Entity::find()
        .filter(gov_ballots::Column::MeetingId.eq(m.id))
        .all(c)
        .await?
        .into_iter()
        .map(|b| (b.voter_idx as usize, (b.seq, b.answers)))
        .collect();
    for (v, (seq, ballot)) in &last {
        match stored.get(v) {
            Some((s, a)) if s == seq && serde_json::from_str::<Ballot>(a).ok().as_ref() == Some(ballot) => {}
            _ => problems.push(format!("voter {v}: the ballot in force is not the last one in the log")),
        }
    }
    for v in stored.keys().filter(|v| !last.contains_key(v)) {
        problems.push(format!("voter {v}: a ballot in force has no row in the log"));
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
