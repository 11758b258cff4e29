//! What saving a lead does beyond validation: its score, band and qualification are
//! computed, a dead lead needs its reason, "converted" is set only by converting,
//! and a new lead goes to whoever the assignment rules choose.

use crate::domain::records::field_values::FieldValues;

use crate::domain::leads::assignment::Assigner;
use crate::domain::leads::scoring;
use crate::domain::records::record::Record;
use crate::domain::records::validate::{FieldError, Problem};
use crate::domain::records::value::Value;

#[derive(Debug, Default)]
pub struct LeadOutcome {
    pub errors: Vec<FieldError>,
    /// The user the assignment rules gave a new lead to.
    pub owner: Option<String>,
    /// Assignment rules whose round-robin turn moved.
    pub side_updates: Vec<(Record, Record)>,
}

fn status(values: &FieldValues) -> Option<&str> {
    match values.get("status") {
        Some(Value::Text(s)) => Some(s),
        _ => None,
    }
}

/// A dead lead needs its reason; "converted" is set only by converting.
pub fn check_status(values: &mut FieldValues) -> Vec<FieldError> {
    let mut errors = Vec::new();
    match status(values) {
        Some("dead") => {
            if values.get("dead_reason").is_none_or(Value::is_empty) {
                errors.push(FieldError {
                    field: "dead_reason".into(),
                    problem: Problem::Rule("problem.dead_reason_required"),
                });
            }
        }
        Some("converted") if !values.contains_key("converted_contact") => {
            errors.push(FieldError {
                field: "status".into(),
                problem: Problem::Rule("problem.convert_with_action"),
            });
        }
        _ => {
            values.remove("dead_reason");
        }
    }
    errors
}

/// A lead's rules, with the scoring rules and the assigner given so many leads in a
/// row (an import) share them (`module_rules::RuleSession`); the assigner's moved
/// turns are the caller's to save (`Assigner::rule_updates`).
pub fn apply_with(
    before: Option<&Record>,
    values: &mut FieldValues,
    rules: &[scoring::ScoringRule],
    assigner: &mut Assigner,
) -> LeadOutcome {
    let mut out = LeadOutcome {
        errors: check_status(values),
        ..Default::default()
    };
    scoring::apply(values, rules);
    if before.is_none() {
        if let Some(a) = assigner.assign(values) {
            values.insert("assigned_by", Value::Text(a.rule_name));
            out.owner = Some(a.user);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::records::record::Timestamp;
    use crate::domain::records::record_set::Dataset;

    /// One lead's rules as a save runs them, the moved turns included.
    fn apply(
        data: &Dataset,
        before: Option<&Record>,
        values: &mut FieldValues,
        now: Timestamp,
    ) -> LeadOutcome {
        let mut assigner = Assigner::new(data);
        let mut out = apply_with(
            before,
            values,
            &scoring::active_rules(data, None, None),
            &mut assigner,
        );
        out.side_updates = assigner.rule_updates(data, now);
        out
    }
    use crate::domain::modules::lead_module::{ASSIGNMENT_RULES, LEADS, SCORING_RULES};
    use crate::domain::modules::standard_modules::standard_schema;

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }

    fn data() -> Dataset {
        let mut d = Dataset::new(standard_schema());
        let rule: FieldValues = [
            ("name", t("Hot")),
            ("field", t("rating")),
            ("operator", t("is")),
            ("value", t("hot")),
            ("points", Value::Number(20.0)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        d.upsert(Record::new("s1".into(), SCORING_RULES, 1, None, rule));
        let rr: FieldValues = [
            ("name", t("Turns")),
            ("method", t("round_robin")),
            ("group", Value::List(vec!["m1".into(), "m2".into()])),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        d.upsert(Record::new("a1".into(), ASSIGNMENT_RULES, 1, None, rr));
        d
    }

    fn lead(pairs: Vec<(&str, Value)>) -> FieldValues {
        let mut v: FieldValues = [("last_name", t("Berg")), ("status", t("new"))]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        for (k, x) in pairs {
            v.insert(k, x);
        }
        v
    }

    #[test]
    fn a_new_lead_is_scored_and_assigned_with_the_reason() {
        let d = data();
        let mut v = lead(vec![("rating", t("hot"))]);
        let out = apply(&d, None, &mut v, 5);
        assert!(out.errors.is_empty());
        assert_eq!(v.get("score"), Some(&Value::Number(20.0)));
        assert_eq!(v.get("band"), Some(&t("c")));
        assert_eq!(out.owner.as_deref(), Some("m1"));
        assert_eq!(v.get("assigned_by"), Some(&t("Turns")));
        assert_eq!(out.side_updates.len(), 1);
        assert_eq!(
            out.side_updates[0].1.get("last_assigned"),
            Some(&Value::Ref("m1".into()))
        );
        // Editing an existing lead does not reassign it.
        let before = Record::new("l".into(), LEADS, 1, Some("me".into()), v.clone());
        let out = apply(&d, Some(&before), &mut v, 6);
        assert_eq!(out.owner, None);
    }

    #[test]
    fn dead_needs_a_reason_and_converted_needs_a_conversion() {
        let d = data();
        let mut dead = lead(vec![("status", t("dead"))]);
        assert_eq!(apply(&d, None, &mut dead, 1).errors[0].field, "dead_reason");
        let mut converted = lead(vec![("status", t("converted"))]);
        assert_eq!(apply(&d, None, &mut converted, 1).errors[0].field, "status");
        let mut revived = lead(vec![("dead_reason", t("no_budget"))]);
        apply(&d, None, &mut revived, 1);
        assert!(!revived.contains_key("dead_reason"));
    }
}
