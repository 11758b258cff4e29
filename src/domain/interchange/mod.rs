//! Files in and out: CSV import and export, iCalendar, the JSON backup and its outline check.

pub mod backup;
pub mod csv_columns;
pub mod csv_export;
pub mod csv_import;
pub mod ical;
pub mod json_outline;
