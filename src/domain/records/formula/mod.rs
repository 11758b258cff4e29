//! Formula fields: a small typed expression language over a record's fields and
//! those of the records it links to. `compile` parses and type-checks against the
//! schema once; `Formula::evaluate` then works it out over any record of the module.
//! A formula reads other computed fields' stored values, never recomputes them, so
//! evaluation is one walk of the tree; cycles are refused up front (`find_cycle`).

mod check;
mod cycle;
mod error;
mod eval;
mod functions;
mod node;
mod parse;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::records::field_values::FieldValues;
use crate::domain::records::module_def::{ModuleDef, Schema};
use crate::domain::records::record_set::Dataset;
use crate::domain::records::value::Value;

pub use check::rollup_type;
pub use cycle::find_cycle;
pub use error::{FormulaError, Problem as FormulaProblem};
pub use parse::{MAX_DEPTH, MAX_LEN};

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

/// A field a formula reads: `field` of the record, or `field` of the record its
/// lookup `via` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldPath {
    pub via: Option<String>,
    pub field: String,
}

/// When a formula is worked out: what `TODAY()` and `NOW()` give.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EvalTime {
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
}

/// The records a formula may follow a lookup to.
pub trait Linked {
    fn linked(&self, module: &str, id: &str) -> Option<&FieldValues>;
}

impl Linked for Dataset {
    fn linked(&self, module: &str, id: &str) -> Option<&FieldValues> {
        self.get(module, id).map(|r| &r.values)
    }
}

/// A checked formula, ready to work out over any record of its module.
#[derive(Clone, Debug, PartialEq)]
pub struct Formula {
    root: node::Node,
    result: ResultType,
    reads: Vec<FieldPath>,
}

fn compile_node(
    src: &str,
    module: &ModuleDef,
    schema: &Schema,
    result: ResultType,
) -> Result<(node::Node, Vec<FieldPath>), FormulaError> {
    let mut root = parse::parse(src)?;
    let reads = check::check(&mut root, module, schema, result)?;
    Ok((root, reads))
}

/// Parses and checks `src` as a formula of `module` giving `result`: the first
/// problem, with where it starts, if it cannot be one.
pub fn compile(
    src: &str,
    module: &ModuleDef,
    schema: &Schema,
    result: ResultType,
) -> Result<Formula, FormulaError> {
    let (root, reads) = compile_node(src, module, schema, result)?;
    Ok(Formula {
        root,
        result,
        reads,
    })
}

/// The result type a formula gives of itself (money stays money, a number is a
/// number rather than a percent), when it is one: the schema page picks it until the
/// user chooses another.
pub fn natural_result(src: &str, module: &ModuleDef, schema: &Schema) -> Option<ResultType> {
    [
        ResultType::Number,
        ResultType::Money,
        ResultType::Text,
        ResultType::Date,
        ResultType::DateTime,
        ResultType::Checkbox,
    ]
    .into_iter()
    .find(|r| compile_node(src, module, schema, *r).is_ok())
}

impl Formula {
    /// The formula's value for a record with `values` (blank: `None`).
    pub fn evaluate(
        &self,
        values: &FieldValues,
        linked: &dyn Linked,
        time: &EvalTime,
    ) -> Option<Value> {
        let ev = eval::Eval {
            values,
            linked,
            time,
        };
        eval::evaluate(&self.root, self.result, &ev)
    }

    /// The fields it reads, each once.
    pub fn reads(&self) -> &[FieldPath] {
        &self.reads
    }

    pub fn result(&self) -> ResultType {
        self.result
    }
}

#[cfg(test)]
mod tests;
