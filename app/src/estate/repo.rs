//! Queries on `org_units`.
use crate::db::entities::org_units;
use sea_orm::{prelude::*, QueryOrder};

pub async fn by_id<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<org_units::Model>, DbErr> {
    org_units::Entity::find_by_id(id).one(c).await
}

/// Every node whose path starts with one of `paths` (each path's subtree).
pub async fn subtrees<C: ConnectionTrait>(c: &C, paths: &[String]) -> Result<Vec<org_units::Model>, DbErr> {
    if paths.is_empty() {
        return Ok(vec![]);
    }
    let mut cond = sea_orm::Condition::any();
    for p in paths {
        cond = cond.add(org_units::Column::Path.starts_with(p.as_str()));
    }
    org_units::Entity::find()
        .filter(cond)
        .order_by_asc(org_units::Column::Path)
        .all(c)
        .await
}
