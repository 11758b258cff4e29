//! The functions a formula can call: their names and how many arguments they take.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Function {
    If,
    Case,
    And,
    Or,
    Not,
    Concat,
    Left,
    Right,
    Upper,
    Lower,
    Len,
    Contains,
    Trim,
    Text,
    Today,
    Now,
    AddDays,
    AddMonths,
    DaysBetween,
    Year,
    Month,
    Day,
    IsBlank,
    IsPickVal,
    Round,
    Abs,
    Min,
    Max,
    BlankValue,
}

/// Every function with the name it is written by (case does not matter).
const ALL: &[(Function, &str)] = &[
    (Function::If, "IF"),
    (Function::Case, "CASE"),
    (Function::And, "AND"),
    (Function::Or, "OR"),
    (Function::Not, "NOT"),
    (Function::Concat, "CONCAT"),
    (Function::Left, "LEFT"),
    (Function::Right, "RIGHT"),
    (Function::Upper, "UPPER"),
    (Function::Lower, "LOWER"),
    (Function::Len, "LEN"),
    (Function::Contains, "CONTAINS"),
    (Function::Trim, "TRIM"),
    (Function::Text, "TEXT"),
    (Function::Today, "TODAY"),
    (Function::Now, "NOW"),
    (Function::AddDays, "ADDDAYS"),
    (Function::AddMonths, "ADDMONTHS"),
    (Function::DaysBetween, "DAYSBETWEEN"),
    (Function::Year, "YEAR"),
    (Function::Month, "MONTH"),
    (Function::Day, "DAY"),
    (Function::IsBlank, "ISBLANK"),
    (Function::IsPickVal, "ISPICKVAL"),
    (Function::Round, "ROUND"),
    (Function::Abs, "ABS"),
    (Function::Min, "MIN"),
    (Function::Max, "MAX"),
    (Function::BlankValue, "BLANKVALUE"),
];

impl Function {
    pub fn named(name: &str) -> Option<Function> {
        ALL.iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map(|(f, _)| *f)
    }

    pub fn name(self) -> &'static str {
        ALL.iter()
            .find(|(f, _)| *f == self)
            .map(|(_, n)| *n)
            .unwrap_or("?")
    }

    /// The least and most arguments (`None`: any number more).
    pub fn arity(self) -> (usize, Option<usize>) {
        use Function::*;
        match self {
            Today | Now => (0, Some(0)),
            Not | Upper | Lower | Len | Trim | Text | Year | Month | Day | IsBlank | Abs => {
                (1, Some(1))
            }
            Left | Right | Contains | AddDays | AddMonths | DaysBetween | IsPickVal
            | BlankValue => (2, Some(2)),
            If => (2, Some(3)),
            Round => (1, Some(2)),
            Case => (3, None),
            And | Or | Concat | Min | Max => (1, None),
        }
    }

    /// The arity as the message words it: "2", "1–2", "3+".
    pub fn arity_text(self) -> String {
        match self.arity() {
            (lo, Some(hi)) if lo == hi => lo.to_string(),
            (lo, Some(hi)) => format!("{lo}–{hi}"),
            (lo, None) => format!("{lo}+"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_is_found_by_its_name_in_any_case() {
        for (f, name) in ALL {
            assert_eq!(Function::named(name), Some(*f));
            assert_eq!(Function::named(&name.to_lowercase()), Some(*f));
            assert_eq!(f.name(), *name);
        }
        assert_eq!(Function::named("VLOOKUP"), None);
    }

    #[test]
    fn arity_is_worded_for_messages() {
        assert_eq!(Function::Today.arity_text(), "0");
        assert_eq!(Function::If.arity_text(), "2–3");
        assert_eq!(Function::Case.arity_text(), "3+");
    }
}
