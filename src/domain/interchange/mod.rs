//! Files in and out: CSV import and export, vCard, iCalendar, the JSON backup and
//! its outline check, and the text encodings files come in.

pub mod backup;
pub mod content_line;
pub mod csv_columns;
pub mod csv_export;
pub mod csv_import;
pub mod file_formats;
pub mod ical;
pub mod json_outline;
pub mod person_name;
pub mod text_encoding;
pub mod vcard;
#[cfg(test)]
mod vendor_headers_tests;
