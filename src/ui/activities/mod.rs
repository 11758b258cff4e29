//! The agenda module's pages: the calendar, My work, and reminders.

pub mod calendar_page;
pub mod my_work;
pub mod reminders;
