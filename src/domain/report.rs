//! Reports: a saved definition (module, filter, columns, sort, grouping, measure) and
//! the engine that runs it over the in-memory records. One pass over the module per
//! run, keys computed once per record, groups found by hashing: it stays fast at
//! 100,000 records.

use std::borrow::Cow;
use std::cmp::Ordering;
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
use super::pipeline::ExchangeRates;
use super::record::Record;
use super::record_set::Dataset;
use super::search::Slot;
use super::value::{format_number, SortKey, Value};

/// Pseudo-fields every record has besides its values.
pub const CREATED_AT: &str = "created_at";
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
    /// The measure; `None` when no record had a value to sum or average.
    pub value: Option<f64>,
    pub records: Vec<Slot>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub key: GroupKey,
    pub count: usize,
    pub value: Option<f64>,
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
            Some(Value::Money(m)) => match rates.to_base(m) {
                Some(d) => Amount::Money(d),
                None => Amount::Unconverted,
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
                self.with_value += 1;
                self.money += d;
            }
            Amount::None | Amount::Unconverted => {}
        }
    }

    fn value(&self, m: &Measurer) -> Option<f64> {
        if m.field.is_none() {
            return Some(self.count as f64);
        }
        if self.with_value == 0 {
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

/// Gives each distinct key a dense index, in order of first appearance.
#[derive(Default)]
struct Interner<'r> {
    map: HashMap<RawKey<'r>, usize>,
    keys: Vec<RawKey<'r>>,
}

impl<'r> Interner<'r> {
    fn id(&mut self, k: RawKey<'r>) -> usize {
        *self.map.entry(k).or_insert_with(|| {
            self.keys.push(k);
            self.keys.len() - 1
        })
    }
}

// ---------------------------------------------------------------------------
// Run

/// Runs `spec` over `data`: one pass over the module's records.
pub fn run(
    data: &Dataset,
    spec: &ReportSpec,
    rates: &ExchangeRates,
) -> Result<ReportResult, ReportError> {
    let set = data
        .set(&spec.module)
        .ok_or_else(|| ReportError::UnknownModule(spec.module.clone()))?;
    let module = &set.module;
    for c in &spec.columns {
        resolve(module, c)?;
    }
    let filter = Filter::compile(module, &spec.filter)?;
    let measurer = Measurer::compile(module, &spec.measure)?;
    let sort = match &spec.sort {
        Some((f, desc)) => Some((resolve(module, f)?, *desc)),
        None => None,
    };
    let (rows_by, cols_by) = match &spec.kind {
        ReportKind::Tabular => (None, None),
        ReportKind::Summary(g) => (Some(Grouper::compile(module, g)?), None),
        ReportKind::Matrix { rows, cols } => (
            Some(Grouper::compile(module, rows)?),
            Some(Grouper::compile(module, cols)?),
        ),
    };

    let mut matching: Vec<(Slot, &Record)> =
        set.iter().filter(|(_, r)| filter.matches(r)).collect();
    if let Some((field, desc)) = sort {
        sort_rows(data, module, &mut matching, field, desc);
    }

    let mut total = Acc::default();
    let mut unconverted = 0;
    let mut row_ids = Interner::default();
    let mut col_ids = Interner::default();
    let mut row_accs: Vec<Acc> = Vec::new();
    let mut col_accs: Vec<Acc> = Vec::new();
    let mut cells: HashMap<(usize, usize), Acc> = HashMap::new();
    let (mut rbuf, mut cbuf) = (Vec::new(), Vec::new());
    for &(slot, r) in &matching {
        let a = measurer.amount(r, rates);
        if matches!(a, Amount::Unconverted) {
            unconverted += 1;
        }
        // The total keeps no records: `rows` lists them.
        total.count_in(a);
        let Some(g) = &rows_by else { continue };
        g.keys(r, &mut rbuf);
        for k in &rbuf {
            let id = row_ids.id(*k);
            if id == row_accs.len() {
                row_accs.push(Acc::default());
            }
            row_accs[id].add(slot, a);
        }
        let Some(cg) = &cols_by else { continue };
        cg.keys(r, &mut cbuf);
        for k in &cbuf {
            let cid = col_ids.id(*k);
            if cid == col_accs.len() {
                col_accs.push(Acc::default());
            }
            col_accs[cid].add(slot, a);
            for rk in &rbuf {
                let rid = row_ids.map[rk];
                cells.entry((rid, cid)).or_default().add(slot, a);
            }
        }
    }

    let mut result = ReportResult {
        total: total.value(&measurer),
        unconverted,
        ..Default::default()
    };
    match (&rows_by, &cols_by) {
        (Some(g), None) => {
            let (new_of, keys) = g.ordered(data, &row_ids.keys);
            let mut order: Vec<usize> = (0..row_ids.keys.len()).collect();
            order.sort_by_key(|&old| new_of[old]);
            let mut accs: Vec<Option<Acc>> = row_accs.into_iter().map(Some).collect();
            result.groups = order
                .into_iter()
                .zip(keys)
                .map(|(old, key)| {
                    let c = accs[old].take().unwrap_or_default().cell(&measurer);
                    Group {
                        key,
                        count: c.count,
                        value: c.value,
                        records: c.records,
                    }
                })
                .collect();
        }
        (Some(rg), Some(cg)) => {
            let (row_new, row_keys) = rg.ordered(data, &row_ids.keys);
            let (col_new, col_keys) = cg.ordered(data, &col_ids.keys);
            let mut grid: Vec<Vec<Cell>> =
                vec![vec![Cell::default(); col_keys.len()]; row_keys.len()];
            for ((r, c), acc) in cells {
                grid[row_new[r]][col_new[c]] = acc.cell(&measurer);
            }
            let mut row_totals = vec![Cell::default(); row_keys.len()];
            for (old, acc) in row_accs.into_iter().enumerate() {
                row_totals[row_new[old]] = acc.cell(&measurer);
            }
            let mut col_totals = vec![Cell::default(); col_keys.len()];
            for (old, acc) in col_accs.into_iter().enumerate() {
                col_totals[col_new[old]] = acc.cell(&measurer);
            }
            result.matrix = Some(Matrix {
                row_keys,
                col_keys,
                cells: grid,
                row_totals,
                col_totals,
                grand_total: Cell {
                    count: total.count,
                    value: result.total,
                    records: matching.iter().map(|(s, _)| *s).collect(),
                },
            });
        }
        _ => {}
    }
    result.rows = matching.into_iter().map(|(s, _)| s).collect();
    Ok(result)
}

fn sort_rows(
    data: &Dataset,
    module: &ModuleDef,
    rows: &mut Vec<(Slot, &Record)>,
    field: FieldRef,
    desc: bool,
) {
    let lookup = match field {
        FieldRef::Value(k) => match module.field(k).map(|d| &d.kind) {
            Some(FieldKind::Lookup { module, .. }) => Some(module.as_str()),
            _ => None,
        },
        _ => None,
    };
    // Keys computed once per row, never per comparison.
    let mut keyed: Vec<(Option<SortKey>, Slot, &Record)> = rows
        .drain(..)
        .map(|(s, r)| {
            let v = value_of(r, field).filter(|v| !v.is_empty());
            let key = match (lookup, v.as_deref()) {
                (Some(target), Some(Value::Ref(id))) => {
                    data.title(target, id).map(|t| SortKey::Text(fold(&t)))
                }
                (_, v) => v.map(Value::sort_key),
            };
            (key, s, r)
        })
        .collect();
    keyed.sort_by(|(a, sa, _), (b, sb, _)| {
        let ord = match (a, b) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => return Ordering::Greater,
            (Some(_), None) => return Ordering::Less,
            (Some(a), Some(b)) => a.cmp(b),
        };
        let ord = if desc { ord.reverse() } else { ord };
        ord.then(sa.cmp(sb))
    });
    rows.extend(keyed.into_iter().map(|(_, s, r)| (s, r)));
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
