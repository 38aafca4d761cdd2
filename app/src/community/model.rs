//! Community notices' wire types and their pure rules: categories, kinds and audiences, who an
//! audience reaches, how a resident's list is ordered, and how staff's inputs are read.
use crate::code_enum;
use crate::estate::model::Relation;
use crate::files::model::{DocRef, FileRef};
use crate::shared::ids::OrgId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

code_enum! {
    /// What a notice is about (the resident's filter).
    pub enum NoticeCategory {
        /// 通知
        Notice = "notice",
        /// 公示 (fees, accounts, decisions put up for owners to see)
        Publicity = "publicity",
        /// 停水停电
        Outage = "outage",
        /// 活动
        Activity = "activity",
        /// 温馨提示
        Tip = "tip",
    }
}

impl NoticeCategory {
    /// The message key of its name.
    pub fn key(self) -> String {
        format!("cm.cat.{}", self.code())
    }
}

code_enum! {
    /// How loudly a notice stands out.
    pub enum NoticeKind {
        Normal = "normal",
        /// Kept above the others in the resident's list.
        Pinned = "pinned",
        /// Pushed to everyone targeted whatever their settings, and on top until it ends.
        Emergency = "emergency",
    }
}

impl NoticeKind {
    pub fn key(self) -> String {
        format!("cm.kind.{}", self.code())
    }
}

code_enum! {
    /// Whom of a targeted unit's household a notice is for.
    pub enum Audience {
        Everyone = "everyone",
        /// Owners, co-owners and their family.
        Owners = "owners",
        /// Tenants and the residents they house.
        Tenants = "tenants",
    }
}

impl Audience {
    pub fn key(self) -> String {
        format!("cm.aud.{}", self.code())
    }

    /// Whether someone living in a unit as `r` is among this audience.
    pub fn reaches(self, r: Relation) -> bool {
        match self {
            Audience::Everyone => true,
            Audience::Owners => matches!(r, Relation::Owner | Relation::CoOwner | Relation::Family),
            Audience::Tenants => matches!(r, Relation::Tenant | Relation::Resident),
        }
    }
}

code_enum! {
    /// Where a notice stands. An end time past makes a published notice archived (not a state:
    /// nothing has to run for it).
    pub enum NoticeState {
        /// Waiting for its time; the job sends it then.
        Scheduled = "scheduled",
        Published = "published",
        /// Taken back by staff: residents no longer see it.
        Withdrawn = "withdrawn",
    }
}

impl NoticeState {
    pub fn key(self) -> String {
        format!("cm.state.{}", self.code())
    }
}

/// A saved target (常用发送对象): some of a community's buildings and units and an audience,
/// under a name staff pick on the next notice, survey or event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TargetGroup {
    pub id: i64,
    pub community_id: OrgId,
    pub name: String,
    pub audience: Audience,
    /// Building ids, ascending.
    pub buildings: Vec<i64>,
    /// The buildings' codes, natural order.
    pub building_codes: Vec<String>,
    /// Unit numbers, natural order.
    pub units: Vec<String>,
    /// Last saved, local time.
    pub updated_at: String,
}

/// A target to keep under a name; a group of that name in the community is replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewTargetGroup {
    pub community_id: OrgId,
    /// 1 to 40 characters; runs of spaces become one.
    pub name: String,
    pub audience: Audience,
    /// Buildings of the community.
    #[serde(default)]
    pub buildings: Vec<i64>,
    /// Unit numbers (`1-1-0101`), separated by commas, spaces or new lines. With neither
    /// buildings nor units, the whole community.
    #[serde(default)]
    pub units: String,
}

/// A notice as staff write it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewNotice {
    pub community_id: OrgId,
    /// At most 120 characters.
    pub title: String,
    /// Rich text: HTML limited to paragraphs, line breaks, bold, italic, underline, headings
    /// (h3, h4), lists, quotes, links and images uploaded to Linli (anything else is removed), or
    /// plain text, whose blank lines separate paragraphs. At most 20 000 characters.
    pub body: String,
    pub category: NoticeCategory,
    pub kind: NoticeKind,
    pub audience: Audience,
    /// Buildings of the community it is limited to.
    #[serde(default)]
    pub buildings: Vec<i64>,
    /// Unit numbers (`1-1-0101`) it is limited to, separated by commas, spaces or new lines.
    /// With `buildings`, it reaches both; with neither, the whole community.
    #[serde(default)]
    pub units: String,
    /// When to send it, local time (Asia/Shanghai) `YYYY-MM-DDTHH:MM`; empty: now.
    #[serde(default)]
    pub publish_at: String,
    /// When it is archived, local time `YYYY-MM-DDTHH:MM`; empty: never.
    #[serde(default)]
    pub ends_at: String,
    /// PDF attachments: ids from `POST /api/v1/files/documents`, at most 5.
    #[serde(default)]
    pub documents: Vec<i64>,
    /// Photos under the text: ids from `POST /api/v1/files/photos`, at most 9.
    #[serde(default)]
    pub photos: Vec<i64>,
    /// Written by the community's owners' committee (the caller sits on it; no
    /// `notices.publish` needed): residents read it signed 业主委员会. Never an emergency.
    #[serde(default)]
    pub by_committee: bool,
}

