//! One field condition ("industry is retail", "phones is empty", "employees greater
//! than 500"), as scoring and assignment rules state them, tested against a record.

use crate::domain::records::field_values::FieldValues;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::records::input::parse_number;
use crate::domain::records::normalize::fold;
use crate::domain::records::value::Value;

/// Every operator a condition understands, in the order forms offer them; the date
/// comparisons come last.
pub const OPERATORS: [&str; 9] = [
    "is",
    "is_not",
    "contains",
    "is_empty",
    "is_not_empty",
    "greater_than",
    "less_than",
    "on_or_after",
    "on_or_before",
];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub field: String,
    pub operator: String,
    pub value: String,
}

fn number_of(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => Some(*n),
        Value::Money(m) => m.amount.to_string().parse().ok(),
        _ => None,
    }
}

fn date_of(v: &Value) -> Option<NaiveDate> {
    match v {
        Value::Date(d) => Some(*d),
        Value::DateTime(t) => Some(t.date_naive()),
        _ => None,
    }
}

impl Condition {
    /// Reads a condition from a rule record's `field`, `operator` and `value` fields.
    pub fn from_values(values: &FieldValues) -> Option<Condition> {
        let text = |k: &str| match values.get(k) {
            Some(Value::Text(s)) => Some(s.clone()),
            _ => None,
        };
        Some(Condition {
            field: text("field")?,
            operator: text("operator").unwrap_or_else(|| "is".into()),
            value: text("value").unwrap_or_default(),
        })
    }

    pub fn matches(&self, values: &FieldValues) -> bool {
        self.matches_value(values.get(&self.field))
    }

    /// Tests the condition against the field's value (`None` when the record has
    /// none): for values that are not stored in the record's map, such as its
    /// creation time or owner.
    pub fn matches_value(&self, v: Option<&Value>) -> bool {
        let v = v.filter(|v| !v.is_empty());
        let want = fold(self.value.trim());
        let equals = |v: &Value| match v {
            Value::List(items) => items.iter().any(|i| fold(i) == want),
            Value::Bool(b) => {
                let yes = matches!(want.as_str(), "true" | "yes" | "1" | "x");
                *b == yes
            }
            Value::Number(n) => parse_number(&self.value).is_ok_and(|w| w == *n),
            other => fold(&other.to_plain()) == want,
        };
        let compare = |greater: bool| {
            let (Some(have), Ok(limit)) = (v.and_then(number_of), parse_number(&self.value)) else {
                return false;
            };
            if greater {
                have > limit
            } else {
                have < limit
            }
        };
        match self.operator.as_str() {
            "is" => v.is_some_and(equals),
            "is_not" => !v.is_some_and(equals),
            "contains" => v.is_some_and(|v| fold(&v.search_text()).contains(&want)),
            "is_empty" => v.is_none(),
            "is_not_empty" => v.is_some(),
            "greater_than" => compare(true),
            "less_than" => compare(false),
            "on_or_after" | "on_or_before" => {
                let (Some(have), Ok(limit)) = (
                    v.and_then(date_of),
                    NaiveDate::parse_from_str(self.value.trim(), "%Y-%m-%d"),
                ) else {
                    return false;
                };
                if self.operator == "on_or_after" {
                    have >= limit
                } else {
                    have <= limit
                }
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(field: &str, operator: &str, value: &str) -> Condition {
        Condition {
            field: field.into(),
            operator: operator.into(),
            value: value.into(),
        }
    }

    #[test]
    fn operators_over_text_lists_numbers_and_empties() {
        let v: FieldValues = [
            ("industry".to_string(), Value::Text("retail".into())),
            ("employees".to_string(), Value::Number(250.0)),
            ("tags".to_string(), Value::List(vec!["VIP".into()])),
            ("phones".to_string(), Value::List(vec![])),
            (
                "job_title".to_string(),
                Value::Text("Head of Purchasing".into()),
            ),
        ]
        .into();
        assert!(c("industry", "is", "Retail").matches(&v));
        assert!(!c("industry", "is_not", "retail").matches(&v));
        assert!(c("industry", "is_not", "software").matches(&v));
        assert!(c("tags", "is", "vip").matches(&v));
        assert!(
            c("phones", "is_empty", "").matches(&v),
            "an empty list is empty"
        );
        assert!(c("emails", "is_empty", "").matches(&v));
        assert!(c("job_title", "contains", "purchas").matches(&v));
        assert!(c("employees", "greater_than", "200").matches(&v));
        assert!(!c("employees", "less_than", "200").matches(&v));
        assert!(!c("employees", "greater_than", "lots").matches(&v));
        assert!(c("employees", "is", "250").matches(&v));
    }

    #[test]
    fn dates_compare_on_or_after_and_on_or_before() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let v: FieldValues = [
            ("close".to_string(), Value::Date(d("2024-03-15"))),
            (
                "at".to_string(),
                Value::DateTime(d("2024-03-15").and_hms_opt(23, 59, 0).unwrap().and_utc()),
            ),
        ]
        .into();
        assert!(c("close", "on_or_after", "2024-03-15").matches(&v));
        assert!(c("close", "on_or_before", "2024-03-15").matches(&v));
        assert!(!c("close", "on_or_after", "2024-03-16").matches(&v));
        assert!(!c("close", "on_or_before", "2024-03-14").matches(&v));
        assert!(c("at", "on_or_before", "2024-03-15").matches(&v));
        assert!(!c("at", "on_or_after", "2024-03-16").matches(&v));
        assert!(!c("close", "on_or_after", "soon").matches(&v));
        assert!(!c("none", "on_or_after", "2024-01-01").matches(&v));
    }
}
