//! What a run shows: its status, the problem that stopped it, or its result as a
//! table: the records of a tabular report, the groups of a summary, the cells of a
//! matrix.

use leptos::prelude::*;

use super::draft::Draft;
use super::run::Outcome;
use crate::domain::analytics::report::{
    Grouping, Matrix, Measure, ReportError, ReportKind, ReportResult, ReportSpec, CREATED_AT,
    OWNER, UPDATED_AT,
};
use crate::domain::records::record_set::Dataset;
use crate::domain::{ModuleDef, Record};
use crate::i18n::{t, tn, tr, Locale};
use crate::ui::analytics::report_labels::{
    field_name, group_label, grouping_title, measure_text, measure_title,
};
use crate::ui::kit::format::{self, count, user_name, value_text};
use crate::ui::kit::route::Route;
use crate::ui::kit::state::use_state;

/// Rows of a tabular report drawn on the page; the CSV has them all.
const SHOWN_ROWS: usize = 500;

/// A record's value of a column, as text.
pub(super) fn cell_text(
    l: Locale,
    data: &Dataset,
    def: &ModuleDef,
    r: &Record,
    key: &str,
) -> String {
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

#[component]
pub(super) fn ResultView(
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
            matrix_table(l, data, base, def, &spec.measure, (rows, cols), mx)
        }
        (ReportKind::Summary(g), _) => summary_table(l, data, base, def, &spec.measure, g, result),
        _ => tabular_table(l, data, def, spec, result),
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

/// Rows by one grouping, columns by the other, with totals of each and in all.
fn matrix_table(
    l: Locale,
    data: &Dataset,
    base: &str,
    def: &ModuleDef,
    m: &Measure,
    (rows, cols): (&Grouping, &Grouping),
    mx: &Matrix,
) -> AnyView {
    // A sum beyond what a decimal holds says so rather than showing a number.
    let value = |n: usize, v: Option<f64>, too_large: bool| {
        if too_large {
            t(l, "money.too_large")
        } else {
            measure_text(l, base, def, m, n, v)
        }
    };
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
        .map(|c| view! { <td class="num total">{value(c.count, c.value, c.too_large)}</td> })
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

/// A row per group: its count, and its measure when that is not the count.
fn summary_table(
    l: Locale,
    data: &Dataset,
    base: &str,
    def: &ModuleDef,
    m: &Measure,
    g: &Grouping,
    result: &ReportResult,
) -> AnyView {
    // A sum beyond what a decimal holds says so rather than showing a number.
    let value = |n: usize, v: Option<f64>, too_large: bool| {
        if too_large {
            t(l, "money.too_large")
        } else {
            measure_text(l, base, def, m, n, v)
        }
    };
    let n = result.rows.len();
    let with_measure = !matches!(m, Measure::Count);
    let mtitle = with_measure.then(|| view! { <th scope="col">{measure_title(l, def, m)}</th> });
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
    let total = with_measure.then(
        || view! { <td class="num total">{value(n, result.total, result.total_too_large)}</td> },
    );
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

/// The first rows of the records found, the first column linking to each.
fn tabular_table(
    l: Locale,
    data: &Dataset,
    def: &ModuleDef,
    spec: &ReportSpec,
    result: &ReportResult,
) -> AnyView {
    let n = result.rows.len();
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
