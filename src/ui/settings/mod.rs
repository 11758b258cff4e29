//! The settings page.

pub mod schema_page;
pub mod settings_page;
