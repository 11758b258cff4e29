//! The definition being edited in the builder, one signal per input, and the
//! definition it makes.

use leptos::prelude::*;

use crate::domain::analytics::report::{FilterGroup, Measure, ReportKind, ReportSpec};
use crate::domain::analytics::report_choices::{grouping_code, grouping_of};
use crate::domain::records::record_set::Dataset;
use crate::domain::ModuleDef;

fn default_columns(data: &Dataset, module: &str) -> Vec<String> {
    data.schema
        .module(module)
        .map(|m| m.list_fields().map(|f| f.key.clone()).collect())
        .unwrap_or_default()
}

pub(super) fn default_spec(data: &Dataset, module: &str) -> ReportSpec {
    ReportSpec {
        module: module.to_string(),
        columns: default_columns(data, module),
        filter: FilterGroup::default(),
        sort: None,
        kind: ReportKind::Tabular,
        measure: Measure::Count,
    }
}

/// The definition being edited, one signal per input.
#[derive(Clone, Copy)]
pub(super) struct Draft {
    pub(super) name: RwSignal<String>,
    pub(super) module: RwSignal<String>,
    /// "tabular", "summary" or "matrix".
    pub(super) kind: RwSignal<String>,
    pub(super) columns: RwSignal<Vec<String>>,
    /// Edited in place (untracked) as the user types; `filter_shape` changes when
    /// rows or groups are added or removed, and the editor is drawn again.
    pub(super) filter: RwSignal<FilterGroup>,
    pub(super) filter_shape: RwSignal<u32>,
    pub(super) sort_field: RwSignal<String>,
    pub(super) sort_desc: RwSignal<bool>,
    pub(super) rows_by: RwSignal<String>,
    pub(super) rows_bucket: RwSignal<String>,
    pub(super) cols_by: RwSignal<String>,
    pub(super) cols_bucket: RwSignal<String>,
    /// "count", "sum" or "avg".
    pub(super) measure: RwSignal<String>,
    pub(super) measure_field: RwSignal<String>,
}

impl Draft {
    pub(super) fn new(name: String, spec: &ReportSpec) -> Self {
        let d = Draft {
            name: RwSignal::new(name),
            module: RwSignal::new(String::new()),
            kind: RwSignal::new(String::new()),
            columns: RwSignal::new(Vec::new()),
            filter: RwSignal::new(FilterGroup::default()),
            filter_shape: RwSignal::new(0),
            sort_field: RwSignal::new(String::new()),
            sort_desc: RwSignal::new(false),
            rows_by: RwSignal::new(String::new()),
            rows_bucket: RwSignal::new("month".into()),
            cols_by: RwSignal::new(String::new()),
            cols_bucket: RwSignal::new("month".into()),
            measure: RwSignal::new("count".into()),
            measure_field: RwSignal::new(String::new()),
        };
        d.load(spec);
        d
    }

    fn load(&self, spec: &ReportSpec) {
        self.module.set(spec.module.clone());
        self.columns.set(spec.columns.clone());
        self.filter.set(spec.filter.clone());
        self.filter_shape.update(|n| *n += 1);
        let (f, desc) = spec.sort.clone().unwrap_or_default();
        self.sort_field.set(f);
        self.sort_desc.set(desc);
        let (kind, rows, cols) = match &spec.kind {
            ReportKind::Tabular => ("tabular", None, None),
            ReportKind::Summary(g) => ("summary", Some(g), None),
            ReportKind::Matrix { rows, cols } => ("matrix", Some(rows), Some(cols)),
        };
        self.kind.set(kind.into());
        let (rb, rk) = rows.map(grouping_code).unwrap_or_default();
        self.rows_by.set(rb);
        self.rows_bucket
            .set(if rk.is_empty() { "month".into() } else { rk });
        let (cb, ck) = cols.map(grouping_code).unwrap_or_default();
        self.cols_by.set(cb);
        self.cols_bucket
            .set(if ck.is_empty() { "month".into() } else { ck });
        let (m, f) = match &spec.measure {
            Measure::Count => ("count", String::new()),
            Measure::Sum(f) => ("sum", f.clone()),
            Measure::Avg(f) => ("avg", f.clone()),
        };
        self.measure.set(m.into());
        self.measure_field.set(f);
    }

    /// A new module has other fields: everything that names a field starts over.
    pub(super) fn reset_for(&self, data: &Dataset, module: &str) {
        self.module.set(module.to_string());
        self.columns.set(default_columns(data, module));
        self.filter.set(FilterGroup::default());
        self.filter_shape.update(|n| *n += 1);
        self.sort_field.set(String::new());
        self.rows_by.set(String::new());
        self.cols_by.set(String::new());
        self.measure_field.set(String::new());
        if self.measure.get_untracked() != "count" {
            self.measure.set("count".into());
        }
    }

    /// The definition, or the translation key of what is missing.
    pub(super) fn spec(&self) -> Result<ReportSpec, &'static str> {
        let grouping = |by: RwSignal<String>, bucket: RwSignal<String>| {
            grouping_of(&by.get_untracked(), &bucket.get_untracked())
        };
        let kind = match self.kind.get_untracked().as_str() {
            "summary" => ReportKind::Summary(
                grouping(self.rows_by, self.rows_bucket).ok_or("report.err.no_rows")?,
            ),
            "matrix" => ReportKind::Matrix {
                rows: grouping(self.rows_by, self.rows_bucket).ok_or("report.err.no_rows")?,
                cols: grouping(self.cols_by, self.cols_bucket).ok_or("report.err.no_cols")?,
            },
            _ => ReportKind::Tabular,
        };
        let field = self.measure_field.get_untracked();
        let measure = match self.measure.get_untracked().as_str() {
            "sum" | "avg" if field.is_empty() => return Err("report.err.no_measure_field"),
            "sum" => Measure::Sum(field),
            "avg" => Measure::Avg(field),
            _ => Measure::Count,
        };
        // Rows left without a field are ignored, and so are groups left empty (an
        // empty group would match everything).
        let mut filter = self.filter.get_untracked();
        let keep = |g: &mut FilterGroup| g.conditions.retain(|c| !c.field.is_empty());
        keep(&mut filter);
        for g in &mut filter.groups {
            keep(g);
        }
        filter.groups.retain(|g| !g.conditions.is_empty());
        let sort = self.sort_field.get_untracked();
        let columns = self.columns.get_untracked();
        if kind == ReportKind::Tabular && columns.is_empty() {
            return Err("report.err.no_columns");
        }
        Ok(ReportSpec {
            module: self.module.get_untracked(),
            columns,
            filter,
            sort: (!sort.is_empty()).then(|| (sort, self.sort_desc.get_untracked())),
            kind,
            measure,
        })
    }

    pub(super) fn def(&self, data: &Dataset) -> Option<ModuleDef> {
        data.schema.module(&self.module.get_untracked()).cloned()
    }
}
