//! What can be wrong with a formula, and where: the settings page words it.

use crate::domain::records::formula::ResultType;

/// A formula that cannot be used, with the character (counted from 0) the problem
/// starts at.
#[derive(Clone, Debug, PartialEq)]
pub struct FormulaError {
    pub at: usize,
    pub problem: Problem,
}

/// The type names in these problems are the `formula.type.*` translation keys'
/// last parts ("number", "date_or_date_time", …).
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    Empty,
    TooLong {
        max: usize,
    },
    TooDeep {
        max: usize,
    },
    UnexpectedCharacter(char),
    UnexpectedEnd,
    /// What was expected: ")", ",", "value", "operator" or "field".
    Expected(&'static str),
    UnclosedText,
    UnknownEscape(char),
    BadNumber,
    UnknownFunction(String),
    ArgumentCount {
        function: &'static str,
        expected: String,
        found: usize,
    },
    UnknownField(String),
    NotALookup(String),
    NestedPath,
    UnknownLinkedField {
        lookup: String,
        field: String,
    },
    LookupWithoutField(String),
    UnreadableKind(String),
    OperandType {
        operator: &'static str,
        found: &'static str,
    },
    OperandTypes {
        operator: &'static str,
        left: &'static str,
        right: &'static str,
    },
    ArgumentType {
        function: &'static str,
        /// Counted from 1, as the message shows it.
        position: usize,
        expected: &'static str,
        found: &'static str,
    },
    UnknownOption {
        field: String,
        value: String,
    },
    ResultMismatch {
        expected: ResultType,
        found: &'static str,
    },
}

impl FormulaError {
    pub fn new(at: usize, problem: Problem) -> Self {
        FormulaError { at, problem }
    }
}
