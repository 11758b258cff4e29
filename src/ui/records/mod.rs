//! Any module's records: the list with filters, the record page with its timeline,
//! and the form.

pub mod bulk_actions;
pub mod card_grid;
pub mod compose_email;
pub mod inline_cell;
pub mod inline_rows;
pub mod list_address;
pub mod list_filters;
pub mod list_view;
pub mod macros;
pub mod record_form;
pub mod record_page;
pub mod saved_views;
pub mod timeline_view;
