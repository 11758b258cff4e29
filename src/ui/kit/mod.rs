//! What every page is built from: the app state, routes, formatting, notices,
//! charts, file choosing and downloading, the user picker and the field inputs.

pub mod chart;
pub mod chosen_file;
pub mod day_input;
pub mod download;
pub mod field_input;
pub mod focus;
pub mod format;
pub mod notice;
pub mod personal;
pub mod recent;
pub mod route;
pub(crate) mod state;
pub mod time_zone;
pub mod user_select;
