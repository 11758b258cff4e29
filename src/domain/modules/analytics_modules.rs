//! The modules behind dashboards and reports: sales quotas per user and period, and
//! the user's own dashboards and saved reports. Definitions are kept as JSON in a
//! system field, so they are stored, backed up and restored like any record.

use crate::domain::records::field_values::FieldValues;

use crate::domain::modules::standard_modules::section;
use crate::domain::records::field::{FieldDef, FieldKind};
use crate::domain::records::module_def::{ModuleDef, OwnPage, SettingsEntry, SettingsSection};
use crate::domain::records::record::Record;
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
        settings: Some(SettingsEntry::under(SettingsSection::Sales).labelled("settings.quotas")),
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
    ModuleDef {
        page: Some(OwnPage::Dashboards),
        ..definition_module(DASHBOARDS)
    }
}

pub fn reports() -> ModuleDef {
    ModuleDef {
        page: Some(OwnPage::Reports),
        ..definition_module(REPORTS)
    }
}

/// A saved definition's JSON (a dashboard's layout, a report's spec), as its record
/// keeps it: the pages that edit them read it here, not by field.
pub fn saved_definition(r: &Record) -> Option<&str> {
    match r.get(DEFINITION) {
        Some(Value::Text(json)) => Some(json),
        _ => None,
    }
}

/// A saved definition's name; empty when it has none.
pub fn definition_name(r: &Record) -> String {
    match r.get("name") {
        Some(Value::Text(s)) => s.clone(),
        _ => String::new(),
    }
}

/// The values that save `json` as a record's definition, and its name when given.
pub fn definition_values(name: Option<String>, json: String) -> Vec<(String, Value)> {
    name.map(|n| ("name".to_string(), Value::Text(n)))
        .into_iter()
        .chain([(DEFINITION.to_string(), Value::Text(json))])
        .collect()
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

    /// The dashboards and reports pages save and read their definitions only through
    /// these: what one writes, the others read back, into fields the modules have.
    #[test]
    fn a_saved_definition_reads_back_its_name_and_json() {
        for m in [dashboards(), reports()] {
            let values = definition_values(Some("Q1".into()), "{}".into());
            for (k, _) in &values {
                assert!(m.field(k).is_some(), "{}.{k}", m.key);
            }
            let r = Record::new("r".into(), &m.key, 1, None, values.into_iter().collect());
            assert_eq!(saved_definition(&r), Some("{}"));
            assert_eq!(definition_name(&r), "Q1");
            let unnamed = definition_values(None, "[]".into());
            assert_eq!(unnamed.len(), 1, "a layout change leaves the name alone");
            let r = Record::new("r".into(), &m.key, 1, None, unnamed.into_iter().collect());
            assert_eq!(
                (saved_definition(&r), definition_name(&r)),
                (Some("[]"), String::new())
            );
        }
    }

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
