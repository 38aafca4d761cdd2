//! Typed identifiers: a `UserId` can never be passed where an `OrgId` is expected.

/// Declares a transparent `i64` id newtype with the usual derives.
#[macro_export]
macro_rules! typed_id {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        #[cfg(feature = "ssr")]
        impl From<$name> for sea_orm::Value {
            fn from(v: $name) -> sea_orm::Value {
                v.0.into()
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    };
}

typed_id!(
    /// An account (resident, merchant or staff).
    UserId
);
typed_id!(
    /// A node of the org tree: company, region, office or community.
    OrgId
);
typed_id!(
    /// A role such as 收费员.
    RoleId
);
typed_id!(
    /// One role granted to one user over one org subtree.
    GrantId
);
typed_id!(
    /// A row of the audit log.
    AuditId
);
typed_id!(
    /// A building (楼栋) of a community.
    BuildingId
);
typed_id!(
    /// A unit (房屋): a flat, shop, office or parking unit.
    UnitId
);
typed_id!(
    /// A person on record (业主, 租户, 住户), one per phone number.
    PersonId
);

typed_id!(
    /// One person's relation to one unit over a period (move-in to move-out).
    OccupancyId
);
typed_id!(
    /// A vehicle on record, by plate.
    VehicleId
);
typed_id!(
    /// A parking space (车位) of a community.
    SpaceId
);
typed_id!(
    /// A resident's request to be bound to a unit, decided by staff.
    BindRequestId
);
typed_id!(
    /// An integration's API key.
    ApiKeyId
);

typed_id!(
    /// A charge item (收费项目) of an office.
    ChargeItemId
);
typed_id!(
    /// One bill line: a unit × item × month.
    BillLineId
);
typed_id!(
    /// A payment with its receipt.
    PaymentId
);
typed_id!(
    /// An owners' assembly (业主大会) meeting and its vote.
    MeetingId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_transparent_on_the_wire() {
        assert_eq!(serde_json::to_string(&UserId(42)).unwrap(), "42");
        let id: OrgId = serde_json::from_str("7").unwrap();
        assert_eq!(id, OrgId(7));
        assert_eq!("12".parse::<GrantId>().unwrap(), GrantId(12));
        assert!("x".parse::<GrantId>().is_err());
    }
}
