//! The report builder (`#/reports/new`, `#/reports/<id>`): the saved report
//! opened, the form that edits its definition, and what runs, saves, exports and
//! prints it.

use leptos::prelude::*;

use super::draft::Draft;
use super::export::{export_csv, print};
use super::filters::FilterEditor;
use super::pickers::{ColumnsPicker, GroupPicker, MeasurePicker, SortPicker};
use super::results::ResultView;
use super::run::Runner;
use super::saved::{open, save};
use crate::i18n::{label, t, tr};
use crate::ui::kit::route::Route;
use crate::ui::kit::state::{tk, use_state};

#[component]
pub fn ReportBuilder(id: String) -> impl IntoView {
    let st = use_state();
    let modules: Vec<(String, crate::domain::Label)> = st.data.with_untracked(|d| {
        d.schema
            .nav_modules()
            .map(|m| (m.key.clone(), m.plural.clone()))
            .collect()
    });
    let first_module = modules.first().map(|m| m.0.clone()).unwrap_or_default();
    let Some(opened) = st.data.with_untracked(|d| open(d, &id, &first_module)) else {
        return view! { <crate::ui::kit::notice::NotFound /> }.into_any();
    };
    let report_id = StoredValue::new(opened.id.clone());
    let draft = Draft::new(opened.name, &opened.spec);
    let load_problem = opened.problem;
    let runner = Runner::new();
    // A saved report shows its result at once, unless its definition was unreadable.
    if opened.id.is_some() && load_problem.is_none() {
        runner.run(st, draft);
    }

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
                <ResultView draft=draft outcome=runner.outcome running=runner.running />
            </div>
            <form
                class="report-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    runner.run(st, draft);
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
                                    runner.forget();
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
                    <button type="button" on:click=move |_| save(st, draft, report_id) disabled=move || st.busy.get()>
                        {tk("action.save")}
                    </button>
                    <button type="button" on:click=move |_| export_csv(st, draft, runner)>
                        {tk("report.export_csv")}
                    </button>
                    <button type="button" on:click=|_| print()>
                        {tk("report.print")}
                    </button>
                    <a href=Route::Reports.href()>{tk("report.back")}</a>
                </div>
            </form>
        </section>
    }
    .into_any()
}
