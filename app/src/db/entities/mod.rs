//! sea-orm entities: storage shapes only. DTOs that cross the wire live in each area's model.
pub mod api_keys;
pub mod audit_log;
pub mod bind_requests;
pub mod buildings;
pub mod grants;
pub mod login_attempts;
pub mod occupancies;
pub mod org_units;
pub mod parking_spaces;
pub mod persons;
pub mod role_permissions;
pub mod roles;
pub mod sessions;
pub mod units;
pub mod users;
pub mod vehicles;
