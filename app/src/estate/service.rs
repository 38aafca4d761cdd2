//! (ssr) Org tree use cases. Other areas ask here for subtrees; they never read `org_units`.
use super::model::{child_path, OrgKind, OrgNode};
use super::repo;
use crate::db::entities::org_units;
use crate::db::map_unique;
use crate::shared::error::AppError;
use crate::shared::ids::OrgId;
use sea_orm::{prelude::*, ActiveValue::Set};

fn to_node(m: org_units::Model) -> OrgNode {
    OrgNode {
        id: OrgId(m.id),
        parent_id: m.parent_id.map(OrgId),
        kind: OrgKind::parse(&m.kind).unwrap_or(OrgKind::Community),
        name: m.name,
        code: m.code,
        depth: m.depth,
    }
}

/// Creates a node under `parent` (or a root company).
/// Errors: `Validation` for a bad name or a kind that may not sit under the parent,
/// `NotFound` for a missing parent, `Conflict` on a duplicate code.
pub async fn create_org<C: ConnectionTrait>(
    c: &C,
    parent: Option<OrgId>,
    kind: OrgKind,
    name: &str,
    code: &str,
) -> Result<OrgNode, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::validation("name", "err.required"));
    }
    let code = code.trim();
    if code.is_empty() || code.len() > 40 {
        return Err(AppError::validation("code", "err.required"));
    }
    let (parent_path, depth) = match parent {
        Some(pid) => {
            let p = repo::by_id(c, pid.0).await?.ok_or(AppError::NotFound)?;
            let pk = OrgKind::parse(&p.kind).ok_or(AppError::Internal)?;
            if !pk.may_have_child(kind) {
                return Err(AppError::validation("kind", "err.org_kind_invalid"));
            }
            (p.path, p.depth + 1)
        }
        None => {
            if kind != OrgKind::Company {
                return Err(AppError::validation("kind", "err.org_kind_invalid"));
            }
            ("/".to_string(), 0)
        }
    };
    let m = org_units::ActiveModel {
        parent_id: Set(parent.map(|p| p.0)),
        kind: Set(kind.code().into()),
        name: Set(name.into()),
        code: Set(code.into()),
        // The real path needs the id: insert with the parent's, then extend it.
        path: Set(format!("{parent_path}?{code}")),
        depth: Set(depth),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await
    .map_err(|e| map_unique(e, "code", "err.code_taken"))?;
    let path = child_path(&parent_path, m.id);
    let mut am: org_units::ActiveModel = m.into();
    am.path = Set(path);
    Ok(to_node(am.update(c).await?))
}

pub async fn get<C: ConnectionTrait>(c: &C, id: OrgId) -> Result<Option<OrgNode>, AppError> {
    Ok(repo::by_id(c, id.0).await?.map(to_node))
}

/// The materialised path of a node (for scope checks), `None` if it does not exist.
pub async fn path_of<C: ConnectionTrait>(c: &C, id: OrgId) -> Result<Option<String>, AppError> {
    Ok(repo::by_id(c, id.0).await?.map(|m| m.path))
}

/// All nodes in the subtrees rooted at `roots`, ordered as a depth-first walk.
pub async fn subtree_nodes<C: ConnectionTrait>(c: &C, roots: &[OrgId]) -> Result<Vec<OrgNode>, AppError> {
    let mut paths = vec![];
    for r in roots {
        if let Some(p) = path_of(c, *r).await? {
            paths.push(p);
        }
    }
    // Drop paths inside other paths so no node is listed twice.
    paths.sort();
    let mut roots_only: Vec<String> = vec![];
    for p in paths {
        if !roots_only.iter().any(|r| p.starts_with(r.as_str())) {
            roots_only.push(p);
        }
    }
    Ok(repo::subtrees(c, &roots_only).await?.into_iter().map(to_node).collect())
}
