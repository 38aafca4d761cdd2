//! (ssr) Community surveys (问卷): staff put questions (single or multiple choice, 1–5 stars,
//! short text) to a community, some of its buildings or units, and its owners, tenants or
//! everyone, open from a time to a time; the job opens it, resolving the target once into the
//! households it reached and telling their people; residents answer once per household or per
//! person, replacing their answer until it closes when the survey allows; staff read the
//! results live (counts and shares per option, star averages, text answers, with names only on
//! a named survey and only for staff who may see people) and export them.
use super::model::*;
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{
    cm_survey_answers as answers, cm_survey_responses as responses, cm_survey_targets as targets, cm_surveys as surveys,
};
use crate::db::AppCtx;
use crate::estate::service as estate;
use crate::jobs::{queue, JobResult, NewJob};
use crate::notify::model::Category;
use crate::notify::service::Notice;
use crate::org::model::OrgKind;
use crate::org::service as org;
use crate::shared::error::AppError;
use crate::shared::i18n::Msg;
use crate::shared::ids::{OrgId, UserId};
use crate::shared::time::{format_local, parse_local_minute};
use crate::with_txn;
use chrono::{Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// Writing surveys is part of talking to residents: the notices permission.
const PERM: Permission = Permission::NoticesPublish;
const TITLE_MAX: usize = 120;
const INTRO_MAX: usize = 2_000;
/// Text answers a question's results list (the export has them all).
const TEXTS_SHOWN: u64 = 100;
/// Longest a survey may stay open.
const OPEN_DAYS_MAX: i64 = 366;

fn field_err((field, key): (String, &'static str)) -> AppError {
    AppError::validation(&field, key)
}

/// Saves a survey and queues its opening (now, or at `opens_at`). Errors: `Forbidden` without
/// `notices.publish`, `NotFound` for a community outside the scope, `Validation` naming the
/// field (title, intro, a question, the target, a time unreadable, a close before the open or
/// more than a year after it).
pub async fn create(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, n: NewSurvey) -> Result<SurveySummary, AppError> {
    let scope = access::require(ctx, meta, auth, PERM).await?;
    access::within(ctx, meta, auth, PERM, &scope, n.community_id).await?;
    if !org::get(&ctx.db, n.community_id)
        .await?
        .is_some_and(|c| c.kind == OrgKind::Community)
    {
        return Err(AppError::validation("community_id", "cm.err.community"));
    }
    let title = n.title.trim();
    if title.is_empty() || title.chars().count() > TITLE_MAX {
        return Err(AppError::validation("title", "cm.err.title"));
    }
    let intro = n.intro.trim();
    if intro.chars().count() > INTRO_MAX {
        return Err(AppError::validation("intro", "cm.err.intro_long"));
    }
    let questions = check_questions(&n.questions).map_err(field_err)?;
    let (buildings, units) = super::target::check(&ctx.db, n.community_id, &n.buildings, &n.units).await?;
    let now = queue::now();
    let opens_at = parse_local_minute(&n.opens_at)
        .map_err(|_| AppError::validation("opens_at", "cm.err.time"))?
        .map_or(now, |t| std::cmp::max(t, now));
    let closes_at = parse_local_minute(&n.closes_at)
        .map_err(|_| AppError::validation("closes_at", "cm.err.time"))?
        .ok_or_else(|| AppError::validation("closes_at", "cm.err.closes_missing"))?;
    if closes_at <= opens_at {
        return Err(AppError::validation("closes_at", "cm.err.closes_before"));
    }
    if closes_at - opens_at > Duration::days(OPEN_DAYS_MAX) {
        return Err(AppError::validation("closes_at", "cm.err.closes_far"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let row = with_txn!(ctx.db, |txn| {
        let row = surveys::ActiveModel {
            community_id: Set(n.community_id.0),
            title: Set(title.into()),
            intro: Set(intro.into()),
            questions: Set(serde_json::to_string(&questions).unwrap_or_default()),
            audience: Set(n.audience.code().into()),
            buildings: Set(serde_json::to_string(&buildings).unwrap_or_default()),
            units: Set(serde_json::to_string(&units).unwrap_or_default()),
            anonymous: Set(n.anonymous),
            per_person: Set(n.per_person),
            replace: Set(n.replace),
            state: Set(SurveyState::Scheduled.code().into()),
            opens_at: Set(opens_at),
            closes_at: Set(closes_at),
            households: Set(0),
            author_id: Set(auth.user_id.0),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        queue::enqueue(
            &txn,
            &[NewJob {
                run_at: opens_at,
                ..NewJob::now(super::jobs::SURVEY_OPEN, serde_json::json!({ "s": row.id }))
            }],
        )
        .await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("community.survey", "survey", row.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(n.community_id))
                .summary(serde_json::json!({
                    "title": title, "questions": questions.len(), "audience": n.audience.code(),
                    "anonymous": n.anonymous, "per_person": n.per_person,
                })),
        )
        .await?;
        Ok(row)
    })?;
    let mut rows = rows_of(&ctx.db, vec![row]).await?;
    rows.pop().ok_or(AppError::Internal)
}

/// Job `community.survey_open` `{"s": id}`: at the survey's time, writes the households it
/// reached and tells their people (an inbox notice, pushed), then marks it open. A rerun adds
/// nothing; a withdrawn survey stays unsent.
pub async fn open_job(ctx: &AppCtx, payload: &serde_json::Value) -> JobResult {
    let Some(id) = payload["s"].as_i64() else {
        return JobResult::Failed("bad payload".into());
    };
    let r = async {
        let Some(s) = surveys::Entity::find_by_id(id).one(&ctx.db).await? else {
            return Ok(());
        };
        if s.state != SurveyState::Scheduled.code() {
            return Ok(());
        }
        let audience = Audience::parse(&s.audience).unwrap_or(Audience::Everyone);
        let note = Notice {
            category: Category::Announcements,
            title: Msg::key("cm.survey_new").then(Msg::text(s.title.clone())),
            body: Msg::key("cm.survey_until").then(Msg::text(format!(" {}", format_local(s.closes_at)))),
            link: format!("/community/surveys/{}", s.id),
            dedupe: Some(format!("cm-survey:{}", s.id)),
            ttl: Duration::days(2),
            broadcast: None,
            replace: false,
            urgent: false,
        };
        let homes = super::target::send_out(
            ctx,
            s.community_id,
            &s.buildings,
            &s.units,
            audience,
            [targets::Column::SurveyId, targets::Column::UnitId],
            |u| targets::ActiveModel {
                survey_id: Set(s.id),
                unit_id: Set(u),
            },
            &note,
        )
        .await?;
        surveys::Entity::update_many()
            .col_expr(surveys::Column::State, Expr::value(SurveyState::Open.code()))
            .col_expr(surveys::Column::Households, Expr::value(homes as i64))
            .filter(surveys::Column::Id.eq(s.id))
            .filter(surveys::Column::State.eq(SurveyState::Scheduled.code()))
            .exec(&ctx.db)
            .await?;
        Ok::<_, AppError>(())
    }
    .await;
    r.into()
}

/// Staff rows for `rows`: community names, targets, answer counts.
async fn rows_of<C: ConnectionTrait>(c: &C, rows: Vec<surveys::Model>) -> Result<Vec<SurveySummary>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|s| s.id).collect();
    let counts: HashMap<i64, (i64, i64)> = responses::Entity::find()
        .select_only()
        .column(responses::Column::SurveyId)
        .column_as(responses::Column::Id.count(), "n")
        .expr_as(
            sea_orm::sea_query::Func::count_distinct(Expr::col(responses::Column::UnitId)),
            "homes",
        )
        .filter(responses::Column::SurveyId.is_in(ids))
        .group_by(responses::Column::SurveyId)
        .into_tuple::<(i64, i64, i64)>()
        .all(c)
        .await?
        .into_iter()
        .map(|(s, n, h)| (s, (n, h)))
        .collect();
    let mut communities: Vec<i64> = rows.iter().map(|s| s.community_id).collect();
    communities.sort_unstable();
    communities.dedup();
    let names = org::org_names(c, &communities).await?;
    let labels = super::target::labels(c, rows.iter().map(|s| (s.buildings.as_str(), s.units.as_str()))).await?;
    let now = Utc::now();
    Ok(rows
        .into_iter()
        .zip(labels)
        .map(|(s, (buildings, units))| {
            let (responses, households_answered) = counts.get(&s.id).copied().unwrap_or((0, 0));
            let questions: Vec<Question> = serde_json::from_str(&s.questions).unwrap_or_default();
            SurveySummary {
                id: s.id,
                community_id: OrgId(s.community_id),
                community: names.get(&s.community_id).cloned().unwrap_or_default(),
                title: s.title,
                audience: Audience::parse(&s.audience).unwrap_or(Audience::Everyone),
                buildings,
                units,
                anonymous: s.anonymous,
                per_person: s.per_person,
                replace: s.replace,
                state: SurveyState::at(&s.state, s.closes_at, now),
                opens_at: format_local(s.opens_at),
                closes_at: format_local(s.closes_at),
                questions: questions.len() as u32,
                households: s.households,
                households_answered,
                responses,
            }
        })
        .collect())
}

/// Surveys of the communities in the caller's scope, newest first (at most 100). Errors:
/// `Forbidden` without the permission.
pub async fn list(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed) -> Result<Vec<SurveySummary>, AppError> {
    let scope = access::require(ctx, meta, auth, PERM).await?;
    let rows = scope
        .filter_org_column(surveys::Entity::find(), surveys::Column::CommunityId, false)
        .order_by_desc(surveys::Column::Id)
        .limit(100)
        .all(&ctx.db)
        .await?;
    rows_of(&ctx.db, rows).await
}

async fn load(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: i64) -> Result<surveys::Model, AppError> {
    access::record_within(ctx, meta, auth, PERM, surveys::Entity::find_by_id(id), |s| {
        OrgId(s.community_id)
    })
    .await
}

/// Who wrote each of `rs` ("2-1-0301 王芳") when staff may see it (`named`: a named survey and
/// the caller may read people in its community).
async fn names_of<C: ConnectionTrait>(
    c: &C,
    named: bool,
    rs: &[responses::Model],
) -> Result<Option<HashMap<i64, String>>, AppError> {
    if !named {
        return Ok(None);
    }
    let units: Vec<i64> = rs.iter().map(|r| r.unit_id).collect();
    let users: Vec<i64> = rs.iter().map(|r| r.user_id).collect();
    let numbers = estate::unit_numbers(c, &units).await?;
    let names = access::display_names(c, &users).await?;
    Ok(Some(
        rs.iter()
            .map(|r| {
                let unit = numbers.get(&r.unit_id).map(|n| n.0.clone()).unwrap_or_default();
                let name = names.get(&r.user_id).cloned().unwrap_or_default();
                (r.id, format!("{unit} {name}").trim().to_string())
            })
            .collect(),
    ))
}

/// Whether the caller sees who answered survey `s`.
async fn named(ctx: &AppCtx, auth: &Authed, s: &surveys::Model) -> Result<bool, AppError> {
    Ok(!s.anonymous && super::target::may_see_people(&ctx.db, auth.user_id, s.community_id).await?)
}

/// A survey's results: per question, how many answered it, counts per option or star, the star
/// average, and the newest text answers. Errors: `NotFound` outside the caller's scope.
pub async fn results(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: i64) -> Result<SurveyResults, AppError> {
    let s = load(ctx, meta, auth, id).await?;
    results_of(ctx, auth, s).await
}

async fn results_of(ctx: &AppCtx, auth: &Authed, s: surveys::Model) -> Result<SurveyResults, AppError> {
    let id = s.id;
    let named = named(ctx, auth, &s).await?;
    let questions: Vec<Question> = serde_json::from_str(&s.questions).unwrap_or_default();
    // (question, choice, rating, count): every choice and star counted by the database.
    let tally: Vec<(i32, Option<i32>, Option<i32>, i64)> = answers::Entity::find()
        .select_only()
        .column(answers::Column::Question)
        .column(answers::Column::Choice)
        .column(answers::Column::Rating)
        .column_as(answers::Column::Id.count(), "n")
        .filter(answers::Column::SurveyId.eq(id))
        .group_by(answers::Column::Question)
        .group_by(answers::Column::Choice)
        .group_by(answers::Column::Rating)
        .into_tuple()
        .all(&ctx.db)
        .await?;
    // Answers per question: distinct responses (a multiple choice has a row per option).
    let answered: HashMap<i32, i64> = answers::Entity::find()
        .select_only()
        .column(answers::Column::Question)
        .expr_as(
            sea_orm::sea_query::Func::count_distinct(Expr::col(answers::Column::ResponseId)),
            "n",
        )
        .filter(answers::Column::SurveyId.eq(id))
        .group_by(answers::Column::Question)
        .into_tuple::<(i32, i64)>()
        .all(&ctx.db)
        .await?
        .into_iter()
        .collect();
    let mut out = vec![];
    for (i, q) in questions.iter().enumerate() {
        let qi = i as i32;
        let mut r = QuestionResult {
            question: q.clone(),
            answered: answered.get(&qi).copied().unwrap_or(0),
            counts: vec![],
            average: None,
            texts: vec![],
            texts_total: 0,
        };
        match q.kind {
            QuestionKind::Single | QuestionKind::Multi => {
                r.counts = q
                    .options
                    .iter()
                    .enumerate()
                    .map(|(k, label)| OptionCount {
                        label: label.clone(),
                        count: tally
                            .iter()
                            .filter(|t| t.0 == qi && t.1 == Some(k as i32))
                            .map(|t| t.3)
                            .sum(),
                    })
                    .collect();
            }
            QuestionKind::Rating => {
                r.counts = (1..=5)
                    .map(|star| OptionCount {
                        label: "★".repeat(star as usize),
                        count: tally
                            .iter()
                            .filter(|t| t.0 == qi && t.2 == Some(star))
                            .map(|t| t.3)
                            .sum(),
                    })
                    .collect();
                let n: i64 = r.counts.iter().map(|c| c.count).sum();
                let sum: i64 = r.counts.iter().zip(1..).map(|(c, star)| c.count * star).sum();
                r.average = average_2dp(sum, n);
            }
            QuestionKind::Text => {
                let q = answers::Entity::find()
                    .filter(answers::Column::SurveyId.eq(id))
                    .filter(answers::Column::Question.eq(qi))
                    .filter(answers::Column::Body.is_not_null());
                r.texts_total = q.clone().count(&ctx.db).await? as i64;
                let rows = q
                    .order_by_desc(answers::Column::Id)
                    .limit(TEXTS_SHOWN)
                    .all(&ctx.db)
                    .await?;
                let rids: Vec<i64> = rows.iter().map(|a| a.response_id).collect();
                let rs = responses::Entity::find()
                    .filter(responses::Column::Id.is_in(rids))
                    .all(&ctx.db)
                    .await?;
                let who = names_of(&ctx.db, named, &rs).await?;
                r.texts = rows
                    .into_iter()
                    .map(|a| TextAnswer {
                        who: who.as_ref().and_then(|w| w.get(&a.response_id).cloned()),
                        text: a.body.unwrap_or_default(),
                    })
                    .collect();
            }
        }
        out.push(r);
    }
    let intro = s.intro.clone();
    let survey = rows_of(&ctx.db, vec![s]).await?.pop().ok_or(AppError::Internal)?;
    Ok(SurveyResults {
        survey,
        intro,
        results: out,
    })
}

/// Closes an open survey now. Errors: `NotFound` outside the scope, `Conflict` when it is not
/// open.
pub async fn close(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: i64) -> Result<SurveyResults, AppError> {
    let s = load(ctx, meta, auth, id).await?;
    let now = queue::now();
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let done = surveys::Entity::update_many()
            .col_expr(surveys::Column::ClosesAt, Expr::value(now))
            .filter(surveys::Column::Id.eq(id))
            .filter(surveys::Column::State.eq(SurveyState::Open.code()))
            .filter(surveys::Column::ClosesAt.gt(now))
            .exec(&txn)
            .await?;
        if done.rows_affected == 0 {
            return Err(AppError::conflict("state", "cm.err.survey_not_open"));
        }
        audit::record(
            &txn,
            meta,
            AuditEntry::new("community.survey_close", "survey", id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(s.community_id)))
                .summary(serde_json::json!({ "title": s.title })),
        )
        .await?;
        Ok(())
    })?;
    results(ctx, meta, auth, id).await
}

