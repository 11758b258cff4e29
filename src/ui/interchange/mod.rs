//! Files in and out: CSV import and the backup page.

pub mod backup_page;
pub mod import_page;
