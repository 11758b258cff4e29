//! Reports: the list of saved reports, and the builder that defines one (module,
//! columns, AND/OR filters, sort, grouping, measure), runs it, saves it as a record
//! of the `reports` module, exports it as CSV and prints it. The engine is
//! `crate::domain::report`; this page gathers the definition and words the result.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::actions::{save_record, update_fields};
use super::download::download;
use super::format::{self, count, user_name, value_text};
use super::notice::Notice;
use super::report_labels::{
    choice_name, field_name, group_label, grouping_title, measure_text, measure_title,
};
use super::report_run::run_in_turns;
use super::route::{navigate, Route};
use super::state::{tk, use_state, AppState, Generation};
use crate::domain::analytics_modules::{DEFINITION, REPORTS};
use crate::domain::condition::Condition;
use crate::domain::record_set::Dataset;
use crate::domain::report::{
    self, CsvHeader, FilterGroup, GroupKey, Measure, ReportError, ReportKind, ReportResult,
    ReportSpec, CREATED_AT, OWNER, UPDATED_AT,
};
use crate::domain::report_choices::{
    all_fields, grouping_choices, grouping_code, grouping_of, measure_fields, BUCKETS, OPERATORS,
};
use crate::domain::{FieldKind, FieldValues, ModuleDef, Record, Value};
use crate::i18n::{label, t, tn, tr, Locale};

/// Rows of a tabular report drawn on the page; the CSV has them all.
const SHOWN_ROWS: usize = 500;

/// A record's value of a column, as text.
fn cell_text(l: Locale, data: &Dataset, def: &ModuleDef, r: &Record, key: &str) -> String {
    match key {
        OWNER => r
            .owner
            .as_deref()
            .map(|o| user_name(l, data, o))
            .unwrap_or_default(),
        CREATED_AT => format::timestamp(l, r.created_at),
        UPDATED_AT => format::timestamp(l, r.updated_at),
        _ => match (def.field(key), r.get(key)) {
            (Some(f), Some(v)) => value_text(l, data, f, v),
            _ => String::new(),
        },
    }
}

fn error_text(l: Locale, def: Option<&ModuleDef>, e: &ReportError) -> String {
    let name = |k: &str| match def {
        Some(d) => field_name(l, d, k),
        None => k.to_string(),
    };
    match e {
        ReportError::UnknownModule(m) => tr(l, "report.err.unknown_module", &[("module", m)]),
        ReportError::UnknownField(f) => tr(l, "report.err.unknown_field", &[("field", &name(f))]),
        ReportError::NotANumber(f) => tr(l, "report.err.not_a_number", &[("field", &name(f))]),
        ReportError::CannotGroup(f) => tr(l, "report.err.cannot_group", &[("field", &name(f))]),
    }
}

fn default_columns(data: &Dataset, module: &str) -> Vec<String> {
    data.schema
        .module(module)
        .map(|m| m.list_fields().map(|f| f.key.clone()).collect())
        .unwrap_or_default()
}

fn default_spec(data: &Dataset, module: &str) -> ReportSpec {
    ReportSpec {
        module: module.to_string(),
        columns: default_columns(data, module),
        filter: FilterGroup::default(),
        sort: None,
        kind: ReportKind::Tabular,
        measure: Measure::Count,
    }
}

// ---------------------------------------------------------------------------
// The list of saved reports

