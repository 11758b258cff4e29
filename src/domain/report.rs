//! Reports: a saved definition (module, filter, columns, sort, grouping, measure) and
//! the engine that runs it over the in-memory records. One pass over the module per
//! run, keys computed once per record, groups found by hashing: it stays fast at
//! 100,000 records.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, Datelike, Duration, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::condition::Condition;
use super::csv_export::neutralise;
use super::field::{FieldKind, PicklistOption};
use super::module_def::ModuleDef;
use super::normalize::fold;
use super::pipeline::{ExchangeRates, InBase};
use super::record::Record;
use super::record_set::{Dataset, RecordSet};
use super::search::Slot;
use super::stepped_sort::KeyedRows;
use super::value::{format_number, SortKey, Value};

/// Pseudo-fields every record has besides its values.
pub use super::record_set::CREATED_AT;
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

/// First day of the period `date` falls in.
pub fn period_start(date: NaiveDate, bucket: DateBucket) -> NaiveDate {
    let first = |m: u32| NaiveDate::from_ymd_opt(date.year(), m, 1).unwrap_or(date);
    match bucket {
        DateBucket::Week => date - Duration::days(i64::from(date.weekday().num_days_from_monday())),
        DateBucket::Month => first(date.month()),
        DateBucket::Quarter => first((date.month() - 1) / 3 * 3 + 1),
        DateBucket::Year => first(1),
    }
}

// ---------------------------------------------------------------------------
// Fields and pseudo-fields

#[derive(Clone, Copy)]
enum FieldRef<'s> {
    Value(&'s str),
    Created,
    Updated,
    Owner,
}

fn resolve<'s>(module: &ModuleDef, key: &'s str) -> Result<FieldRef<'s>, ReportError> {
    Ok(match key {
        CREATED_AT => FieldRef::Created,
        UPDATED_AT => FieldRef::Updated,
        OWNER => FieldRef::Owner,
        _ if module.field(key).is_some() => FieldRef::Value(key),
        _ => return Err(ReportError::UnknownField(key.to_string())),
    })
}

fn millis(ms: i64) -> Value {
    Value::DateTime(DateTime::from_timestamp_millis(ms).unwrap_or_default())
}

fn value_of<'r>(r: &'r Record, f: FieldRef<'_>) -> Option<Cow<'r, Value>> {
    match f {
        FieldRef::Value(k) => r.get(k).map(Cow::Borrowed),
        FieldRef::Created => Some(Cow::Owned(millis(r.created_at))),
        FieldRef::Updated => Some(Cow::Owned(millis(r.updated_at))),
        FieldRef::Owner => r.owner.clone().map(|o| Cow::Owned(Value::Ref(o))),
    }
}

// ---------------------------------------------------------------------------
// Filter

struct Filter<'s> {
    any: bool,
    conditions: Vec<(FieldRef<'s>, &'s Condition)>,
    groups: Vec<Filter<'s>>,
}

impl<'s> Filter<'s> {
    fn compile(module: &ModuleDef, g: &'s FilterGroup) -> Result<Self, ReportError> {
        Ok(Filter {
            any: g.any,
            conditions: g
                .conditions
                .iter()
                .map(|c| Ok((resolve(module, &c.field)?, c)))
                .collect::<Result<_, _>>()?,
            groups: g
                .groups
                .iter()
                .map(|g| Filter::compile(module, g))
                .collect::<Result<_, _>>()?,
        })
    }

    fn matches(&self, r: &Record) -> bool {
        let cond = |(f, c): &(FieldRef, &Condition)| match f {
            FieldRef::Value(_) => c.matches(&r.values),
            _ => c.matches_value(value_of(r, *f).as_deref()),
        };
        if self.conditions.is_empty() && self.groups.is_empty() {
            return true;
        }
        if self.any {
            self.conditions.iter().any(cond) || self.groups.iter().any(|g| g.matches(r))
        } else {
            self.conditions.iter().all(cond) && self.groups.iter().all(|g| g.matches(r))
        }
    }
}

// ---------------------------------------------------------------------------
// Measure

#[derive(Clone, Copy)]
enum Amount {
    None,
    Number(f64),
    Money(Decimal),
    Unconverted,
    /// Money that, converted, is beyond what a decimal holds.
    TooLarge,
}

struct Measurer<'s> {
    field: Option<&'s str>,
    avg: bool,
}

impl<'s> Measurer<'s> {
    fn compile(module: &ModuleDef, m: &'s Measure) -> Result<Self, ReportError> {
        let (field, avg) = match m {
            Measure::Count => {
                return Ok(Measurer {
                    field: None,
                    avg: false,
                })
            }
            Measure::Sum(f) => (f, false),
            Measure::Avg(f) => (f, true),
        };
        let def = module
            .field(field)
            .ok_or_else(|| ReportError::UnknownField(field.clone()))?;
        match def.kind {
            FieldKind::Number | FieldKind::Currency | FieldKind::Percent => Ok(Measurer {
                field: Some(field),
                avg,
            }),
            _ => Err(ReportError::NotANumber(field.clone())),
        }
    }

    fn amount(&self, r: &Record, rates: &ExchangeRates) -> Amount {
        let Some(f) = self.field else {
            return Amount::None;
        };
        match r.get(f) {
            Some(Value::Number(n)) => Amount::Number(*n),
            Some(Value::Money(m)) => match rates.in_base(m) {
                InBase::Value(d) => Amount::Money(d),
                InBase::NoRate => Amount::Unconverted,
                InBase::TooLarge => Amount::TooLarge,
            },
            _ => Amount::None,
        }
    }
}

#[derive(Clone, Default)]
struct Acc {
    count: usize,
    with_value: usize,
    number: f64,
    money: Decimal,
    /// The money summed went beyond what a decimal holds: `money` is meaningless.
    too_large: bool,
    records: Vec<Slot>,
}

impl Acc {
    fn add(&mut self, slot: Slot, a: Amount) {
        self.records.push(slot);
        self.count_in(a);
    }

    /// Counts and measures without keeping the record.
    fn count_in(&mut self, a: Amount) {
        self.count += 1;
        match a {
            Amount::Number(n) => {
                self.with_value += 1;
                self.number += n;
            }
            Amount::Money(d) => {
                // Checked: past what a decimal holds the sum cannot be computed
                // (and stays so), never a crash or a number at the limit.
                self.with_value += 1;
                match self.money.checked_add(d) {
                    Some(sum) => self.money = sum,
                    None => self.too_large = true,
                }
            }
            Amount::TooLarge => {
                self.with_value += 1;
                self.too_large = true;
            }
            Amount::None | Amount::Unconverted => {}
        }
    }

    fn value(&self, m: &Measurer) -> Option<f64> {
        if m.field.is_none() {
            return Some(self.count as f64);
        }
        if self.with_value == 0 || self.too_large {
            return None;
        }
        let sum = self.number + self.money.to_f64().unwrap_or(0.0);
        Some(if m.avg {
            sum / self.with_value as f64
        } else {
            sum
        })
    }

    fn cell(self, m: &Measurer) -> Cell {
        Cell {
            value: self.value(m),
            too_large: self.too_large,
            count: self.count,
            records: self.records,
        }
    }
}

// ---------------------------------------------------------------------------
// Grouping

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum RawKey<'r> {
    Empty,
    Str(&'r str),
    Bool(bool),
    Date(NaiveDate),
}

