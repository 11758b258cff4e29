//! Formula fields: a small typed expression language over a record's fields and
//! those of the records it links to.

use serde::{Deserialize, Serialize};

use crate::domain::records::value::Value;

/// The fixed type of a formula's value, chosen with the field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultType {
    Number,
    Money,
    Percent,
    Text,
    Date,
    DateTime,
    Checkbox,
}

impl ResultType {
    /// Whether a stored value is of this type (a restored file is checked by it).
    pub fn holds(self, v: &Value) -> bool {
        matches!(
            (self, v),
            (ResultType::Number | ResultType::Percent, Value::Number(_))
                | (ResultType::Money, Value::Money(_))
                | (ResultType::Text, Value::Text(_))
                | (ResultType::Date, Value::Date(_))
                | (ResultType::DateTime, Value::DateTime(_))
                | (ResultType::Checkbox, Value::Bool(_))
        )
    }
}
