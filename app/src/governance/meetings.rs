//! (ssr) Meetings of an owners' assembly: the committee drafts one and its items, gives notice,
//! opens the vote (freezing the voter register), closes it after the announced close and
//! publishes the tally; the community's residents read them. Ballots are in `ballots`.
use super::model::*;
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{gov_ballots, gov_items, gov_meetings, gov_settings, gov_voter_persons, gov_voters};
use crate::db::AppCtx;
use crate::estate::model::Relation;
use crate::estate::service as estate;
use crate::notify::model::Category;
use crate::notify::service::{self as notify_svc, Notice};
use crate::org::model::{OrgKind, OrgNode};
use crate::org::service as org;
use crate::shared::error::AppError;
use crate::shared::i18n::Msg;
use crate::shared::ids::{MeetingId, OrgId, UserId};
use crate::with_txn;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder, QuerySelect, QueryTrait};
use std::collections::{BTreeSet, HashMap};

/// The built-in role of the owners' committee, granted at its community.
pub use super::model::COMMITTEE_ROLE;
/// Rows per insert when the register is frozen.
const BATCH: usize = 500;

/// The communities whose committee the caller sits on.
pub async fn committee_communities(ctx: &AppCtx, auth: &Authed) -> Result<Vec<OrgId>, AppError> {
    access::orgs_with_role(&ctx.db, auth.user_id, COMMITTEE_ROLE).await
}

/// The communities whose committee the caller sits on, with their names (for the form).
pub async fn committee_choices(ctx: &AppCtx, auth: &Authed) -> Result<Vec<OrgNode>, AppError> {
    let mut out = Vec::new();
    for id in committee_communities(ctx, auth).await? {
        if let Some(n) = org::get(&ctx.db, id).await?.filter(|n| n.kind == OrgKind::Community) {
            out.push(n);
        }
    }
    Ok(out)
}

/// The communities whose meetings the caller runs, with their names (for the new-meeting form):
/// their committee's, and those they assist as staff.
pub async fn runner_choices(ctx: &AppCtx, auth: &Authed) -> Result<Vec<OrgNode>, AppError> {
    let mut out = committee_choices(ctx, auth).await?;
    for id in assisted(ctx, auth).await? {
        if out.iter().any(|n| n.id == id) {
            continue;
        }
        if let Some(n) = org::get(&ctx.db, id).await?.filter(|n| n.kind == OrgKind::Community) {
            out.push(n);
        }
    }
    Ok(out)
}

/// `Forbidden` (audited) unless the caller sits on `community`'s committee.
pub(crate) async fn require_committee(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    community: OrgId,
) -> Result<(), AppError> {
    if committee_communities(ctx, auth).await?.contains(&community) {
        return Ok(());
    }
    access::deny(ctx, meta, auth, "governance.manage", Some(community)).await;
    Err(AppError::Forbidden)
}

/// The communities whose committee lets staff run its meetings' procedure (`staff_assist`) and
/// over which the caller holds `people.write`.
pub(crate) async fn assisted(ctx: &AppCtx, auth: &Authed) -> Result<Vec<OrgId>, AppError> {
    let on: Vec<i64> = gov_settings::Entity::find()
        .filter(gov_settings::Column::StaffAssist.eq(true))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|s| s.community_id)
        .collect();
    if on.is_empty() {
        return Ok(vec![]);
    }
    let scope = access::scope_for(&ctx.db, auth.user_id, Permission::PeopleWrite).await?;
    Ok(on.into_iter().map(OrgId).filter(|c| scope.covers(*c)).collect())
}

/// `Forbidden` (audited) unless the caller runs `community`'s meetings: its committee, or staff
/// where the committee allows it ([`assisted`]). For the procedure only (drafting, notice,
/// opening, closing, publishing), never for ballots.
pub(crate) async fn require_runner(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    community: OrgId,
) -> Result<(), AppError> {
    if committee_communities(ctx, auth).await?.contains(&community) || assisted(ctx, auth).await?.contains(&community) {
        return Ok(());
    }
    access::deny(ctx, meta, auth, "governance.manage", Some(community)).await;
    Err(AppError::Forbidden)
}

/// Who the caller is to one meeting.
pub(crate) enum Seat {
    /// On the community's committee.
    Committee,
    /// Staff the committee lets run the procedure.
    Staff,
    /// A resident of the community (any relation) who is not on its committee, or an accepted
    /// proxy of one of its voters.
    Resident,
}