enum Kind<'s> {
    Owner,
    Picklist(&'s [PicklistOption]),
    Lookup(&'s str),
    User,
    Bool,
    Text,
    Date(FieldRef<'s>, DateBucket),
}

struct Grouper<'s> {
    field: &'s str,
    kind: Kind<'s>,
}

impl<'s> Grouper<'s> {
    fn compile(module: &'s ModuleDef, g: &'s Grouping) -> Result<Self, ReportError> {
        let cannot = |f: &str| ReportError::CannotGroup(f.to_string());
        match g {
            Grouping::Owner => Ok(Grouper {
                field: OWNER,
                kind: Kind::Owner,
            }),
            Grouping::Field(f) if f == OWNER => Ok(Grouper {
                field: OWNER,
                kind: Kind::Owner,
            }),
            Grouping::Field(f) => {
                let def = module
                    .field(f)
                    .ok_or_else(|| ReportError::UnknownField(f.clone()))?;
                let kind = match &def.kind {
                    FieldKind::Picklist { options } | FieldKind::MultiSelect { options, .. } => {
                        Kind::Picklist(options)
                    }
                    FieldKind::Lookup { module, .. } => Kind::Lookup(module),
                    FieldKind::User | FieldKind::Users => Kind::User,
                    FieldKind::Checkbox => Kind::Bool,
                    FieldKind::SingleLine
                    | FieldKind::Email { .. }
                    | FieldKind::Phone { .. }
                    | FieldKind::Url
                    | FieldKind::Color => Kind::Text,
                    _ => return Err(cannot(f)),
                };
                Ok(Grouper { field: f, kind })
            }
            Grouping::Date(f, bucket) => {
                let r = match resolve(module, f)? {
                    FieldRef::Value(k) => match module.field(k).map(|d| &d.kind) {
                        Some(FieldKind::Date | FieldKind::DateTime) => FieldRef::Value(k),
                        _ => return Err(cannot(f)),
                    },
                    FieldRef::Owner => return Err(cannot(f)),
                    other => other,
                };
                Ok(Grouper {
                    field: f,
                    kind: Kind::Date(r, *bucket),
                })
            }
        }
    }

    /// The record's keys into `out` (cleared first): one, or one per list item.
    fn keys<'r>(&self, r: &'r Record, out: &mut Vec<RawKey<'r>>) {
        out.clear();
        match &self.kind {
            Kind::Owner => out.push(match r.owner.as_deref() {
                Some(o) if !o.trim().is_empty() => RawKey::Str(o),
                _ => RawKey::Empty,
            }),
            Kind::Date(f, bucket) => {
                let date = match f {
                    FieldRef::Created => DateTime::from_timestamp_millis(r.created_at),
                    FieldRef::Updated => DateTime::from_timestamp_millis(r.updated_at),
                    _ => None,
                }
                .map(|t| t.date_naive())
                .or_else(|| match f {
                    FieldRef::Value(k) => match r.get(k) {
                        Some(Value::Date(d)) => Some(*d),
                        Some(Value::DateTime(t)) => Some(t.date_naive()),
                        _ => None,
                    },
                    _ => None,
                });
                out.push(date.map_or(RawKey::Empty, |d| RawKey::Date(period_start(d, *bucket))));
            }
            _ => match r.get(self.field) {
                Some(Value::List(items)) => {
                    out.extend(
                        items
                            .iter()
                            .filter(|i| !i.trim().is_empty())
                            .map(|i| RawKey::Str(i.trim())),
                    );
                    if out.len() > 1 {
                        out.sort_unstable_by_key(|k| match k {
                            RawKey::Str(s) => *s,
                            _ => "",
                        });
                        out.dedup();
                    }
                }
                Some(Value::Bool(b)) => out.push(RawKey::Bool(*b)),
                Some(Value::Text(s) | Value::Ref(s)) if !s.trim().is_empty() => {
                    out.push(RawKey::Str(s.trim()))
                }
                _ => {}
            },
        }
        if out.is_empty() {
            out.push(match self.kind {
                // An unticked checkbox is stored as nothing or false: both are "no".
                Kind::Bool => RawKey::Bool(false),
                _ => RawKey::Empty,
            });
        }
    }

    fn key(&self, raw: RawKey) -> GroupKey {
        match (raw, &self.kind) {
            (RawKey::Empty, _) => GroupKey::Empty,
            (RawKey::Bool(b), _) => GroupKey::Bool(b),
            (RawKey::Date(d), Kind::Date(_, bucket)) => GroupKey::Period {
                start: d,
                bucket: *bucket,
            },
            (RawKey::Date(d), _) => GroupKey::Text(d.to_string()),
            (RawKey::Str(s), Kind::Picklist(_)) => GroupKey::Option {
                field: self.field.to_string(),
                value: s.to_string(),
            },
            (RawKey::Str(s), Kind::Lookup(m)) => GroupKey::Ref {
                module: m.to_string(),
                id: s.to_string(),
            },
            (RawKey::Str(s), Kind::Owner | Kind::User) => GroupKey::User(s.to_string()),
            (RawKey::Str(s), _) => GroupKey::Text(s.to_string()),
        }
    }

    /// Display order of one distinct key: (rank, number, text); empties last.
    fn order(&self, data: &Dataset, raw: RawKey) -> (u8, f64, String) {
        match raw {
            RawKey::Empty => (9, 0.0, String::new()),
            RawKey::Bool(b) => (0, if b { 0.0 } else { 1.0 }, String::new()),
            RawKey::Date(d) => (0, f64::from(d.num_days_from_ce()), String::new()),
            RawKey::Str(s) => match &self.kind {
                Kind::Picklist(options) => match options.iter().position(|o| o.value == s) {
                    Some(i) => (0, i as f64, String::new()),
                    None => (1, 0.0, fold(s)),
                },
                Kind::Lookup(m) => {
                    let title = fold(&data.title(m, s).unwrap_or_else(|| s.to_string()));
                    let position = data.get(m, s).and_then(|r| match r.get("position") {
                        Some(Value::Number(n)) => Some(*n),
                        _ => None,
                    });
                    match position {
                        Some(p) => (0, p, title),
                        None => (1, 0.0, title),
                    }
                }
                Kind::Owner | Kind::User => (
                    0,
                    0.0,
                    fold(&data.member_name(s).unwrap_or_else(|| s.to_string())),
                ),
                _ => (0, 0.0, fold(s)),
            },
        }
    }

    /// Distinct raw keys in display order, as (old index -> new index, keys).
    fn ordered(&self, data: &Dataset, raws: &[RawKey]) -> (Vec<usize>, Vec<GroupKey>) {
        let mut idx: Vec<(usize, (u8, f64, String))> = raws
            .iter()
            .enumerate()
            .map(|(i, r)| (i, self.order(data, *r)))
            .collect();
        idx.sort_by(|(ia, a), (ib, b)| {
            a.0.cmp(&b.0)
                .then(a.1.total_cmp(&b.1))
                .then_with(|| a.2.cmp(&b.2))
                .then_with(|| raw_text(raws[*ia]).cmp(raw_text(raws[*ib])))
        });
        let mut new_of = vec![0; raws.len()];
        for (new, (old, _)) in idx.iter().enumerate() {
            new_of[*old] = new;
        }
        let keys = idx.iter().map(|(old, _)| self.key(raws[*old])).collect();
        (new_of, keys)
    }
}

fn raw_text<'a>(r: RawKey<'a>) -> &'a str {
    match r {
        RawKey::Str(s) => s,
        _ => "",
    }
}

