//! The builder's pickers: the columns of a tabular report, the grouping of rows
//! (and columns) of a summary or matrix, the measure, and the sort.

use leptos::prelude::*;

use super::draft::Draft;
use crate::domain::analytics::report_choices::{
    all_fields, grouping_choices, measure_fields, BUCKETS,
};
use crate::domain::ModuleDef;
use crate::i18n::{t, Locale};
use crate::ui::analytics::report_labels::{choice_name, field_name};
use crate::ui::kit::state::{tk, use_state, AppState};

#[component]
pub(super) fn ColumnsPicker(draft: Draft) -> impl IntoView {
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
pub(super) fn GroupPicker(
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
pub(super) fn MeasurePicker(draft: Draft) -> impl IntoView {
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
pub(super) fn SortPicker(draft: Draft) -> impl IntoView {
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
