//! How a report group is named on screen: picklist labels, users and linked records
//! by name, periods as the user's locale writes them.

use super::format::{month, number, user_name, value_text};
use crate::domain::record_set::Dataset;
use crate::domain::report::{DateBucket, GroupKey};
use crate::domain::Value;
use crate::i18n::{t, tr, Locale};
use chrono::Datelike;

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
        GroupKey::Period { start, bucket } => {
            // Years are written without digit grouping ("2026", not "2,026").
            let year = number(l, start.year() as f64).replace([',', '٬', '.'], "");
            match bucket {
                DateBucket::Week => tr(
                    l,
                    "report.week_of",
                    &[("date", &super::format::date(l, *start))],
                ),
                DateBucket::Month => month(l, *start),
                DateBucket::Quarter => tr(
                    l,
                    "report.quarter",
                    &[
                        ("q", &number(l, (start.month0() / 3 + 1) as f64)),
                        ("y", &year),
                    ],
                ),
                DateBucket::Year => year,
            }
        }
    }
}
