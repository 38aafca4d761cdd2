//! 业主大会与业委会: owners' assemblies, their e-votes and elections, and the owners' committee.
//! So far the area holds its rules, the voter register as Civil Code art. 278 and the Supreme
//! People's Court's interpretation (法释〔2009〕7号, arts. 8–9) define it and the exact tally of
//! matters and elections ([`model`]), and the register read from the estate records for
//! checking them before a vote: `GET /api/v1/communities/{id}/voter-register` and the page
//! `/admin/governance/register`. Owns no table yet; meetings, ballots and the ballot log build
//! on this.
pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod register;
#[cfg(feature = "ssr")]
pub mod rest;
pub mod ui;

#[cfg(test)]
mod tests {
    /// Every message key the area's pages name resolves in both languages.
    #[test]
    fn every_key_the_pages_name_is_worded_in_both_languages() {
        use crate::shared::i18n::tr_in;
        let src = concat!(include_str!("ui.rs"), include_str!("../access/ui/admin.rs"));
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
