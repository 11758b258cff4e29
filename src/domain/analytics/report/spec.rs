//! What a report is: its saved definition (module, filter, columns, sort, grouping,
//! measure), its errors and its result.

use std::fmt;

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::records::calendar_system::CalendarSystem;
use crate::domain::records::condition::Condition;
use crate::domain::records::search::Slot;

/// Pseudo-fields every record has besides its values.
pub use crate::domain::records::record_set::CREATED_AT;
pub const UPDATED_AT: &str = "updated_at";
pub const OWNER: &str = "owner";

/// Conditions joined with AND (`any == false`) or OR (`any == true`), with nested
/// groups joined the same way. An empty group matches everything.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FilterGroup {
    #[serde(default)]
    pub any: bool,
    #[serde(default)]
    pub conditions: Vec<Condition>,
    #[serde(default)]
    pub groups: Vec<FilterGroup>,
}

/// What each group (and the whole report) adds up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Count,
    /// Sum of a number or money field; money in the base currency.
    Sum(String),
    /// Average over the records that have a value.
    Avg(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateBucket {
    /// ISO week, starting on Monday.
    Week,
    Month,
    Quarter,
    Year,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    /// A picklist, multi-select, lookup, user(s), checkbox or short text field.
    Field(String),
    /// A date or date-time field (or `created_at` / `updated_at`) by period.
    Date(String, DateBucket),
    Owner,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Tabular,
    Summary(Grouping),
    Matrix { rows: Grouping, cols: Grouping },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportSpec {
    pub module: String,
    #[serde(default)]
    pub columns: Vec<String>,
    #[serde(default)]
    pub filter: FilterGroup,
    /// Field and whether descending.
    #[serde(default)]
    pub sort: Option<(String, bool)>,
    pub kind: ReportKind,
    pub measure: Measure,
}

/// Why a report cannot run; each names the module or field so the UI can say so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReportError {
    UnknownModule(String),
    UnknownField(String),
    /// Sum or average over a field that holds no numbers.
    NotANumber(String),
    /// Grouping by a field whose values make no groups (long text, numbers), or a
    /// date grouping over a field that is not a date.
    CannotGroup(String),
}

impl fmt::Display for ReportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReportError::UnknownModule(m) => write!(f, "unknown module: {m}"),
            ReportError::UnknownField(x) => write!(f, "unknown field: {x}"),
            ReportError::NotANumber(x) => write!(f, "not a number field: {x}"),
            ReportError::CannotGroup(x) => write!(f, "cannot group by: {x}"),
        }
    }
}

impl std::error::Error for ReportError {}

/// A group's identity, rendered by the UI in the user's language.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKey {
    Empty,
    Text(String),
    Ref {
        module: String,
        id: String,
    },
    Option {
        field: String,
        value: String,
    },
    User(String),
    Bool(bool),
    Period {
        start: NaiveDate,
        bucket: DateBucket,
    },
}

/// One group (or matrix cell, or total): how many records, the measure over them and
/// the records themselves (in the report's sort order) for drill-down.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cell {
    pub count: usize,
    /// The measure; `None` when no record had a value to sum or average, or when
    /// the sum is too large.
    pub value: Option<f64>,
    /// The money summed is beyond what a decimal holds: the measure cannot be
    /// computed (shown as such, never as a wrong number).
    pub too_large: bool,
    pub records: Vec<Slot>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub key: GroupKey,
    pub count: usize,
    pub value: Option<f64>,
    /// As `Cell::too_large`.
    pub too_large: bool,
    pub records: Vec<Slot>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Matrix {
    pub row_keys: Vec<GroupKey>,
    pub col_keys: Vec<GroupKey>,
    /// `cells[row][col]`, dense.
    pub cells: Vec<Vec<Cell>>,
    pub row_totals: Vec<Cell>,
    pub col_totals: Vec<Cell>,
    pub grand_total: Cell,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportResult {
    /// The matching records, sorted: the table of a tabular report.
    pub rows: Vec<Slot>,
    /// Summary groups, in display order (empty for other kinds).
    pub groups: Vec<Group>,
    /// Present for matrix reports.
    pub matrix: Option<Matrix>,
    /// The measure over all matching records.
    pub total: Option<f64>,
    /// The total's money is beyond what a decimal holds (see `Cell::too_large`).
    pub total_too_large: bool,
    /// Matching records whose money has no exchange rate: counted, left out of sums.
    pub unconverted: usize,
}

/// First day of the period `date` falls in, by the Gregorian calendar.
pub fn period_start(date: NaiveDate, bucket: DateBucket) -> NaiveDate {
    period_start_in(date, bucket, CalendarSystem::Gregorian)
}

/// First day of the period `date` falls in, months, quarters and years counted in
/// `calendar` (a Solar Hijri quarter is a season). Weeks are ISO weeks in every calendar.
pub fn period_start_in(date: NaiveDate, bucket: DateBucket, calendar: CalendarSystem) -> NaiveDate {
    match bucket {
        DateBucket::Week => date - Duration::days(i64::from(date.weekday().num_days_from_monday())),
        DateBucket::Month => calendar.month_start(date),
        DateBucket::Quarter => calendar.quarter_start(date),
        DateBucket::Year => calendar.year_start(date),
    }
}
