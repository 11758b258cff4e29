//! The filter bar of a list: conditions on any field, built from its definition.

use leptos::prelude::*;

use crate::domain::records::list_query::{Filter, FilterOp};
use crate::domain::{FieldDef, FieldKind};
use crate::i18n::{label, t, tr, Locale};
use crate::ui::kit::state::{tk, use_state};

fn op_name(l: Locale, op: &FilterOp) -> String {
    match op {
        FilterOp::Is(_) => t(l, "filter.op.is"),
        FilterOp::Contains(_) => t(l, "filter.op.contains"),
        FilterOp::IsEmpty => t(l, "filter.op.empty"),
        FilterOp::IsNotEmpty => t(l, "filter.op.not_empty"),
        FilterOp::AtLeast(_) => t(l, "filter.op.at_least"),
        FilterOp::AtMost(_) => t(l, "filter.op.at_most"),
    }
}

/// How a filter reads: "Industry is Retail".
fn describe(l: Locale, fields: &[FieldDef], f: &Filter) -> String {
    let field = fields.iter().find(|d| d.key == f.field);
    let name = field
        .map(|d| label(l, &d.label))
        .unwrap_or_else(|| f.field.clone());
    let value = match &f.op {
        FilterOp::Is(v) => field
            .and_then(|d| d.kind.options().iter().find(|o| &o.value == v))
            .map(|o| label(l, &o.label))
            .unwrap_or_else(|| match v.as_str() {
                "true" => t(l, "value.yes"),
                "false" => t(l, "value.no"),
                _ => v.clone(),
            }),
        FilterOp::Contains(v) => v.clone(),
        FilterOp::AtLeast(n) | FilterOp::AtMost(n) => {
            crate::domain::records::value::format_number(*n)
        }
        _ => String::new(),
    };
    format!("{name} {} {value}", op_name(l, &f.op))
        .trim()
        .to_string()
}

/// Which value control a field needs for "is".
fn has_choices(kind: &FieldKind) -> bool {
    matches!(
        kind,
        FieldKind::Picklist { .. }
            | FieldKind::MultiSelect { open: false, .. }
            | FieldKind::Checkbox
    )
}

