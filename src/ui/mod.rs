//! The Leptos user interface. Every screen is written once over module and field
//! definitions; nothing here knows a particular module.

mod actions;
mod app;
mod backup_page;
mod board_page;
mod calendar_page;
mod chart;
mod chosen_file;
mod convert_page;
mod custom_dashboard;
mod dashboard_page;
mod download;
mod duplicates_page;
mod field_input;
mod format;
mod home;
mod import_page;
mod list_filters;
mod list_view;
mod merge_page;
mod my_work;
mod notice;
mod other_tabs;
mod pipeline_editor;
mod record_form;
mod record_page;
mod reminders;
mod report_labels;
mod report_page;
mod report_run;
mod route;
mod settings_page;
pub(crate) mod state;
mod timeline_view;
mod user_select;
pub mod write_queue;

/// Mounts the app into the page's body.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