/// The meeting and the caller's seat, or `NotFound`: committee members see their community's
/// meetings, drafts included; its residents see them from the notice on; nobody else sees them.
pub(crate) async fn visible(
    ctx: &AppCtx,
    auth: &Authed,
    id: MeetingId,
) -> Result<(gov_meetings::Model, Seat), AppError> {
    let m = gov_meetings::Entity::find_by_id(id.0)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if committee_communities(ctx, auth).await?.contains(&OrgId(m.community_id)) {
        return Ok((m, Seat::Committee));
    }
    if assisted(ctx, auth).await?.contains(&OrgId(m.community_id)) {
        return Ok((m, Seat::Staff));
    }
    if status(&m) == MeetingStatus::Draft {
        return Err(AppError::NotFound);
    }
    let lives_here = estate::my_places(&ctx.db, auth.user_id)
        .await?
        .iter()
        .any(|p| p.community.0 == m.community_id);
    if lives_here || !super::proxies::held_by(&ctx.db, m.id, auth.user_id).await?.is_empty() {
        return Ok((m, Seat::Resident));
    }
    Err(AppError::NotFound)
}

/// Meeting `id` under its row lock (PostgreSQL; SQLite's writer lock already serializes), for a
/// transaction that reads its step and then writes to it or its log. Errors: `NotFound`.
pub(crate) async fn locked<C: ConnectionTrait>(c: &C, id: i64) -> Result<gov_meetings::Model, AppError> {
    gov_meetings::Entity::find_by_id(id)
        .lock_exclusive()
        .one(c)
        .await?
        .ok_or(AppError::NotFound)
}

pub(crate) fn status(m: &gov_meetings::Model) -> MeetingStatus {
    MeetingStatus::parse(&m.status).unwrap_or(MeetingStatus::Draft)
}

/// Ballots are taken now: open, and between the opening and the announced close.
pub(crate) fn voting(m: &gov_meetings::Model, now: DateTime<Utc>) -> bool {
    status(m) == MeetingStatus::Open && m.opens_at <= now && now < m.closes_at
}

/// The meeting's items, in order.
pub(crate) async fn items_of<C: ConnectionTrait>(c: &C, meeting: i64) -> Result<Vec<MeetingItem>, AppError> {
    Ok(gov_items::Entity::find()
        .filter(gov_items::Column::MeetingId.eq(meeting))
        .order_by_asc(gov_items::Column::Position)
        .all(c)
        .await?
        .into_iter()
        .map(|i| MeetingItem {
            id: i.id,
            position: i.position,
            kind: ItemKind::parse(&i.kind).unwrap_or(ItemKind::Matter),
            rule: Rule::parse(&i.rule).unwrap_or(Rule::Special),
            seats: i.seats,
            max_picks: i.max_picks,
            candidates: serde_json::from_str(&i.candidates).unwrap_or_default(),
            title: i.title,
            body: i.body,
        })
        .collect())
}

/// Persons and area of the voters who have a ballot in force.
pub(crate) async fn turnout<C: ConnectionTrait>(c: &C, meeting: i64) -> Result<Count, AppError> {
    let voted = gov_ballots::Entity::find()
        .select_only()
        .column(gov_ballots::Column::VoterIdx)
        .filter(gov_ballots::Column::MeetingId.eq(meeting))
        .into_query();
    let (persons, area): (i64, i64) = gov_voters::Entity::find()
        .select_only()
        .column_as(Expr::cust("COUNT(*)"), "persons")
        .column_as(Expr::cust("CAST(COALESCE(SUM(area), 0) AS BIGINT)"), "area")
        .filter(gov_voters::Column::MeetingId.eq(meeting))
        .filter(gov_voters::Column::Idx.in_subquery(voted))
        .into_tuple()
        .one(c)
        .await?
        .unwrap_or((0, 0));
    Ok(Count { persons, area })
}

fn row(m: &gov_meetings::Model, community: &str, now: DateTime<Utc>) -> MeetingRow {
    MeetingRow {
        id: MeetingId(m.id),
        community_id: OrgId(m.community_id),
        community: community.to_string(),
        title: m.title.clone(),
        status: status(m),
        opens_at: m.opens_at,
        closes_at: m.closes_at,
        voting: voting(m, now),
    }
}

