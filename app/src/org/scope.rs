//! (ssr) A data scope: the org nodes a user may act on for one permission (built by
//! `access::service::scope_for` from their grants), and the query filter every staff list uses.
use crate::shared::ids::OrgId;
use sea_orm::{prelude::*, Select};

/// The org subtree a user may act on for one permission. Built only by [`scope_for`] /
/// [`require`]; services filter every staff query with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// Every org node covered (the granted roots and all their descendants).
    pub org_ids: Vec<i64>,
    /// Granted at a root of the tree: also covers rows that belong to no org.
    pub global: bool,
}

impl Scope {
    pub fn empty() -> Scope {
        Scope {
            org_ids: vec![],
            global: false,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.org_ids.is_empty() && !self.global
    }

    pub fn covers(&self, org: OrgId) -> bool {
        self.org_ids.contains(&org.0)
    }

    /// Restricts a query to rows whose `col` is an org inside the scope; rows with no org
    /// are kept only for a global scope when `null_is_global` is set.
    pub fn filter_org_column<E: EntityTrait, Col: ColumnTrait>(
        &self,
        q: Select<E>,
        col: Col,
        null_is_global: bool,
    ) -> Select<E> {
        let mut cond = sea_orm::Condition::any().add(col.is_in(self.org_ids.clone()));
        if self.global && null_is_global {
            cond = cond.add(col.is_null());
        }
        q.filter(cond)
    }
}
