//! The org tree's types and rules (wasm-safe): company > region > office (管理处) > community
//! (小区), and the materialised paths that make a subtree one prefix query.
use crate::shared::ids::OrgId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Company,
    Region,
    Office,
    Community,
}

impl OrgKind {
    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Company => "company",
            OrgKind::Region => "region",
            OrgKind::Office => "office",
            OrgKind::Community => "community",
        }
    }

    pub fn parse(s: &str) -> Option<OrgKind> {
        [OrgKind::Company, OrgKind::Region, OrgKind::Office, OrgKind::Community]
            .into_iter()
            .find(|k| k.code() == s)
    }

    /// Which kind may sit under which: a company under nothing (or a group company),
    /// regions under a company, offices under a company or region, communities under an office.
    pub fn may_have_child(self, child: OrgKind) -> bool {
        matches!(
            (self, child),
            (OrgKind::Company, OrgKind::Company)
                | (OrgKind::Company, OrgKind::Region)
                | (OrgKind::Company, OrgKind::Office)
                | (OrgKind::Region, OrgKind::Office)
                | (OrgKind::Office, OrgKind::Community)
        )
    }
}

/// The materialised path of a child: parent's path plus its own id.
pub fn child_path(parent_path: &str, id: i64) -> String {
    format!("{parent_path}{id}/")
}

/// How residents reach the office: the nearest node above them that has a contact.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrgContact {
    /// The node the contact is of (`云栖府管理处`).
    pub org: String,
    /// Digits, spaces, `+`, `-`, `(`, `)`; a `tel:` link dials it.
    pub phone: String,
    pub address: String,
    /// Opening hours in words (`周一至周日 8:00–20:00`).
    pub hours: String,
}

impl OrgContact {
    /// The number for a `tel:` link: digits and a leading `+` only.
    pub fn dial(&self) -> String {
        self.phone
            .chars()
            .enumerate()
            .filter(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '+'))
            .map(|(_, c)| c)
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.phone.is_empty() && self.address.is_empty() && self.hours.is_empty()
    }
}

/// Checks a contact as typed (each part may be empty): the phone is 5–20 characters of digits,
/// spaces, `+ - ( )` with at least 5 digits; the address at most 200 characters, the hours 100.
/// Errors name the field: `phone` `err.contact_phone`, `address`/`hours` `err.too_long`.
pub fn check_contact(
    phone: &str,
    address: &str,
    hours: &str,
) -> Result<(String, String, String), (&'static str, &'static str)> {
    let (phone, address, hours) = (phone.trim(), address.trim(), hours.trim());
    if !phone.is_empty() {
        let ok_chars = phone.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        if !ok_chars || !(5..=20).contains(&phone.chars().count()) || digits < 5 {
            return Err(("phone", "err.contact_phone"));
        }
    }
    if address.chars().count() > 200 {
        return Err(("address", "err.too_long"));
    }
    if hours.chars().count() > 100 {
        return Err(("hours", "err.too_long"));
    }
    Ok((phone.to_string(), address.to_string(), hours.to_string()))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrgNode {
    pub id: OrgId,
    pub parent_id: Option<OrgId>,
    pub kind: OrgKind,
    pub name: String,
    pub code: String,
    pub depth: i32,
}

// ---------------------------------------------------------------- buildings and units

/// An org node in a picker: its kind and its depth below the shallowest one listed, for
/// indenting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgChoice {
    pub id: OrgId,
    pub name: String,
    pub kind: OrgKind,
    pub depth: u32,
}

impl OrgChoice {
    /// Picker rows for nodes listed depth-first.
    pub fn list(nodes: Vec<OrgNode>) -> Vec<OrgChoice> {
        let base = nodes.iter().map(|n| n.depth).min().unwrap_or(0);
        nodes
            .into_iter()
            .map(|n| OrgChoice {
                id: n.id,
                name: n.name,
                kind: n.kind,
                depth: (n.depth - base).max(0) as u32,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_shape_rules() {
        assert!(OrgKind::Office.may_have_child(OrgKind::Community));
        assert!(!OrgKind::Community.may_have_child(OrgKind::Office));
        assert!(!OrgKind::Region.may_have_child(OrgKind::Community));
        assert_eq!(child_path("/1/", 4), "/1/4/");
        assert_eq!(OrgKind::parse("office"), Some(OrgKind::Office));
        assert_eq!(OrgKind::parse("x"), None);
    }

    #[test]
    fn contacts_are_checked_and_dialled_as_digits() {
        assert_eq!(
            check_contact(" 0571-8888 6666 ", "", "8:00–20:00"),
            Ok(("0571-8888 6666".into(), "".into(), "8:00–20:00".into()))
        );
        assert_eq!(check_contact("", "", ""), Ok(("".into(), "".into(), "".into())));
        for bad in ["call us", "123", "+86 138 0000 0000 0000 0", "0571_88886666"] {
            assert_eq!(check_contact(bad, "", ""), Err(("phone", "err.contact_phone")), "{bad}");
        }
        assert_eq!(
            check_contact("", &"路".repeat(201), ""),
            Err(("address", "err.too_long"))
        );
        let c = OrgContact {
            phone: "+86 (571) 8888-6666".into(),
            ..Default::default()
        };
        assert_eq!(c.dial(), "+8657188886666");
        assert!(OrgContact::default().is_empty());
    }
}