/// At most this many PDFs and photos go with a notice.
pub const NOTICE_DOCS_MAX: usize = 5;
pub const NOTICE_PHOTOS_MAX: usize = 9;

/// A notice in staff's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NoticeSummary {
    pub id: i64,
    pub community_id: OrgId,
    pub community: String,
    /// Written by the owners' committee.
    pub by_committee: bool,
    pub title: String,
    pub category: NoticeCategory,
    pub kind: NoticeKind,
    pub audience: Audience,
    pub state: NoticeState,
    /// Scheduled for a time already come: the job is sending it.
    pub sending: bool,
    /// The codes of the buildings and the numbers of the units it is limited to (both empty:
    /// the whole community).
    pub buildings: Vec<String>,
    pub units: Vec<String>,
    /// Local time it goes (or went) out.
    pub publish_at: String,
    pub ends_at: Option<String>,
    /// Published and past its end time.
    pub archived: bool,
    /// Households (units) it reached, and how many of them opened it.
    pub households: i64,
    pub read: i64,
}

/// A household that has not opened a notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Unread {
    pub unit_id: i64,
    pub number: String,
}

/// One notice for staff: its text, its counts and who has not read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NoticeDetail {
    pub notice: NoticeSummary,
    /// Sanitised HTML.
    pub body: String,
    /// The first households (by unit number) that have not opened it; `unread_total` counts all.
    pub unread: Vec<Unread>,
    pub unread_total: i64,
    pub reminders: i32,
    pub reminded_at: Option<String>,
    /// Read at `/api/v1/notices/{id}/documents/{file}`.
    pub documents: Vec<DocRef>,
    /// Read at `/api/v1/notices/{id}/photos/{file}` (`?thumb=true`: the small one).
    pub photos: Vec<FileRef>,
}

/// A notice in a resident's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MyNoticeRow {
    pub id: i64,
    pub title: String,
    pub category: NoticeCategory,
    pub kind: NoticeKind,
    pub community: String,
    /// Written by the owners' committee (signed 业主委员会), not the property company.
    pub by_committee: bool,
    pub published_at: String,
    /// The start of its text, without markup.
    pub excerpt: String,
    pub read: bool,
}

/// A resident's notices: emergencies, then pinned, then unread, then the rest, newest first in
/// each; archived ones left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MyNotices {
    pub items: Vec<MyNoticeRow>,
    pub unread: i64,
}

/// One notice as a resident reads it (reading it marks it read for their household).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MyNotice {
    pub id: i64,
    pub title: String,
    /// Sanitised HTML.
    pub body: String,
    pub category: NoticeCategory,
    pub kind: NoticeKind,
    pub community: String,
    /// Written by the owners' committee (signed 业主委员会), not the property company.
    pub by_committee: bool,
    pub published_at: String,
    pub ends_at: Option<String>,
    /// Read at `/api/v1/notices/{id}/documents/{file}`.
    pub documents: Vec<DocRef>,
    /// Read at `/api/v1/notices/{id}/photos/{file}` (`?thumb=true`: the small one).
    pub photos: Vec<FileRef>,
}

/// Where a notice stands in a resident's list (smaller first): an emergency, a pinned one, an
/// unread one, the rest; newer before older within each.
pub fn resident_rank(kind: NoticeKind, read: bool, published: DateTime<Utc>) -> (u8, i64) {
    let band = match (kind, read) {
        (NoticeKind::Emergency, _) => 0,
        (NoticeKind::Pinned, _) => 1,
        (_, false) => 2,
        (_, true) => 3,
    };
    (band, -published.timestamp())
}

/// The unit numbers of staff's free-form list (`1-1-0101, 1-1-0102` or one per line), each once,
/// in the order written.
pub fn unit_numbers(s: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for n in s.split(|c: char| c == ',' || c == '，' || c == '、' || c == ';' || c.is_whitespace()) {
        let n = n.trim();
        if !n.is_empty() && !out.iter().any(|o| o == n) {
            out.push(n.to_string());
        }
    }
    out
}

// ---- Surveys (问卷) ----

code_enum! {
    /// How a survey question is answered.
    pub enum QuestionKind {
        /// One of the options.
        Single = "single",
        /// Any number of the options (at least one).
        Multi = "multi",
        /// 1 to 5 stars.
        Rating = "rating",
        /// A few words (at most 500 characters).
        Text = "text",
    }
}

impl QuestionKind {
    pub fn key(self) -> String {
        format!("cm.qkind.{}", self.code())
    }

    /// Whether it is answered by picking options.
    pub fn has_options(self) -> bool {
        matches!(self, QuestionKind::Single | QuestionKind::Multi)
    }
}

