//! Database schema for Linli, one file per change. Depends on nothing in `app/`; table and
//! column names are `Iden` enums. Never edit a migration that has been applied: add a new one.
pub use sea_orm_migration::prelude::*;

mod m20261122_000001_foundation;
mod m20261125_000001_property;
mod m20261126_000001_people;
mod m20261126_000002_handover;
mod m20261126_000003_billing;
mod m20261126_000004_online_payments;
mod m20261126_000005_notify;
mod m20261126_000006_notify_email_broadcasts;
mod m20261126_000007_service;
mod m20261126_000008_files;
mod m20261126_000009_engineering;
mod m20261126_000010_file_documents;
mod m20261206_000001_request_keys;
mod m20261206_000002_payment_disputes;
mod m20261206_000003_phone_codes;
mod m20261206_000004_family_invites;
mod m20261206_000005_person_id_scoped;
mod m20261206_000006_org_contacts;
mod m20261207_000001_completion_rule;
mod m20261207_000002_notice_words;
mod m20261208_000001_governance;
mod m20261209_000001_paper_ballots;
mod m20261209_000002_gov_settings;
mod m20261209_000003_gov_committees;
mod m20261210_000001_gov_proxies;
mod m20261211_000001_community_notices;
mod m20261212_000001_community_surveys;
mod m20261213_000001_community_events;
mod m20261214_000001_committee_notices;
mod m20261215_000001_target_groups;
mod m20261215_000002_current_homes;
mod m20261216_000001_amenities;
mod util;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_foundation::Migration),
            Box::new(m20261125_000001_property::Migration),
            Box::new(m20261126_000001_people::Migration),
            Box::new(m20261126_000002_handover::Migration),
            Box::new(m20261126_000003_billing::Migration),
            Box::new(m20261126_000004_online_payments::Migration),
            Box::new(m20261126_000005_notify::Migration),
            Box::new(m20261126_000006_notify_email_broadcasts::Migration),
            Box::new(m20261126_000007_service::Migration),
            Box::new(m20261126_000008_files::Migration),
            Box::new(m20261126_000009_engineering::Migration),
            Box::new(m20261126_000010_file_documents::Migration),
            Box::new(m20261206_000001_request_keys::Migration),
            Box::new(m20261206_000002_payment_disputes::Migration),
            Box::new(m20261206_000003_phone_codes::Migration),
            Box::new(m20261206_000004_family_invites::Migration),
            Box::new(m20261206_000005_person_id_scoped::Migration),
            Box::new(m20261206_000006_org_contacts::Migration),
            Box::new(m20261207_000001_completion_rule::Migration),
            Box::new(m20261207_000002_notice_words::Migration),
            Box::new(m20261208_000001_governance::Migration),
            Box::new(m20261209_000001_paper_ballots::Migration),
            Box::new(m20261209_000002_gov_settings::Migration),
            Box::new(m20261209_000003_gov_committees::Migration),
            Box::new(m20261210_000001_gov_proxies::Migration),
            Box::new(m20261211_000001_community_notices::Migration),
            Box::new(m20261212_000001_community_surveys::Migration),
            Box::new(m20261213_000001_community_events::Migration),
            Box::new(m20261214_000001_committee_notices::Migration),
            Box::new(m20261215_000001_target_groups::Migration),
            Box::new(m20261215_000002_current_homes::Migration),
            Box::new(m20261216_000001_amenities::Migration),
        ]
    }
}
