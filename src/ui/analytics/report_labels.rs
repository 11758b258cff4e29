//! How reports and dashboard widgets are worded on screen: fields, groupings and
//! measures; group names (picklist labels, users and linked records by name, periods
//! as the user's locale writes them); measure values.

use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;

use crate::domain::analytics::report::{DateBucket, GroupKey};
use crate::domain::analytics::report::{Grouping, Measure, CREATED_AT, OWNER, UPDATED_AT};
use crate::domain::analytics::report_choices::bucket_code;
use crate::domain::records::record_set::Dataset;
use crate::domain::Value;
use crate::domain::{FieldKind, ModuleDef, Money};
use crate::i18n::{label, t, tr, Locale};
use crate::ui::kit::format::{self, count, date, in_calendar, number, user_name, value_text};
use crate::ui::kit::time_zone::calendar_for;
use chrono::{Datelike, NaiveDate};

pub fn group_label(l: Locale, data: &Dataset, module: &str, key: &GroupKey) -> String {
    match key {
        GroupKey::Empty => t(l, "report.none"),
        GroupKey::Text(s) => s.clone(),
        GroupKey::Ref { module, id } => data
            .title(module, id)
            .unwrap_or_else(|| t(l, "value.missing_record")),
        GroupKey::Option { field, value } => data
            .schema
            .module(module)
            .and_then(|m| m.field(field))
            .map(|f| value_text(l, data, f, &Value::Text(value.clone())))
            .unwrap_or_else(|| value.clone()),
        GroupKey::User(id) => user_name(l, data, id),
        GroupKey::Bool(b) => t(l, if *b { "value.yes" } else { "value.no" }),
        GroupKey::Period { start, bucket } => period_label(l, *start, *bucket),
    }
}

/// A period of a date grouping: "Week of …", "March 2026", "2026 Q1", "2026", in
/// the user's calendar (its periods are cut in it: `ReportWork::in_calendar`).
pub fn period_label(l: Locale, start: NaiveDate, bucket: DateBucket) -> String {
    let year = || in_calendar(l, start, &[("year", "numeric")]);
    match bucket {
        DateBucket::Week => tr(l, "report.week_of", &[("date", &date(l, start))]),
        DateBucket::Month => in_calendar(l, start, &[("year", "numeric"), ("month", "short")]),
        DateBucket::Quarter => {
            let month = calendar_for(l).parts(start).map_or(start.month(), |p| p.1);
            tr(
                l,
                "report.quarter",
                &[
                    ("y", &year()),
                    ("q", &number(l, ((month - 1) / 3 + 1) as f64)),
                ],
            )
        }
        DateBucket::Year => year(),
    }
}

/// A field of a report in the user's words, with owner and record times.
pub fn field_name(l: Locale, def: &ModuleDef, key: &str) -> String {
    match key {
        OWNER => t(l, "field.owner"),
        CREATED_AT => t(l, "report.created_at"),
        UPDATED_AT => t(l, "report.updated_at"),
        _ => def
            .field(key)
            .map(|f| label(l, &f.label))
            .unwrap_or_else(|| key.to_string()),
    }
}

/// A grouping choice (`owner`, `f:<field>`, `d:<field>`) in the user's words.
pub fn choice_name(l: Locale, def: &ModuleDef, choice: &str) -> String {
    match choice.split_once(':') {
        Some((_, key)) => field_name(l, def, key),
        None => t(l, "field.owner"),
    }
}

pub fn grouping_title(l: Locale, def: &ModuleDef, g: &Grouping) -> String {
    match g {
        Grouping::Owner => t(l, "field.owner"),
        Grouping::Field(k) => field_name(l, def, k),
        Grouping::Date(k, b) => format!(
            "{} ({})",
            field_name(l, def, k),
            t(l, &format!("report.bucket.{}", bucket_code(*b)))
        ),
    }
}

pub fn measure_title(l: Locale, def: &ModuleDef, m: &Measure) -> String {
    match m {
        Measure::Count => t(l, "report.count"),
        Measure::Sum(f) => tr(l, "report.sum_of", &[("field", &field_name(l, def, f))]),
        Measure::Avg(f) => tr(l, "report.avg_of", &[("field", &field_name(l, def, f))]),
    }
}

/// A measure value: a count, or a sum/average (money in the base currency).
pub fn measure_text(
    l: Locale,
    base: &str,
    def: &ModuleDef,
    m: &Measure,
    n: usize,
    value: Option<f64>,
) -> String {
    if *m == Measure::Count {
        return count(l, n);
    }
    match value {
        Some(v) => measure_value(l, base, def, m, v),
        None => "–".into(),
    }
}

/// One value of a measure — a group's, a cell's, an axis tick's — as its field
/// shows it: money in the base currency, a percentage, or a number.
pub fn measure_value(l: Locale, base: &str, def: &ModuleDef, m: &Measure, v: f64) -> String {
    let (Measure::Sum(f) | Measure::Avg(f)) = m else {
        return format::number(l, v);
    };
    match def.field(f).map(|d| &d.kind) {
        Some(FieldKind::Currency) => format::money(
            l,
            &Money {
                amount: Decimal::from_f64(v).unwrap_or_default().round_dp(2),
                currency: base.to_string(),
            },
        ),
        Some(FieldKind::Percent) => format::percent(l, v),
        _ => format::number(l, (v * 100.0).round() / 100.0),
    }
}