code_enum! {
    /// Where a survey stands. Stored are `scheduled`, `open` and `withdrawn`; an open survey past
    /// its close time is closed (nothing has to run for it).
    pub enum SurveyState {
        Scheduled = "scheduled",
        Open = "open",
        Closed = "closed",
        Withdrawn = "withdrawn",
    }
}

impl SurveyState {
    pub fn key(self) -> String {
        format!("cm.sstate.{}", self.code())
    }

    /// The state shown at `now` of a survey stored as `stored` closing at `closes_at`.
    pub fn at(stored: &str, closes_at: DateTime<Utc>, now: DateTime<Utc>) -> SurveyState {
        match SurveyState::parse(stored) {
            Some(SurveyState::Open) if closes_at <= now => SurveyState::Closed,
            Some(s) => s,
            None => SurveyState::Withdrawn,
        }
    }
}

/// One question of a survey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Question {
    /// At most 200 characters.
    pub text: String,
    pub kind: QuestionKind,
    #[serde(default)]
    pub required: bool,
    /// The options of a choice question (2 to 20, each at most 60 characters, all different);
    /// empty for the others.
    #[serde(default)]
    pub options: Vec<String>,
}

/// A survey as staff write it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewSurvey {
    pub community_id: OrgId,
    /// At most 120 characters.
    pub title: String,
    /// Plain text above the questions, at most 2 000 characters.
    #[serde(default)]
    pub intro: String,
    /// 1 to 50 questions.
    pub questions: Vec<Question>,
    pub audience: Audience,
    /// Buildings of the community it is limited to.
    #[serde(default)]
    pub buildings: Vec<i64>,
    /// Unit numbers it is limited to, as for a notice.
    #[serde(default)]
    pub units: String,
    /// Staff never see who answered (the server keeps the link only to hold one answer per
    /// household or person).
    #[serde(default)]
    pub anonymous: bool,
    /// One answer per person; otherwise one per household.
    #[serde(default)]
    pub per_person: bool,
    /// An answer may be changed until the survey closes; otherwise the first is final.
    #[serde(default)]
    pub replace: bool,
    /// When it opens, local time `YYYY-MM-DDTHH:MM`; empty: now.
    #[serde(default)]
    pub opens_at: String,
    /// When it closes, local time `YYYY-MM-DDTHH:MM`.
    pub closes_at: String,
}

/// A survey in staff's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SurveySummary {
    pub id: i64,
    pub community_id: OrgId,
    pub community: String,
    pub title: String,
    pub audience: Audience,
    /// Building codes and unit numbers it is limited to (both empty: the whole community).
    pub buildings: Vec<String>,
    pub units: Vec<String>,
    pub anonymous: bool,
    pub per_person: bool,
    pub replace: bool,
    pub state: SurveyState,
    /// Local times.
    pub opens_at: String,
    pub closes_at: String,
    pub questions: u32,
    /// Households targeted (counted when it opened), households that answered, answers.
    pub households: i64,
    pub households_answered: i64,
    pub responses: i64,
}

/// One answer to one question. Choices are option positions (from 0); `rating` 1–5.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct QuestionAnswer {
    /// The question's position (from 0).
    pub question: u32,
    #[serde(default)]
    pub choices: Vec<u32>,
    #[serde(default)]
    pub rating: Option<u8>,
    #[serde(default)]
    pub text: String,
}

/// A resident's answers (REST body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SurveyAnswers {
    /// The home answered for (one the survey reached); absent: the first such home.
    #[serde(default)]
    pub unit_id: Option<i64>,
    pub answers: Vec<QuestionAnswer>,
}

/// How often an option (or a star rating) was chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OptionCount {
    pub label: String,
    pub count: i64,
}

/// A text answer, with who wrote it on a named survey for staff allowed to see people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TextAnswer {
    pub text: String,
    pub who: Option<String>,
}

/// One question's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct QuestionResult {
    pub question: Question,
    /// Answers that answered it.
    pub answered: i64,
    /// Per option (choice questions) or per star, 1 to 5 (ratings); empty for text.
    pub counts: Vec<OptionCount>,
    /// A rating's average with two decimals (`4.25`).
    pub average: Option<String>,
    /// The newest text answers (at most 100); `texts_total` counts all.
    pub texts: Vec<TextAnswer>,
    pub texts_total: i64,
}

/// A survey's results for staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SurveyResults {
    pub survey: SurveySummary,
    pub intro: String,
    pub results: Vec<QuestionResult>,
}

/// A survey in a resident's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MySurveyRow {
    pub id: i64,
    pub title: String,
    pub community: String,
    pub state: SurveyState,
    pub closes_at: String,
    pub questions: u32,
    /// The caller (or their household, per the survey's rule) has answered.
    pub answered: bool,
}

/// A home a survey reached the caller through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SurveyHome {
    pub unit_id: i64,
    pub number: String,
    pub answered: bool,
}

