//! The settings page.

pub mod dry_run_page;
pub mod field_editor;
pub mod schema_page;
pub mod settings_page;
pub mod typed_confirm;