/// A group key held by a computation between its steps (a `RawKey` borrows the
/// record it came from, which a step cannot keep).
#[derive(Clone, PartialEq, Eq)]
enum OwnedKey {
    Empty,
    Str(String),
    Bool(bool),
    Date(NaiveDate),
}

impl OwnedKey {
    fn of(k: RawKey) -> Self {
        match k {
            RawKey::Empty => OwnedKey::Empty,
            RawKey::Str(s) => OwnedKey::Str(s.to_string()),
            RawKey::Bool(b) => OwnedKey::Bool(b),
            RawKey::Date(d) => OwnedKey::Date(d),
        }
    }

    fn raw(&self) -> RawKey<'_> {
        match self {
            OwnedKey::Empty => RawKey::Empty,
            OwnedKey::Str(s) => RawKey::Str(s),
            OwnedKey::Bool(b) => RawKey::Bool(*b),
            OwnedKey::Date(d) => RawKey::Date(*d),
        }
    }
}

/// Gives each distinct key a dense index, in order of first appearance. Found by the
/// borrowed key's hash, so a key already seen costs no copy.
#[derive(Default)]
struct Interner {
    by_hash: HashMap<u64, Vec<usize>>,
    keys: Vec<OwnedKey>,
}

impl Interner {
    fn id(&mut self, k: RawKey) -> usize {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        k.hash(&mut h);
        let bucket = self.by_hash.entry(h.finish()).or_default();
        if let Some(&i) = bucket.iter().find(|&&i| self.keys[i].raw() == k) {
            return i;
        }
        self.keys.push(OwnedKey::of(k));
        bucket.push(self.keys.len() - 1);
        self.keys.len() - 1
    }

    fn raws(&self) -> Vec<RawKey<'_>> {
        self.keys.iter().map(OwnedKey::raw).collect()
    }
}

// ---------------------------------------------------------------------------
// Run

/// A spec compiled against its module, for one step (it borrows the data).
struct Compiled<'a> {
    set: &'a RecordSet,
    filter: Filter<'a>,
    measurer: Measurer<'a>,
    sort: Option<(FieldRef<'a>, bool)>,
    rows_by: Option<Grouper<'a>>,
    cols_by: Option<Grouper<'a>>,
}