/// A survey as a resident answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MySurvey {
    pub id: i64,
    pub title: String,
    pub intro: String,
    pub community: String,
    pub questions: Vec<Question>,
    pub anonymous: bool,
    pub per_person: bool,
    pub replace: bool,
    pub state: SurveyState,
    pub closes_at: String,
    pub homes: Vec<SurveyHome>,
    /// The caller's answers so far (their own, or their first home's on a household survey).
    pub mine: Option<Vec<QuestionAnswer>>,
}

/// Most questions a survey may have.
pub const QUESTIONS_MAX: usize = 50;
/// Most characters of a text answer.
pub const TEXT_ANSWER_MAX: usize = 500;

/// A survey's questions checked and tidied (text and options trimmed, options dropped from
/// ratings and text): or the field (`questions`, `q3`) and the message key of what is wrong.
pub fn check_questions(qs: &[Question]) -> Result<Vec<Question>, (String, &'static str)> {
    if qs.is_empty() {
        return Err(("questions".into(), "cm.err.no_questions"));
    }
    if qs.len() > QUESTIONS_MAX {
        return Err(("questions".into(), "cm.err.questions_many"));
    }
    let mut out = vec![];
    for (i, q) in qs.iter().enumerate() {
        let field = format!("q{i}");
        let text = q.text.trim();
        if text.is_empty() || text.chars().count() > 200 {
            return Err((field, "cm.err.question_text"));
        }
        let options: Vec<String> = if q.kind.has_options() {
            let o: Vec<String> = q
                .options
                .iter()
                .map(|o| o.trim().to_string())
                .filter(|o| !o.is_empty())
                .collect();
            if o.len() < 2 || o.len() > 20 || o.iter().any(|x| x.chars().count() > 60) {
                return Err((field, "cm.err.options"));
            }
            if o.iter().enumerate().any(|(k, x)| o[..k].contains(x)) {
                return Err((field, "cm.err.options_same"));
            }
            o
        } else {
            vec![]
        };
        out.push(Question {
            text: text.into(),
            kind: q.kind,
            required: q.required,
            options,
        });
    }
    Ok(out)
}

/// A resident's answers checked against the questions: each question answered at most once,
/// choices among its options (exactly one for a single choice), ratings 1 to 5, text at most
/// 500 characters, every required question answered. Empty answers to optional questions are
/// dropped. Errors: the field (`q2`) and the message key.
pub fn check_answers(qs: &[Question], given: &[QuestionAnswer]) -> Result<Vec<QuestionAnswer>, (String, &'static str)> {
    let mut out: Vec<QuestionAnswer> = vec![];
    for a in given {
        let i = a.question as usize;
        let field = format!("q{i}");
        let Some(q) = qs.get(i) else {
            return Err((field, "cm.err.question"));
        };
        if out.iter().any(|o| o.question == a.question) {
            return Err((field, "cm.err.question"));
        }
        let mut choices = a.choices.clone();
        choices.sort_unstable();
        choices.dedup();
        let text = a.text.trim().to_string();
        let clean = match q.kind {
            QuestionKind::Single | QuestionKind::Multi => {
                if choices.iter().any(|c| *c as usize >= q.options.len()) {
                    return Err((field, "cm.err.choice"));
                }
                if q.kind == QuestionKind::Single && choices.len() > 1 {
                    return Err((field, "cm.err.one_choice"));
                }
                (!choices.is_empty()).then_some(QuestionAnswer {
                    question: a.question,
                    choices,
                    ..Default::default()
                })
            }
            QuestionKind::Rating => match a.rating {
                None => None,
                Some(r @ 1..=5) => Some(QuestionAnswer {
                    question: a.question,
                    rating: Some(r),
                    ..Default::default()
                }),
                Some(_) => return Err((field, "cm.err.rating")),
            },
            QuestionKind::Text => {
                if text.chars().count() > TEXT_ANSWER_MAX {
                    return Err((field, "cm.err.text_long"));
                }
                (!text.is_empty()).then_some(QuestionAnswer {
                    question: a.question,
                    text,
                    ..Default::default()
                })
            }
        };
        out.extend(clean);
    }
    for (i, q) in qs.iter().enumerate() {
        if q.required && !out.iter().any(|a| a.question as usize == i) {
            return Err((format!("q{i}"), "cm.err.required"));
        }
    }
    out.sort_by_key(|a| a.question);
    Ok(out)
}