/// Takes a survey back: residents no longer see it, a scheduled one never opens, its inbox
/// notices go. Its answers stay for the record. Errors: `NotFound` outside the scope,
/// `Conflict` when already withdrawn.
pub async fn withdraw(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: i64) -> Result<SurveyResults, AppError> {
    let s = load(ctx, meta, auth, id).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let done = surveys::Entity::update_many()
            .col_expr(surveys::Column::State, Expr::value(SurveyState::Withdrawn.code()))
            .filter(surveys::Column::Id.eq(id))
            .filter(surveys::Column::State.ne(SurveyState::Withdrawn.code()))
            .exec(&txn)
            .await?;
        if done.rows_affected == 0 {
            return Err(AppError::conflict("state", "cm.err.survey_withdrawn"));
        }
        crate::notify::service::retract(&txn, &format!("cm-survey:{id}")).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("community.survey_withdraw", "survey", id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(s.community_id)))
                .summary(serde_json::json!({ "title": s.title })),
        )
        .await?;
        Ok(())
    })?;
    results(ctx, meta, auth, id).await
}

/// The results and every answer as an XLSX workbook: a summary sheet (per option and star,
/// with shares) and one row per answer sheet (who, on a named survey for staff allowed to see
/// people). Errors: `NotFound` outside the scope.
pub async fn export(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: i64) -> Result<Vec<u8>, AppError> {
    let s = load(ctx, meta, auth, id).await?;
    let named = named(ctx, auth, &s).await?;
    let res = results_of(ctx, auth, s).await?;
    let mut summary: Vec<Vec<String>> = vec![];
    for (i, r) in res.results.iter().enumerate() {
        let head = format!("{}. {}", i + 1, r.question.text);
        for c in &r.counts {
            summary.push(vec![
                head.clone(),
                c.label.clone(),
                c.count.to_string(),
                format!("{}%", crate::shared::percent::rounded(c.count, r.answered)),
            ]);
        }
        if let Some(avg) = &r.average {
            summary.push(vec![head.clone(), "平均".into(), avg.clone(), String::new()]);
        }
        if r.question.kind == QuestionKind::Text {
            summary.push(vec![
                head.clone(),
                "回答数".into(),
                r.texts_total.to_string(),
                String::new(),
            ]);
        }
    }
    let rs = responses::Entity::find()
        .filter(responses::Column::SurveyId.eq(id))
        .order_by_asc(responses::Column::Id)
        .all(&ctx.db)
        .await?;
    let all = answers::Entity::find()
        .filter(answers::Column::SurveyId.eq(id))
        .all(&ctx.db)
        .await?;
    let mut by_response: HashMap<i64, Vec<&answers::Model>> = HashMap::new();
    for a in &all {
        by_response.entry(a.response_id).or_default().push(a);
    }
    let who = names_of(&ctx.db, named, &rs).await?;
    let qs = &res.results;
    let mut head = vec!["提交时间".to_string()];
    if who.is_some() {
        head.push("答卷人".into());
    }
    head.extend(
        qs.iter()
            .enumerate()
            .map(|(i, r)| format!("{}. {}", i + 1, r.question.text)),
    );
    let rows: Vec<Vec<String>> = rs
        .iter()
        .map(|r| {
            let mut row = vec![format_local(r.updated_at)];
            if let Some(w) = &who {
                row.push(w.get(&r.id).cloned().unwrap_or_default());
            }
            let mine = by_response.get(&r.id).cloned().unwrap_or_default();
            for (i, q) in qs.iter().enumerate() {
                let of_q: Vec<&&answers::Model> = mine.iter().filter(|a| a.question == i as i32).collect();
                let cell = match q.question.kind {
                    QuestionKind::Single | QuestionKind::Multi => of_q
                        .iter()
                        .filter_map(|a| a.choice.and_then(|c| q.question.options.get(c as usize).cloned()))
                        .collect::<Vec<_>>()
                        .join("、"),
                    QuestionKind::Rating => of_q
                        .iter()
                        .filter_map(|a| a.rating.map(|x| x.to_string()))
                        .collect::<Vec<_>>()
                        .join(""),
                    QuestionKind::Text => of_q.iter().filter_map(|a| a.body.clone()).collect::<Vec<_>>().join(""),
                };
                row.push(cell);
            }
            row
        })
        .collect();
    crate::shared::xlsx::write_workbook(&[
        (
            "汇总",
            vec!["题目".into(), "选项".into(), "人数".into(), "占比".into()],
            summary,
        ),
        ("答卷", head, rows),
    ])
    .map_err(|_| AppError::Internal)
}

