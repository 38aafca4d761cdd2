//! Settings that belong to one area (the payment provider, the push and e-mail channels, the
//! file store), kept in one map keyed by their type so that `db` never names an area: the
//! server inserts each area's part, and the area reads its own back with `parts.get::<T>()`.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;

/// One value per type. Cloning shares the values.
#[derive(Clone, Default)]
pub struct Parts(HashMap<TypeId, Arc<dyn Any + Send + Sync>>);

impl Parts {
    /// Adds (or replaces) the part of type `T`.
    pub fn insert<T: Any + Send + Sync>(&mut self, part: T) {
        self.0.insert(TypeId::of::<T>(), Arc::new(part));
    }

    /// The part of type `T`, if the server configured one.
    pub fn get<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.0.get(&TypeId::of::<T>()).and_then(|p| p.downcast_ref::<T>())
    }
}

impl std::fmt::Debug for Parts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Parts({} configured)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct A(u8);
    #[derive(Debug, PartialEq)]
    struct B(&'static str);

    #[test]
    fn each_type_gets_back_its_own_part() {
        let mut p = Parts::default();
        assert_eq!(p.get::<A>(), None);
        p.insert(A(1));
        p.insert(B("b"));
        p.insert(A(2));
        assert_eq!(p.get::<A>(), Some(&A(2)));
        assert_eq!(p.get::<B>(), Some(&B("b")));
        assert_eq!(p.clone().get::<A>(), Some(&A(2)));
    }
}