/// The answers a form without script posts: marks `"<question>:<option or stars>"` (radio
/// buttons and tick boxes) and texts keyed by the question's position. Unreadable marks are
/// passed on as an out-of-range choice, so that [`check_answers`] names the question.
pub fn answers_from_form(
    qs: &[Question],
    marks: &[String],
    texts: &std::collections::HashMap<String, String>,
) -> Vec<QuestionAnswer> {
    fn at(out: &mut Vec<QuestionAnswer>, q: u32) -> usize {
        match out.iter().position(|a| a.question == q) {
            Some(p) => p,
            None => {
                out.push(QuestionAnswer {
                    question: q,
                    ..Default::default()
                });
                out.len() - 1
            }
        }
    }
    let mut out: Vec<QuestionAnswer> = vec![];
    for m in marks {
        let Some((q, v)) = m.split_once(':') else { continue };
        let Ok(q) = q.trim().parse::<u32>() else { continue };
        let v = v.trim().parse::<u32>().unwrap_or(u32::MAX);
        let p = at(&mut out, q);
        match qs.get(q as usize).map(|x| x.kind) {
            Some(QuestionKind::Rating) => out[p].rating = Some(u8::try_from(v).unwrap_or(u8::MAX)),
            _ => out[p].choices.push(v),
        }
    }
    for (k, t) in texts {
        let Ok(q) = k.trim().trim_start_matches('q').parse::<u32>() else {
            continue;
        };
        let p = at(&mut out, q);
        out[p].text = t.clone();
    }
    out.sort_by_key(|a| a.question);
    out
}

/// `sum / n` with two decimals, from integers (`17 / 4` → `4.25`).
pub fn average_2dp(sum: i64, n: i64) -> Option<String> {
    if n <= 0 {
        return None;
    }
    let hundredths = (i128::from(sum) * 100 * 2 + i128::from(n)) / (2 * i128::from(n));
    Some(format!("{}.{:02}", hundredths / 100, hundredths % 100))
}

/// The yearly property service satisfaction survey (物业服务满意度调查) the service standards
/// ask for: ratings of each service, an overall judgement, what to improve first, and a word.
pub fn satisfaction_template() -> (String, String, Vec<Question>) {
    let rating = |t: &str| Question {
        text: t.into(),
        kind: QuestionKind::Rating,
        required: true,
        options: vec![],
    };
    let choice = |t: &str, kind: QuestionKind, required: bool, o: &[&str]| Question {
        text: t.into(),
        kind,
        required,
        options: o.iter().map(|x| x.to_string()).collect(),
    };
    (
        "物业服务满意度调查".into(),
        "为了解您对本年度物业服务的评价、改进服务，请花两分钟填写本问卷。1 星为很不满意，5 星为很满意。".into(),
        vec![
            rating("客服接待（态度、响应、办事效率）"),
            rating("报修维修（及时、质量、回访）"),
            rating("环境卫生（楼道、垃圾清运、公共区域）"),
            rating("绿化养护"),
            rating("秩序维护（门岗、巡逻、车辆管理）"),
            rating("公共设施设备（电梯、照明、门禁）"),
            rating("收费公开透明"),
            choice(
                "总体而言，您对物业服务",
                QuestionKind::Single,
                true,
                &["非常满意", "满意", "一般", "不满意", "非常不满意"],
            ),
            choice(
                "您最希望优先改进的方面（可多选）",
                QuestionKind::Multi,
                false,
                &["客服", "维修", "保洁", "绿化", "安保", "停车", "设施设备", "收费"],
            ),
            Question {
                text: "其他意见和建议".into(),
                kind: QuestionKind::Text,
                required: false,
                options: vec![],
            },
        ],
    )
}

// ---- Events (社区活动) ----

code_enum! {
    /// Where an event stands. Stored are `scheduled`, `published` and `cancelled`; a published
    /// event past its end has ended (nothing has to run for it).
    pub enum EventState {
        Scheduled = "scheduled",
        Published = "published",
        Ended = "ended",
        Cancelled = "cancelled",
    }
}

impl EventState {
    pub fn key(self) -> String {
        format!("cm.estate.{}", self.code())
    }

    /// The state shown at `now` of an event stored as `stored` ending at `ends_at`.
    pub fn at(stored: &str, ends_at: DateTime<Utc>, now: DateTime<Utc>) -> EventState {
        match EventState::parse(stored) {
            Some(EventState::Published) if ends_at <= now => EventState::Ended,
            Some(s) => s,
            None => EventState::Cancelled,
        }
    }
}

code_enum! {
    /// A household's place at an event.
    pub enum SignupStatus {
        /// Has seats.
        Confirmed = "confirmed",
        /// In line for seats freed by others, first come first served.
        Waitlisted = "waitlisted",
        Cancelled = "cancelled",
    }
}

impl SignupStatus {
    pub fn key(self) -> String {
        format!("cm.signup.{}", self.code())
    }
}