#[component]
pub fn ReportsPage() -> impl IntoView {
    let st = use_state();
    let reports = move || {
        st.data.with(|d| {
            let mut v: Vec<(String, String)> = d
                .set(REPORTS)
                .map(|s| {
                    s.records()
                        .map(|r| (s.module.title_of(r), r.id.clone()))
                        .collect()
                })
                .unwrap_or_default();
            v.sort_by_key(|(name, id)| (name.to_lowercase(), id.clone()));
            v
        })
    };
    view! {
        <section class="page reports-page">
            <div class="page-head">
                <h1>{tk("report.list_title")}</h1>
                <a class="button primary" href=Route::Report(String::new()).href()>
                    {tk("report.new")}
                </a>
            </div>
            {move || {
                let list = reports();
                if list.is_empty() {
                    view! { <p class="empty-state">{t(st.locale.get(), "report.none_saved")}</p> }
                        .into_any()
                } else {
                    view! {
                        <ul class="report-list">
                            {list
                                .into_iter()
                                .map(|(name, id)| {
                                    view! {
                                        <li>
                                            <a href=Route::Report(id).href() dir="auto">
                                                {name}
                                            </a>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

// ---------------------------------------------------------------------------
// The builder

/// The definition being edited, one signal per input.
#[derive(Clone, Copy)]
struct Draft {
    name: RwSignal<String>,
    module: RwSignal<String>,
    /// "tabular", "summary" or "matrix".
    kind: RwSignal<String>,
    columns: RwSignal<Vec<String>>,
    /// Edited in place (untracked) as the user types; `filter_shape` changes when
    /// rows or groups are added or removed, and the editor is drawn again.
    filter: RwSignal<FilterGroup>,
    filter_shape: RwSignal<u32>,
    sort_field: RwSignal<String>,
    sort_desc: RwSignal<bool>,
    rows_by: RwSignal<String>,
    rows_bucket: RwSignal<String>,
    cols_by: RwSignal<String>,
    cols_bucket: RwSignal<String>,
    /// "count", "sum" or "avg".
    measure: RwSignal<String>,
    measure_field: RwSignal<String>,
}

impl Draft {
    fn new(name: String, spec: &ReportSpec) -> Self {
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
    fn reset_for(&self, data: &Dataset, module: &str) {
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
    fn spec(&self) -> Result<ReportSpec, &'static str> {
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

    fn def(&self, data: &Dataset) -> Option<ModuleDef> {
        data.schema.module(&self.module.get_untracked()).cloned()
    }
}

/// The outcome of "Run".
#[derive(Clone)]
enum Outcome {
    Ran(Box<ReportSpec>, Box<ReportResult>),
    Incomplete(&'static str),
    Failed(ReportError),
}

#[component]
pub fn ReportBuilder(id: String) -> impl IntoView {
    let st = use_state();
    let saved = if id.is_empty() {
        None
    } else {
        match st.data.with_untracked(|d| d.get(REPORTS, &id).cloned()) {
            Some(r) => Some(r),
            None => return view! { <super::app::NotFound /> }.into_any(),
        }
    };
    let modules: Vec<(String, crate::domain::Label)> = st.data.with_untracked(|d| {
        d.schema
            .nav_modules()
            .map(|m| (m.key.clone(), m.plural.clone()))
            .collect()
    });
    let first_module = modules.first().map(|m| m.0.clone()).unwrap_or_default();
    let mut load_problem = None;
    let (name, spec) = match &saved {
        None => (
            String::new(),
            st.data.with_untracked(|d| default_spec(d, &first_module)),
        ),
        Some(r) => {
            let name = match r.get("name") {
                Some(Value::Text(s)) => s.clone(),
                _ => String::new(),
            };
            let spec = match r.get(DEFINITION) {
                Some(Value::Text(json)) => {
                    serde_json::from_str::<ReportSpec>(json).map_err(|e| e.to_string())
                }
                _ => Err(String::new()),
            };
            match spec {
                Ok(s) => (name, s),
                Err(e) => {
                    load_problem = Some(e);
                    (
                        name,
                        st.data.with_untracked(|d| default_spec(d, &first_module)),
                    )
                }
            }
        }
    };
    let report_id = StoredValue::new(saved.as_ref().map(|r| r.id.clone()));
    let draft = Draft::new(name, &spec);
    let outcome = RwSignal::new(None::<Outcome>);

    // The report runs in turns so the page keeps taking input over 100,000 records;
    // a new run, a module change or leaving the page abandons the one running.
    let generation = Generation::new();
    let running = RwSignal::new(false);
    let run_now = move || {
        let spec = match draft.spec() {
            Ok(spec) => spec,
            Err(k) => {
                generation.start();
                running.set(false);
                outcome.set(Some(Outcome::Incomplete(k)));
                return;
            }
        };
        running.set(true);
        let shown = spec.clone();
        run_in_turns(st, generation, &spec, move |result| {
            running.set(false);
            outcome.set(Some(match result {
                Ok(r) => Outcome::Ran(Box::new(shown), Box::new(r)),
                Err(e) => Outcome::Failed(e),
            }));
        });
    };
    if saved.is_some() && load_problem.is_none() {
        run_now();
    }

    let save = move |_| {
        let l = st.locale.get_untracked();
        let spec = match draft.spec() {
            Ok(s) => s,
            Err(k) => {
                st.notice.set(Some(Notice::error(t(l, k))));
                return;
            }
        };
        let json = serde_json::to_string(&spec).unwrap_or_default();
        let name = draft.name.get_untracked().trim().to_string();
        let existing = report_id.get_value();
        spawn_local(async move {
            let result = match &existing {
                Some(id) => {
                    update_fields(
                        st,
                        REPORTS,
                        id,
                        vec![
                            ("name".into(), Value::Text(name)),
                            (DEFINITION.into(), Value::Text(json)),
                        ],
                    )
                    .await
                }
                None => {
                    let mut values = FieldValues::new();
                    if !name.is_empty() {
                        values.insert("name", Value::Text(name));
                    }
                    values.insert(DEFINITION, Value::Text(json));
                    let owner = Some(st.current_user.get_untracked());
                    save_record(st, REPORTS, None, values, owner).await
                }
            };
            match result {
                Ok(record) => {
                    st.notice.set(Some(Notice::success(t(l, "report.saved"))));
                    if existing.is_none() {
                        if let Some(r) = record {
                            report_id.set_value(Some(r.id.clone()));
                            navigate(&Route::Report(r.id));
                        }
                    }
                }
                Err(e) => {
                    let why = st.data.with_untracked(|d| e.message(l, REPORTS, d));
                    st.notice.set(Some(Notice::error(tr(
                        l,
                        "report.save_failed",
                        &[("detail", &why)],
                    ))));
                }
            }
        });
    };

    let export = move |_| {
        let l = st.locale.get_untracked();
        run_now();
        let text = outcome.with_untracked(|o| {
            let Some(Outcome::Ran(spec, result)) = o else {
                return None;
            };
            st.data.with_untracked(|d| {
                let def = d.schema.module(&spec.module)?;
                let group = match &spec.kind {
                    ReportKind::Summary(g) | ReportKind::Matrix { rows: g, .. } => {
                        grouping_title(l, def, g)
                    }
                    ReportKind::Tabular => String::new(),
                };
                let header = |h: CsvHeader| match h {
                    CsvHeader::Field(k) => field_name(l, def, k),
                    CsvHeader::Group => group.clone(),
                    CsvHeader::Count => t(l, "report.count"),
                    CsvHeader::Measure => measure_title(l, def, &spec.measure),
                    CsvHeader::Total => t(l, "report.total"),
                };
                let key = |k: &GroupKey| group_label(l, d, &def.key, k);
                let cell = |r: &Record, k: &str| cell_text(l, d, def, r, k);
                Some(report::to_csv(d, spec, result, &header, &key, &cell))
            })
        });
        let Some(text) = text else { return };
        let name = draft.name.get_untracked();
        let stem: String = name
            .trim()
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let stem = if stem.trim_matches('-').is_empty() {
            t(l, "report.file_name")
        } else {
            stem
        };
        if let Err(e) = download(&format!("{stem}.csv"), "text/csv;charset=utf-8", &text) {
            st.notice.set(Some(Notice::error(tr(
                l,
                "report.export_failed",
                &[("detail", &e)],
            ))));
        }
    };

    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };

    let title = move || {
        let n = draft.name.get();
        if n.trim().is_empty() {
            t(st.locale.get(), "report.new")
        } else {
            n
        }
    };

    view! {
        <section class="page report-builder">
            <div class="report-printable">
                <h1 dir="auto">{title}</h1>
                <ResultView draft=draft outcome=outcome running=running />
            </div>
            <form
                class="report-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    run_now();
                }
            >
                {load_problem
                    .map(|e| {
                        view! {
                            <p class="form-error" role="alert">
                                {move || tr(st.locale.get(), "report.err.definition", &[("detail", &e)])}
                            </p>
                        }
                    })}
                <div class="form-section">
                    <div class="form-grid">
                        <div class="field">
                            <label for="report-name">{tk("report.name")}</label>
                            <input
                                id="report-name"
                                type="text"
                                maxlength="100"
                                dir="auto"
                                prop:value=move || draft.name.get()
                                on:input=move |ev| draft.name.set(event_target_value(&ev))
                            />
                        </div>
                        <div class="field">
                            <label for="report-module">{tk("report.module")}</label>
                            <select
                                id="report-module"
                                on:change=move |ev| {
                                    let m = event_target_value(&ev);
                                    st.data.with_untracked(|d| draft.reset_for(d, &m));
                                    generation.start();
                                    running.set(false);
                                    outcome.set(None);
                                }
                            >
                                {modules
                                    .iter()
                                    .map(|(key, plural)| {
                                        let key = key.clone();
                                        let plural = plural.clone();
                                        let k2 = key.clone();
                                        view! {
                                            <option value=key selected=move || draft.module.get() == k2>
                                                {move || label(st.locale.get(), &plural)}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </div>
                    </div>
                    <fieldset class="report-kind">
                        <legend>{tk("report.kind")}</legend>
                        {["tabular", "summary", "matrix"]
                            .into_iter()
                            .map(|k| {
                                let id = format!("report-kind-{k}");
                                view! {
                                    <span class="check">
                                        <input
                                            type="radio"
                                            name="report-kind"
                                            id=id.clone()
                                            value=k
                                            prop:checked=move || draft.kind.get() == k
                                            on:change=move |_| draft.kind.set(k.to_string())
                                        />
                                        <label for=id>
                                            {move || t(st.locale.get(), &format!("report.kind.{k}"))}
                                        </label>
                                    </span>
                                }
                            })
                            .collect_view()}
                    </fieldset>
                </div>
                <Show when=move || draft.kind.get() == "tabular">
                    <ColumnsPicker draft=draft />
                </Show>
                <Show when=move || draft.kind.get() != "tabular">
                    <fieldset class="form-section">
                        <legend>{tk("report.grouping")}</legend>
                        <div class="form-grid">
                            <GroupPicker
                                id="report-rows"
                                draft=draft
                                by=draft.rows_by
                                bucket=draft.rows_bucket
                                matrix_label="report.rows"
                            />
                            <Show when=move || draft.kind.get() == "matrix">
                                <GroupPicker
                                    id="report-cols"
                                    draft=draft
                                    by=draft.cols_by
                                    bucket=draft.cols_bucket
                                    matrix_label="report.cols"
                                />
                            </Show>
                        </div>
                    </fieldset>
                </Show>
                <MeasurePicker draft=draft />
                <FilterEditor draft=draft />
                <SortPicker draft=draft />
                <div class="actions report-actions">
                    <button type="submit" class="primary">
                        {tk("report.run")}
                    </button>
                    <button type="button" on:click=save disabled=move || st.busy.get()>
                        {tk("action.save")}
                    </button>
                    <button type="button" on:click=export>
                        {tk("report.export_csv")}
                    </button>
                    <button type="button" on:click=print>
                        {tk("report.print")}
                    </button>
                    <a href=Route::Reports.href()>{tk("report.back")}</a>
                </div>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn ColumnsPicker(draft: Draft) -> impl IntoView {
    let st = use_state();
    move || {
        let l = st.locale.get();
        let Some(def) = st.data.with_untracked(|d| draft.def(d)) else {
            return ().into_any();
        };
        let keys = all_fields(&def);
        let order = keys.clone();
        view! {
            <fieldset class="form-section">
                <legend>{t(l, "report.columns")}</legend>
                <div class="check-group">
                    {keys
                        .into_iter()
                        .map(|k| {
                            let id = format!("report-col-{k}");
                            let name = field_name(l, &def, &k);
                            let checked = draft.columns.with_untracked(|c| c.contains(&k));
                            let order = order.clone();
                            view! {
                                <span class="check">
                                    <input
                                        type="checkbox"
                                        id=id.clone()
                                        prop:checked=checked
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            draft
                                                .columns
                                                .update(|c| {
                                                    let mut chosen: Vec<String> = c.clone();
                                                    chosen.retain(|x| x != &k);
                                                    if on {
                                                        chosen.push(k.clone());
                                                    }
                                                    // Columns follow the module's field order.
                                                    *c = order
                                                        .iter()
                                                        .filter(|x| chosen.contains(x))
                                                        .cloned()
                                                        .collect();
                                                });
                                        }
                                    />
                                    <label for=id>{name}</label>
                                </span>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
        }
        .into_any()
    }
}

#[component]
fn GroupPicker(
    id: &'static str,
    draft: Draft,
    by: RwSignal<String>,
    bucket: RwSignal<String>,
    matrix_label: &'static str,
) -> impl IntoView {
    let st = use_state();
    let bucket_id = format!("{id}-bucket");
    let bucket_id2 = bucket_id.clone();
    view! {
        <div class="field">
            <label for=id>
                {move || {
                    let l = st.locale.get();
                    if draft.kind.get() == "matrix" {
                        t(l, matrix_label)
                    } else {
                        t(l, "report.group_by")
                    }
                }}
            </label>
            <select id=id on:change=move |ev| by.set(event_target_value(&ev))>
                {choice_options(st, draft, by, "report.choose", grouping_choices, choice_name)}
            </select>
        </div>
        <Show when=move || by.get().starts_with("d:")>
            <div class="field">
                <label for=bucket_id.clone()>{tk("report.bucket")}</label>
                <select id=bucket_id2.clone() on:change=move |ev| bucket.set(event_target_value(&ev))>
                    {BUCKETS
                        .into_iter()
                        .map(|b| {
                            view! {
                                <option value=b selected=move || bucket.get() == b>
                                    {move || t(st.locale.get(), &format!("report.bucket.{b}"))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
        </Show>
    }
}

#[component]
fn MeasurePicker(draft: Draft) -> impl IntoView {
    let st = use_state();
    view! {
        <fieldset class="form-section">
            <legend>{tk("report.measure")}</legend>
            <div class="form-grid">
                <div class="field">
                    <label for="report-measure">{tk("report.measure_kind")}</label>
                    <select
                        id="report-measure"
                        on:change=move |ev| draft.measure.set(event_target_value(&ev))
                    >
                        {["count", "sum", "avg"]
                            .into_iter()
                            .map(|m| {
                                view! {
                                    <option value=m selected=move || draft.measure.get() == m>
                                        {move || t(st.locale.get(), &format!("report.measure.{m}"))}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <Show when=move || draft.measure.get() != "count">
                    <div class="field">
                        <label for="report-measure-field">{tk("report.measure_field")}</label>
                        <select
                            id="report-measure-field"
                            on:change=move |ev| draft.measure_field.set(event_target_value(&ev))
                        >
                            {choice_options(st, draft, draft.measure_field, "report.choose", measure_fields, field_name)}
                        </select>
                    </div>
                </Show>
            </div>
        </fieldset>
    }
}

/// The options of a select over the module's fields or choices: a first "none"
/// option, then `list` named by `name`, the stored choice selected. Redrawn when the
/// module or the language changes.
fn choice_options(
    st: AppState,
    draft: Draft,
    current: RwSignal<String>,
    none_key: &'static str,
    list: fn(&ModuleDef) -> Vec<String>,
    name: fn(Locale, &ModuleDef, &str) -> String,
) -> impl Fn() -> AnyView {
    move || {
        let l = st.locale.get();
        let _ = draft.module.get();
        let Some(def) = st.data.with(|d| draft.def(d)) else {
            return ().into_any();
        };
        let current = current.get_untracked();
        let none = view! {
            <option value="" selected=current.is_empty()>
                {t(l, none_key)}
            </option>
        };
        let options = list(&def)
            .into_iter()
            .map(|k| {
                let selected = k == current;
                let label = name(l, &def, &k);
                view! { <option value=k selected=selected>{label}</option> }
            })
            .collect_view();
        view! {
            {none}
            {options}
        }
        .into_any()
    }
}

#[component]
fn SortPicker(draft: Draft) -> impl IntoView {
    let st = use_state();
    view! {
        <fieldset class="form-section">
            <legend>{tk("report.sort")}</legend>
            <div class="form-grid">
                <div class="field">
                    <label for="report-sort">{tk("report.sort_field")}</label>
                    <select
                        id="report-sort"
                        on:change=move |ev| draft.sort_field.set(event_target_value(&ev))
                    >
                        {choice_options(st, draft, draft.sort_field, "report.no_sort", all_fields, field_name)}
                    </select>
                </div>
                <div class="field">
                    <label for="report-sort-dir">{tk("report.sort_dir")}</label>
                    <select
                        id="report-sort-dir"
                        on:change=move |ev| draft.sort_desc.set(event_target_value(&ev) == "desc")
                    >
                        <option value="asc" selected=move || !draft.sort_desc.get()>
                            {tk("report.ascending")}
                        </option>
                        <option value="desc" selected=move || draft.sort_desc.get()>
                            {tk("report.descending")}
                        </option>
                    </select>
                </div>
            </div>
        </fieldset>
    }
}

// ---------------------------------------------------------------------------
// Filters

/// Changes the root group (`None`) or one of its sub-groups, without redrawing.
fn with_group(draft: Draft, path: Option<usize>, f: impl FnOnce(&mut FilterGroup)) {
    draft.filter.update_untracked(|g| match path {
        None => f(g),
        Some(i) => {
            if let Some(sub) = g.groups.get_mut(i) {
                f(sub)
            }
        }
    });
}

fn reshape(draft: Draft, path: Option<usize>, f: impl FnOnce(&mut FilterGroup)) {
    with_group(draft, path, f);
    draft.filter_shape.update(|n| *n += 1);
}

fn new_condition() -> Condition {
    Condition {
        field: String::new(),
        operator: "is".into(),
        value: String::new(),
    }
}

#[component]
fn FilterEditor(draft: Draft) -> impl IntoView {
    let st = use_state();
    move || {
        draft.filter_shape.get();
        let _ = draft.module.get();
        let l = st.locale.get();
        let g = draft.filter.get_untracked();
        let subs = g
            .groups
            .iter()
            .enumerate()
            .map(|(i, sub)| {
                let n = count(l, i + 1);
                view! {
                    <fieldset class="filter-group">
                        <legend>{tr(l, "report.group_n", &[("n", &n)])}</legend>
                        <GroupRows draft=draft path=Some(i) group=sub.clone() />
                        <button
                            type="button"
                            on:click=move |_| {
                                draft.filter.update_untracked(|g| {
                                    if i < g.groups.len() {
                                        g.groups.remove(i);
                                    }
                                });
                                draft.filter_shape.update(|n| *n += 1);
                            }
                        >
                            {tr(l, "report.remove_group", &[("n", &n)])}
                        </button>
                    </fieldset>
                }
            })
            .collect_view();
        view! {
            <fieldset class="form-section report-filter">
                <legend>{t(l, "report.filters")}</legend>
                <GroupRows draft=draft path=None group=g.clone() />
                {subs}
                <button
                    type="button"
                    on:click=move |_| {
                        reshape(
                            draft,
                            None,
                            |g| {
                                g.groups
                                    .push(FilterGroup {
                                        any: true,
                                        conditions: vec![new_condition()],
                                        groups: vec![],
                                    })
                            },
                        )
                    }
                >
                    {t(l, "report.add_group")}
                </button>
            </fieldset>
        }
    }
}

#[component]
fn GroupRows(draft: Draft, path: Option<usize>, group: FilterGroup) -> impl IntoView {
    let st = use_state();
    let l = st.locale.get_untracked();
    let prefix = match path {
        None => "rf-root".to_string(),
        Some(i) => format!("rf-{i}"),
    };
    let match_id = format!("{prefix}-match");
    let any = group.any;
    let rows = group
        .conditions
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            view! { <FilterRow draft=draft path=path index=i cond=c prefix=prefix.clone() /> }
        })
        .collect_view();
    view! {
        <div class="field filter-match">
            <label for=match_id.clone()>{t(l, "report.match")}</label>
            <select
                id=match_id
                on:change=move |ev| {
                    let v = event_target_value(&ev) == "any";
                    with_group(draft, path, |g| g.any = v);
                }
            >
                <option value="all" selected=!any>
                    {t(l, "report.match_all")}
                </option>
                <option value="any" selected=any>
                    {t(l, "report.match_any")}
                </option>
            </select>
        </div>
        {rows}
        <button type="button" on:click=move |_| reshape(draft, path, |g| g.conditions.push(new_condition()))>
            {t(l, "report.add_condition")}
        </button>
    }
}

#[component]
fn FilterRow(
    draft: Draft,
    path: Option<usize>,
    index: usize,
    cond: Condition,
    prefix: String,
) -> impl IntoView {
    let st = use_state();
    let l = st.locale.get_untracked();
    let field = RwSignal::new(cond.field.clone());
    let value = StoredValue::new(cond.value.clone());
    let field_id = format!("{prefix}-{index}-field");
    let op_id = format!("{prefix}-{index}-op");
    let value_id = format!("{prefix}-{index}-value");
    let def = st.data.with_untracked(|d| draft.def(d));
    let Some(def) = def else {
        return ().into_any();
    };
    let def = StoredValue::new(def);
    let fields = all_fields(&def.get_value());
    let write = move |v: String| {
        value.set_value(v.clone());
        with_group(draft, path, |g| {
            if let Some(c) = g.conditions.get_mut(index) {
                c.value = v;
            }
        });
    };
    let value_id2 = value_id.clone();
    let value_widget = move || {
        let f = field.get();
        let id = value_id2.clone();
        let current = value.get_value();
        let kind = def.with_value(|d| d.field(&f).map(|x| x.kind.clone()));
        let select = |choices: Vec<(String, String)>| {
            let current = current.clone();
            view! {
                <select id=id.clone() on:change=move |ev| write(event_target_value(&ev))>
                    <option value="" selected=current.is_empty()>
                        {t(l, "report.choose")}
                    </option>
                    {choices
                        .into_iter()
                        .map(|(v, text)| {
                            let selected = v == current;
                            view! {
                                <option value=v selected=selected>
                                    {text}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            }
            .into_any()
        };
        let users = || {
            st.data.with_untracked(|d| {
                d.user_ids()
                    .into_iter()
                    .map(|u| {
                        let n = user_name(l, d, &u);
                        (u, n)
                    })
                    .collect::<Vec<_>>()
            })
        };
        let input = |ty: &'static str| {
            view! {
                <input
                    id=id.clone()
                    type=ty
                    dir="auto"
                    prop:value=current.clone()
                    on:input=move |ev| write(event_target_value(&ev))
                />
            }
            .into_any()
        };
        if f == OWNER {
            return select(users());
        }
        if f == CREATED_AT || f == UPDATED_AT {
            return input("date");
        }
        match kind {
            Some(FieldKind::Picklist { options } | FieldKind::MultiSelect { options, .. }) => {
                select(
                    options
                        .iter()
                        .map(|o| (o.value.clone(), label(l, &o.label)))
                        .collect(),
                )
            }
            Some(FieldKind::Lookup { module, .. }) => {
                select(st.data.with_untracked(|d| d.choices(&module, None)))
            }
            Some(FieldKind::User | FieldKind::Users) => select(users()),
            Some(FieldKind::Checkbox) => select(vec![
                ("true".into(), t(l, "value.yes")),
                ("false".into(), t(l, "value.no")),
            ]),
            Some(FieldKind::Date | FieldKind::DateTime) => input("date"),
            _ => input("text"),
        }
    };
    let current_field = cond.field.clone();
    let current_op = cond.operator.clone();
    view! {
        <div class="filter-row report-filter-row">
            <div class="field">
                <label for=field_id.clone()>{t(l, "report.field")}</label>
                <select
                    id=field_id
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        value.set_value(String::new());
                        with_group(
                            draft,
                            path,
                            |g| {
                                if let Some(c) = g.conditions.get_mut(index) {
                                    c.field = v.clone();
                                    c.value.clear();
                                }
                            },
                        );
                        field.set(v);
                    }
                >
                    <option value="" selected=current_field.is_empty()>
                        {t(l, "report.choose")}
                    </option>
                    {fields
                        .into_iter()
                        .map(|k| {
                            let selected = k == current_field;
                            let name = def.with_value(|d| field_name(l, d, &k));
                            view! {
                                <option value=k selected=selected>
                                    {name}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for=op_id.clone()>{t(l, "report.operator")}</label>
                <select
                    id=op_id
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        with_group(
                            draft,
                            path,
                            |g| {
                                if let Some(c) = g.conditions.get_mut(index) {
                                    c.operator = v;
                                }
                            },
                        );
                    }
                >
                    {OPERATORS
                        .into_iter()
                        .map(|o| {
                            view! {
                                <option value=o selected=o == current_op>
                                    {t(l, &format!("option.operator.{o}"))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for=value_id>{t(l, "report.value")}</label>
                {value_widget}
            </div>
            <button
                type="button"
                on:click=move |_| {
                    reshape(
                        draft,
                        path,
                        |g| {
                            if index < g.conditions.len() {
                                g.conditions.remove(index);
                            }
                        },
                    )
                }
            >
                {t(l, "report.remove_condition")}
            </button>
        </div>
    }
    .into_any()
}

// ---------------------------------------------------------------------------
// The result

#[component]
fn ResultView(
    draft: Draft,
    outcome: RwSignal<Option<Outcome>>,
    running: RwSignal<bool>,
) -> impl IntoView {
    let st = use_state();
    // The last result stays while a new run works; the status says so.
    let status = move || {
        running.get().then(|| {
            let key = if outcome.with(|o| o.is_some()) {
                "dash.updating"
            } else {
                "dash.computing"
            };
            view! { <p class="muted" role="status">{t(st.locale.get(), key)}</p> }
        })
    };
    let result = move || {
        let l = st.locale.get();
        let base = st.base_currency.get();
        outcome.with(|o| match o {
            None => ().into_any(),
            Some(Outcome::Incomplete(k)) => {
                view! { <p class="form-error" role="alert">{t(l, k)}</p> }.into_any()
            }
            Some(Outcome::Failed(e)) => {
                let def = st.data.with_untracked(|d| draft.def(d));
                let text = error_text(l, def.as_ref(), e);
                view! { <p class="form-error" role="alert">{text}</p> }.into_any()
            }
            Some(Outcome::Ran(spec, result)) => st
                .data
                .with_untracked(|d| result_view(l, d, &base, spec, result)),
        })
    };
    view! {
        {status}
        <div aria-busy=move || running.get().to_string()>{result}</div>
    }
}

fn result_view(
    l: Locale,
    data: &Dataset,
    base: &str,
    spec: &ReportSpec,
    result: &ReportResult,
) -> AnyView {
    let Some(def) = data.schema.module(&spec.module) else {
        return ().into_any();
    };
    let m = &spec.measure;
    // A sum beyond what a decimal holds says so rather than showing a number.
    let value = |n: usize, v: Option<f64>, too_large: bool| {
        if too_large {
            t(l, "money.too_large")
        } else {
            measure_text(l, base, def, m, n, v)
        }
    };
    let n = result.rows.len();
    let found = tn(l, "count.records", n, &count(l, n));
    let unconverted = (result.unconverted > 0).then(|| {
        let u = result.unconverted;
        view! { <p class="muted">{tn(l, "report.unconverted", u, &count(l, u))}</p> }
    });
    let any_too_large = result.total_too_large
        || result.groups.iter().any(|g| g.too_large)
        || result.matrix.as_ref().is_some_and(|mx| {
            mx.cells
                .iter()
                .flatten()
                .chain(&mx.row_totals)
                .chain(&mx.col_totals)
                .any(|c| c.too_large)
        });
    let too_large = any_too_large
        .then(|| view! { <p class="muted" role="note">{t(l, "report.too_large")}</p> });
    let table = match (&spec.kind, &result.matrix) {
        (ReportKind::Matrix { rows, cols }, Some(mx)) => {
            let corner = format!(
                "{} \\ {}",
                grouping_title(l, def, rows),
                grouping_title(l, def, cols)
            );
            let head = mx
                .col_keys
                .iter()
                .map(|k| view! { <th scope="col" dir="auto">{group_label(l, data, &def.key, k)}</th> })
                .collect_view();
            let body = mx
                .row_keys
                .iter()
                .enumerate()
                .map(|(i, k)| {
                    let cells = mx.cells[i]
                        .iter()
                        .map(|c| view! { <td class="num">{value(c.count, c.value, c.too_large)}</td> })
                        .collect_view();
                    let total = &mx.row_totals[i];
                    view! {
                        <tr>
                            <th scope="row" dir="auto">{group_label(l, data, &def.key, k)}</th>
                            {cells}
                            <td class="num total">{value(total.count, total.value, total.too_large)}</td>
                        </tr>
                    }
                })
                .collect_view();
            let foot = mx
                .col_totals
                .iter()
                .map(
                    |c| view! { <td class="num total">{value(c.count, c.value, c.too_large)}</td> },
                )
                .collect_view();
            let g = &mx.grand_total;
            view! {
                <table class="report-table">
                    <caption>{measure_title(l, def, m)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{corner}</th>
                            {head}
                            <th scope="col">{t(l, "report.total")}</th>
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                    <tfoot>
                        <tr>
                            <th scope="row">{t(l, "report.total")}</th>
                            {foot}
                            <td class="num total grand-total">{value(g.count, g.value, g.too_large)}</td>
                        </tr>
                    </tfoot>
                </table>
            }
            .into_any()
        }
        (ReportKind::Summary(g), _) => {
            let with_measure = !matches!(m, Measure::Count);
            let mtitle =
                with_measure.then(|| view! { <th scope="col">{measure_title(l, def, m)}</th> });
            let body = result
                .groups
                .iter()
                .map(|gr| {
                    let v = with_measure
                        .then(|| view! { <td class="num">{value(gr.count, gr.value, gr.too_large)}</td> });
                    view! {
                        <tr>
                            <th scope="row" dir="auto">{group_label(l, data, &def.key, &gr.key)}</th>
                            <td class="num">{count(l, gr.count)}</td>
                            {v}
                        </tr>
                    }
                })
                .collect_view();
            let total =
                with_measure.then(|| view! { <td class="num total">{value(n, result.total, result.total_too_large)}</td> });
            view! {
                <table class="report-table">
                    <thead>
                        <tr>
                            <th scope="col">{grouping_title(l, def, g)}</th>
                            <th scope="col">{t(l, "report.count")}</th>
                            {mtitle}
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                    <tfoot>
                        <tr>
                            <th scope="row">{t(l, "report.total")}</th>
                            <td class="num total">{count(l, n)}</td>
                            {total}
                        </tr>
                    </tfoot>
                </table>
            }
            .into_any()
        }
        _ => {
            let Some(set) = data.set(&spec.module) else {
                return ().into_any();
            };
            let head = spec
                .columns
                .iter()
                .map(|c| view! { <th scope="col">{field_name(l, def, c)}</th> })
                .collect_view();
            let body = result
                .rows
                .iter()
                .take(SHOWN_ROWS)
                .filter_map(|s| set.at(*s))
                .map(|r| {
                    let cells = spec
                        .columns
                        .iter()
                        .enumerate()
                        .map(|(i, c)| {
                            let text = cell_text(l, data, def, r, c);
                            if i == 0 {
                                let text = if text.is_empty() {
                                    def.title_of(r)
                                } else {
                                    text
                                };
                                let href = Route::View(spec.module.clone(), r.id.clone()).href();
                                view! {
                                    <td dir="auto">
                                        <a href=href>{text}</a>
                                    </td>
                                }
                                .into_any()
                            } else {
                                view! { <td dir="auto">{text}</td> }.into_any()
                            }
                        })
                        .collect_view();
                    view! { <tr>{cells}</tr> }
                })
                .collect_view();
            let more = (n > SHOWN_ROWS).then(|| {
                view! {
                    <p class="muted">
                        {tr(
                            l,
                            "report.showing",
                            &[("shown", &count(l, SHOWN_ROWS)), ("total", &count(l, n))],
                        )}
                    </p>
                }
            });
            view! {
                <div>
                    <table class="report-table">
                        <thead>
                            <tr>{head}</tr>
                        </thead>
                        <tbody>{body}</tbody>
                    </table>
                </div>
                {more}
            }
            .into_any()
        }
    };
    view! {
        <div class="report-result">
            <p class="result-count" role="status">{found}</p>
            {unconverted}
            {too_large}
            <div class="report-scroll">{table}</div>
        </div>
    }
    .into_any()
}
