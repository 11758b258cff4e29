//! The settings page.

pub mod field_editor;
pub mod schema_page;
pub mod settings_page;
pub mod typed_confirm;
