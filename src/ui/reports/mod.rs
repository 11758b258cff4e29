//! Reports: the list of saved reports, and the builder that defines one (module,
//! columns, AND/OR filters, sort, grouping, measure), runs it, saves it as a record,
//! exports it as CSV and prints it. The engine is `crate::domain::analytics::report`; these
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

use crate::domain::records::module_def::OwnPage;
use crate::domain::records::record_set::Dataset;

/// The module reports are saved in: the one the reports page shows (empty when
/// none, and then no report is found or saved).
fn reports_module(data: &Dataset) -> String {
    data.schema
        .shown_on(OwnPage::Reports)
        .map(|m| m.key.clone())
        .unwrap_or_default()
}
