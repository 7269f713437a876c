//! Heard's browser app: Leptos, client-side rendered, compiled to WebAssembly.
//!
//! `route` picks the screen, `pages/` are the screens, `components/` reusable pieces; `store` is the only module that
//! knows IndexedDB and `sync` the only one that talks to the server. Rules live in the
//! `heard-domain` crate, so components only wire signals to views.

pub mod app;
pub mod backup;
pub mod components;
pub mod coordinator;
pub mod crypto;
pub mod device;
pub mod forms;
pub mod i18n;
mod idb;
pub mod json;
pub mod line;
pub mod pages;
pub mod route;
pub mod session;
pub mod speech;
pub mod store;
pub mod sync;

pub use app::App;
