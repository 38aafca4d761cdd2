//! Server functions of the community area: authorize, call one use case, map the error.
use super::model::{MyNotice, MyNotices, NoticeDetail, NoticeSummary};
use crate::org::model::OrgChoice;
use crate::shared::error::AppError;
use crate::shared::ids::OrgId;
use leptos::prelude::*;

/// The ids of a form's hidden field (`3,5`); one that is no number is `message` on `field`.
#[cfg(feature = "ssr")]
fn id_list(s: &str, field: &str, message: &str) -> Result<Vec<i64>, AppError> {
    s.split(',')
        .filter(|b| !b.trim().is_empty())
        .map(|b| {
            b.trim()
                .parse::<i64>()
                .map_err(|_| AppError::validation(field, message))
        })
        .collect()
}

/// The building ids of a form's hidden field (`3,5`).
#[cfg(feature = "ssr")]
fn building_ids(s: &str) -> Result<Vec<i64>, AppError> {
    id_list(s, "buildings", "cm.err.building")
}

/// The 社区 tab's notices, surveys and events, in one request.
#[server]
pub async fn community_tab() -> Result<super::model::CommunityTab, AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::tab::summary(&ctx, &auth).await).await
}

/// The notices that reached the caller's homes (`category`: one category's code, or empty).
#[server]
pub async fn resident_notices(#[server(default)] category: String) -> Result<MyNotices, AppError> {
    crate::web::serve(async |ctx, _meta, auth| {
        let category = super::model::NoticeCategory::parse(&category);
        super::notices::mine(&ctx, &auth, category).await
    })
    .await
}

/// One notice that reached the caller; opening it marks it read for their household.
#[server]
pub async fn open_notice(id: i64) -> Result<MyNotice, AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::notices::open(&ctx, &auth, id).await).await
}

/// The communities the caller may write notices to.
#[server]
pub async fn notice_communities() -> Result<Vec<OrgChoice>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::notices::communities(&ctx, &meta, &auth).await).await
}

/// The buildings (id, code) of a community a notice may be limited to.
#[server]
pub async fn notice_buildings(community: OrgId) -> Result<Vec<(i64, String)>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::notices::buildings(&ctx, &meta, &auth, community).await).await
}

/// Saves a notice and queues its sending, from the staff form: codes for `category`, `kind`
/// and `audience`, `buildings` as comma-separated ids.
#[allow(clippy::too_many_arguments)]
#[server]
pub async fn create_notice(
    community_id: OrgId,
    title: String,
    #[server(default)] body: String,
    category: String,
    kind: String,
    audience: String,
    #[server(default)] buildings: String,
    #[server(default)] units: String,
    #[server(default)] publish_at: String,
    #[server(default)] ends_at: String,
    #[server(default)] documents: String,
    #[server(default)] photos: String,
    #[server(default)] by_committee: bool,
) -> Result<NoticeSummary, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        use super::model::{Audience, NewNotice, NoticeCategory, NoticeKind};
        let notice = NewNotice {
            community_id,
            title,
            body,
            category: NoticeCategory::parse(&category)
                .ok_or_else(|| AppError::validation("category", "cm.err.category"))?,
            kind: NoticeKind::parse(&kind).ok_or_else(|| AppError::validation("kind", "cm.err.kind"))?,
            audience: Audience::parse(&audience).ok_or_else(|| AppError::validation("audience", "cm.err.audience"))?,
            buildings: building_ids(&buildings)?,
            units,
            publish_at,
            ends_at,
            documents: id_list(&documents, "documents", "err.doc_not_yours")?,
            photos: id_list(&photos, "photos", "err.photo_not_yours")?,
            by_committee,
        };
        super::notices::create(&ctx, &meta, &auth, notice).await
    })
    .await
}

/// The saved target groups of `community`, by name.
#[server]
pub async fn target_groups(community: OrgId) -> Result<Vec<super::model::TargetGroup>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::groups::list(&ctx, &meta, &auth, community).await).await
}

/// Keeps the target form's choice under `name` (`audience` a code, `buildings` comma-separated
/// ids, `units` numbers), replacing the community's group of that name.
#[server]
pub async fn save_target_group(
    community_id: OrgId,
    name: String,
    audience: String,
    #[server(default)] buildings: String,
    #[server(default)] units: String,
) -> Result<super::model::TargetGroup, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let g = super::model::NewTargetGroup {
            community_id,
            name,
            audience: super::model::Audience::parse(&audience)
                .ok_or_else(|| AppError::validation("audience", "cm.err.audience"))?,
            buildings: building_ids(&buildings)?,
            units,
        };
        super::groups::save(&ctx, &meta, &auth, g).await
    })
    .await
}

