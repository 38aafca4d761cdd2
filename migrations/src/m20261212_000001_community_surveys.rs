//! Community surveys (问卷): questions staff put to some of a community's households, the
//! households targeted (resolved once, when the survey opens, as notices are), and the answers,
//! one row per choice, rating or text so that results are counted by the database.
use crate::util::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CmSurveys {
    Table,
    Id,
    CommunityId,
    Title,
    /// Plain text shown above the questions.
    Intro,
    /// JSON: the questions (text, kind, required, options).
    Questions,
    /// `everyone`, `owners`, `tenants`.
    Audience,
    /// JSON building ids and unit ids it is limited to (both empty: the community).
    Buildings,
    Units,
    /// Staff never see who answered.
    Anonymous,
    /// One answer per person (else per household).
    PerPerson,
    /// An answer may be replaced until the survey closes (else it is final).
    Replace,
    /// `scheduled`, `open`, `withdrawn` (closed: `closes_at` passed).
    State,
    OpensAt,
    ClosesAt,
    /// Targeted households, counted when it opened.
    Households,
    AuthorId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CmSurveyTargets {
    Table,
    SurveyId,
    UnitId,
}

#[derive(DeriveIden)]
enum CmSurveyResponses {
    Table,
    Id,
    SurveyId,
    UnitId,
    UserId,
    /// `u<unit>` (one per household) or `p<user>` (one per person): unique per survey.
    Taker,
    SubmittedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CmSurveyAnswers {
    Table,
    Id,
    ResponseId,
    SurveyId,
    /// The question's position (0-based).
    Question,
    /// A chosen option's position (choice questions).
    Choice,
    /// 1–5 (rating questions).
    Rating,
    /// Short text (text questions).
    Body,
}

#[derive(DeriveIden)]
enum OrgUnits {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CmSurveys::Table)
                .col(big_pk_auto(CmSurveys::Id))
                .col(big_integer(CmSurveys::CommunityId))
                .col(string_len(CmSurveys::Title, 120))
                .col(text(CmSurveys::Intro))
                .col(text(CmSurveys::Questions))
                .col(string_len(CmSurveys::Audience, 16))
                .col(text(CmSurveys::Buildings))
                .col(text(CmSurveys::Units))
                .col(boolean(CmSurveys::Anonymous))
                .col(boolean(CmSurveys::PerPerson))
                .col(boolean(CmSurveys::Replace))
                .col(string_len(CmSurveys::State, 16))
                .col(timestamp_with_time_zone(CmSurveys::OpensAt))
                .col(timestamp_with_time_zone(CmSurveys::ClosesAt))
                .col(big_integer(CmSurveys::Households))
                .col(big_integer(CmSurveys::AuthorId))
                .col(timestamp_with_time_zone(CmSurveys::CreatedAt))
                .foreign_key(&mut fk(
                    (CmSurveys::Table, CmSurveys::CommunityId),
                    (OrgUnits::Table, OrgUnits::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_cm_surveys_community",
            CmSurveys::Table,
            vec![CmSurveys::CommunityId.into_iden(), CmSurveys::Id.into_iden()],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CmSurveyTargets::Table)
                .col(big_integer(CmSurveyTargets::SurveyId))
                .col(big_integer(CmSurveyTargets::UnitId))
                .primary_key(
                    Index::create()
                        .col(CmSurveyTargets::SurveyId)
                        .col(CmSurveyTargets::UnitId),
                )
                .foreign_key(&mut fk(
                    (CmSurveyTargets::Table, CmSurveyTargets::SurveyId),
                    (CmSurveys::Table, CmSurveys::Id),
                ))
                .foreign_key(&mut fk(
                    (CmSurveyTargets::Table, CmSurveyTargets::UnitId),
                    (Units::Table, Units::Id),
                ))
                .to_owned(),
        )
        .await?;
        // A resident's list: the surveys their units were targeted by.
        index(
            m,
            "ix_cm_survey_targets_unit",
            CmSurveyTargets::Table,
            vec![
                CmSurveyTargets::UnitId.into_iden(),
                CmSurveyTargets::SurveyId.into_iden(),
            ],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CmSurveyResponses::Table)
                .col(big_pk_auto(CmSurveyResponses::Id))
                .col(big_integer(CmSurveyResponses::SurveyId))
                .col(big_integer(CmSurveyResponses::UnitId))
                .col(big_integer(CmSurveyResponses::UserId))
                .col(string_len(CmSurveyResponses::Taker, 32))
                .col(timestamp_with_time_zone(CmSurveyResponses::SubmittedAt))
                .col(timestamp_with_time_zone(CmSurveyResponses::UpdatedAt))
                .foreign_key(&mut fk(
                    (CmSurveyResponses::Table, CmSurveyResponses::SurveyId),
                    (CmSurveys::Table, CmSurveys::Id),
                ))
                .to_owned(),
        )
        .await?;
        // One answer per household or per person, decided by the database.
        index(
            m,
            "ux_cm_survey_responses_taker",
            CmSurveyResponses::Table,
            vec![
                CmSurveyResponses::SurveyId.into_iden(),
                CmSurveyResponses::Taker.into_iden(),
            ],
            true,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CmSurveyAnswers::Table)
                .col(big_pk_auto(CmSurveyAnswers::Id))
                .col(big_integer(CmSurveyAnswers::ResponseId))
                .col(big_integer(CmSurveyAnswers::SurveyId))
                .col(integer(CmSurveyAnswers::Question))
                .col(integer_null(CmSurveyAnswers::Choice))
                .col(integer_null(CmSurveyAnswers::Rating))
                .col(text_null(CmSurveyAnswers::Body))
                .foreign_key(&mut fk(
                    (CmSurveyAnswers::Table, CmSurveyAnswers::ResponseId),
                    (CmSurveyResponses::Table, CmSurveyResponses::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_cm_survey_answers_question",
            CmSurveyAnswers::Table,
            vec![
                CmSurveyAnswers::SurveyId.into_iden(),
                CmSurveyAnswers::Question.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            m,
            "ix_cm_survey_answers_response",
            CmSurveyAnswers::Table,
            vec![CmSurveyAnswers::ResponseId.into_iden()],
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CmSurveyAnswers::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(CmSurveyResponses::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(CmSurveyTargets::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(CmSurveys::Table).to_owned()).await
    }
}
