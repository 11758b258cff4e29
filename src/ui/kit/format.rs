//! Locale-aware display of values through the browser's Intl formatters (digits,
//! separators, calendars and currency symbols as the user's language writes them).

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use js_sys::{Array, Date, Function, Intl, Object, Reflect};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::domain::records::record_set::{Dataset, LOCAL_USER};
use crate::domain::{FieldDef, FieldKind, Money, Value};
use crate::i18n::{label, t, Locale};
use crate::ui::kit::route::Route;
use crate::ui::kit::time_zone::{calendar_for, chosen_zone_name};

thread_local! {
    // Building an Intl formatter is costly; a long list formats thousands of cells.
    static FORMATTERS: RefCell<HashMap<String, Function>> = RefCell::new(HashMap::new());
}

fn options(pairs: &[(&str, &str)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    o
}

fn formatter(l: Locale, kind: &str, opts: &[(&str, &str)]) -> Function {
    let key = format!("{}|{kind}|{opts:?}", l.intl_tag());
    FORMATTERS.with(|cache| {
        cache
            .borrow_mut()
            .entry(key)
            .or_insert_with(|| {
                let locales = Array::of1(&JsValue::from_str(l.intl_tag()));
                let o = options(opts);
                if kind == "date" {
                    Intl::DateTimeFormat::new(&locales, &o).format()
                } else {
                    Intl::NumberFormat::new(&locales, &o).format()
                }
            })
            .clone()
    })
}

fn call(f: &Function, arg: &JsValue) -> String {
    f.call1(&JsValue::NULL, arg)
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

pub fn number(l: Locale, n: f64) -> String {
    call(
        &formatter(l, "number", &[("maximumFractionDigits", "6")]),
        &JsValue::from_f64(n),
    )
}

pub fn count(l: Locale, n: usize) -> String {
    number(l, n as f64)
}

pub fn percent(l: Locale, n: f64) -> String {
    call(
        &formatter(
            l,
            "number",
            &[("style", "percent"), ("maximumFractionDigits", "2")],
        ),
        &JsValue::from_f64(n / 100.0),
    )
}

pub fn money(l: Locale, m: &Money) -> String {
    money_as(l, m, &crate::ui::kit::personal::currency_display())
}

/// An amount naming its currency the way `display` says ("symbol", "code", "name").
pub fn money_as(l: Locale, m: &Money, display: &str) -> String {
    let amount: f64 = m.amount.to_string().parse().unwrap_or(0.0);
    call(
        &formatter(
            l,
            "number",
            &[
                ("style", "currency"),
                ("currency", &m.currency),
                ("currencyDisplay", display),
            ],
        ),
        &JsValue::from_f64(amount),
    )
}

/// A money amount in the locale's short form ("$500K"), for chart axes where the
/// full amount to the cent would not fit; exact figures are shown beside it.
pub fn money_compact(l: Locale, amount: f64, currency: &str) -> String {
    call(
        &formatter(
            l,
            "number",
            &[
                ("style", "currency"),
                ("currency", currency),
                ("notation", "compact"),
                ("maximumFractionDigits", "1"),
            ],
        ),
        &JsValue::from_f64(amount),
    )
}

pub fn date(l: Locale, d: NaiveDate) -> String {
    // A calendar date has no time zone: format it as UTC midnight in UTC.
    let ms = Date::utc(d.year() as f64, d.month0() as f64);
    let ms = ms + (d.day() as f64 - 1.0) * 86_400_000.0;
    let calendar = calendar_for(l).unicode_name();
    call(
        &formatter(
            l,
            "date",
            &[
                ("dateStyle", "medium"),
                ("timeZone", "UTC"),
                ("calendar", calendar),
            ],
        ),
        &Date::new(&JsValue::from_f64(ms)).into(),
    )
}

/// A date in the user's calendar with `opts` (month names, a year): what month
/// headings and report periods show.
pub fn in_calendar(l: Locale, d: NaiveDate, opts: &[(&str, &str)]) -> String {
    let mut all = opts.to_vec();
    all.extend([
        ("timeZone", "UTC"),
        ("calendar", calendar_for(l).unicode_name()),
    ]);
    let ms = Date::utc(d.year() as f64, d.month0() as f64) + (d.day() as f64 - 1.0) * 86_400_000.0;
    call(
        &formatter(l, "date", &all),
        &Date::new(&JsValue::from_f64(ms)).into(),
    )
}

pub fn timestamp(l: Locale, ms: i64) -> String {
    let zone = chosen_zone_name();
    let calendar = calendar_for(l).unicode_name();
    let mut opts = vec![
        ("dateStyle", "medium"),
        ("timeStyle", "short"),
        ("calendar", calendar),
    ];
    if !zone.is_empty() {
        opts.push(("timeZone", zone.as_str()));
    }
    call(
        &formatter(l, "date", &opts),
        &Date::new(&JsValue::from_f64(ms as f64)).into(),
    )
}

pub fn date_time(l: Locale, t: DateTime<Utc>) -> String {
    timestamp(l, t.timestamp_millis())
}

/// A user's display name: this browser's own user in the user's words, a team
/// member by name, or a note that the member no longer exists.
pub fn user_name(l: Locale, data: &Dataset, id: &str) -> String {
    if id == LOCAL_USER {
        t(l, "user.local")
    } else {
        data.member_name(id)
            .unwrap_or_else(|| t(l, "value.missing_record"))
    }
}

/// A value as plain text in the user's locale.
pub fn value_text(l: Locale, data: &Dataset, field: &FieldDef, value: &Value) -> String {
    match (&field.kind, value) {
        (FieldKind::Percent, Value::Number(n)) => percent(l, *n),
        (
            FieldKind::Formula {
                result: crate::domain::records::formula::ResultType::Percent,
                ..
            },
            Value::Number(n),
        ) => percent(l, *n),
        (_, Value::Number(n)) => number(l, *n),
        (_, Value::Money(m)) => money(l, m),
        (_, Value::Date(d)) => date(l, *d),
        (_, Value::DateTime(t)) => date_time(l, *t),
        (_, Value::Bool(b)) => t(l, if *b { "value.yes" } else { "value.no" }),
        (FieldKind::Picklist { options }, Value::Text(s)) => options
            .iter()
            .find(|o| &o.value == s)
            .map(|o| label(l, &o.label))
            .unwrap_or_else(|| s.clone()),
        (FieldKind::MultiSelect { options, .. }, Value::List(items)) => items
            .iter()
            .map(|s| {
                options
                    .iter()
                    .find(|o| &o.value == s)
                    .map(|o| label(l, &o.label))
                    .unwrap_or_else(|| s.clone())
            })
            .collect::<Vec<_>>()
            .join(", "),
        (FieldKind::Lookup { module, .. }, Value::Ref(id)) => data
            .title(module, id)
            .unwrap_or_else(|| t(l, "value.missing_record")),
        (FieldKind::User, Value::Ref(id)) => user_name(l, data, id),
        (FieldKind::Trail { module }, Value::Text(s)) => {
            match crate::domain::records::stage_trail::parse(s) {
                Some(steps) => steps
                    .iter()
                    .map(|step| {
                        let name = data
                            .title(module, step.stage)
                            .unwrap_or_else(|| t(l, "value.missing_record"));
                        format!("{name} ({})", timestamp(l, step.at))
                    })
                    .collect::<Vec<_>>()
                    .join(if l.is_rtl() { " ← " } else { " → " }),
                None => s.clone(),
            }
        }
        (FieldKind::Users, Value::List(ids)) => ids
            .iter()
            .map(|id| user_name(l, data, id))
            .collect::<Vec<_>>()
            .join(", "),
        (_, v) => v.to_plain(),
    }
}

/// A value as the record page shows it: addresses, numbers and links are clickable.
pub fn value_view(l: Locale, data: &Dataset, field: &FieldDef, value: &Value) -> AnyView {
    let links = |scheme: &'static str, items: Vec<String>| {
        items
            .into_iter()
            .map(|s| {
                let href = format!("{scheme}{s}");
                view! { <a href=href dir="ltr">{s}</a> " " }
            })
            .collect_view()
            .into_any()
    };
    let items = |v: &Value| match v {
        Value::List(items) => items.clone(),
        other => vec![other.to_plain()],
    };
    match (&field.kind, value) {
        (FieldKind::Email { .. }, v) => links("mailto:", items(v)),
        (FieldKind::Phone { .. }, v) => links("tel:", items(v)),
        (FieldKind::Url, Value::Text(u)) => {
            let (u, href) = (u.clone(), u.clone());
            view! { <a href=href rel="noopener noreferrer" target="_blank" dir="ltr">{u}</a> }
                .into_any()
        }
        (FieldKind::Lookup { module, .. }, Value::Ref(id)) => {
            let href = Route::View(module.clone(), id.clone()).href();
            let text = value_text(l, data, field, value);
            view! { <a href=href>{text}</a> }.into_any()
        }
        // A computed percentage (how complete a lead's qualification is) reads best as a bar.
        (FieldKind::Percent, Value::Number(n)) if field.system => {
            let text = value_text(l, data, field, value);
            let n = n.clamp(0.0, 100.0);
            view! {
                <span class="meter-value">
                    <progress max="100" value=n aria-label=text.clone()></progress>
                    " "
                    {text}
                </span>
            }
            .into_any()
        }
        (FieldKind::MultiLine, Value::Text(s)) => {
            view! { <span class="multiline">{s.clone()}</span> }.into_any()
        }
        _ => value_text(l, data, field, value).into_any(),
    }
}

/// The first day of the week where the language is spoken (calendars, "this week").
pub fn week_start(l: Locale) -> chrono::Weekday {
    l.week_start()
}
