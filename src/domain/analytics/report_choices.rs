//! How report definitions are written in forms: grouping choices (`owner`,
//! `f:<field>`, `d:<field>` with a date bucket), the fields a report can show, sum
//! or group by, and the filter operators. The report builder and dashboard widgets
//! share them, so a report and a widget offer the same things.

use crate::domain::analytics::report::{DateBucket, Grouping, CREATED_AT, OWNER, UPDATED_AT};
use crate::domain::records::field::FieldKind;
use crate::domain::records::module_def::ModuleDef;

/// Filter operators: every one a condition understands.
pub use crate::domain::records::condition::OPERATORS;

/// Date buckets as forms write them.
pub const BUCKETS: [&str; 4] = ["week", "month", "quarter", "year"];

/// Fields a report can show or filter on: the module's own, then owner and times.
pub fn all_fields(def: &ModuleDef) -> Vec<String> {
    def.fields
        .iter()
        .filter(|f| !matches!(f.kind, FieldKind::Trail { .. }))
        .map(|f| f.key.clone())
        .chain([OWNER, CREATED_AT, UPDATED_AT].map(String::from))
        .collect()
}

/// What a report can be grouped by, as select values: `owner`, `f:<field>` for a
/// field with distinct values, `d:<field>` for a date (grouped by period).
pub fn grouping_choices(def: &ModuleDef) -> Vec<String> {
    let mut out = vec!["owner".to_string()];
    for f in &def.fields {
        match f.kind {
            FieldKind::Picklist { .. }
            | FieldKind::MultiSelect { .. }
            | FieldKind::Lookup { .. }
            | FieldKind::User
            | FieldKind::Users
            | FieldKind::Checkbox
            | FieldKind::SingleLine => out.push(format!("f:{}", f.key)),
            FieldKind::Date | FieldKind::DateTime => out.push(format!("d:{}", f.key)),
            _ => {}
        }
    }
    out.push(format!("d:{CREATED_AT}"));
    out
}

/// Number, amount and percent fields: what can be summed or averaged.
pub fn measure_fields(def: &ModuleDef) -> Vec<String> {
    def.fields
        .iter()
        .filter(|f| {
            matches!(
                f.kind,
                FieldKind::Number | FieldKind::Currency | FieldKind::Percent
            )
        })
        .map(|f| f.key.clone())
        .collect()
}

/// A bucket code read back; anything unknown is a month.
pub fn bucket_of(code: &str) -> DateBucket {
    match code {
        "week" => DateBucket::Week,
        "quarter" => DateBucket::Quarter,
        "year" => DateBucket::Year,
        _ => DateBucket::Month,
    }
}

pub fn bucket_code(b: DateBucket) -> &'static str {
    match b {
        DateBucket::Week => "week",
        DateBucket::Month => "month",
        DateBucket::Quarter => "quarter",
        DateBucket::Year => "year",
    }
}

/// A grouping choice (`owner`, `f:<field>`, `d:<field>` with a bucket) read back.
pub fn grouping_of(choice: &str, bucket: &str) -> Option<Grouping> {
    if choice == "owner" {
        return Some(Grouping::Owner);
    }
    if let Some(k) = choice.strip_prefix("f:") {
        return Some(Grouping::Field(k.to_string()));
    }
    choice
        .strip_prefix("d:")
        .map(|k| Grouping::Date(k.to_string(), bucket_of(bucket)))
}

/// A grouping as (select value, bucket code).
pub fn grouping_code(g: &Grouping) -> (String, String) {
    match g {
        Grouping::Owner => ("owner".into(), "month".into()),
        Grouping::Field(k) if k == OWNER => ("owner".into(), "month".into()),
        Grouping::Field(k) => (format!("f:{k}"), "month".into()),
        Grouping::Date(k, b) => (format!("d:{k}"), bucket_code(*b).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::sales_modules::deals;

    #[test]
    fn every_grouping_choice_reads_back_to_itself() {
        let def = deals();
        let choices = grouping_choices(&def);
        assert!(choices.contains(&"f:stage".to_string()));
        assert!(choices.contains(&"d:expected_close".to_string()));
        for c in choices {
            for b in BUCKETS {
                let g = grouping_of(&c, b).unwrap();
                let (code, bucket) = grouping_code(&g);
                assert_eq!(code, c);
                if c.starts_with("d:") {
                    assert_eq!(bucket, b);
                }
            }
        }
        assert_eq!(grouping_of("nonsense", "month"), None);
        assert_eq!(measure_fields(&def), ["amount", "probability"]);
        assert!(!all_fields(&def).contains(&"stage_trail".to_string()));
    }
}
