//! The filter bar of a list: conditions on any field, offered by its type — choices
//! for picklists and links, date ranges for dates, amounts in the base currency.

use leptos::prelude::*;

use crate::domain::records::date_range::{parse_day, DateRange};
use crate::domain::records::filter_url::{offered_ops, op_word};
use crate::domain::records::input::{parse_number, FieldInput};
use crate::domain::records::list_query::{Filter, FilterOp};
use crate::domain::records::record_set::Dataset;
use crate::domain::{FieldDef, FieldKind};
use crate::i18n::{label, t, tr, Locale};
use crate::ui::kit::day_input::DayInput;
use crate::ui::kit::field_input::LookupControl;
use crate::ui::kit::format::{date, number};
use crate::ui::kit::state::{tk, use_state};

/// The translation key of a condition's word (as `offered_ops` names them).
fn op_key(word: &str) -> &'static str {
    match word {
        "is" => "filter.op.is",
        "contains" => "filter.op.contains",
        "empty" => "filter.op.empty",
        "not_empty" => "filter.op.not_empty",
        "at_least" => "filter.op.at_least",
        "at_most" => "filter.op.at_most",
        "between" => "filter.op.between",
        "today" => "filter.op.today",
        "this_week" => "filter.op.this_week",
        "this_month" => "filter.op.this_month",
        "this_quarter" => "filter.op.this_quarter",
        "last_month" => "filter.op.last_month",
        "next_30_days" => "filter.op.next_30_days",
        "last_30_days" => "filter.op.last_30_days",
        "before" => "filter.op.before",
        "after" => "filter.op.after",
        _ => "filter.op.is",
    }
}

/// A choice's label by its stored value (the checkbox's yes and no included).
fn choice_label(l: Locale, kind: Option<&FieldKind>, v: &str) -> String {
    kind.and_then(|k| k.options().iter().find(|o| o.value == v))
        .map(|o| label(l, &o.label))
        .unwrap_or_else(|| match (kind, v) {
            (Some(FieldKind::Checkbox), "true") => t(l, "value.yes"),
            (Some(FieldKind::Checkbox), "false") => t(l, "value.no"),
            _ => v.to_string(),
        })
}

/// How a filter reads: "Priority is High", "Expected close this month",
/// "Amount at least 1,000 USD".
fn describe(l: Locale, data: &Dataset, base: &str, fields: &[FieldDef], f: &Filter) -> String {
    let field = fields.iter().find(|d| d.key == f.field);
    let kind = field.map(|d| &d.kind);
    let name = field
        .map(|d| label(l, &d.label))
        .unwrap_or_else(|| f.field.clone());
    let amount = |n: f64| match kind {
        Some(FieldKind::Currency) => format!("{} {base}", number(l, n)),
        _ => number(l, n),
    };
    let both = |a: String, b: String| tr(l, "filter.from_to", &[("from", &a), ("to", &b)]);
    let value = match &f.op {
        FilterOp::Is(v) => match kind {
            Some(FieldKind::Lookup { module, .. }) => data
                .title(module, v)
                .unwrap_or_else(|| t(l, "value.missing_record")),
            _ => choice_label(l, kind, v),
        },
        FilterOp::Contains(v) => v.clone(),
        FilterOp::AtLeast(n) | FilterOp::AtMost(n) => amount(*n),
        FilterOp::Between(a, b) => both(amount(*a), amount(*b)),
        FilterOp::InDates(DateRange::Before(d) | DateRange::After(d)) => date(l, *d),
        FilterOp::InDates(DateRange::Between(a, b)) => both(date(l, *a), date(l, *b)),
        FilterOp::IsEmpty | FilterOp::IsNotEmpty | FilterOp::InDates(_) => String::new(),
    };
    format!("{name} {} {value}", t(l, op_key(op_word(&f.op))))
        .trim()
        .to_string()
}