/// The meeting as the pages and the API show it.
pub(crate) async fn dto<C: ConnectionTrait>(c: &C, m: &gov_meetings::Model) -> Result<Meeting, AppError> {
    let community = org::get(c, OrgId(m.community_id))
        .await?
        .map(|n| n.name)
        .unwrap_or_default();
    let st = status(m);
    let frozen = matches!(
        st,
        MeetingStatus::Open | MeetingStatus::Closed | MeetingStatus::Published
    );
    Ok(Meeting {
        row: row(m, &community, Utc::now()),
        body: m.body.clone(),
        allow_change: m.allow_change,
        open_ballot: m.open_ballot,
        notice_days: m.notice_days,
        remind_days: m.remind_days,
        noticed_at: m.noticed_at,
        opened_at: m.opened_at,
        closed_at: m.closed_at,
        published_at: m.published_at,
        items: items_of(c, m.id).await?,
        total: frozen.then_some(Count {
            persons: m.total_persons,
            area: m.total_area,
        }),
        turnout: if frozen { Some(turnout(c, m.id).await?) } else { None },
        result: m.result.as_deref().and_then(|r| serde_json::from_str(r).ok()),
        proxy_max: m.proxy_max,
        attachments: crate::files::service::documents_of(c, NOTICE_KIND, m.id).await?,
        corrections: if frozen {
            super::corrections::of_meeting(c, m.id).await?
        } else {
            vec![]
        },
    })
}

/// Meetings the caller may see: every meeting of the communities whose committee they sit on
/// (or whose procedure they assist with as staff), those of the communities they live in from
/// the notice on, and those where they are an accepted proxy. Newest first.
pub async fn list(ctx: &AppCtx, auth: &Authed) -> Result<Vec<MeetingRow>, AppError> {
    let committee: BTreeSet<i64> = committee_communities(ctx, auth)
        .await?
        .into_iter()
        .map(|o| o.0)
        .collect();
    let home: BTreeSet<i64> = estate::my_places(&ctx.db, auth.user_id)
        .await?
        .into_iter()
        .map(|p| p.community.0)
        .collect();
    let committee: BTreeSet<i64> = committee
        .into_iter()
        .chain(assisted(ctx, auth).await?.into_iter().map(|o| o.0))
        .collect();
    let all: Vec<i64> = committee.union(&home).copied().collect();
    let held = super::proxies::meetings_held(&ctx.db, auth.user_id).await?;
    if all.is_empty() && held.is_empty() {
        return Ok(vec![]);
    }
    let ms = gov_meetings::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(gov_meetings::Column::CommunityId.is_in(all))
                .add(gov_meetings::Column::Id.is_in(held)),
        )
        .order_by_desc(gov_meetings::Column::Id)
        .limit(200)
        .all(&ctx.db)
        .await?;
    let mut names: HashMap<i64, String> = HashMap::new();
    let now = Utc::now();
    let mut out = Vec::new();
    for m in ms {
        if status(&m) == MeetingStatus::Draft && !committee.contains(&m.community_id) {
            continue;
        }
        if let std::collections::hash_map::Entry::Vacant(e) = names.entry(m.community_id) {
            e.insert(
                org::get(&ctx.db, OrgId(m.community_id))
                    .await?
                    .map(|n| n.name)
                    .unwrap_or_default(),
            );
        }
        out.push(row(&m, &names[&m.community_id], now));
    }
    Ok(out)
}

/// One meeting, for the committee or a resident of its community (see [`visible`]).
pub async fn get(ctx: &AppCtx, auth: &Authed, id: MeetingId) -> Result<Meeting, AppError> {
    let (m, _) = visible(ctx, auth, id).await?;
    dto(&ctx.db, &m).await
}

/// Whether the caller sits on the committee of the meeting's community (for the page's tools).
pub async fn manages(ctx: &AppCtx, auth: &Authed, id: MeetingId) -> Result<bool, AppError> {
    Ok(matches!(visible(ctx, auth, id).await?.1, Seat::Committee))
}

