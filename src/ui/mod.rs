//! The Leptos user interface. Every screen is written once over module and field
//! definitions; nothing here knows a particular module.

mod actions;
mod app;
mod backup_page;
mod download;
mod field_input;
mod format;
mod home;
mod list_filters;
mod list_view;
mod notice;
mod record_form;
mod record_page;
mod route;
mod state;
mod timeline_view;

/// Mounts the app into the page's body.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
