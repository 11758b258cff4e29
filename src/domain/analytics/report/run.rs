//! Running a report in steps: one pass over the module, keys computed once per record.

use std::collections::HashMap;

use crate::domain::records::calendar_system::CalendarSystem;
use crate::domain::records::field::FieldKind;
use crate::domain::records::module_def::ModuleDef;
use crate::domain::records::normalize::fold;
use crate::domain::records::record::Record;
use crate::domain::records::record_set::{Dataset, RecordSet};
use crate::domain::records::search::Slot;
use crate::domain::records::stepped_sort::KeyedRows;
use crate::domain::records::value::{SortKey, Value};
use crate::domain::sales::pipeline::ExchangeRates;

use super::*;

/// A spec compiled against its module, for one step (it borrows the data).
pub(super) struct Compiled<'a> {
    pub(super) set: &'a RecordSet,
    pub(super) filter: Filter<'a>,
    pub(super) measurer: Measurer<'a>,
    pub(super) sort: Option<(FieldRef<'a>, bool)>,
    pub(super) rows_by: Option<Grouper<'a>>,
    pub(super) cols_by: Option<Grouper<'a>>,
}

pub(super) fn compile<'a>(
    data: &'a Dataset,
    spec: &'a ReportSpec,
) -> Result<Compiled<'a>, ReportError> {
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
pub(super) enum RunPhase {
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
    pub(super) spec: std::sync::Arc<ReportSpec>,
    pub(super) phase: RunPhase,
    /// Next slot to filter, or next matching record to key or group.
    pub(super) at: usize,
    pub(super) matching: Vec<Slot>,
    pub(super) keyed: KeyedRows,
    pub(super) total: Acc,
    pub(super) unconverted: usize,
    pub(super) row_ids: Interner,
    pub(super) col_ids: Interner,
    pub(super) row_accs: Vec<Acc>,
    pub(super) col_accs: Vec<Acc>,
    pub(super) cells: HashMap<(usize, usize), Acc>,
    /// The calendar months, quarters and years are counted in (the user's).
    pub(super) calendar: CalendarSystem,
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
            calendar: CalendarSystem::Gregorian,
        })
    }

    /// Counts date groupings' months, quarters and years in `calendar` (Solar Hijri
    /// months for a Persian user).
    pub fn in_calendar(mut self, calendar: CalendarSystem) -> Self {
        self.calendar = calendar;
        self
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

    pub(super) fn group(
        &mut self,
        c: &Compiled,
        rates: &ExchangeRates,
        budget: &mut usize,
    ) -> bool {
        let (mut rbuf, mut cbuf, mut rids) = (Vec::new(), Vec::new(), Vec::new());
        let calendar = self.calendar;
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
            g.keys(r, &mut rbuf, calendar);
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
            cg.keys(r, &mut cbuf, calendar);
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
pub(super) fn sort_lookup<'m>(module: &'m ModuleDef, field: FieldRef) -> Option<&'m str> {
    match field {
        FieldRef::Value(k) => match module.field(k).map(|d| &d.kind) {
            Some(FieldKind::Lookup { module, .. }) => Some(module.as_str()),
            _ => None,
        },
        _ => None,
    }
}

/// A record's sort key, computed once per row, never per comparison.
pub(super) fn sort_key(
    data: &Dataset,
    lookup: Option<&str>,
    r: &Record,
    field: FieldRef,
) -> Option<SortKey> {
    let v = value_of(r, field).filter(|v| !v.is_empty());
    match (lookup, v.as_deref()) {
        (Some(target), Some(Value::Ref(id))) => {
            data.title(target, id).map(|t| SortKey::Text(fold(&t)))
        }
        (_, v) => v.map(Value::sort_key),
    }
}