/// The meeting as the caller sees it as a voter: the register's voters they may cast for,
/// their ballots and receipts, or why they cannot vote.
pub async fn mine(ctx: &AppCtx, auth: &Authed, id: MeetingId) -> Result<MyMeeting, AppError> {
    let (m, seat) = visible(ctx, auth, id).await?;
    let meeting = dto(&ctx.db, &m).await?;
    let places = estate::my_places(&ctx.db, auth.user_id).await?;
    let here: Vec<_> = places.iter().filter(|p| p.community.0 == m.community_id).collect();
    let persons: Vec<i64> = here.iter().map(|p| p.person.0).collect();
    let owned: BTreeSet<i32> = if persons.is_empty() {
        BTreeSet::new()
    } else {
        gov_voter_persons::Entity::find()
            .filter(gov_voter_persons::Column::MeetingId.eq(m.id))
            .filter(gov_voter_persons::Column::PersonId.is_in(persons))
            .all(&ctx.db)
            .await?
            .into_iter()
            .map(|v| v.voter_idx)
            .collect()
    };
    // The voters the caller casts for as their accepted proxy (委托代理人).
    let held: BTreeSet<i32> = super::proxies::held_by(&ctx.db, m.id, auth.user_id)
        .await?
        .into_iter()
        .filter(|v| !owned.contains(v))
        .collect();
    let idxs: Vec<i32> = owned.union(&held).copied().collect();
    let owned_list: Vec<i32> = owned.iter().copied().collect();
    let mut proxies = super::proxies::latest_of(&ctx.db, m.id, &owned_list).await?;
    let mut voters = if idxs.is_empty() {
        vec![]
    } else {
        let mut ballots: HashMap<i32, gov_ballots::Model> = HashMap::new();
        let mut papers: HashMap<i32, gov_ballots::Model> = HashMap::new();
        for b in gov_ballots::Entity::find()
            .filter(gov_ballots::Column::MeetingId.eq(m.id))
            .filter(gov_ballots::Column::VoterIdx.is_in(idxs.clone()))
            .all(&ctx.db)
            .await?
        {
            if b.source == BallotSource::Paper.code() {
                papers.insert(b.voter_idx, b);
            } else {
                ballots.insert(b.voter_idx, b);
            }
        }
        gov_voters::Entity::find()
            .filter(gov_voters::Column::MeetingId.eq(m.id))
            .filter(gov_voters::Column::Idx.is_in(idxs))
            .order_by_asc(gov_voters::Column::Idx)
            .all(&ctx.db)
            .await?
            .into_iter()
            .map(|v| {
                let b = ballots.get(&v.idx);
                let p = papers.get(&v.idx);
                MyVoter {
                    voter: v.idx,
                    units: v.numbers,
                    area: v.area,
                    ballot: b.and_then(|b| serde_json::from_str(&b.answers).ok()),
                    receipt: b.map(|b| b.receipt.clone()),
                    cast_at: b.map(|b| b.cast_at),
                    paper_receipt: p.map(|p| p.receipt.clone()),
                    paper_at: p.map(|p| p.cast_at),
                    as_proxy: held.contains(&v.idx),
                    proxy: proxies.remove(&v.idx),
                }
            })
            .collect()
    };
    // The caller's own voters first, then those they vote for as a proxy.
    voters.sort_by_key(|v: &MyVoter| v.as_proxy);
    let cannot_vote = if !voters.is_empty() {
        None
    } else if meeting.total.is_none() {
        // Before the opening nobody is on a register yet: owners are told when they will vote.
        (!here
            .iter()
            .any(|p| matches!(p.relation, Relation::Owner | Relation::CoOwner)))
        .then(|| cannot_vote_key(&here.iter().map(|p| p.relation).collect::<Vec<_>>()).to_string())
    } else {
        Some(cannot_vote_key(&here.iter().map(|p| p.relation).collect::<Vec<_>>()).to_string())
    };
    Ok(MyMeeting {
        meeting,
        voters,
        cannot_vote,
        manages: matches!(seat, Seat::Committee),
        assists: matches!(seat, Seat::Staff),
    })
}

/// Why someone with these relations to the community casts no ballot.
pub(crate) fn cannot_vote_key(relations: &[Relation]) -> &'static str {
    if relations
        .iter()
        .any(|r| matches!(r, Relation::Owner | Relation::CoOwner))
    {
        // An owner since the register was frozen: the register of the opening decides.
        "gov.cannot_vote_not_on_register"
    } else if relations.contains(&Relation::Tenant) {
        "gov.cannot_vote_tenant"
    } else if relations.is_empty() {
        "gov.cannot_vote_not_owner"
    } else {
        "gov.cannot_vote_family"
    }
}

fn text(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(AppError::validation(field, "err.required"));
    }
    if v.chars().count() > max {
        return Err(AppError::validation(field, "err.too_long"));
    }
    Ok(v.to_string())
}

/// 00:00 China time of `day`.
fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(crate::shared::time::shanghai()).single())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| day.and_time(chrono::NaiveTime::MIN).and_utc())
}

