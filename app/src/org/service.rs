//! (ssr) The org tree: nodes, paths, subtrees, the communities under a node, the office of a
//! community, names. Every area (and `access`, for scopes) asks here; none reads `org_units`.
use super::model::{child_path, OrgContact, OrgKind, OrgNode};
use crate::db::entities::org_units;
use crate::db::map_unique;
use crate::shared::error::AppError;
use crate::shared::ids::OrgId;
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder};

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
            let p = by_id(c, pid.0).await?.ok_or(AppError::NotFound)?;
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
    Ok(by_id(c, id.0).await?.map(to_node))
}

fn contact(m: &org_units::Model) -> OrgContact {
    OrgContact {
        org: m.name.clone(),
        phone: m.contact_phone.clone().unwrap_or_default(),
        address: m.contact_address.clone().unwrap_or_default(),
        hours: m.contact_hours.clone().unwrap_or_default(),
    }
}

/// A node's own contact (empty parts where none is set); `None` if the node does not exist.
pub async fn own_contact<C: ConnectionTrait>(c: &C, id: OrgId) -> Result<Option<OrgContact>, AppError> {
    Ok(by_id(c, id.0).await?.map(|m| contact(&m)))
}

/// How someone at `id` reaches the property: the contact of the nearest node at or above it
/// that has one (the office's, else the region's or the company's).
pub async fn contact_of<C: ConnectionTrait>(c: &C, id: OrgId) -> Result<Option<OrgContact>, AppError> {
    let Some(m) = by_id(c, id.0).await? else {
        return Ok(None);
    };
    let ids: Vec<i64> = m.path.split('/').filter_map(|p| p.parse().ok()).collect();
    let mut line = org_units::Entity::find()
        .filter(org_units::Column::Id.is_in(ids))
        .all(c)
        .await?;
    line.sort_by_key(|n| std::cmp::Reverse(n.depth));
    Ok(line.iter().map(contact).find(|k| !k.is_empty()))
}

/// The company's contact (the first root node that has one), for pages nobody is logged in to.
pub async fn root_contact<C: ConnectionTrait>(c: &C) -> Result<Option<OrgContact>, AppError> {
    Ok(org_units::Entity::find()
        .filter(org_units::Column::ParentId.is_null())
        .order_by_asc(org_units::Column::Id)
        .all(c)
        .await?
        .iter()
        .map(contact)
        .find(|k| !k.is_empty()))
}

/// Stores a node's contact as given (checked by the caller; empty parts are cleared).
pub async fn set_contact<C: ConnectionTrait>(c: &C, id: OrgId, k: &OrgContact) -> Result<(), AppError> {
    let m = by_id(c, id.0).await?.ok_or(AppError::NotFound)?;
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let mut am: org_units::ActiveModel = m.into();
    am.contact_phone = Set(some(&k.phone));
    am.contact_address = Set(some(&k.address));
    am.contact_hours = Set(some(&k.hours));
    am.update(c).await?;
    Ok(())
}

/// The materialised path of a node (for scope checks), `None` if it does not exist.
pub async fn path_of<C: ConnectionTrait>(c: &C, id: OrgId) -> Result<Option<String>, AppError> {
    Ok(by_id(c, id.0).await?.map(|m| m.path))
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
    Ok(subtrees(c, &roots_only).await?.into_iter().map(to_node).collect())
}

/// The community ids inside the subtree of `root` (itself if it is a community).
pub async fn communities_under<C: ConnectionTrait>(c: &C, root: OrgId) -> Result<Vec<OrgId>, AppError> {
    Ok(subtree_nodes(c, &[root])
        .await?
        .into_iter()
        .filter(|n| n.kind == OrgKind::Community)
        .map(|n| n.id)
        .collect())
}

/// For each node id given, the office (管理处) above or at it; nodes outside any office map
/// to themselves.
pub async fn offices_of<C: ConnectionTrait>(
    c: &C,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, i64>, AppError> {
    use crate::db::entities::org_units;
    let nodes = org_units::Entity::find()
        .filter(org_units::Column::Id.is_in(ids.to_vec()))
        .all(c)
        .await?;
    let mut ancestors: Vec<i64> = nodes
        .iter()
        .flat_map(|n| n.path.split('/').filter_map(|s| s.parse::<i64>().ok()))
        .collect();
    ancestors.sort_unstable();
    ancestors.dedup();
    let offices: std::collections::HashSet<i64> = org_units::Entity::find()
        .filter(org_units::Column::Id.is_in(ancestors))
        .filter(org_units::Column::Kind.eq(OrgKind::Office.code()))
        .all(c)
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    Ok(nodes
        .into_iter()
        .map(|n| {
            let office = n
                .path
                .split('/')
                .filter_map(|s| s.parse::<i64>().ok())
                .rev()
                .find(|a| offices.contains(a))
                .unwrap_or(n.id);
            (n.id, office)
        })
        .collect())
}

/// The office (管理处) a community belongs to, whose settings and month close apply; the node
/// itself when it has no office above it.
pub async fn office_of<C: ConnectionTrait>(c: &C, community: OrgId) -> Result<OrgId, AppError> {
    Ok(OrgId(
        offices_of(c, &[community.0])
            .await?
            .get(&community.0)
            .copied()
            .unwrap_or(community.0),
    ))
}

/// Names of org nodes by id.
pub async fn org_names<C: ConnectionTrait>(
    c: &C,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, AppError> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    Ok(org_units::Entity::find()
        .filter(org_units::Column::Id.is_in(ids))
        .all(c)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

async fn by_id<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<org_units::Model>, DbErr> {
    org_units::Entity::find_by_id(id).one(c).await
}

/// Every node whose path starts with one of `paths` (each path's subtree).
async fn subtrees<C: ConnectionTrait>(c: &C, paths: &[String]) -> Result<Vec<org_units::Model>, DbErr> {
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
