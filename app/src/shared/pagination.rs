//! Keyset pagination: a page is "the next N rows after this key", stable under inserts
//! and as fast on the last page as on the first.
use serde::{Deserialize, Serialize};

pub const DEFAULT_PAGE: u64 = 50;
pub const MAX_PAGE: u64 = 200;

/// A page of rows plus the key to ask for the next one (`None` on the last page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<i64>,
}

impl<T> Page<T> {
    /// The same page (and cursor) with each row turned into another.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
        }
    }
}

/// Clamps a requested page size into `1..=MAX_PAGE`.
pub fn page_size(requested: Option<u64>) -> u64 {
    requested.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE)
}

/// Builds a page from `limit + 1` fetched rows: the extra row only says a next page exists.
pub fn page_from<T>(mut rows: Vec<T>, limit: u64, key: impl Fn(&T) -> i64) -> Page<T> {
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next = if more { rows.last().map(key) } else { None };
    Page { items: rows, next }
}

/// Percent-encodes a query-string value (UTF-8, RFC 3986 unreserved characters kept).
pub fn query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_key_only_when_more_rows_exist() {
        let p = page_from(vec![9, 8, 7], 2, |v| *v);
        assert_eq!(p.items, vec![9, 8]);
        assert_eq!(p.next, Some(8));
        let p = page_from(vec![9, 8], 2, |v| *v);
        assert_eq!(p.next, None);
        assert_eq!(page_size(Some(0)), 1);
        assert_eq!(page_size(Some(10_000)), MAX_PAGE);
        assert_eq!(page_size(None), DEFAULT_PAGE);
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(query_value("1-2-03"), "1-2-03");
        assert_eq!(query_value("王 a&b"), "%E7%8E%8B%20a%26b");
    }
}