/// Drafts a meeting. Errors: `Forbidden` off the community's committee; a validation error
/// naming `title`, `body` or `closes_on` (not after the opening day).
pub async fn create(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, new: NewMeeting) -> Result<Meeting, AppError> {
    require_runner(ctx, meta, auth, new.community).await?;
    let title = text("title", &new.title, 120)?;
    let body = new.body.trim().to_string();
    if body.chars().count() > 20_000 {
        return Err(AppError::validation("body", "err.too_long"));
    }
    if new.closes_on < new.opens_on {
        return Err(AppError::validation("closes_on", "gov.err_closes_before_opens"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let rules = super::rules::rules_of(&ctx.db, new.community).await?;
    let m = with_txn!(ctx.db, |txn| {
        let m = gov_meetings::ActiveModel {
            community_id: Set(new.community.0),
            title: Set(title.clone()),
            body: Set(body.clone()),
            status: Set(MeetingStatus::Draft.code().into()),
            allow_change: Set(new.allow_change),
            open_ballot: Set(new.open_ballot),
            notice_days: Set(rules.notice_days),
            remind_days: Set(rules.remind_days),
            proxy_max: Set(rules.proxy_max),
            reminded_at: Set(None),
            opens_at: Set(start_of(new.opens_on)),
            closes_at: Set(start_of(new.closes_on + chrono::Days::new(1))),
            noticed_at: Set(None),
            opened_at: Set(None),
            closed_at: Set(None),
            published_at: Set(None),
            total_area: Set(0),
            total_persons: Set(0),
            units: Set(0),
            result: Set(None),
            result_head: Set(None),
            created_by: Set(auth.user_id.0),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("assembly.create", "meeting", m.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(new.community))
                .summary(serde_json::json!({ "title": title })),
        )
        .await?;
        Ok(m)
    })?;
    dto(&ctx.db, &m).await
}

/// The draft meeting `id`, for its committee. Errors: `NotFound`, `Forbidden`, and a conflict
/// once notice is given (the owners were told these matters; they no longer change).
async fn draft(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: MeetingId,
) -> Result<gov_meetings::Model, AppError> {
    let (m, _) = visible(ctx, auth, id).await?;
    require_runner(ctx, meta, auth, OrgId(m.community_id)).await?;
    if status(&m) != MeetingStatus::Draft {
        return Err(AppError::conflict("status", "gov.err_not_draft"));
    }
    Ok(m)
}

/// Adds an item to a draft meeting. Errors: as [`draft`]; a validation error naming the field
/// (`title`, `candidates`, `seats`, `max_picks`).
pub async fn add_item(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: MeetingId,
    new: NewMeetingItem,
) -> Result<Meeting, AppError> {
    let m = draft(ctx, meta, auth, id).await?;
    let title = text("title", &new.title, 200)?;
    let body = new.body.trim().to_string();
    if body.chars().count() > 20_000 {
        return Err(AppError::validation("body", "err.too_long"));
    }
    let (rule, seats, max_picks, candidates) = match new.kind {
        ItemKind::Matter => (new.rule, 0, 0, Vec::new()),
        ItemKind::Election => {
            let mut names: Vec<String> = Vec::new();
            for c in new.candidates.iter().flat_map(|c| c.lines()) {
                let c = c.trim();
                if c.is_empty() {
                    continue;
                }
                if c.chars().count() > 40 {
                    return Err(AppError::validation("candidates", "gov.err_candidate_long"));
                }
                if names.iter().any(|n| n == c) {
                    return Err(AppError::validation("candidates", "gov.err_candidate_twice"));
                }
                names.push(c.to_string());
            }
            if names.is_empty() || names.len() > 100 {
                return Err(AppError::validation("candidates", "gov.err_candidates"));
            }
            let n = names.len() as i32;
            if new.seats < 1 || new.seats > n {
                return Err(AppError::validation("seats", "gov.err_seats"));
            }
            let max_picks = if new.max_picks == 0 { new.seats } else { new.max_picks };
            if max_picks < 1 || max_picks > n {
                return Err(AppError::validation("max_picks", "gov.err_max_picks"));
            }
            // An election is an ordinary matter (art. 278 (4)).
            (Rule::Ordinary, new.seats, max_picks, names)
        }
    };
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let next = gov_items::Entity::find()
            .filter(gov_items::Column::MeetingId.eq(m.id))
            .order_by_desc(gov_items::Column::Position)
            .one(&txn)
            .await?
            .map_or(1, |i| i.position + 1);
        if next > 50 {
            return Err(AppError::validation("title", "gov.err_too_many_items"));
        }
        let item = gov_items::ActiveModel {
            meeting_id: Set(m.id),
            position: Set(next),
            title: Set(title.clone()),
            body: Set(body.clone()),
            kind: Set(new.kind.code().into()),
            rule: Set(rule.code().into()),
            seats: Set(seats),
            max_picks: Set(max_picks),
            candidates: Set(serde_json::to_string(&candidates).unwrap_or_else(|_| "[]".into())),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("assembly.item_add", "meeting", m.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(m.community_id)))
                .summary(serde_json::json!({ "item": item.id, "title": title, "kind": new.kind.code(), "rule": rule.code() })),
        )
        .await?;
        Ok(())
    })?;
    dto(&ctx.db, &m).await
}

