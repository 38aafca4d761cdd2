//! The integration tests: one binary (each test binary links the whole app, over 1 GB, so
//! one binary instead of one per area saves most of the link time and the build cache), one
//! module per area. Every test runs on SQLite, and on PostgreSQL when
//! `LINLI_TEST_DATABASE_URL` is set (`./dev rust-tests` does both).
mod common;

mod amenities;
mod billing;
mod community;
mod email;
mod engineering;
mod governance;
mod home;
mod http;
mod import;
mod notify;
mod payments;
mod people;
mod push;
mod tickets;