/// The values a choice field offers: (stored value, label).
fn choices(l: Locale, kind: &FieldKind) -> Option<Vec<(String, String)>> {
    match kind {
        FieldKind::Checkbox => Some(vec![
            ("true".into(), t(l, "value.yes")),
            ("false".into(), t(l, "value.no")),
        ]),
        FieldKind::Picklist { .. } | FieldKind::MultiSelect { .. } => Some(
            kind.options()
                .iter()
                .map(|o| (o.value.clone(), label(l, &o.label)))
                .collect(),
        ),
        _ => None,
    }
}

/// The filter the controls describe, or `None` while a value is missing or unreadable.
fn build(
    kind: &FieldKind,
    word: &str,
    value: &str,
    to: &str,
    link: &FieldInput,
) -> Option<FilterOp> {
    let value = value.trim();
    let given = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let dates = matches!(kind, FieldKind::Date | FieldKind::DateTime);
    Some(match word {
        "is" if matches!(kind, FieldKind::Lookup { .. }) => match link {
            FieldInput::Text(id) => FilterOp::Is(given(id)?),
            _ => return None,
        },
        "is" => FilterOp::Is(given(value)?),
        "contains" => FilterOp::Contains(given(value)?),
        "empty" => FilterOp::IsEmpty,
        "not_empty" => FilterOp::IsNotEmpty,
        "at_least" => FilterOp::AtLeast(parse_number(value).ok()?),
        "at_most" => FilterOp::AtMost(parse_number(value).ok()?),
        "between" if dates => {
            FilterOp::InDates(DateRange::Between(parse_day(value)?, parse_day(to.trim())?))
        }
        "between" => FilterOp::Between(parse_number(value).ok()?, parse_number(to.trim()).ok()?),
        "before" => FilterOp::InDates(DateRange::Before(parse_day(value)?)),
        "after" => FilterOp::InDates(DateRange::After(parse_day(value)?)),
        w => FilterOp::InDates(DateRange::relative(w)?),
    })
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
    // "" until the user picks one: the first condition the field's type offers.
    let op = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let value_to = RwSignal::new(String::new());
    let link = RwSignal::new(FieldInput::Text(String::new()));
    let current_kind = move || {
        fields.with_value(|fs| {
            fs.iter()
                .find(|f| f.key == field.get())
                .map(|f| f.kind.clone())
        })
    };
    let effective_op = move || {
        let ops = current_kind().map(|k| offered_ops(&k)).unwrap_or(&[]);
        let picked = op.get();
        ops.iter()
            .find(|w| **w == picked)
            .or(ops.first())
            .map(|w| w.to_string())
            .unwrap_or_default()
    };
    let clear_values = move || {
        value.set(String::new());
        value_to.set(String::new());
        link.set(FieldInput::Text(String::new()));
    };

    let add = move |_| {
        let Some(kind) = current_kind() else { return };
        let built = build(
            &kind,
            &effective_op(),
            &value.get_untracked(),
            &value_to.get_untracked(),
            &link.get_untracked(),
        );
        let Some(filter_op) = built else { return };
        filters.update(|fs| {
            fs.push(Filter {
                field: field.get_untracked(),
                op: filter_op,
            })
        });
        clear_values();
    };

    // The value controls follow the field and condition; typing changes neither, so
    // a control is not rebuilt (and does not lose focus) while it is typed in.
    let value_controls = move || {
        let l = st.locale.get();
        let word = effective_op();
        let Some(kind) = current_kind() else {
            return ().into_any();
        };
        let dates = matches!(kind, FieldKind::Date | FieldKind::DateTime);
        let decimal = !dates && word_is_amount(&kind);
        let text_input =
            move |id: &'static str, signal: RwSignal<String>, kind_attr: &'static str| {
                // A day: picked or typed in the user's calendar, kept as YYYY-MM-DD.
                if dates && kind_attr != "text" {
                    return view! {
                        <DayInput id=id value=signal on_day=Callback::new(move |d| signal.set(d)) />
                    }
                    .into_any();
                }
                view! {
                    <input
                        id=id
                        type=kind_attr
                        inputmode=(kind_attr == "text" && decimal).then_some("decimal")
                        autocomplete="off"
                        prop:value=move || signal.get()
                        on:input=move |ev| signal.set(event_target_value(&ev))
                    />
                }
                .into_any()
            };
        let one = |label_text: String, control: AnyView| {
            view! {
                <div class="field">
                    <label for="filter-value">{label_text}</label>
                    {control}
                </div>
            }
            .into_any()
        };
        let amount_label = |key: &str| match kind {
            FieldKind::Currency => tr(
                l,
                "filter.in_base",
                &[("value", &t(l, key)), ("currency", &st.base_currency.get())],
            ),
            _ => t(l, key),
        };
        let input_type = if dates { "date" } else { "text" };
        match word.as_str() {
            "is" if matches!(kind, FieldKind::Lookup { .. }) => {
                let FieldKind::Lookup { module, .. } = &kind else {
                    return ().into_any();
                };
                one(
                    t(l, "filter.value"),
                    view! {
                        <LookupControl
                            id="filter-value".to_string()
                            module=module.clone()
                            input=link
                            invalid=Signal::derive(|| false)
                        />
                    }
                    .into_any(),
                )
            }
            "is" if choices(l, &kind).is_some() => {
                let opts = choices(l, &kind).unwrap_or_default();
                one(
                    t(l, "filter.value"),
                    view! {
                        <select id="filter-value" on:change=move |ev| value.set(event_target_value(&ev))>
                            <option value="">{t(l, "filter.choose")}</option>
                            {opts
                                .into_iter()
                                .map(|(v, text)| view! { <option value=v>{text}</option> })
                                .collect_view()}
                        </select>
                    }
                    .into_any(),
                )
            }
            "is" | "contains" => one(
                t(l, "filter.value"),
                text_input("filter-value", value, "text").into_any(),
            ),
            "at_least" | "at_most" | "before" | "after" => one(
                amount_label("filter.value"),
                text_input("filter-value", value, input_type).into_any(),
            ),
            "between" => view! {
                <div class="field">
                    <label for="filter-value">{amount_label("filter.from")}</label>
                    {text_input("filter-value", value, input_type)}
                </div>
                <div class="field">
                    <label for="filter-value-to">{amount_label("filter.to")}</label>
                    {text_input("filter-value-to", value_to, input_type)}
                </div>
            }
            .into_any(),
            _ => ().into_any(),
        }
    };

    let chips = move || {
        let l = st.locale.get();
        let base = st.base_currency.get();
        filters
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, f)| {
                let text = st
                    .data
                    .with(|d| fields.with_value(|fs| describe(l, d, &base, fs, &f)));
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
        <details class="filter-bar" open=!filters.with_untracked(Vec::is_empty)>
            <summary>{tk("filter.title")}</summary>
            <div class="filter-row">
                <div class="field">
                    <label for="filter-field">{tk("filter.field")}</label>
                    <select
                        id="filter-field"
                        on:change=move |ev| {
                            field.set(event_target_value(&ev));
                            op.set(String::new());
                            clear_values();
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
                    <select
                        id="filter-op"
                        on:change=move |ev| {
                            op.set(event_target_value(&ev));
                            clear_values();
                        }
                    >
                        {move || {
                            let l = st.locale.get();
                            let current = effective_op();
                            let ops = current_kind().map(|k| offered_ops(&k)).unwrap_or(&[]);
                            ops.iter()
                                .map(|w| {
                                    view! {
                                        <option value=*w selected=current == *w>
                                            {t(l, op_key(w))}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
                {value_controls}
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

/// Whether a field's values are amounts typed as numbers.
fn word_is_amount(kind: &FieldKind) -> bool {
    matches!(
        kind,
        FieldKind::Number | FieldKind::Percent | FieldKind::Currency
    )
}
