//! A CRM that runs entirely in the browser.
//!
//! `domain` and `i18n` are pure Rust (no web APIs) and tested natively;
//! `storage` (IndexedDB through rexie) and `ui` (Leptos) exist only on wasm32.

pub mod domain;
pub mod i18n;

#[cfg(target_arch = "wasm32")]
pub mod storage;
#[cfg(target_arch = "wasm32")]
pub mod ui;
