//! Keyset page queries: every paged list asks for "the next N rows after this id" the same
//! way, one row more than it shows so that the extra row only says a next page exists.
use crate::shared::pagination::{page_from, page_size, Page};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};

/// Which way a list runs, with the cursor the client sent back (the `next` of its last page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyset {
    /// Newest first: rows with an id below the cursor.
    Before(Option<i64>),
    /// Oldest first: rows with an id above the cursor.
    After(Option<i64>),
}

/// One page of `q` ordered by `id` (a column holding the row's unique `i64` key that `key`
/// reads back), at most `limit` rows (clamped by [`page_size`]).
pub async fn keyset<E, C>(
    c: &C,
    q: Select<E>,
    id: E::Column,
    way: Keyset,
    limit: Option<u64>,
    key: impl Fn(&E::Model) -> i64,
) -> Result<Page<E::Model>, DbErr>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let limit = page_size(limit);
    let q = match way {
        Keyset::Before(cursor) => {
            let q = q.order_by_desc(id);
            match cursor {
                Some(b) => q.filter(id.lt(b)),
                None => q,
            }
        }
        Keyset::After(cursor) => {
            let q = q.order_by_asc(id);
            match cursor {
                Some(a) => q.filter(id.gt(a)),
                None => q,
            }
        }
    };
    let rows = q.limit(limit + 1).all(c).await?;
    Ok(page_from(rows, limit, key))
}