/// An event as staff put it on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewEvent {
    pub community_id: OrgId,
    /// At most 120 characters.
    pub title: String,
    /// Plain text, at most 5 000 characters.
    #[serde(default)]
    pub body: String,
    /// Where (at most 120 characters).
    pub place: String,
    /// Local times `YYYY-MM-DDTHH:MM`: it starts, it ends (after it starts).
    pub starts_at: String,
    pub ends_at: String,
    /// Sign-ups close (empty: when it starts; not after it starts).
    #[serde(default)]
    pub signup_until: String,
    /// Most people in all; 0: no limit.
    #[serde(default)]
    pub capacity: u32,
    /// Most people one household brings (1 to 20).
    pub per_household: u32,
    /// Per person, in yuan (`30` or `12.50`); empty: free. Charged to the household's bills when
    /// its seats are confirmed.
    #[serde(default)]
    pub fee: String,
    pub audience: Audience,
    #[serde(default)]
    pub buildings: Vec<i64>,
    #[serde(default)]
    pub units: String,
    /// When residents see it, local time; empty: now.
    #[serde(default)]
    pub publish_at: String,
}

/// An event in staff's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventSummary {
    pub id: i64,
    pub community_id: OrgId,
    pub community: String,
    pub title: String,
    pub place: String,
    /// Local times.
    pub starts_at: String,
    pub ends_at: String,
    pub signup_until: String,
    /// 0: no limit.
    pub capacity: i32,
    /// People confirmed.
    pub taken: i32,
    pub per_household: i32,
    /// Per person, `30.00`; none: free.
    pub fee: Option<String>,
    pub audience: Audience,
    pub buildings: Vec<String>,
    pub units: Vec<String>,
    pub state: EventState,
    /// Households reached; households confirmed, waiting and checked in.
    pub households: i64,
    pub confirmed: i64,
    pub waitlisted: i64,
    pub checked_in: i64,
}

/// A household's sign-up as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SignupRow {
    pub id: i64,
    pub unit: String,
    /// Who signed up; empty for staff who may not read people in the community.
    pub name: String,
    pub headcount: i32,
    pub status: SignupStatus,
    /// Place in line (from 1) of a waiting household.
    pub position: Option<i64>,
    pub checked_in: bool,
    pub signed_up_at: String,
}

/// One event for staff: its text and its sign-ups (confirmed, then waiting in order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventDetail {
    pub event: EventSummary,
    pub body: String,
    pub signups: Vec<SignupRow>,
    /// It has begun (and was not cancelled): photos may be added.
    pub begun: bool,
    /// Photos taken at the event, added once it has begun; read at
    /// `/api/v1/events/{id}/photos/{file}` (`?thumb=true`: the small one).
    pub photos: Vec<FileRef>,
}

/// At most this many photos go with an event.
pub const EVENT_PHOTOS_MAX: usize = 30;

/// Photos to add to an event that has begun (REST body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventPhotos {
    /// Ids from `POST /api/v1/files/photos`.
    pub photos: Vec<i64>,
}

/// An event in a resident's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MyEventRow {
    pub id: i64,
    pub title: String,
    pub community: String,
    pub place: String,
    pub starts_at: String,
    pub state: EventState,
    pub fee: Option<String>,
    /// Seats left; none: no limit.
    pub seats_left: Option<i64>,
    /// The household's sign-up, if any (cancelled ones are none).
    pub mine: Option<SignupStatus>,
}

/// A home an event reached the caller through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventHome {
    pub unit_id: i64,
    pub number: String,
}

/// The caller's household's sign-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MySignup {
    pub unit_id: i64,
    pub number: String,
    pub headcount: i32,
    pub status: SignupStatus,
    pub position: Option<i64>,
    pub checked_in: bool,
}

/// One event as a resident sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MyEvent {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub community: String,
    pub place: String,
    pub starts_at: String,
    pub ends_at: String,
    pub signup_until: String,
    pub fee: Option<String>,
    pub capacity: i32,
    pub seats_left: Option<i64>,
    pub per_household: i32,
    pub state: EventState,
    /// Sign-ups are open now.
    pub open: bool,
    /// The caller's homes it reached.
    pub homes: Vec<EventHome>,
    /// The sign-up of the caller's home (the first one signed up), if any.
    pub mine: Option<MySignup>,
    /// Photos taken at the event (`/api/v1/events/{id}/photos/{file}`).
    pub photos: Vec<FileRef>,
}

/// A household's sign-up (REST body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SignupRequest {
    /// The home signing up (one the event reached); absent: the first.
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// How many people come (1 to the event's limit per household).
    pub headcount: u32,
}

/// Which of the waiting sign-ups (id, headcount), in line order, get seats when `free` seats
/// open: first come first served, a party too large for what is left waits and the next that
/// fits goes ahead of it.
pub fn promotions(mut free: i64, waiting: &[(i64, i32)]) -> Vec<i64> {
    let mut out = vec![];
    for (id, n) in waiting {
        let n = i64::from(*n);
        if n <= free {
            out.push(*id);
            free -= n;
        }
    }
    out
}

// ---- The 社区 tab ----

/// A survey or an event on the 社区 tab: where it leads, what it is, a line under it
/// (`note_key` worded with `at`), and a badge's message key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TabItem {
    pub href: String,
    pub title: String,
    pub note_key: String,
    pub at: String,
    pub badge: Option<String>,
}

