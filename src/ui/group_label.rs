//! How a report group is named on screen: picklist labels, users and linked records
//! by name, periods as the user's locale writes them.

use super::format::{date, gregorian, number, user_name, value_text};
use crate::domain::record_set::Dataset;
use crate::domain::report::{DateBucket, GroupKey};
use crate::domain::Value;
use crate::i18n::{t, tr, Locale};
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

/// A period of a date grouping: "Week of …", "March 2026", "2026 Q1", "2026".
pub fn period_label(l: Locale, start: NaiveDate, bucket: DateBucket) -> String {
    let year = || gregorian(l, start, &[("year", "numeric")]);
    match bucket {
        DateBucket::Week => tr(l, "report.week_of", &[("date", &date(l, start))]),
        DateBucket::Month => gregorian(l, start, &[("year", "numeric"), ("month", "short")]),
        DateBucket::Quarter => tr(
            l,
            "report.quarter",
            &[
                ("y", &year()),
                ("q", &number(l, (start.month0() / 3 + 1) as f64)),
            ],
        ),
        DateBucket::Year => year(),
    }
}