/// Removes an item from a draft meeting (the later items move up). Errors: as [`draft`];
/// `NotFound` for an item of another meeting.
pub async fn remove_item(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: MeetingId,
    item: i64,
) -> Result<Meeting, AppError> {
    let m = draft(ctx, meta, auth, id).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let it = gov_items::Entity::find_by_id(item)
            .filter(gov_items::Column::MeetingId.eq(m.id))
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        gov_items::Entity::delete_by_id(it.id).exec(&txn).await?;
        // One at a time, in order, so the unique (meeting, position) never sees two equal.
        for later in gov_items::Entity::find()
            .filter(gov_items::Column::MeetingId.eq(m.id))
            .filter(gov_items::Column::Position.gt(it.position))
            .order_by_asc(gov_items::Column::Position)
            .all(&txn)
            .await?
        {
            let pos = later.position - 1;
            let mut am: gov_items::ActiveModel = later.into();
            am.position = Set(pos);
            am.update(&txn).await?;
        }
        audit::record(
            &txn,
            meta,
            AuditEntry::new("assembly.item_remove", "meeting", m.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(m.community_id)))
                .summary(serde_json::json!({ "item": it.id, "title": it.title })),
        )
        .await?;
        Ok(())
    })?;
    dto(&ctx.db, &m).await
}

/// The accounts of everyone living in the community now, for its notices.
async fn community_users<C: ConnectionTrait>(c: &C, community: i64) -> Result<Vec<UserId>, AppError> {
    let units = estate::unit_ids_of(c, &[community]).await?;
    let mut users: Vec<UserId> = estate::household_users(c, &units)
        .await?
        .into_values()
        .flatten()
        .collect();
    users.sort_unstable_by_key(|u| u.0);
    users.dedup();
    Ok(users)
}

