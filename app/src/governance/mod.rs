//! 业主大会与业委会: owners' assemblies, their e-votes and elections, and the owners' committee.
//! So far the area holds its rules, the voter register as Civil Code art. 278 and the Supreme
//! People's Court's interpretation (法释〔2009〕7号, arts. 8–9) define it and the exact tally of
//! matters and elections ([`model`]), and the register read from the estate records for
//! checking them before a vote: `GET /api/v1/communities/{id}/voter-register` and the page
//! `/admin/governance/register`. Meetings (`meetings`): the committee drafts one with its
//! matters and elections, gives notice, opens the vote (freezing the register), closes it and
//! publishes the tally; residents follow them at `/community/assembly`. Ballots (`ballots`):
//! cast and replaced by owners, or entered from paper by the committee (a voter with both is a
//! conflict the committee settles before publishing), each one a row of a per-meeting hash
//! chain that `GET /api/v1/votes/{id}/ballots` exports and `linli admin verify-vote` re-walks
//! and re-tallies.
//! Rules (`rules`): each community's notice period and reminder day, and the reminder pass.
//! The committee's roster (`roster`): its term, filing (备案) and members, read by residents.
//! Proxies (`proxies`): an owner names one with the signed authorization, the committee accepts
//! or rejects it, the proxy then votes. Register corrections (`corrections`): one voter re-read
//! from the estate records before the close, audited and shown on the meeting.
//! Owns `gov_committees`, `gov_settings`, `gov_meetings`, `gov_items`, `gov_voters`,
//! `gov_voter_persons`, `gov_ballots`, `gov_ballot_log`, `gov_proxies` and `gov_register_fixes`.
//! Staff holding `people.write` run a community's procedure (never its ballots) where its
//! committee allows it. REST: `/votes…`, `/communities/{id}/voter-register`,
//! `/communities/{id}/assembly-rules`, `/communities/{id}/committee`.
pub mod api;
#[cfg(feature = "ssr")]
pub mod ballots;
#[cfg(feature = "ssr")]
pub mod corrections;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod meetings;
pub mod model;
#[cfg(feature = "ssr")]
pub mod proxies;
#[cfg(feature = "ssr")]
pub mod register;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod roster;
#[cfg(feature = "ssr")]
pub mod rules;
pub mod ui;

#[cfg(test)]
mod tests {
    /// Every message key the area's pages name resolves in both languages.
    #[test]
    fn every_key_the_pages_name_is_worded_in_both_languages() {
        use crate::shared::i18n::tr_in;
        let src = concat!(
            include_str!("ui.rs"),
            include_str!("ui/assembly.rs"),
            include_str!("ui/committee.rs"),
            include_str!("meetings.rs"),
            include_str!("ballots.rs"),
            include_str!("rules.rs"),
            include_str!("roster.rs"),
            include_str!("proxies.rs"),
            include_str!("corrections.rs"),
            include_str!("api.rs"),
            include_str!("model.rs"),
            include_str!("../access/ui/admin.rs")
        );
        let keys: Vec<&str> = src
            .split('"')
            .filter(|s| s.starts_with("gov.") && s.len() > 4 && !s.contains(' '))
            .collect();
        assert!(keys.len() >= 20, "found {} keys", keys.len());
        for k in keys {
            for l in ["zh-CN", "en"] {
                assert_ne!(tr_in(l, k), k, "{l}: {k}");
            }
        }
    }
}
