//! Reports: the list of saved reports, and the builder that defines one (module,
//! columns, AND/OR filters, sort, grouping, measure), runs it, saves it as a record,
//! exports it as CSV and prints it. The engine is `crate::domain::report`; these
//! files gather the definition and word the result, one job each.

mod builder;
mod draft;
mod export;
mod filters;
mod list;
mod pickers;
mod results;
mod run;
mod saved;

pub use builder::ReportBuilder;
pub use list::ReportsPage;