#[component]
pub fn FilterBar(module: String, filters: RwSignal<Vec<Filter>>) -> impl IntoView {
    let st = use_state();
    let fields: Vec<FieldDef> = st
        .data
        .with_untracked(|d| d.schema.module(&module).map(|m| m.fields.clone()))
        .unwrap_or_default();
    let fields = StoredValue::new(fields);
    let first = fields.with_value(|f| f.first().map(|f| f.key.clone()).unwrap_or_default());
    let field = RwSignal::new(first);
    let op = RwSignal::new("auto".to_string());
    let value = RwSignal::new(String::new());
    let current_def =
        move || fields.with_value(|fs| fs.iter().find(|f| f.key == field.get()).cloned());
    let choices = move || current_def().is_some_and(|d| has_choices(&d.kind));
    let effective_op = move || match op.get().as_str() {
        "auto" if choices() => "is".to_string(),
        "auto" => "contains".to_string(),
        other => other.to_string(),
    };
    let needs_value = move || {
        matches!(
            effective_op().as_str(),
            "is" | "contains" | "at_least" | "at_most"
        )
    };
    let numeric = move || {
        current_def().is_some_and(|d| {
            matches!(
                d.kind,
                FieldKind::Number | FieldKind::Percent | FieldKind::Currency
            )
        })
    };

    let add = move |_| {
        let v = value.get_untracked().trim().to_string();
        let filter_op = match effective_op().as_str() {
            "is" if !v.is_empty() => FilterOp::Is(v),
            "contains" if !v.is_empty() => FilterOp::Contains(v),
            "empty" => FilterOp::IsEmpty,
            "not_empty" => FilterOp::IsNotEmpty,
            op @ ("at_least" | "at_most") => {
                match crate::domain::records::input::parse_number(&v) {
                    Ok(n) if op == "at_least" => FilterOp::AtLeast(n),
                    Ok(n) => FilterOp::AtMost(n),
                    Err(_) => return,
                }
            }
            _ => return,
        };
        filters.update(|fs| {
            fs.push(Filter {
                field: field.get_untracked(),
                op: filter_op,
            })
        });
        value.set(String::new());
    };

    let value_control = move || {
        let l = st.locale.get();
        let def = current_def();
        match def.as_ref().map(|d| &d.kind) {
            Some(kind) if has_choices(kind) => {
                let opts: Vec<(String, String)> = match kind {
                    FieldKind::Checkbox => vec![
                        ("true".into(), t(l, "value.yes")),
                        ("false".into(), t(l, "value.no")),
                    ],
                    k => k
                        .options()
                        .iter()
                        .map(|o| (o.value.clone(), label(l, &o.label)))
                        .collect(),
                };
                view! {
                    <select id="filter-value" on:change=move |ev| value.set(event_target_value(&ev))>
                        <option value="">{t(l, "filter.choose")}</option>
                        {opts
                            .into_iter()
                            .map(|(v, text)| view! { <option value=v>{text}</option> })
                            .collect_view()}
                    </select>
                }
                .into_any()
            }
            _ => view! {
                <input
                    id="filter-value"
                    type="text"
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            }
            .into_any(),
        }
    };

    let chips = move || {
        let l = st.locale.get();
        filters
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, f)| {
                let text = fields.with_value(|fs| describe(l, fs, &f));
                let remove_label = tr(l, "filter.remove", &[("filter", &text)]);
                view! {
                    <li class="chip">
                        <span>{text}</span>
                        <button
                            type="button"
                            class="chip-remove"
                            aria-label=remove_label
                            on:click=move |_| {
                                filters
                                    .update(|fs| {
                                        if i < fs.len() {
                                            fs.remove(i);
                                        }
                                    })
                            }
                        >
                            "×"
                        </button>
                    </li>
                }
            })
            .collect_view()
    };

    view! {
        <details class="filter-bar">
            <summary>{tk("filter.title")}</summary>
            <div class="filter-row">
                <div class="field">
                    <label for="filter-field">{tk("filter.field")}</label>
                    <select
                        id="filter-field"
                        on:change=move |ev| {
                            field.set(event_target_value(&ev));
                            op.set("auto".into());
                            value.set(String::new());
                        }
                    >
                        {move || {
                            let l = st.locale.get();
                            fields
                                .with_value(|fs| {
                                    fs.iter()
                                        .map(|f| {
                                            let k = f.key.clone();
                                            let selected = field.get_untracked() == k;
                                            view! {
                                                <option value=k selected=selected>
                                                    {label(l, &f.label)}
                                                </option>
                                            }
                                        })
                                        .collect_view()
                                })
                        }}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-op">{tk("filter.condition")}</label>
                    <select id="filter-op" on:change=move |ev| op.set(event_target_value(&ev))>
                        {move || {
                            let l = st.locale.get();
                            let current = effective_op();
                            let main = if choices() { "is" } else { "contains" };
                            let mut ops = vec![
                                (main, if choices() { "filter.op.is" } else { "filter.op.contains" }),
                            ];
                            if numeric() {
                                ops.push(("at_least", "filter.op.at_least"));
                                ops.push(("at_most", "filter.op.at_most"));
                            }
                            ops.push(("empty", "filter.op.empty"));
                            ops.push(("not_empty", "filter.op.not_empty"));
                            ops.into_iter()
                                .map(|(v, key)| {
                                    view! {
                                        <option value=v selected=current == v>
                                            {t(l, key)}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
                <div class="field" hidden=move || !needs_value()>
                    <label for="filter-value">{tk("filter.value")}</label>
                    {value_control}
                </div>
                <button type="button" on:click=add>
                    {tk("filter.add")}
                </button>
            </div>
            <ul class="chips" aria-label=tk("filter.active")>
                {chips}
            </ul>
        </details>
    }
}
