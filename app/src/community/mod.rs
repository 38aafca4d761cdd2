//! 社区: the community's shared life as residents see it.
//! - Notices (公告 / 公示, `notices`): staff write one to a community, some of its buildings or
//!   units, and its owners, tenants or everyone, now or at a set time, pinned or as an emergency
//!   (pushed to everyone whatever their settings), with an end after which it is archived; one
//!   receipt per targeted household shows who has read it, and a reminder reaches only those who
//!   have not. Residents read them at `/community/notices`; staff write them at `/admin/notices`.
//! - Surveys (问卷, `surveys`): questions to the same kind of target, open from a time to a
//!   time, answered once per household or per person; results live for staff at
//!   `/admin/surveys`, residents answer at `/community/surveys`.
//! - Events (社区活动, `events`): a time, a place, places and a fee; households sign up with a
//!   headcount or join the line, are reminded the day before and checked in at the door
//!   (`/community/events`, `/admin/events`).
//!
//! Whom they reach is `target`; a target staff send to often is kept under a name (`groups`). Owns `cm_notices`, `cm_notice_receipts`, `cm_surveys`,
//! `cm_survey_targets`, `cm_survey_responses`, `cm_survey_answers`, `cm_events`,
//! `cm_event_targets`, `cm_event_signups`, `cm_target_groups`. Job kinds: `community.notice_publish`,
//! `community.notice_remind`, `community.survey_open`, `community.event_publish`,
//! `community.event_remind`. REST: `/notices…`, `/me/notices…`, `/surveys…`, `/me/surveys…`,
//! `/events…`, `/me/events…`, `/target-groups…`.
pub mod api;
#[cfg(feature = "ssr")]
pub mod events;
/// (ssr) Saved target groups (常用发送对象).
#[cfg(feature = "ssr")]
pub mod groups;
#[cfg(feature = "ssr")]
pub mod jobs;
pub mod model;
#[cfg(feature = "ssr")]
pub mod notices;
#[cfg(feature = "ssr")]
pub mod rest;
/// (ssr) What other areas may call: the 社区 tab's summary for 首页.
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod surveys;
#[cfg(feature = "ssr")]
pub mod tab;
#[cfg(feature = "ssr")]
pub mod target;
pub mod ui;

#[cfg(test)]
mod tests {
    /// Every message key the area names resolves in both languages.
    #[test]
    fn every_key_the_pages_name_is_worded_in_both_languages() {
        use crate::shared::i18n::tr_in;
        let src = concat!(
            include_str!("ui.rs"),
            include_str!("ui/staff.rs"),
            include_str!("ui/surveys.rs"),
            include_str!("ui/staff_surveys.rs"),
            include_str!("ui/events.rs"),
            include_str!("ui/staff_events.rs"),
            include_str!("events.rs"),
            include_str!("notices.rs"),
            include_str!("surveys.rs"),
            include_str!("model.rs"),
        );
        let mut keys: Vec<String> = src
            .split('"')
            .filter(|s| s.starts_with("cm.") && s.len() > 3 && !s.contains([' ', '{']) && !s.ends_with('.'))
            .map(String::from)
            .collect();
        use super::model::{
            Audience, EventState, NoticeCategory, NoticeKind, NoticeState, QuestionKind, SignupStatus, SurveyState,
        };
        keys.extend(NoticeCategory::ALL.iter().map(|c| c.key()));
        keys.extend(NoticeKind::ALL.iter().map(|c| c.key()));
        keys.extend(Audience::ALL.iter().map(|c| c.key()));
        keys.extend(NoticeState::ALL.iter().map(|c| c.key()));
        keys.extend(QuestionKind::ALL.iter().map(|c| c.key()));
        keys.extend(SurveyState::ALL.iter().map(|c| c.key()));
        keys.extend(EventState::ALL.iter().map(|c| c.key()));
        keys.extend(SignupStatus::ALL.iter().map(|c| c.key()));
        assert!(keys.len() >= 30, "found {} keys", keys.len());
        for k in keys {
            for l in ["zh-CN", "en"] {
                assert_ne!(tr_in(l, &k), k, "{l}: {k}");
            }
        }
    }
}
