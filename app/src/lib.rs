//! Linli 邻里: the product. Pages, server functions and (with `ssr`) the domain services,
//! one folder per business area. Compiled for the server (`ssr`) and the browser (`hydrate`).
#![recursion_limit = "256"]

pub mod app;
pub mod shared;

pub mod access;
pub mod amenities;
pub mod audit;
pub mod billing;
pub mod community;
pub mod engineering;
pub mod estate;
pub mod files;
pub mod governance;
pub mod home;
pub mod notify;
pub mod org;
pub mod payments;
pub mod tickets;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod web;

// Import rules (who may import whom), checked by this test against a shrinking allow-list.
#[cfg(test)]
mod layering;

pub use app::{shell, App};