/// Moves a meeting on (see [`MeetingAction`]). Errors: `Forbidden` off the committee; a
/// conflict naming `status` when the meeting is not at the step the action follows, and:
/// - notice: `items` without any item, `opens_on` when the opening is less than the notice
///   period away;
/// - open: `opens_on` before the opening day, `closes_on` after the close, `register` while a
///   unit of the community lacks an area or (once delivered) an owner;
/// - close: `closes_on` before the announced close.
pub async fn act(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: MeetingId,
    action: MeetingAction,
) -> Result<Meeting, AppError> {
    let (m, _) = visible(ctx, auth, id).await?;
    require_runner(ctx, meta, auth, OrgId(m.community_id)).await?;
    let now = Utc::now();
    let needs = match action {
        MeetingAction::Notice => MeetingStatus::Draft,
        MeetingAction::Open => MeetingStatus::Noticed,
        MeetingAction::Close => MeetingStatus::Open,
        MeetingAction::Publish => MeetingStatus::Closed,
    };
    if status(&m) != needs {
        return Err(AppError::conflict("status", "gov.err_wrong_step"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let entry = |what: &str| {
        AuditEntry::new(what, "meeting", m.id)
            .actor(Some(auth.user_id), &actor)
            .org(Some(OrgId(m.community_id)))
    };
    match action {
        MeetingAction::Notice => {
            if items_of(&ctx.db, m.id).await?.is_empty() {
                return Err(AppError::validation("items", "gov.err_no_items"));
            }
            if m.opens_at < now + chrono::Duration::days(i64::from(m.notice_days)) {
                return Err(AppError::validation("opens_on", "gov.err_notice_period"));
            }
            let users = community_users(&ctx.db, m.community_id).await?;
            with_txn!(ctx.db, |txn| {
                let mut am: gov_meetings::ActiveModel = m.clone().into();
                am.status = Set(MeetingStatus::Noticed.code().into());
                am.noticed_at = Set(Some(now));
                am.update(&txn).await?;
                audit::record(&txn, meta, entry("assembly.notice")).await?;
                tell(
                    &txn,
                    &users,
                    &m,
                    "gov.notice_title",
                    Msg::fill(
                        "gov.notice_body",
                        [
                            ("opens", Msg::text(crate::shared::time::format_local(m.opens_at))),
                            ("closes", Msg::text(crate::shared::time::format_local(m.closes_at))),
                        ],
                    ),
                    "gov-notice",
                    3,
                )
                .await?;
                Ok(())
            })?;
        }
        MeetingAction::Open => {
            if now < m.opens_at {
                return Err(AppError::validation("opens_on", "gov.err_not_open_yet"));
            }
            if now >= m.closes_at {
                return Err(AppError::validation("closes_on", "gov.err_past_close"));
            }
            open(ctx, meta, &m, entry("assembly.open"), now).await?;
        }
        MeetingAction::Close => {
            if now < m.closes_at {
                return Err(AppError::validation("closes_on", "gov.err_not_closed_yet"));
            }
            with_txn!(ctx.db, |txn| {
                let mut am: gov_meetings::ActiveModel = m.clone().into();
                am.status = Set(MeetingStatus::Closed.code().into());
                am.closed_at = Set(Some(now));
                am.update(&txn).await?;
                audit::record(&txn, meta, entry("assembly.close")).await?;
                Ok(())
            })?;
        }
        MeetingAction::Publish => {
            let users = community_users(&ctx.db, m.community_id).await?;
            with_txn!(ctx.db, |txn| {
                // Tallied under the meeting's row lock, which paper entries and settlements
                // take too: the stored result is the log as it stands when published.
                let fresh = locked(&txn, m.id).await?;
                if status(&fresh) != MeetingStatus::Closed {
                    return Err(AppError::conflict("status", "gov.err_wrong_step"));
                }
                let result = super::ballots::tally(&txn, &fresh).await?;
                let json = serde_json::to_string(&result).map_err(|_| AppError::Internal)?;
                let mut am: gov_meetings::ActiveModel = fresh.into();
                am.status = Set(MeetingStatus::Published.code().into());
                am.published_at = Set(Some(now));
                am.result = Set(Some(json.clone()));
                am.result_head = Set(Some(result.head.clone()));
                am.update(&txn).await?;
                audit::record(
                    &txn,
                    meta,
                    entry("assembly.publish").summary(serde_json::json!({ "head": result.head })),
                )
                .await?;
                tell(
                    &txn,
                    &users,
                    &m,
                    "gov.result_title",
                    Msg::key("gov.result_body"),
                    "gov-result",
                    3,
                )
                .await?;
                Ok(())
            })?;
        }
    }
    let m = gov_meetings::Entity::find_by_id(m.id)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    dto(&ctx.db, &m).await
}

/// Freezes the register of the meeting's community and opens the vote, in one transaction:
/// the voters (with a random token each for the published log), the persons who may cast for
/// them, and the totals.
async fn open(
    ctx: &AppCtx,
    meta: &RequestMeta,
    m: &gov_meetings::Model,
    entry: AuditEntry,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let super::register::Records { input, numbers, .. } =
        super::register::records(&ctx.db, OrgId(m.community_id), crate::shared::time::today_cn()).await?;
    let register =
        Register::build(&input).map_err(|_| AppError::conflict("register", "gov.err_register_incomplete"))?;
    if register.total_persons() == 0 {
        return Err(AppError::conflict("register", "gov.err_register_empty"));
    }
    let mut voters = Vec::with_capacity(register.voters().len());
    let mut persons = Vec::new();
    for (i, v) in register.voters().iter().enumerate() {
        let idx = i as i32;
        voters.push(gov_voters::ActiveModel {
            meeting_id: Set(m.id),
            idx: Set(idx),
            key: Set(v.key.code()),
            token: Set(token()),
            units: Set(serde_json::to_string(&v.units.iter().map(|u| u.0).collect::<Vec<_>>()).unwrap_or_default()),
            numbers: Set(v
                .units
                .iter()
                .map(|u| numbers.get(&u.0).cloned().unwrap_or_default())
                .collect::<Vec<_>>()
                .join("、")),
            area: Set(v.area),
            ..Default::default()
        });
        if let VoterKey::Owners { owners } = &v.key {
            for p in owners {
                persons.push(gov_voter_persons::ActiveModel {
                    meeting_id: Set(m.id),
                    voter_idx: Set(idx),
                    person_id: Set(p.0),
                    ..Default::default()
                });
            }
        }
    }
    let users = community_users(&ctx.db, m.community_id).await?;
    with_txn!(ctx.db, |txn| {
        // The status is re-checked under the write lock: two openings freeze one register.
        let fresh = locked(&txn, m.id).await?;
        if status(&fresh) != MeetingStatus::Noticed {
            return Err(AppError::conflict("status", "gov.err_wrong_step"));
        }
        for chunk in voters.chunks(BATCH) {
            gov_voters::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
        }
        for chunk in persons.chunks(BATCH) {
            gov_voter_persons::Entity::insert_many(chunk.to_vec())
                .exec(&txn)
                .await?;
        }
        let mut am: gov_meetings::ActiveModel = fresh.into();
        am.status = Set(MeetingStatus::Open.code().into());
        am.opened_at = Set(Some(now));
        am.total_area = Set(register.total_area());
        am.total_persons = Set(register.total_persons());
        am.units = Set(register.units() as i64);
        am.update(&txn).await?;
        audit::record(
            &txn,
            meta,
            entry.clone().summary(serde_json::json!({
                "units": register.units(),
                "persons": register.total_persons(),
                "area": register.total_area(),
            })),
        )
        .await?;
        tell(
            &txn,
            &users,
            m,
            "gov.open_title",
            Msg::fill(
                "gov.open_body",
                [("closes", Msg::text(crate::shared::time::format_local(m.closes_at)))],
            ),
            "gov-open",
            1,
        )
        .await?;
        Ok(())
    })
}

/// Tells everyone living in the community about a step of meeting `m` (once per step: the
/// notice is keyed by the meeting). `title` fills the meeting's title into its message.
pub(crate) async fn tell<C: ConnectionTrait>(
    c: &C,
    users: &[UserId],
    m: &gov_meetings::Model,
    title: &str,
    body: Msg,
    key: &str,
    ttl_days: i64,
) -> Result<(), AppError> {
    notify_svc::raise(
        c,
        users,
        &Notice {
            category: Category::Votes,
            title: Msg::fill(title, [("title", Msg::text(&m.title))]),
            body,
            link: format!("/community/assembly/{}", m.id),
            dedupe: Some(format!("{key}:{}", m.id)),
            ttl: chrono::Duration::days(ttl_days),
            broadcast: None,
            replace: false,
            urgent: false,
        },
    )
    .await?;
    Ok(())
}

/// 16 random hex digits naming a voter in the published log.
fn token() -> String {
    use rand::RngCore;
    let mut b = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// The attachment kind of a notice's documents (attached to the meeting).
const NOTICE_KIND: &str = "gov_notice";

/// Attaches the caller's uploaded PDFs to a draft meeting's notice (its runners: the committee,
/// or staff it lets assist). Errors: as [`draft`]; a validation error naming `documents` for
/// uploads that are not the caller's or over [`MAX_NOTICE_DOCS`] in all.
pub async fn add_documents(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: MeetingId,
    documents: &[i64],
) -> Result<Meeting, AppError> {
    let m = draft(ctx, meta, auth, id).await?;
    if documents.is_empty() {
        return Err(AppError::validation("documents", "err.required"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        crate::files::service::attach_documents(&txn, auth.user_id, documents, NOTICE_KIND, m.id, MAX_NOTICE_DOCS)
            .await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("assembly.documents", "meeting", m.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(m.community_id)))
                .summary(serde_json::json!({ "documents": documents })),
        )
        .await?;
        Ok(())
    })?;
    dto(&ctx.db, &m).await
}

/// Takes a document off a draft meeting's notice. Errors: as [`draft`]; `NotFound`.
pub async fn remove_document(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: MeetingId,
    file: i64,
) -> Result<Meeting, AppError> {
    let m = draft(ctx, meta, auth, id).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let removed = with_txn!(ctx.db, |txn| {
        let r = crate::files::service::remove_document(&txn, NOTICE_KIND, m.id, file).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("assembly.document_remove", "meeting", m.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(m.community_id)))
                .summary(serde_json::json!({ "file": file, "name": r.name })),
        )
        .await?;
        Ok(r)
    })?;
    crate::files::service::delete_objects(ctx, &removed).await;
    dto(&ctx.db, &m).await
}

/// A document of a meeting's notice, for everyone who sees the meeting. Errors: `NotFound`.
pub async fn document(
    ctx: &AppCtx,
    auth: &Authed,
    id: MeetingId,
    file: i64,
) -> Result<(crate::files::model::DocRef, Vec<u8>), AppError> {
    let (m, _) = visible(ctx, auth, id).await?;
    crate::files::service::read_document(ctx, file, NOTICE_KIND, m.id).await
}
