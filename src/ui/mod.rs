//! The Leptos user interface. Every screen is written once over module and field
//! definitions; nothing here knows a particular module.

mod activities;
mod analytics;
mod app;
mod interchange;
pub(crate) mod kit;
mod quality;
mod records;
mod reports;
mod sales;
mod settings;
mod shell;
pub mod writes;

pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
