//! Stored field values. Each value names its own type, so a backup can be checked
//! against the field definitions without guessing.

use std::cmp::Ordering;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::records::normalize::fold;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    /// Exact decimal amount, serialised as a string so no precision is lost.
    pub amount: Decimal,
    /// ISO 4217 code, upper case.
    pub currency: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    Text(String),
    Number(f64),
    // Boxed: the rarer, bigger variant would double every value's size (and every
    // record's map nodes) on wasm32.
    Money(Box<Money>),
    Bool(bool),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
    List(Vec<String>),
    /// Id of another record (lookup) or of a user.
    Ref(String),
}

impl Value {
    /// Plain text for editing and for CSV: independent of the UI locale, so it round-trips.
    pub fn to_plain(&self) -> String {
        match self {
            Value::Text(s) | Value::Ref(s) => s.clone(),
            Value::Number(n) => format_number(*n),
            Value::Money(m) => format!("{} {}", m.amount, m.currency),
            Value::Bool(b) => if *b { "true" } else { "false" }.to_string(),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
            Value::DateTime(t) => t.format("%Y-%m-%dT%H:%M").to_string(),
            Value::List(items) => items.join(", "),
        }
    }

    /// The words this value contributes to search.
    pub fn search_text(&self) -> String {
        match self {
            Value::List(items) => items.join(" "),
            other => other.to_plain(),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Value::Text(s) | Value::Ref(s) => s.trim().is_empty(),
            Value::List(items) => items.is_empty(),
            _ => false,
        }
    }

    /// The key a list sorts this value by: computed once per row, then compared
    /// cheaply. Text compares case- and accent-insensitively.
    pub fn sort_key(&self) -> SortKey {
        match self {
            Value::Number(n) => SortKey::Number(*n),
            Value::Money(m) => SortKey::Money(m.currency.clone(), m.amount),
            Value::Bool(b) => SortKey::Number(if *b { 1.0 } else { 0.0 }),
            Value::Date(d) => SortKey::Number(d.num_days_from_ce() as f64),
            Value::DateTime(t) => SortKey::Number(t.timestamp_millis() as f64),
            other => SortKey::Text(fold(&other.to_plain())),
        }
    }

    /// Ordering used when sorting a list by a column.
    pub fn sort_cmp(&self, other: &Value) -> Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

/// A precomputed sort key. Values of one field share a variant; across variants the
/// order is numbers, money, text.
#[derive(Clone, Debug, PartialEq)]
pub enum SortKey {
    Number(f64),
    Money(String, Decimal),
    Text(String),
}

impl Eq for SortKey {}

impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SortKey {
    fn cmp(&self, other: &Self) -> Ordering {
        use SortKey::*;
        match (self, other) {
            (Number(a), Number(b)) => a.total_cmp(b),
            (Money(ca, a), Money(cb, b)) => ca.cmp(cb).then_with(|| a.cmp(b)),
            (Text(a), Text(b)) => a.cmp(b),
            (Number(_), _) => Ordering::Less,
            (_, Number(_)) => Ordering::Greater,
            (Money(..), _) => Ordering::Less,
            (_, Money(..)) => Ordering::Greater,
        }
    }
}

/// Shortest exact decimal form of a number, without a trailing ".0".
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// How lists and reports order rows by a key: rows without a value last whichever
/// the direction, ties by the second part (a slot), so the order is total and the
/// same however it is sorted.
pub fn row_order<T: Ord>(
    (a, ta): &(Option<SortKey>, T),
    (b, tb): &(Option<SortKey>, T),
    descending: bool,
) -> Ordering {
    let ord = match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => return Ordering::Greater,
        (Some(_), None) => return Ordering::Less,
        (Some(a), Some(b)) => a.cmp(b),
    };
    let ord = if descending { ord.reverse() } else { ord };
    ord.then(ta.cmp(tb))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn values_serialise_with_their_type() {
        let v = Value::Money(Box::new(Money {
            amount: Decimal::from_str("1234.50").unwrap(),
            currency: "EUR".into(),
        }));
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(json, r#"{"money":{"amount":"1234.50","currency":"EUR"}}"#);
        assert_eq!(serde_json::from_str::<Value>(&json).unwrap(), v);
        let d = Value::Date(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            r#"{"date":"2024-02-29"}"#
        );
    }

    #[test]
    fn sorting_ignores_case_and_accents() {
        let a = Value::Text("émile".into());
        let b = Value::Text("Zoe".into());
        assert_eq!(a.sort_cmp(&b), Ordering::Less);
        assert_eq!(
            Value::Number(2.0).sort_cmp(&Value::Number(10.0)),
            Ordering::Less
        );
    }

    #[test]
    fn plain_numbers_have_no_trailing_zero() {
        assert_eq!(format_number(12.0), "12");
        assert_eq!(format_number(12.25), "12.25");
    }
}
