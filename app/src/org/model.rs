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
}
