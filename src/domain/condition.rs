//! One field condition ("industry is retail", "phones is empty", "employees greater
//! than 500"), as scoring and assignment rules state them, tested against a record.

use std::collections::BTreeMap;

use super::input::parse_number;
use super::normalize::fold;
use super::value::Value;

#[derive(Clone, Debug, PartialEq)]
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

impl Condition {
    /// Reads a condition from a rule record's `field`, `operator` and `value` fields.
    pub fn from_values(values: &BTreeMap<String, Value>) -> Option<Condition> {
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

    pub fn matches(&self, values: &BTreeMap<String, Value>) -> bool {
        let v = values.get(&self.field).filter(|v| !v.is_empty());
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
        let v: BTreeMap<String, Value> = [
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
}
