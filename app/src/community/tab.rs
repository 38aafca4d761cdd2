//! (ssr) The 社区 tab in one request: the notices that matter now, the surveys waiting for the
//! caller's answer and the events coming up, each from its own use case.
use super::model::*;
use crate::access::model::Authed;
use crate::db::AppCtx;
use crate::shared::error::AppError;

/// How many of each the tab shows before "all".
const ON_TAB: usize = 3;

/// The tab for the caller: emergencies, pinned and unread notices; open surveys not yet
/// answered; published events (with the household's sign-up as the badge).
pub async fn summary(ctx: &AppCtx, auth: &Authed) -> Result<CommunityTab, AppError> {
    let notices = super::notices::mine(ctx, auth, None).await?;
    let surveys = super::surveys::mine(ctx, auth).await?;
    let events = super::events::mine(ctx, auth).await?;
    Ok(CommunityTab {
        homes: crate::estate::service::home_choices(&ctx.db, auth.user_id).await?,
        unread: notices.unread,
        notices: notices
            .items
            .into_iter()
            .filter(|n| n.kind != NoticeKind::Normal || !n.read)
            .take(ON_TAB)
            .collect(),
        surveys: surveys
            .into_iter()
            .filter(|s| s.state == SurveyState::Open && !s.answered)
            .take(ON_TAB)
            .map(|s| TabItem {
                href: format!("/community/surveys/{}", s.id),
                title: s.title,
                note_key: "cm.closes".into(),
                at: s.closes_at,
                badge: Some("cm.to_answer".into()),
            })
            .collect(),
        events: events
            .into_iter()
            .filter(|e| e.state == EventState::Published)
            .take(ON_TAB)
            .map(|e| TabItem {
                href: format!("/community/events/{}", e.id),
                title: e.title,
                note_key: "cm.event_at".into(),
                at: format!("{} · {}", e.starts_at, e.place),
                badge: e.mine.map(|m| m.key()),
            })
            .collect(),
    })
}