/// What the 社区 tab shows, in one request: the notices that matter now (emergencies, pinned,
/// unread; at most three) and how many are unread, the surveys waiting for the caller's answer,
/// and the events coming up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CommunityTab {
    /// The caller's homes and the current one, whose notices, surveys and events these are.
    pub homes: crate::estate::model::CurrentHome,
    pub notices: Vec<MyNoticeRow>,
    pub unread: i64,
    pub surveys: Vec<TabItem>,
    pub events: Vec<TabItem>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn an_audience_reaches_exactly_its_relations() {
        use Relation::*;
        let reached = |a: Audience| -> Vec<Relation> { Relation::ALL.into_iter().filter(|r| a.reaches(*r)).collect() };
        assert_eq!(reached(Audience::Everyone), Relation::ALL.to_vec());
        assert_eq!(reached(Audience::Owners), vec![Owner, CoOwner, Family]);
        assert_eq!(reached(Audience::Tenants), vec![Tenant, Resident]);
    }

    #[test]
    fn emergencies_then_pinned_then_unread_then_the_rest_newest_first() {
        let t = |h: u32| Utc.with_ymd_and_hms(2026, 12, 7, h, 0, 0).unwrap();
        let mut v = [
            ("read old", resident_rank(NoticeKind::Normal, true, t(1))),
            ("unread old", resident_rank(NoticeKind::Normal, false, t(2))),
            ("pinned read", resident_rank(NoticeKind::Pinned, true, t(3))),
            ("unread new", resident_rank(NoticeKind::Normal, false, t(5))),
            ("emergency read", resident_rank(NoticeKind::Emergency, true, t(0))),
            ("read new", resident_rank(NoticeKind::Normal, true, t(6))),
        ];
        v.sort_by_key(|x| x.1);
        let order: Vec<&str> = v.iter().map(|x| x.0).collect();
        assert_eq!(
            order,
            [
                "emergency read",
                "pinned read",
                "unread new",
                "unread old",
                "read new",
                "read old"
            ]
        );
    }

    #[test]
    fn unit_lists_split_on_any_separator_and_keep_each_number_once() {
        assert_eq!(
            unit_numbers(" 1-1-0101,1-1-0102，1-1-0101\n2-1-0301、2-1-0302; 3-1-0101 "),
            ["1-1-0101", "1-1-0102", "2-1-0301", "2-1-0302", "3-1-0101"]
        );
        assert!(unit_numbers(" ,\n ").is_empty());
    }

    fn q(kind: QuestionKind, required: bool, options: &[&str]) -> Question {
        Question {
            text: "问题".into(),
            kind,
            required,
            options: options.iter().map(|o| o.to_string()).collect(),
        }
    }

    #[test]
    fn questions_need_text_and_choice_questions_two_to_twenty_different_options() {
        assert_eq!(check_questions(&[]), Err(("questions".into(), "cm.err.no_questions")));
        let ok = check_questions(&[
            q(QuestionKind::Single, true, &[" 是 ", "否", " "]),
            q(QuestionKind::Rating, true, &["ignored"]),
        ])
        .unwrap();
        assert_eq!(ok[0].options, ["是", "否"]);
        assert!(ok[1].options.is_empty());
        assert_eq!(
            check_questions(&[
                q(QuestionKind::Text, false, &[]),
                q(QuestionKind::Multi, false, &["一"])
            ]),
            Err(("q1".into(), "cm.err.options"))
        );
        assert_eq!(
            check_questions(&[q(QuestionKind::Single, false, &["是", "是"])]),
            Err(("q0".into(), "cm.err.options_same"))
        );
        let mut blank = q(QuestionKind::Text, false, &[]);
        blank.text = "  ".into();
        assert_eq!(check_questions(&[blank]), Err(("q0".into(), "cm.err.question_text")));
        let many = vec![q(QuestionKind::Text, false, &[]); QUESTIONS_MAX + 1];
        assert_eq!(
            check_questions(&many),
            Err(("questions".into(), "cm.err.questions_many"))
        );
        let (_, _, template) = satisfaction_template();
        assert_eq!(check_questions(&template).unwrap(), template);
    }

    #[test]
    fn answers_are_checked_against_their_questions() {
        let qs = [
            q(QuestionKind::Single, true, &["满意", "一般", "不满意"]),
            q(QuestionKind::Multi, false, &["保洁", "绿化", "安保"]),
            q(QuestionKind::Rating, true, &[]),
            q(QuestionKind::Text, false, &[]),
        ];
        let a = |question: u32, choices: &[u32], rating: Option<u8>, text: &str| QuestionAnswer {
            question,
            choices: choices.to_vec(),
            rating,
            text: text.into(),
        };
        let ok = check_answers(
            &qs,
            &[
                a(2, &[], Some(4), ""),
                a(0, &[1], None, ""),
                a(1, &[2, 0, 2], None, ""),
                a(3, &[], None, "  "),
            ],
        )
        .unwrap();
        assert_eq!(
            ok,
            [a(0, &[1], None, ""), a(1, &[0, 2], None, ""), a(2, &[], Some(4), "")]
        );
        assert_eq!(
            check_answers(&qs, &[a(2, &[], Some(4), "")]),
            Err(("q0".into(), "cm.err.required"))
        );
        assert_eq!(
            check_answers(&qs, &[a(0, &[0, 1], None, ""), a(2, &[], Some(4), "")]),
            Err(("q0".into(), "cm.err.one_choice"))
        );
        assert_eq!(
            check_answers(&qs, &[a(0, &[3], None, ""), a(2, &[], Some(4), "")]),
            Err(("q0".into(), "cm.err.choice"))
        );
        assert_eq!(
            check_answers(&qs, &[a(0, &[0], None, ""), a(2, &[], Some(6), "")]),
            Err(("q2".into(), "cm.err.rating"))
        );
        assert_eq!(
            check_answers(&qs, &[a(0, &[0], None, ""), a(2, &[], Some(0), "")]),
            Err(("q2".into(), "cm.err.rating"))
        );
        let long = "字".repeat(TEXT_ANSWER_MAX + 1);
        assert_eq!(
            check_answers(
                &qs,
                &[a(0, &[0], None, ""), a(2, &[], Some(3), ""), a(3, &[], None, &long)]
            ),
            Err(("q3".into(), "cm.err.text_long"))
        );
        assert_eq!(
            check_answers(
                &qs,
                &[a(0, &[0], None, ""), a(0, &[1], None, ""), a(2, &[], Some(3), "")]
            ),
            Err(("q0".into(), "cm.err.question"))
        );
        assert_eq!(
            check_answers(&qs, &[a(9, &[0], None, "")]),
            Err(("q9".into(), "cm.err.question"))
        );
    }

    #[test]
    fn a_form_posts_marks_and_texts_that_read_as_answers() {
        let qs = [
            q(QuestionKind::Single, true, &["满意", "一般"]),
            q(QuestionKind::Multi, false, &["保洁", "绿化", "安保"]),
            q(QuestionKind::Rating, true, &[]),
            q(QuestionKind::Text, false, &[]),
        ];
        let marks: Vec<String> = ["1:2", "0:1", "1:0", "2:5", "junk", "0:x"].map(String::from).to_vec();
        let texts = [("3".to_string(), "电梯常坏".to_string())].into_iter().collect();
        let got = answers_from_form(&qs, &marks, &texts);
        assert_eq!(got[0].choices, [1, u32::MAX]);
        assert_eq!(got[1].choices, [2, 0]);
        assert_eq!(got[2].rating, Some(5));
        assert_eq!(got[3].text, "电梯常坏");
        // The unreadable mark is named, not dropped.
        assert_eq!(check_answers(&qs, &got), Err(("q0".into(), "cm.err.choice")));
    }

    #[test]
    fn averages_have_two_decimals_rounded_half_up() {
        assert_eq!(average_2dp(17, 4).as_deref(), Some("4.25"));
        assert_eq!(average_2dp(14, 3).as_deref(), Some("4.67"));
        assert_eq!(average_2dp(5, 1).as_deref(), Some("5.00"));
        assert_eq!(average_2dp(0, 0), None);
    }

    #[test]
    fn an_open_survey_past_its_close_is_closed() {
        let t = |h: u32| Utc.with_ymd_and_hms(2026, 12, 7, h, 0, 0).unwrap();
        assert_eq!(SurveyState::at("open", t(10), t(9)), SurveyState::Open);
        assert_eq!(SurveyState::at("open", t(10), t(10)), SurveyState::Closed);
        assert_eq!(SurveyState::at("scheduled", t(10), t(11)), SurveyState::Scheduled);
        assert_eq!(SurveyState::at("withdrawn", t(10), t(9)), SurveyState::Withdrawn);
    }

    #[test]
    fn freed_seats_go_in_line_order_to_the_parties_that_fit() {
        assert_eq!(promotions(3, &[(1, 2), (2, 3), (3, 1), (4, 1)]), [1, 3]);
        assert_eq!(promotions(0, &[(1, 1)]), Vec::<i64>::new());
        assert_eq!(promotions(10, &[(1, 4), (2, 4), (3, 4)]), [1, 2]);
    }

    #[test]
    fn a_published_event_past_its_end_has_ended() {
        let t = |h: u32| Utc.with_ymd_and_hms(2026, 12, 7, h, 0, 0).unwrap();
        assert_eq!(EventState::at("published", t(10), t(9)), EventState::Published);
        assert_eq!(EventState::at("published", t(10), t(10)), EventState::Ended);
        assert_eq!(EventState::at("cancelled", t(10), t(11)), EventState::Cancelled);
        assert_eq!(EventState::at("nonsense", t(10), t(11)), EventState::Cancelled);
    }
}
