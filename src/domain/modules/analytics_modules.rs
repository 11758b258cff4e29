//! The modules behind dashboards and reports: sales quotas per user and period, and
//! the user's own dashboards and saved reports. Definitions are kept as JSON in a
//! system field, so they are stored, backed up and restored like any record.

use crate::domain::records::field_values::FieldValues;

use crate::domain::modules::standard_modules::section;
use crate::domain::records::field::{FieldDef, FieldKind};
use crate::domain::records::module_def::ModuleDef;
use crate::domain::records::validate::{FieldError, Problem};
use crate::domain::records::value::Value;

pub const QUOTAS: &str = "quotas";
pub const DASHBOARDS: &str = "dashboards";
pub const REPORTS: &str = "reports";
/// The field holding a dashboard's layout or a report's definition as JSON.
pub const DEFINITION: &str = "definition";

pub fn quotas() -> ModuleDef {
    ModuleDef {
        fields: vec![
            FieldDef::new("name", FieldKind::SingleLine)
                .required()
                .max_len(100)
                .in_list()
                .searchable(),
            FieldDef::new("user", FieldKind::User).required().in_list(),
            FieldDef::new("start", FieldKind::Date).required().in_list(),
            FieldDef::new("end", FieldKind::Date).required().in_list(),
            FieldDef::new("target", FieldKind::Currency)
                .required()
                .in_list()
                .help("help.quota_target"),
        ],
        sections: vec![section("main")],
        title_fields: vec!["name".into()],
        nav: false,
        ..ModuleDef::named(QUOTAS)
    }
}

fn definition_module(key: &str) -> ModuleDef {
    ModuleDef {
        fields: vec![
            FieldDef::new("name", FieldKind::SingleLine)
                .required()
                .max_len(100)
                .in_list()
                .searchable(),
            FieldDef::new(DEFINITION, FieldKind::MultiLine).system(),
        ],
        sections: vec![section("main")],
        title_fields: vec!["name".into()],
        nav: false,
        ..ModuleDef::named(key)
    }
}

pub fn dashboards() -> ModuleDef {
    definition_module(DASHBOARDS)
}

pub fn reports() -> ModuleDef {
    definition_module(REPORTS)
}

/// A quota's period must not end before it starts, and its target must be positive.
pub fn check_quota(values: &FieldValues) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let (Some(Value::Date(s)), Some(Value::Date(e))) = (values.get("start"), values.get("end")) {
        if e < s {
            errors.push(FieldError {
                field: "end".into(),
                problem: Problem::Rule("problem.end_before_start"),
            });
        }
    }
    if matches!(values.get("target"), Some(Value::Money(m)) if m.amount <= rust_decimal::Decimal::ZERO)
    {
        errors.push(FieldError {
            field: "target".into(),
            problem: Problem::Rule("problem.positive"),
        });
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::records::value::Money;
    use chrono::NaiveDate;

    #[test]
    fn a_quota_ending_before_it_starts_or_without_a_positive_target_is_refused() {
        let d = |s: &str| Value::Date(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap());
        let money = |a: i64| {
            Value::Money(Box::new(Money {
                amount: a.into(),
                currency: "USD".into(),
            }))
        };
        let mut v: FieldValues = [
            ("start".to_string(), d("2026-04-01")),
            ("end".to_string(), d("2026-06-30")),
            ("target".to_string(), money(1000)),
        ]
        .into();
        assert!(check_quota(&v).is_empty());
        v.insert("end", d("2026-03-31"));
        v.insert("target", money(0));
        let fields: Vec<_> = check_quota(&v).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["end", "target"]);
    }
}