fn compile<'a>(data: &'a Dataset, spec: &'a ReportSpec) -> Result<Compiled<'a>, ReportError> {
    let set = data
        .set(&spec.module)
        .ok_or_else(|| ReportError::UnknownModule(spec.module.clone()))?;
    let module = &set.module;
    for c in &spec.columns {
        resolve(module, c)?;
    }
    let (rows_by, cols_by) = match &spec.kind {
        ReportKind::Tabular => (None, None),
        ReportKind::Summary(g) => (Some(Grouper::compile(module, g)?), None),
        ReportKind::Matrix { rows, cols } => (
            Some(Grouper::compile(module, rows)?),
            Some(Grouper::compile(module, cols)?),
        ),
    };
    Ok(Compiled {
        set,
        filter: Filter::compile(module, &spec.filter)?,
        measurer: Measurer::compile(module, &spec.measure)?,
        sort: match &spec.sort {
            Some((f, desc)) => Some((resolve(module, f)?, *desc)),
            None => None,
        },
        rows_by,
        cols_by,
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RunPhase {
    /// Slots of the module, in order, through the filter.
    Filter,
    /// The sort key of each matching record.
    SortKeys,
    /// The keyed records sorted, a bounded number per step.
    Sort,
    /// Totals and groups over the matching records, in their order.
    Group,
    Done,
}

/// A report run a slice of records at a time, so a page can give the browser a turn
/// between slices: `new` (which checks the spec), `step` until it says done, then
/// `finish`. The data must be the same at every step (a page abandons the run when it
/// changes). Each step resumes at a saved position (a slot, an index into the
/// matching records, a place in the sort), so it costs about its slice.
pub struct ReportWork {
    /// Shared, so a step's compiled spec can borrow it while the step fills the rest.
    spec: std::sync::Arc<ReportSpec>,
    phase: RunPhase,
    /// Next slot to filter, or next matching record to key or group.
    at: usize,
    matching: Vec<Slot>,
    keyed: KeyedRows,
    total: Acc,
    unconverted: usize,
    row_ids: Interner,
    col_ids: Interner,
    row_accs: Vec<Acc>,
    col_accs: Vec<Acc>,
    cells: HashMap<(usize, usize), Acc>,
}

impl ReportWork {
    /// Records a page's step takes: a turn runs steps until its time is used up.
    pub const SLICE: usize = 2_048;

    pub fn new(data: &Dataset, spec: &ReportSpec) -> Result<Self, ReportError> {
        compile(data, spec)?;
        Ok(ReportWork {
            spec: std::sync::Arc::new(spec.clone()),
            phase: RunPhase::Filter,
            at: 0,
            matching: Vec::new(),
            keyed: KeyedRows::default(),
            total: Acc::default(),
            unconverted: 0,
            row_ids: Interner::default(),
            col_ids: Interner::default(),
            row_accs: Vec::new(),
            col_accs: Vec::new(),
            cells: HashMap::new(),
        })
    }

    /// Takes up to `max_records` more records (at least one); true once `finish`
    /// gives the result.
    pub fn step(
        &mut self,
        data: &Dataset,
        rates: &ExchangeRates,
        max_records: usize,
    ) -> Result<bool, ReportError> {
        let mut budget = max_records.max(1);
        let spec = self.spec.clone();
        let c = compile(data, &spec)?;
        loop {
            match self.phase {
                RunPhase::Filter => {
                    let end = c.set.slot_count();
                    while self.at < end {
                        if budget == 0 {
                            return Ok(false);
                        }
                        budget -= 1;
                        let slot = self.at as Slot;
                        self.at += 1;
                        if c.set.at(slot).is_some_and(|r| c.filter.matches(r)) {
                            self.matching.push(slot);
                        }
                    }
                    self.phase = if c.sort.is_some() {
                        RunPhase::SortKeys
                    } else {
                        RunPhase::Group
                    };
                    self.at = 0;
                }
                RunPhase::SortKeys => {
                    let Some((field, _)) = c.sort else {
                        self.phase = RunPhase::Group;
                        continue;
                    };
                    let lookup = sort_lookup(&c.set.module, field);
                    while let Some(&slot) = self.matching.get(self.at) {
                        if budget == 0 {
                            return Ok(false);
                        }
                        budget -= 1;
                        self.at += 1;
                        let key = c
                            .set
                            .at(slot)
                            .and_then(|r| sort_key(data, lookup, r, field));
                        self.keyed.push(key, slot);
                    }
                    self.phase = RunPhase::Sort;
                }
                RunPhase::Sort => {
                    let desc = c.sort.is_some_and(|(_, d)| d);
                    let Some(slots) = self.keyed.sort_step(&mut budget, desc) else {
                        return Ok(false);
                    };
                    self.matching = slots;
                    self.phase = RunPhase::Group;
                    self.at = 0;
                }
                RunPhase::Group => {
                    if !self.group(&c, rates, &mut budget) {
                        return Ok(false);
                    }
                    self.phase = RunPhase::Done;
                }
                RunPhase::Done => return Ok(true),
            }
        }
    }

    fn group(&mut self, c: &Compiled, rates: &ExchangeRates, budget: &mut usize) -> bool {
        let (mut rbuf, mut cbuf, mut rids) = (Vec::new(), Vec::new(), Vec::new());
        while let Some(&slot) = self.matching.get(self.at) {
            if *budget == 0 {
                return false;
            }
            *budget -= 1;
            self.at += 1;
            let Some(r) = c.set.at(slot) else { continue };
            let a = c.measurer.amount(r, rates);
            if matches!(a, Amount::Unconverted) {
                self.unconverted += 1;
            }
            // The total keeps no records: `rows` lists them.
            self.total.count_in(a);
            let Some(g) = &c.rows_by else { continue };
            g.keys(r, &mut rbuf);
            rids.clear();
            for k in &rbuf {
                let id = self.row_ids.id(*k);
                if id == self.row_accs.len() {
                    self.row_accs.push(Acc::default());
                }
                self.row_accs[id].add(slot, a);
                rids.push(id);
            }
            let Some(cg) = &c.cols_by else { continue };
            cg.keys(r, &mut cbuf);
            for k in &cbuf {
                let cid = self.col_ids.id(*k);
                if cid == self.col_accs.len() {
                    self.col_accs.push(Acc::default());
                }
                self.col_accs[cid].add(slot, a);
                for &rid in &rids {
                    self.cells.entry((rid, cid)).or_default().add(slot, a);
                }
            }
        }
        true
    }

    /// The result: groups and matrix in display order. Only complete once `step`
    /// said so.
    pub fn finish(self, data: &Dataset) -> Result<ReportResult, ReportError> {
        let spec = self.spec.clone();
        let c = compile(data, &spec)?;
        let measurer = &c.measurer;
        let mut result = ReportResult {
            total: self.total.value(measurer),
            total_too_large: self.total.too_large,
            unconverted: self.unconverted,
            ..Default::default()
        };
        match (&c.rows_by, &c.cols_by) {
            (Some(g), None) => {
                let (new_of, keys) = g.ordered(data, &self.row_ids.raws());
                let mut cells: Vec<Cell> = vec![Cell::default(); keys.len()];
                for (old, acc) in self.row_accs.into_iter().enumerate() {
                    cells[new_of[old]] = acc.cell(measurer);
                }
                result.groups = keys
                    .into_iter()
                    .zip(cells)
                    .map(|(key, c)| Group {
                        key,
                        count: c.count,
                        value: c.value,
                        too_large: c.too_large,
                        records: c.records,
                    })
                    .collect();
            }
            (Some(rg), Some(cg)) => {
                let (row_new, row_keys) = rg.ordered(data, &self.row_ids.raws());
                let (col_new, col_keys) = cg.ordered(data, &self.col_ids.raws());
                let mut grid: Vec<Vec<Cell>> =
                    vec![vec![Cell::default(); col_keys.len()]; row_keys.len()];
                for ((r, c), acc) in self.cells {
                    grid[row_new[r]][col_new[c]] = acc.cell(measurer);
                }
                let mut row_totals = vec![Cell::default(); row_keys.len()];
                for (old, acc) in self.row_accs.into_iter().enumerate() {
                    row_totals[row_new[old]] = acc.cell(measurer);
                }
                let mut col_totals = vec![Cell::default(); col_keys.len()];
                for (old, acc) in self.col_accs.into_iter().enumerate() {
                    col_totals[col_new[old]] = acc.cell(measurer);
                }
                result.matrix = Some(Matrix {
                    row_keys,
                    col_keys,
                    cells: grid,
                    row_totals,
                    col_totals,
                    grand_total: Cell {
                        count: self.total.count,
                        value: result.total,
                        too_large: result.total_too_large,
                        records: self.matching.clone(),
                    },
                });
            }
            _ => {}
        }
        result.rows = self.matching;
        Ok(result)
    }
}

/// Runs `spec` over `data` in one go (a page steps `ReportWork` instead).
pub fn run(
    data: &Dataset,
    spec: &ReportSpec,
    rates: &ExchangeRates,
) -> Result<ReportResult, ReportError> {
    let mut work = ReportWork::new(data, spec)?;
    while !work.step(data, rates, usize::MAX)? {}
    work.finish(data)
}

/// The module a sort field looks up, whose titles it sorts by.
fn sort_lookup<'m>(module: &'m ModuleDef, field: FieldRef) -> Option<&'m str> {
    match field {
        FieldRef::Value(k) => match module.field(k).map(|d| &d.kind) {
            Some(FieldKind::Lookup { module, .. }) => Some(module.as_str()),
            _ => None,
        },
        _ => None,
    }
}

/// A record's sort key, computed once per row, never per comparison.
fn sort_key(data: &Dataset, lookup: Option<&str>, r: &Record, field: FieldRef) -> Option<SortKey> {
    let v = value_of(r, field).filter(|v| !v.is_empty());
    match (lookup, v.as_deref()) {
        (Some(target), Some(Value::Ref(id))) => {
            data.title(target, id).map(|t| SortKey::Text(fold(&t)))
        }
        (_, v) => v.map(Value::sort_key),
    }
}

// ---------------------------------------------------------------------------
// CSV

/// The column titles of a report's CSV, for the UI to word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvHeader<'a> {
    /// A chosen column of a tabular report (a field key or pseudo-field).
    Field(&'a str),
    /// The group column of a summary or the row-label column of a matrix.
    Group,
    Count,
    /// The measure's column.
    Measure,
    /// The total column and the total row of a matrix.
    Total,
}

/// What the report shows, as CSV (UTF-8 with BOM, CRLF lines), every cell neutralised
/// against spreadsheet formulas. `cell` words a record's value of a column; `label`
/// words a group key. Measure values are written as plain numbers.
pub fn to_csv(
    data: &Dataset,
    spec: &ReportSpec,
    result: &ReportResult,
    header: &dyn Fn(CsvHeader) -> String,
    label: &dyn Fn(&GroupKey) -> String,
    cell: &dyn Fn(&Record, &str) -> String,
) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let num = |v: Option<f64>| v.map(format_number).unwrap_or_default();
    let mut line = |cells: Vec<String>| {
        // Writing into memory cannot fail.
        let _ = w.write_record(cells.iter().map(|c| neutralise(c)));
    };
    match (&spec.kind, &result.matrix) {
        (ReportKind::Matrix { .. }, Some(m)) => {
            let mut head = vec![header(CsvHeader::Group)];
            head.extend(m.col_keys.iter().map(label));
            head.push(header(CsvHeader::Total));
            line(head);
            for (i, key) in m.row_keys.iter().enumerate() {
                let mut row = vec![label(key)];
                row.extend(m.cells[i].iter().map(|c| num(c.value)));
                row.push(num(m.row_totals[i].value));
                line(row);
            }
            let mut foot = vec![header(CsvHeader::Total)];
            foot.extend(m.col_totals.iter().map(|c| num(c.value)));
            foot.push(num(m.grand_total.value));
            line(foot);
        }
        (ReportKind::Summary(_), _) => {
            let with_measure = !matches!(spec.measure, Measure::Count);
            let mut head = vec![header(CsvHeader::Group), header(CsvHeader::Count)];
            if with_measure {
                head.push(header(CsvHeader::Measure));
            }
            line(head);
            for g in &result.groups {
                let mut row = vec![label(&g.key), g.count.to_string()];
                if with_measure {
                    row.push(num(g.value));
                }
                line(row);
            }
            let mut foot = vec![header(CsvHeader::Total), result.rows.len().to_string()];
            if with_measure {
                foot.push(num(result.total));
            }
            line(foot);
        }
        _ => {
            line(
                spec.columns
                    .iter()
                    .map(|c| header(CsvHeader::Field(c)))
                    .collect(),
            );
            if let Some(set) = data.set(&spec.module) {
                for r in result.rows.iter().filter_map(|s| set.at(*s)) {
                    line(spec.columns.iter().map(|c| cell(r, c)).collect());
                }
            }
        }
    }
    let bytes = w.into_inner().unwrap_or_default();
    format!("\u{FEFF}{}", String::from_utf8(bytes).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sales_modules::{DEALS, PIPELINES, STAGES};
    use crate::domain::standard_modules::{standard_schema, COMPANIES, CONTACTS};
    use crate::domain::value::Money;
    use crate::domain::FieldValues;
    use std::str::FromStr;

    const DAY: i64 = 86_400_000;
    /// 2024-01-01T00:00Z.
    const JAN_1: i64 = 1_704_067_200_000;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn money(amount: &str, currency: &str) -> Value {
        Value::Money(Box::new(Money {
            amount: Decimal::from_str(amount).unwrap(),
            currency: currency.into(),
        }))
    }

    fn text(s: &str) -> Value {
        Value::Text(s.into())
    }

    fn stage(id: &str, name: &str, position: f64) -> Record {
        let v: FieldValues = [
            ("name".to_string(), text(name)),
            ("pipeline".to_string(), Value::Ref("p".into())),
            ("position".to_string(), Value::Number(position)),
        ]
        .into();
        Record::new(id.into(), STAGES, 0, None, v)
    }

    /// Six deals, created on 2 … 7 January 2024:
    ///
    /// | id | title         | amount   | priority | stage | close      | owner | prob |
    /// |----|---------------|----------|----------|-------|------------|-------|------|
    /// | d1 | Alpha         | 1000 EUR | high     | won   | 2024-01-15 | ann   | 10   |
    /// | d2 | Beta          | 400 USD  | low      | open  | 2024-02-04 | bob   | 50   |
    /// | d3 | Gamma         | 999 JPY  | medium   | won   | 2024-04-01 | ann   |      |
    /// | d4 | Delta         |          | high     | won   | 2024-05-10 | bob   |      |
    /// | d5 | =HYPERLINK(x) | 300 EUR  |          | lost  |            |       |      |
    /// | d6 | Eps           | 600 EUR  | low      | won   | 2024-04-20 | ann   |      |
    ///
    /// Base EUR, 1 USD = 0.5 EUR, no JPY rate: in EUR 1000, 200, —, —, 300, 600.
    fn data() -> Dataset {
        let mut ds = Dataset::new(standard_schema());
        ds.upsert(Record::new(
            "p".into(),
            PIPELINES,
            0,
            None,
            [("name".to_string(), text("Sales"))].into(),
        ));
        // Titles sort "Closed lost", "Closed won", "Qualify"; positions the other way.
        ds.upsert(stage("s_open", "Qualify", 1.0));
        ds.upsert(stage("s_won", "Closed won", 3.0));
        ds.upsert(stage("s_lost", "Closed lost", 4.0));
        type Row<'a> = (
            &'a str,
            &'a str,
            Option<Value>,
            Option<&'a str>,
            &'a str,
            Option<&'a str>,
            Option<&'a str>,
            Option<f64>,
        );
        let rows: Vec<Row> = vec![
            (
                "d1",
                "Alpha",
                Some(money("1000", "EUR")),
                Some("high"),
                "s_won",
                Some("2024-01-15"),
                Some("ann"),
                Some(10.0),
            ),
            (
                "d2",
                "Beta",
                Some(money("400", "USD")),
                Some("low"),
                "s_open",
                Some("2024-02-04"),
                Some("bob"),
                Some(50.0),
            ),
            (
                "d3",
                "Gamma",
                Some(money("999", "JPY")),
                Some("medium"),
                "s_won",
                Some("2024-04-01"),
                Some("ann"),
                None,
            ),
            (
                "d4",
                "Delta",
                None,
                Some("high"),
                "s_won",
                Some("2024-05-10"),
                Some("bob"),
                None,
            ),
            (
                "d5",
                "=HYPERLINK(x)",
                Some(money("300", "EUR")),
                None,
                "s_lost",
                None,
                None,
                None,
            ),
            (
                "d6",
                "Eps",
                Some(money("600", "EUR")),
                Some("low"),
                "s_won",
                Some("2024-04-20"),
                Some("ann"),
                None,
            ),
        ];
        for (i, (id, title, amount, priority, stage, close, owner, prob)) in
            rows.into_iter().enumerate()
        {
            let mut v: FieldValues = [
                ("title".to_string(), text(title)),
                ("pipeline".to_string(), Value::Ref("p".into())),
                ("stage".to_string(), Value::Ref(stage.into())),
            ]
            .into();
            if let Some(a) = amount {
                v.insert("amount", a);
            }
            if let Some(p) = priority {
                v.insert("priority", text(p));
            }
            if let Some(c) = close {
                v.insert("expected_close", Value::Date(d(c)));
            }
            if let Some(p) = prob {
                v.insert("probability", Value::Number(p));
            }
            let now = JAN_1 + (i as i64 + 1) * DAY;
            ds.upsert(Record::new(
                id.into(),
                DEALS,
                now,
                owner.map(str::to_string),
                v,
            ));
        }
        ds
    }

    fn rates() -> ExchangeRates {
        ExchangeRates {
            base: "EUR".into(),
            rates: [("USD".to_string(), Decimal::from_str("0.5").unwrap())].into(),
        }
    }

    fn spec(kind: ReportKind, measure: Measure) -> ReportSpec {
        ReportSpec {
            module: DEALS.into(),
            columns: vec!["title".into(), "amount".into()],
            filter: FilterGroup::default(),
            sort: None,
            kind,
            measure,
        }
    }

    fn cond(field: &str, operator: &str, value: &str) -> Condition {
        Condition {
            field: field.into(),
            operator: operator.into(),
            value: value.into(),
        }
    }

    fn group(any: bool, conditions: Vec<Condition>, groups: Vec<FilterGroup>) -> FilterGroup {
        FilterGroup {
            any,
            conditions,
            groups,
        }
    }

    fn ids(ds: &Dataset, slots: &[Slot]) -> Vec<String> {
        let set = ds.set(DEALS).unwrap();
        slots
            .iter()
            .map(|s| set.at(*s).unwrap().id.clone())
            .collect()
    }

    fn filtered(ds: &Dataset, filter: FilterGroup) -> Vec<String> {
        let mut s = spec(ReportKind::Tabular, Measure::Count);
        s.filter = filter;
        ids(ds, &run(ds, &s, &rates()).unwrap().rows)
    }

    fn summary(ds: &Dataset, g: Grouping, m: Measure) -> Vec<(GroupKey, usize, Option<f64>)> {
        run(ds, &spec(ReportKind::Summary(g), m), &rates())
            .unwrap()
            .groups
            .into_iter()
            .map(|g| (g.key, g.count, g.value))
            .collect()
    }

    fn option(value: &str) -> GroupKey {
        GroupKey::Option {
            field: "priority".into(),
            value: value.into(),
        }
    }

    fn period(start: &str, bucket: DateBucket) -> GroupKey {
        GroupKey::Period {
            start: d(start),
            bucket,
        }
    }

    #[test]
    fn periods_start_on_monday_month_quarter_and_year() {
        // 2024-02-04 is a Sunday: its ISO week began on Monday 29 January.
        assert_eq!(
            period_start(d("2024-02-04"), DateBucket::Week),
            d("2024-01-29")
        );
        assert_eq!(
            period_start(d("2024-01-29"), DateBucket::Week),
            d("2024-01-29")
        );
        assert_eq!(
            period_start(d("2024-01-01"), DateBucket::Week),
            d("2024-01-01")
        );
        assert_eq!(
            period_start(d("2024-02-29"), DateBucket::Month),
            d("2024-02-01")
        );
        assert_eq!(
            period_start(d("2024-06-30"), DateBucket::Quarter),
            d("2024-04-01")
        );
        assert_eq!(
            period_start(d("2024-12-31"), DateBucket::Quarter),
            d("2024-10-01")
        );
        assert_eq!(
            period_start(d("2024-12-31"), DateBucket::Year),
            d("2024-01-01")
        );
    }

    #[test]
    fn filters_and_or_and_nested_groups() {
        let ds = data();
        assert_eq!(
            filtered(&ds, FilterGroup::default()),
            ["d1", "d2", "d3", "d4", "d5", "d6"],
            "an empty group matches everything"
        );
        let and = group(
            false,
            vec![cond("priority", "is", "high"), cond("owner", "is", "bob")],
            vec![],
        );
        assert_eq!(filtered(&ds, and), ["d4"]);
        let or = group(
            true,
            vec![cond("priority", "is", "low"), cond("stage", "is", "s_lost")],
            vec![],
        );
        assert_eq!(filtered(&ds, or), ["d2", "d5", "d6"]);
        // ann's deals that are high priority or close on or after 15 April.
        let nested = group(
            false,
            vec![cond("owner", "is", "ann")],
            vec![group(
                true,
                vec![
                    cond("priority", "is", "high"),
                    cond("expected_close", "on_or_after", "2024-04-15"),
                ],
                vec![],
            )],
        );
        assert_eq!(filtered(&ds, nested), ["d1", "d6"]);
        let created = group(
            false,
            vec![cond("created_at", "on_or_after", "2024-01-05")],
            vec![],
        );
        assert_eq!(filtered(&ds, created), ["d4", "d5", "d6"]);
        let before = group(
            false,
            vec![cond("expected_close", "on_or_before", "2024-02-04")],
            vec![],
        );
        assert_eq!(filtered(&ds, before), ["d1", "d2"]);
        let no_owner = group(false, vec![cond("owner", "is_empty", "")], vec![]);
        assert_eq!(filtered(&ds, no_owner), ["d5"]);
    }

    #[test]
    fn count_sum_and_average_convert_money_and_skip_empties() {
        let ds = data();
        let r = run(&ds, &spec(ReportKind::Tabular, Measure::Count), &rates()).unwrap();
        assert_eq!(r.total, Some(6.0));
        assert_eq!(r.unconverted, 0, "a count converts nothing");
        let sum = run(
            &ds,
            &spec(ReportKind::Tabular, Measure::Sum("amount".into())),
            &rates(),
        )
        .unwrap();
        // 1000 + 400 × 0.5 + 300 + 600; the yen deal has no rate, d4 no amount.
        assert_eq!(sum.total, Some(2100.0));
        assert_eq!(sum.unconverted, 1);
        let avg = run(
            &ds,
            &spec(ReportKind::Tabular, Measure::Avg("amount".into())),
            &rates(),
        )
        .unwrap();
        assert_eq!(
            avg.total,
            Some(525.0),
            "2100 over the four deals with an amount"
        );
        let prob = run(
            &ds,
            &spec(ReportKind::Tabular, Measure::Avg("probability".into())),
            &rates(),
        )
        .unwrap();
        assert_eq!(
            prob.total,
            Some(30.0),
            "(10 + 50) / 2: empties are left out"
        );
        let mut none = spec(ReportKind::Tabular, Measure::Sum("amount".into()));
        none.filter = group(false, vec![cond("title", "is", "Delta")], vec![]);
        assert_eq!(run(&ds, &none, &rates()).unwrap().total, None);
    }

    #[test]
    fn summary_by_picklist_follows_option_order_with_empty_last() {
        let ds = data();
        assert_eq!(
            summary(
                &ds,
                Grouping::Field("priority".into()),
                Measure::Sum("amount".into())
            ),
            vec![
                (option("low"), 2, Some(800.0)),
                (option("medium"), 1, None),
                (option("high"), 2, Some(1000.0)),
                (GroupKey::Empty, 1, Some(300.0)),
            ]
        );
        let r = run(
            &ds,
            &spec(
                ReportKind::Summary(Grouping::Field("priority".into())),
                Measure::Count,
            ),
            &rates(),
        )
        .unwrap();
        assert_eq!(ids(&ds, &r.groups[0].records), ["d2", "d6"], "drill-down");
        let counted: usize = r.groups.iter().map(|g| g.count).sum();
        assert_eq!(counted, 6);
    }

    #[test]
    fn summary_by_owner_and_by_stage_position() {
        let ds = data();
        assert_eq!(
            summary(&ds, Grouping::Owner, Measure::Sum("amount".into())),
            vec![
                (GroupKey::User("ann".into()), 3, Some(1600.0)),
                (GroupKey::User("bob".into()), 2, Some(200.0)),
                (GroupKey::Empty, 1, Some(300.0)),
            ]
        );
        let stage = |id: &str| GroupKey::Ref {
            module: STAGES.into(),
            id: id.into(),
        };
        assert_eq!(
            summary(&ds, Grouping::Field("stage".into()), Measure::Count),
            vec![
                (stage("s_open"), 1, Some(1.0)),
                (stage("s_won"), 4, Some(4.0)),
                (stage("s_lost"), 1, Some(1.0)),
            ],
            "by position, not by title"
        );
    }

    #[test]
    fn summary_by_month_quarter_and_week() {
        let ds = data();
        let by = |b| {
            summary(
                &ds,
                Grouping::Date("expected_close".into(), b),
                Measure::Sum("amount".into()),
            )
        };
        use DateBucket::*;
        assert_eq!(
            by(Month),
            vec![
                (period("2024-01-01", Month), 1, Some(1000.0)),
                (period("2024-02-01", Month), 1, Some(200.0)),
                (period("2024-04-01", Month), 2, Some(600.0)),
                (period("2024-05-01", Month), 1, None),
                (GroupKey::Empty, 1, Some(300.0)),
            ]
        );
        assert_eq!(
            by(Quarter),
            vec![
                (period("2024-01-01", Quarter), 2, Some(1200.0)),
                (period("2024-04-01", Quarter), 3, Some(600.0)),
                (GroupKey::Empty, 1, Some(300.0)),
            ]
        );
        assert_eq!(
            by(Week),
            vec![
                (period("2024-01-15", Week), 1, Some(1000.0)),
                // Sunday 4 February belongs to the week of Monday 29 January.
                (period("2024-01-29", Week), 1, Some(200.0)),
                (period("2024-04-01", Week), 1, None),
                (period("2024-04-15", Week), 1, Some(600.0)),
                (period("2024-05-06", Week), 1, None),
                (GroupKey::Empty, 1, Some(300.0)),
            ]
        );
        assert_eq!(
            summary(
                &ds,
                Grouping::Date("created_at".into(), Year),
                Measure::Count
            ),
            vec![(period("2024-01-01", Year), 6, Some(6.0))]
        );
    }

    #[test]
    fn multi_select_values_each_make_a_group() {
        let mut ds = data();
        for (id, tags) in [
            ("c1", vec!["vip", "retail"]),
            ("c2", vec!["vip"]),
            ("c3", vec![]),
        ] {
            let mut v: FieldValues = [("name".to_string(), text(id))].into();
            v.insert(
                "tags",
                Value::List(tags.into_iter().map(String::from).collect()),
            );
            ds.upsert(Record::new(id.into(), COMPANIES, 0, None, v));
        }
        let mut s = spec(
            ReportKind::Summary(Grouping::Field("tags".into())),
            Measure::Count,
        );
        s.module = COMPANIES.into();
        s.columns = vec!["name".into()];
        let tag = |t: &str| GroupKey::Option {
            field: "tags".into(),
            value: t.into(),
        };
        let groups: Vec<(GroupKey, usize)> = run(&ds, &s, &rates())
            .unwrap()
            .groups
            .into_iter()
            .map(|g| (g.key, g.count))
            .collect();
        assert_eq!(
            groups,
            vec![(tag("retail"), 1), (tag("vip"), 2), (GroupKey::Empty, 1)]
        );
    }

    #[test]
    fn checkboxes_group_yes_then_no_and_an_unset_box_is_no() {
        let mut ds = data();
        for (id, flag) in [("a", Some(true)), ("b", Some(false)), ("c", None)] {
            let mut v: FieldValues = [("last_name".to_string(), text(id))].into();
            if let Some(f) = flag {
                v.insert("do_not_contact", Value::Bool(f));
            }
            ds.upsert(Record::new(id.into(), CONTACTS, 0, None, v));
        }
        let mut s = spec(
            ReportKind::Summary(Grouping::Field("do_not_contact".into())),
            Measure::Count,
        );
        s.module = CONTACTS.into();
        s.columns = vec![];
        let groups: Vec<(GroupKey, usize)> = run(&ds, &s, &rates())
            .unwrap()
            .groups
            .into_iter()
            .map(|g| (g.key, g.count))
            .collect();
        assert_eq!(
            groups,
            vec![(GroupKey::Bool(true), 1), (GroupKey::Bool(false), 2)]
        );
    }

    fn won_by_owner_and_quarter() -> ReportSpec {
        let mut s = spec(
            ReportKind::Matrix {
                rows: Grouping::Owner,
                cols: Grouping::Date("expected_close".into(), DateBucket::Quarter),
            },
            Measure::Sum("amount".into()),
        );
        s.filter = group(false, vec![cond("stage", "is", "s_won")], vec![]);
        s.sort = Some(("expected_close".into(), true));
        s
    }

    #[test]
    fn matrix_of_won_amount_per_owner_per_quarter_adds_up() {
        let ds = data();
        let r = run(&ds, &won_by_owner_and_quarter(), &rates()).unwrap();
        let m = r.matrix.unwrap();
        assert_eq!(
            m.row_keys,
            [GroupKey::User("ann".into()), GroupKey::User("bob".into())]
        );
        use DateBucket::Quarter;
        assert_eq!(
            m.col_keys,
            [period("2024-01-01", Quarter), period("2024-04-01", Quarter)]
        );
        let cell = |r: usize, c: usize| (m.cells[r][c].count, m.cells[r][c].value);
        assert_eq!(cell(0, 0), (1, Some(1000.0)));
        assert_eq!(cell(0, 1), (2, Some(600.0)), "d6; d3 has no yen rate");
        assert_eq!(cell(1, 0), (0, None));
        assert_eq!(cell(1, 1), (1, None), "d4 has no amount");
        assert_eq!(
            ids(&ds, &m.cells[0][1].records),
            ["d6", "d3"],
            "in sort order"
        );
        let totals = |cells: &[Cell]| cells.iter().map(|c| (c.count, c.value)).collect::<Vec<_>>();
        assert_eq!(totals(&m.row_totals), [(3, Some(1600.0)), (1, None)]);
        assert_eq!(totals(&m.col_totals), [(1, Some(1000.0)), (3, Some(600.0))]);
        assert_eq!(
            (m.grand_total.count, m.grand_total.value),
            (4, Some(1600.0))
        );
        assert_eq!(r.total, Some(1600.0));
        assert_eq!(r.unconverted, 1);
    }

    #[test]
    fn sums_beyond_a_decimal_are_too_large_apart_from_unconverted_and_others_stay() {
        let mut ds = data();
        // Two deals of the largest amount a decimal holds (stored before amounts were
        // bounded), both ann's.
        for id in ["h1", "h2"] {
            let mut r = ds.get(DEALS, "d1").unwrap().clone();
            r.id = id.into();
            r.values
                .insert("amount", money("79228162514264337593543950335", "EUR"));
            ds.upsert(r);
        }
        let by_owner = spec(
            ReportKind::Summary(Grouping::Owner),
            Measure::Sum("amount".into()),
        );
        let r = run(&ds, &by_owner, &rates()).unwrap();
        assert_eq!((r.total, r.total_too_large), (None, true));
        assert_eq!(r.unconverted, 1, "the yen deal only");
        let groups: Vec<_> = r
            .groups
            .iter()
            .map(|g| (g.key.clone(), g.value, g.too_large))
            .collect();
        assert_eq!(
            groups,
            [
                (GroupKey::User("ann".into()), None, true),
                // 400 USD × 0.5: untouched by the others' overflow.
                (GroupKey::User("bob".into()), Some(200.0), false),
                (GroupKey::Empty, Some(300.0), false),
            ]
        );
        // An average is no more computable; a count still is.
        let avg = run(
            &ds,
            &spec(ReportKind::Tabular, Measure::Avg("amount".into())),
            &rates(),
        )
        .unwrap();
        assert_eq!((avg.total, avg.total_too_large), (None, true));
        let n = run(&ds, &spec(ReportKind::Tabular, Measure::Count), &rates()).unwrap();
        assert_eq!((n.total, n.total_too_large), (Some(8.0), false));
        // One amount that is too large once converted: too large, not unconverted.
        let mut one = data();
        let mut r = one.get(DEALS, "d2").unwrap().clone();
        r.values
            .insert("amount", money("79228162514264337593543950335", "USD"));
        one.upsert(r);
        let doubling = ExchangeRates {
            base: "EUR".into(),
            rates: [("USD".to_string(), Decimal::from(2))].into(),
        };
        let matrix = spec(
            ReportKind::Matrix {
                rows: Grouping::Owner,
                cols: Grouping::Field("priority".into()),
            },
            Measure::Sum("amount".into()),
        );
        let r = run(&one, &matrix, &doubling).unwrap();
        assert_eq!(r.unconverted, 1);
        let m = r.matrix.unwrap();
        assert!(m.grand_total.too_large && m.grand_total.value.is_none());
        let too_large = m.cells.iter().flatten().filter(|c| c.too_large).count();
        assert_eq!(too_large, 1, "only the cell holding d2");
        assert!(m
            .row_totals
            .iter()
            .any(|c| c.value.is_some() && !c.too_large));
    }

    #[test]
    fn sorting_descending_keeps_empties_last() {
        let ds = data();
        let mut s = spec(ReportKind::Tabular, Measure::Count);
        s.sort = Some(("expected_close".into(), true));
        assert_eq!(
            ids(&ds, &run(&ds, &s, &rates()).unwrap().rows),
            ["d4", "d6", "d3", "d2", "d1", "d5"]
        );
        s.sort = Some(("probability".into(), false));
        assert_eq!(
            ids(&ds, &run(&ds, &s, &rates()).unwrap().rows),
            ["d1", "d2", "d3", "d4", "d5", "d6"]
        );
        s.sort = Some(("probability".into(), true));
        assert_eq!(
            ids(&ds, &run(&ds, &s, &rates()).unwrap().rows),
            ["d2", "d1", "d3", "d4", "d5", "d6"]
        );
        s.sort = Some(("stage".into(), false));
        assert_eq!(
            ids(&ds, &run(&ds, &s, &rates()).unwrap().rows),
            ["d5", "d1", "d3", "d4", "d6", "d2"],
            "lookups sort by the linked title"
        );
    }

    #[test]
    fn errors_name_the_problem() {
        let ds = data();
        let r = &rates();
        let mut s = spec(ReportKind::Tabular, Measure::Count);
        s.filter = group(false, vec![cond("colour", "is", "red")], vec![]);
        assert_eq!(
            run(&ds, &s, r),
            Err(ReportError::UnknownField("colour".into()))
        );
        let mut s = spec(ReportKind::Tabular, Measure::Count);
        s.columns.push("nope".into());
        assert_eq!(
            run(&ds, &s, r),
            Err(ReportError::UnknownField("nope".into()))
        );
        let s = spec(ReportKind::Tabular, Measure::Sum("title".into()));
        assert_eq!(
            run(&ds, &s, r),
            Err(ReportError::NotANumber("title".into()))
        );
        let s = spec(
            ReportKind::Summary(Grouping::Field("description".into())),
            Measure::Count,
        );
        assert_eq!(
            run(&ds, &s, r),
            Err(ReportError::CannotGroup("description".into()))
        );
        let s = spec(
            ReportKind::Summary(Grouping::Date("title".into(), DateBucket::Month)),
            Measure::Count,
        );
        assert_eq!(
            run(&ds, &s, r),
            Err(ReportError::CannotGroup("title".into()))
        );
        let mut s = spec(ReportKind::Tabular, Measure::Count);
        s.module = "widgets".into();
        assert_eq!(
            run(&ds, &s, r),
            Err(ReportError::UnknownModule("widgets".into()))
        );
        assert_eq!(
            ReportError::NotANumber("title".into()).to_string(),
            "not a number field: title"
        );
    }

    #[test]
    fn a_spec_round_trips_through_json() {
        let s = won_by_owner_and_quarter();
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains(r#""operator":"is""#), "{json}");
        assert_eq!(serde_json::from_str::<ReportSpec>(&json).unwrap(), s);
        let minimal: ReportSpec =
            serde_json::from_str(r#"{"module":"deals","kind":"tabular","measure":"count"}"#)
                .unwrap();
        assert_eq!(minimal.filter, FilterGroup::default());
    }

    fn label(k: &GroupKey) -> String {
        match k {
            GroupKey::Empty => "(none)".into(),
            GroupKey::Option { value, .. } => value.clone(),
            GroupKey::User(u) => u.clone(),
            GroupKey::Period { start, .. } => start.to_string(),
            other => format!("{other:?}"),
        }
    }

    fn header(h: CsvHeader) -> String {
        match h {
            CsvHeader::Field(f) => f.to_string(),
            other => format!("{other:?}"),
        }
    }

    fn cell(r: &Record, field: &str) -> String {
        r.get(field).map(Value::to_plain).unwrap_or_default()
    }

    #[test]
    fn csv_of_table_summary_and_matrix_with_formulas_neutralised() {
        let ds = data();
        let mut s = spec(ReportKind::Tabular, Measure::Count);
        s.filter = group(
            true,
            vec![cond("title", "is", "Alpha"), cond("stage", "is", "s_lost")],
            vec![],
        );
        let r = run(&ds, &s, &rates()).unwrap();
        assert_eq!(
            to_csv(&ds, &s, &r, &header, &label, &cell),
            "\u{FEFF}title,amount\r\nAlpha,1000 EUR\r\n'=HYPERLINK(x),300 EUR\r\n"
        );
        let s = spec(
            ReportKind::Summary(Grouping::Field("priority".into())),
            Measure::Avg("amount".into()),
        );
        let r = run(&ds, &s, &rates()).unwrap();
        assert_eq!(
            to_csv(&ds, &s, &r, &header, &label, &cell),
            "\u{FEFF}Group,Count,Measure\r\nlow,2,400\r\nmedium,1,\r\nhigh,2,1000\r\n\
             (none),1,300\r\nTotal,6,525\r\n"
        );
        let s = won_by_owner_and_quarter();
        let r = run(&ds, &s, &rates()).unwrap();
        assert_eq!(
            to_csv(&ds, &s, &r, &header, &label, &cell),
            "\u{FEFF}Group,2024-01-01,2024-04-01,Total\r\nann,1000,600,1600\r\nbob,,,\r\n\
             Total,1000,600,1600\r\n"
        );
    }

    /// Every spec below, over `ds`, gives the one-shot result stepped 1, 7 or many
    /// records at a time.
    fn stepping_matches(ds: &Dataset) {
        let by_stage = Grouping::Field("stage".into());
        let by_month = Grouping::Date(CREATED_AT.into(), DateBucket::Month);
        let mut specs = vec![
            spec(ReportKind::Tabular, Measure::Count),
            spec(
                ReportKind::Summary(by_stage.clone()),
                Measure::Sum("amount".into()),
            ),
            spec(
                ReportKind::Summary(by_month.clone()),
                Measure::Avg("amount".into()),
            ),
            spec(
                ReportKind::Matrix {
                    rows: Grouping::Owner,
                    cols: by_stage.clone(),
                },
                Measure::Count,
            ),
        ];
        let mut sorted = spec(ReportKind::Summary(by_month), Measure::Count);
        sorted.sort = Some(("amount".into(), true));
        specs.push(sorted);
        let mut by_lookup = spec(ReportKind::Tabular, Measure::Sum("amount".into()));
        by_lookup.sort = Some(("stage".into(), false));
        by_lookup.filter = group(true, vec![cond("amount", "is_not_empty", "")], vec![]);
        specs.push(by_lookup);
        for s in &specs {
            let whole = run(ds, s, &rates()).unwrap();
            for slice in [1, 7, 1_000_000] {
                let mut work = ReportWork::new(ds, s).unwrap();
                let mut steps = 1;
                while !work.step(ds, &rates(), slice).unwrap() {
                    steps += 1;
                }
                if slice == 1 && ds.set(DEALS).is_some_and(|d| d.len() > 1) {
                    assert!(steps > 1);
                }
                assert_eq!(work.finish(ds).unwrap(), whole, "slice {slice}: {s:?}");
            }
        }
    }

    #[test]
    fn a_report_run_in_steps_gives_the_one_shot_result() {
        stepping_matches(&data());
        stepping_matches(&Dataset::new(standard_schema()));
        let now = JAN_1 + 400 * DAY;
        let mut sample = Dataset::new(standard_schema());
        for r in crate::domain::pipeline_records::default_pipeline_records(1, &|k| k.to_string()) {
            sample.upsert(r);
        }
        for r in crate::domain::sample::sample_records(now) {
            sample.upsert(r);
        }
        assert!(sample.set(DEALS).is_some_and(|d| d.len() > 10));
        stepping_matches(&sample);
        // A spec that cannot run says so before any step.
        let mut bad = spec(ReportKind::Tabular, Measure::Count);
        bad.module = "nowhere".into();
        assert!(ReportWork::new(&sample, &bad).is_err());
    }
}