/// Forgets a saved target group.
#[server]
pub async fn delete_target_group(id: i64) -> Result<(), AppError> {
    crate::web::serve(async |ctx, meta, auth| super::groups::delete(&ctx, &meta, &auth, id).await).await
}

/// The communities whose owners' committee the caller sits on (the committee's notice form).
#[server]
pub async fn committee_notice_communities() -> Result<Vec<OrgChoice>, AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::notices::committee_choices(&ctx, &auth).await).await
}

/// The owners' committee's notices, for its members.
#[server]
pub async fn committee_notices() -> Result<Vec<NoticeSummary>, AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::notices::committee_list(&ctx, &auth).await).await
}

/// The notices of the caller's scope, newest first.
#[server]
pub async fn staff_notices() -> Result<Vec<NoticeSummary>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::notices::list(&ctx, &meta, &auth).await).await
}

/// One notice with who has not read it.
#[server]
pub async fn staff_notice(id: i64) -> Result<NoticeDetail, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::notices::detail(&ctx, &meta, &auth, id).await).await
}

/// Pushes the notice once more to the households that have not read it.
#[server]
pub async fn remind_notice(id: i64) -> Result<NoticeDetail, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::notices::remind(&ctx, &meta, &auth, id).await).await
}

/// Takes a notice back.
#[server]
pub async fn withdraw_notice(id: i64) -> Result<NoticeDetail, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::notices::withdraw(&ctx, &meta, &auth, id).await).await
}

/// The surveys that reached the caller: open ones first.
#[server]
pub async fn resident_surveys() -> Result<Vec<super::model::MySurveyRow>, AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::surveys::mine(&ctx, &auth).await).await
}

/// One survey that reached the caller, with their answers so far.
#[server]
pub async fn open_survey(id: i64) -> Result<super::model::MySurvey, AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::surveys::open(&ctx, &auth, id).await).await
}

/// Answers a survey from its form: `marks` are `"<question>:<option or stars>"`, `texts` are
/// keyed by the question's position; `unit` is the home answered for (empty: the first).
#[server]
pub async fn answer_survey(
    id: i64,
    #[server(default)] unit: String,
    #[server(default)] marks: Vec<String>,
    #[server(default)] texts: std::collections::HashMap<String, String>,
) -> Result<super::model::MySurvey, AppError> {
    crate::web::serve(async |ctx, _meta, auth| {
        let unit = match unit.trim() {
            "" => None,
            u => Some(
                u.parse::<i64>()
                    .map_err(|_| AppError::validation("unit_id", "cm.err.survey_home"))?,
            ),
        };
        super::surveys::answer(&ctx, &auth, id, unit, |qs| {
            super::model::answers_from_form(qs, &marks, &texts)
        })
        .await
    })
    .await
}

/// The surveys of the caller's scope, newest first.
#[server]
pub async fn staff_surveys() -> Result<Vec<super::model::SurveySummary>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::surveys::list(&ctx, &meta, &auth).await).await
}

/// One survey's live results.
#[server]
pub async fn survey_results(id: i64) -> Result<super::model::SurveyResults, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::surveys::results(&ctx, &meta, &auth, id).await).await
}

/// Saves a survey from the staff form: `questions` as JSON (the form's editor writes it),
/// `audience` a code, `buildings` comma-separated ids, tick boxes `on` when ticked.
#[allow(clippy::too_many_arguments)]
#[server]
pub async fn create_survey(
    community_id: OrgId,
    title: String,
    #[server(default)] intro: String,
    #[server(default)] questions: String,
    audience: String,
    #[server(default)] buildings: String,
    #[server(default)] units: String,
    #[server(default)] anonymous: Option<String>,
    #[server(default)] per_person: Option<String>,
    #[server(default)] replace: Option<String>,
    #[server(default)] opens_at: String,
    #[server(default)] closes_at: String,
) -> Result<super::model::SurveySummary, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        use super::model::{Audience, NewSurvey, Question};
        let questions: Vec<Question> =
            serde_json::from_str(&questions).map_err(|_| AppError::validation("questions", "cm.err.no_questions"))?;
        let survey = NewSurvey {
            community_id,
            title,
            intro,
            questions,
            audience: Audience::parse(&audience).ok_or_else(|| AppError::validation("audience", "cm.err.audience"))?,
            buildings: building_ids(&buildings)?,
            units,
            anonymous: anonymous.is_some(),
            per_person: per_person.is_some(),
            replace: replace.is_some(),
            opens_at,
            closes_at,
        };
        super::surveys::create(&ctx, &meta, &auth, survey).await
    })
    .await
}