/// The caller's homes a survey reached: units it targeted where the caller's relation is in its
/// audience.
async fn my_homes<C: ConnectionTrait>(c: &C, user: UserId, s: &surveys::Model) -> Result<Vec<i64>, AppError> {
    let places = estate::my_places(c, user).await?;
    if places.is_empty() {
        return Ok(vec![]);
    }
    let audience = Audience::parse(&s.audience).unwrap_or(Audience::Everyone);
    let mine: Vec<i64> = places
        .iter()
        .filter(|p| audience.reaches(p.relation))
        .map(|p| p.unit.0)
        .collect();
    let mut reached: Vec<i64> = targets::Entity::find()
        .select_only()
        .column(targets::Column::UnitId)
        .filter(targets::Column::SurveyId.eq(s.id))
        .filter(targets::Column::UnitId.is_in(mine))
        .into_tuple()
        .all(c)
        .await?;
    reached.sort_unstable();
    reached.dedup();
    Ok(reached)
}

fn taker(s: &surveys::Model, unit: i64, user: UserId) -> String {
    if s.per_person {
        format!("p{}", user.0)
    } else {
        format!("u{unit}")
    }
}

/// The open or closed surveys that reached the caller's current home (当前房屋), open ones first (closing soonest
/// first), then closed ones newest first; at most 100.
pub async fn mine(ctx: &AppCtx, auth: &Authed) -> Result<Vec<MySurveyRow>, AppError> {
    let places = estate::current_places(&ctx.db, auth.user_id).await?;
    if places.is_empty() {
        return Ok(vec![]);
    }
    let units: Vec<i64> = places.iter().map(|p| p.unit.0).collect();
    let ts = targets::Entity::find()
        .filter(targets::Column::UnitId.is_in(units))
        .order_by_desc(targets::Column::SurveyId)
        .limit(500)
        .all(&ctx.db)
        .await?;
    let mut ids: Vec<i64> = ts.iter().map(|t| t.survey_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let ss = surveys::Entity::find()
        .filter(surveys::Column::Id.is_in(ids.clone()))
        .filter(surveys::Column::State.eq(SurveyState::Open.code()))
        .all(&ctx.db)
        .await?;
    let given = responses::Entity::find()
        .filter(responses::Column::SurveyId.is_in(ids))
        .filter(
            sea_orm::Condition::any()
                .add(responses::Column::UserId.eq(auth.user_id.0))
                .add(responses::Column::UnitId.is_in(places.iter().map(|p| p.unit.0).collect::<Vec<_>>())),
        )
        .all(&ctx.db)
        .await?;
    let mut communities: Vec<i64> = ss.iter().map(|s| s.community_id).collect();
    communities.sort_unstable();
    communities.dedup();
    let names = org::org_names(&ctx.db, &communities).await?;
    let now = Utc::now();
    let mut out: Vec<(u8, i64, MySurveyRow)> = vec![];
    for s in ss {
        let audience = Audience::parse(&s.audience).unwrap_or(Audience::Everyone);
        let homes: Vec<i64> = ts
            .iter()
            .filter(|t| t.survey_id == s.id)
            .map(|t| t.unit_id)
            .filter(|u| places.iter().any(|p| p.unit.0 == *u && audience.reaches(p.relation)))
            .collect();
        let Some(first) = homes.first().copied() else { continue };
        let me = taker(&s, first, auth.user_id);
        let answered = given.iter().any(|r| r.survey_id == s.id && r.taker == me);
        let state = SurveyState::at(&s.state, s.closes_at, now);
        let questions: Vec<Question> = serde_json::from_str(&s.questions).unwrap_or_default();
        let rank = if state == SurveyState::Open {
            (0, s.closes_at.timestamp())
        } else {
            (1, -s.closes_at.timestamp())
        };
        out.push((
            rank.0,
            rank.1,
            MySurveyRow {
                id: s.id,
                community: names.get(&s.community_id).cloned().unwrap_or_default(),
                title: s.title,
                state,
                closes_at: format_local(s.closes_at),
                questions: questions.len() as u32,
                answered,
            },
        ));
    }
    out.sort_by_key(|x| (x.0, x.1));
    Ok(out.into_iter().take(100).map(|x| x.2).collect())
}

async fn load_mine(ctx: &AppCtx, auth: &Authed, id: i64) -> Result<(surveys::Model, Vec<i64>), AppError> {
    let s = surveys::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .filter(|s| s.state == SurveyState::Open.code())
        .ok_or(AppError::NotFound)?;
    let homes = my_homes(&ctx.db, auth.user_id, &s).await?;
    if homes.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok((s, homes))
}

fn answers_of(rows: &[answers::Model]) -> Vec<QuestionAnswer> {
    let mut out: Vec<QuestionAnswer> = vec![];
    for a in rows {
        let q = a.question as u32;
        let i = match out.iter().position(|x| x.question == q) {
            Some(i) => i,
            None => {
                out.push(QuestionAnswer {
                    question: q,
                    ..Default::default()
                });
                out.len() - 1
            }
        };
        if let Some(c) = a.choice {
            out[i].choices.push(c as u32);
        }
        if let Some(r) = a.rating {
            out[i].rating = u8::try_from(r).ok();
        }
        if let Some(t) = &a.body {
            out[i].text = t.clone();
        }
    }
    out.sort_by_key(|a| a.question);
    out
}

/// A survey that reached the caller, with their homes it reached and their answers so far.
/// Errors: `NotFound` for one that did not reach them (another building, another audience,
/// withdrawn, not yet open).
pub async fn open(ctx: &AppCtx, auth: &Authed, id: i64) -> Result<MySurvey, AppError> {
    let (s, homes) = load_mine(ctx, auth, id).await?;
    let takers: Vec<String> = homes.iter().map(|u| taker(&s, *u, auth.user_id)).collect();
    let given = responses::Entity::find()
        .filter(responses::Column::SurveyId.eq(id))
        .filter(responses::Column::Taker.is_in(takers.clone()))
        .all(&ctx.db)
        .await?;
    let numbers = estate::unit_numbers(&ctx.db, &homes).await?;
    let first = given.iter().find(|r| r.taker == takers[0]);
    let mine = match first {
        Some(r) => Some(answers_of(
            &answers::Entity::find()
                .filter(answers::Column::ResponseId.eq(r.id))
                .all(&ctx.db)
                .await?,
        )),
        None => None,
    };
    let community = org::get(&ctx.db, OrgId(s.community_id))
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    Ok(MySurvey {
        id: s.id,
        title: s.title.clone(),
        intro: s.intro.clone(),
        community,
        questions: serde_json::from_str(&s.questions).unwrap_or_default(),
        anonymous: s.anonymous,
        per_person: s.per_person,
        replace: s.replace,
        state: SurveyState::at(&s.state, s.closes_at, Utc::now()),
        closes_at: format_local(s.closes_at),
        homes: homes
            .iter()
            .zip(&takers)
            .map(|(u, t)| SurveyHome {
                unit_id: *u,
                number: numbers.get(u).map(|n| n.0.clone()).unwrap_or_default(),
                answered: given.iter().any(|r| &r.taker == t),
            })
            .collect(),
        mine,
    })
}

/// Stores the caller's answers for `unit` (one of their homes the survey reached; `None`: the
/// first), replacing an earlier answer when the survey allows it. Errors: `NotFound` for a
/// survey that did not reach them or a home not theirs, `Conflict` when it is closed or already
/// answered and answers are final, `Validation` naming the question (`q2`) left empty or
/// answered out of its options.
pub async fn answer(
    ctx: &AppCtx,
    auth: &Authed,
    id: i64,
    unit: Option<i64>,
    read: impl FnOnce(&[Question]) -> Vec<QuestionAnswer>,
) -> Result<MySurvey, AppError> {
    let (s, homes) = load_mine(ctx, auth, id).await?;
    let unit = match unit {
        Some(u) if homes.contains(&u) => u,
        Some(_) => return Err(AppError::validation("unit_id", "cm.err.survey_home")),
        None => homes[0],
    };
    let now = queue::now();
    if s.closes_at <= now {
        return Err(AppError::conflict("state", "cm.err.survey_closed"));
    }
    let questions: Vec<Question> = serde_json::from_str(&s.questions).unwrap_or_default();
    let given = read(&questions);
    let clean = check_answers(&questions, &given).map_err(field_err)?;
    let key = taker(&s, unit, auth.user_id);
    let rows = |response: i64| -> Vec<answers::ActiveModel> {
        let mut v = vec![];
        for a in &clean {
            let base = |choice: Option<i32>, rating: Option<i32>, body: Option<String>| answers::ActiveModel {
                response_id: Set(response),
                survey_id: Set(id),
                question: Set(a.question as i32),
                choice: Set(choice),
                rating: Set(rating),
                body: Set(body),
                ..Default::default()
            };
            for c in &a.choices {
                v.push(base(Some(*c as i32), None, None));
            }
            if let Some(r) = a.rating {
                v.push(base(None, Some(i32::from(r)), None));
            }
            if !a.text.is_empty() {
                v.push(base(None, None, Some(a.text.clone())));
            }
        }
        v
    };
    let replace = s.replace;
    with_txn!(ctx.db, |txn| {
        // The first answer is inserted; a second finds the row the unique index keeps.
        let inserted = responses::Entity::insert(responses::ActiveModel {
            survey_id: Set(id),
            unit_id: Set(unit),
            user_id: Set(auth.user_id.0),
            taker: Set(key.clone()),
            submitted_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([responses::Column::SurveyId, responses::Column::Taker])
                .do_nothing()
                .to_owned(),
        )
        .exec(&txn)
        .await;
        let response = match inserted {
            Ok(r) => r.last_insert_id,
            Err(DbErr::RecordNotInserted) => {
                if !replace {
                    return Err(AppError::conflict("state", "cm.err.answered"));
                }
                let r = responses::Entity::find()
                    .filter(responses::Column::SurveyId.eq(id))
                    .filter(responses::Column::Taker.eq(key.clone()))
                    .one(&txn)
                    .await?
                    .ok_or(AppError::Internal)?;
                answers::Entity::delete_many()
                    .filter(answers::Column::ResponseId.eq(r.id))
                    .exec(&txn)
                    .await?;
                responses::Entity::update_many()
                    .col_expr(responses::Column::UpdatedAt, Expr::value(now))
                    .col_expr(responses::Column::UserId, Expr::value(auth.user_id.0))
                    .filter(responses::Column::Id.eq(r.id))
                    .exec(&txn)
                    .await?;
                r.id
            }
            Err(e) => return Err(e.into()),
        };
        let new_rows = rows(response);
        if !new_rows.is_empty() {
            answers::Entity::insert_many(new_rows)
                .exec_without_returning(&txn)
                .await?;
        }
        Ok(())
    })?;
    open(ctx, auth, id).await
}