/// Closes an open survey now.
#[server]
pub async fn close_survey(id: i64) -> Result<super::model::SurveyResults, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::surveys::close(&ctx, &meta, &auth, id).await).await
}

/// Takes a survey back.
#[server]
pub async fn withdraw_survey(id: i64) -> Result<super::model::SurveyResults, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::surveys::withdraw(&ctx, &meta, &auth, id).await).await
}

/// The events that reached the caller: upcoming first.
#[server]
pub async fn resident_events() -> Result<Vec<super::model::MyEventRow>, AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::events::mine(&ctx, &auth).await).await
}

/// One event that reached the caller, with their household's sign-up.
#[server]
pub async fn open_event(id: i64) -> Result<super::model::MyEvent, AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::events::open(&ctx, &auth, id).await).await
}

/// Signs the household up (`unit` empty: the first home the event reached).
#[server]
pub async fn sign_up(
    id: i64,
    #[server(default)] unit: String,
    headcount: u32,
) -> Result<super::model::MyEvent, AppError> {
    crate::web::serve(async |ctx, _meta, auth| {
        let unit = match unit.trim() {
            "" => None,
            u => Some(
                u.parse::<i64>()
                    .map_err(|_| AppError::validation("unit_id", "cm.err.event_home"))?,
            ),
        };
        super::events::sign_up(&ctx, &auth, id, unit, headcount).await
    })
    .await
}

/// Cancels the household's sign-up.
#[server]
pub async fn cancel_signup(id: i64) -> Result<super::model::MyEvent, AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::events::cancel_signup(&ctx, &auth, id).await).await
}

/// The events of the caller's scope, newest first.
#[server]
pub async fn staff_events() -> Result<Vec<super::model::EventSummary>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::events::list(&ctx, &meta, &auth).await).await
}

/// One event with its sign-ups.
#[server]
pub async fn staff_event(id: i64) -> Result<super::model::EventDetail, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::events::detail(&ctx, &meta, &auth, id).await).await
}

/// Puts on an event from the staff form (`capacity` and `per_household` as typed).
#[allow(clippy::too_many_arguments)]
#[server]
pub async fn create_event(
    community_id: OrgId,
    title: String,
    place: String,
    #[server(default)] body: String,
    #[server(default)] starts_at: String,
    #[server(default)] ends_at: String,
    #[server(default)] signup_until: String,
    #[server(default)] capacity: String,
    #[server(default)] per_household: String,
    #[server(default)] fee: String,
    audience: String,
    #[server(default)] buildings: String,
    #[server(default)] units: String,
    #[server(default)] publish_at: String,
) -> Result<super::model::EventSummary, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        use super::model::{Audience, NewEvent};
        let number = |field: &str, s: &str, empty: u32| -> Result<u32, AppError> {
            match s.trim() {
                "" => Ok(empty),
                t => t
                    .parse::<u32>()
                    .map_err(|_| AppError::validation(field, "cm.err.number")),
            }
        };
        let event = NewEvent {
            community_id,
            title,
            body,
            place,
            starts_at,
            ends_at,
            signup_until,
            capacity: number("capacity", &capacity, 0)?,
            per_household: number("per_household", &per_household, 0)?,
            fee,
            audience: Audience::parse(&audience).ok_or_else(|| AppError::validation("audience", "cm.err.audience"))?,
            buildings: building_ids(&buildings)?,
            units,
            publish_at,
        };
        super::events::create(&ctx, &meta, &auth, event).await
    })
    .await
}

/// Marks a confirmed household as arrived.
#[server]
pub async fn check_in(id: i64, signup: i64) -> Result<super::model::EventDetail, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::events::check_in(&ctx, &meta, &auth, id, signup).await).await
}

/// Adds photos taken at an event that has begun (`photos`: comma-separated upload ids).
#[server]
pub async fn add_event_photos(id: i64, photos: String) -> Result<super::model::EventDetail, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let photos = id_list(&photos, "photos", "err.photo_not_yours")?;
        super::events::add_photos(&ctx, &meta, &auth, id, &photos).await
    })
    .await
}

/// Cancels an event.
#[server]
pub async fn cancel_event(id: i64) -> Result<super::model::EventDetail, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::events::cancel(&ctx, &meta, &auth, id).await).await
}
