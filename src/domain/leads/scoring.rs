//! Lead scoring: the active scoring rules' points summed for each lead, the priority
//! band the score falls in, and the qualification completeness indicator.

use crate::domain::records::field_values::FieldValues;

use crate::domain::modules::lead_module::{LEADS, QUALIFICATION_FIELDS, SCORING_RULES};
use crate::domain::records::condition::Condition;
use crate::domain::records::record::Record;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::value::Value;

#[derive(Clone, Debug, PartialEq)]
pub struct ScoringRule {
    pub id: String,
    pub condition: Condition,
    pub points: f64,
}

/// The rule a scoring-rule record states, when it is active and complete.
pub fn rule_of(r: &Record) -> Option<ScoringRule> {
    if matches!(r.get("active"), Some(Value::Bool(false))) {
        return None;
    }
    let points = match r.get("points") {
        Some(Value::Number(n)) => *n,
        _ => return None,
    };
    Some(ScoringRule {
        id: r.id.clone(),
        condition: Condition::from_values(&r.values)?,
        points,
    })
}

/// The active rules of a dataset, optionally with one rule record replaced or removed
/// (`changed`: the saved rule record, `removed`: a deleted rule's id) — so a rule
/// change can rescore before it is stored.
pub fn active_rules(
    data: &Dataset,
    changed: Option<&Record>,
    removed: Option<&str>,
) -> Vec<ScoringRule> {
    let mut rules: Vec<ScoringRule> = data
        .set(SCORING_RULES)
        .map(|s| {
            s.records()
                .filter(|r| Some(r.id.as_str()) != changed.map(|c| c.id.as_str()))
                .filter(|r| Some(r.id.as_str()) != removed)
                .filter_map(rule_of)
                .collect()
        })
        .unwrap_or_default();
    rules.extend(changed.and_then(rule_of));
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    rules
}

pub fn score(values: &FieldValues, rules: &[ScoringRule]) -> f64 {
    rules
        .iter()
        .filter(|r| r.condition.matches(values))
        .map(|r| r.points)
        // An empty f64 sum is −0.0, which would show as "-0".
        .fold(0.0, |a, b| a + b)
}

/// A (≥ 50), B (≥ 25), C (≥ 10), D (below).
pub fn band(score: f64) -> &'static str {
    match score {
        s if s >= 50.0 => "a",
        s if s >= 25.0 => "b",
        s if s >= 10.0 => "c",
        _ => "d",
    }
}

/// Percent of the BANT and CHAMP fields that are filled.
pub fn qualification(values: &FieldValues) -> f64 {
    let filled = QUALIFICATION_FIELDS
        .iter()
        .filter(|f| values.get(f).is_some_and(|v| !v.is_empty()))
        .count();
    (filled as f64 * 100.0 / QUALIFICATION_FIELDS.len() as f64).round()
}

/// Sets a lead's computed fields: score, band and qualification.
pub fn apply(values: &mut FieldValues, rules: &[ScoringRule]) {
    let s = score(values, rules);
    values.insert("score", Value::Number(s));
    values.insert("band", Value::Text(band(s).into()));
    values.insert("qualification", Value::Number(qualification(values)));
}

/// Leads whose computed fields change under `rules`: (before, after) pairs, for the
/// same write that saves a rule change.
pub fn rescore_all(
    data: &Dataset,
    rules: &[ScoringRule],
    now: crate::domain::records::record::Timestamp,
) -> Vec<(Record, Record)> {
    let Some(set) = data.set(LEADS) else {
        return Vec::new();
    };
    set.records()
        .filter_map(|r| {
            let mut values = r.values.clone();
            apply(&mut values, rules);
            r.revised(values, r.owner.clone(), now)
                .map(|after| (r.clone(), after))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::standard_modules::standard_schema;

    fn rule(id: &str, field: &str, op: &str, value: &str, points: f64) -> Record {
        let v: FieldValues = [
            ("name".to_string(), Value::Text(id.into())),
            ("field".to_string(), Value::Text(field.into())),
            ("operator".to_string(), Value::Text(op.into())),
            ("value".to_string(), Value::Text(value.into())),
            ("points".to_string(), Value::Number(points)),
            ("active".to_string(), Value::Bool(true)),
        ]
        .into();
        Record::new(id.into(), SCORING_RULES, 1, None, v)
    }

    fn lead(id: &str, pairs: Vec<(&str, Value)>) -> Record {
        let mut v: FieldValues = [
            ("last_name".to_string(), Value::Text(id.into())),
            ("status".to_string(), Value::Text("new".into())),
        ]
        .into();
        for (k, x) in pairs {
            v.insert(k, x);
        }
        Record::new(id.into(), LEADS, 1, None, v)
    }

    fn data() -> Dataset {
        let mut d = Dataset::new(standard_schema());
        d.upsert(rule("r1", "industry", "is", "retail", 10.0));
        d.upsert(rule("r2", "phones", "is_empty", "", -5.0));
        d.upsert(rule("r3", "rating", "is", "hot", 20.0));
        d.upsert(rule("r4", "employees", "greater_than", "1000", 25.0));
        d
    }

    #[test]
    fn points_add_up_and_set_the_band() {
        let d = data();
        let rules = active_rules(&d, None, None);
        let mut v = lead(
            "a",
            vec![
                ("industry", Value::Text("retail".into())),
                ("rating", Value::Text("hot".into())),
                ("employees", Value::Number(5000.0)),
            ],
        )
        .values;
        apply(&mut v, &rules);
        assert_eq!(
            v.get("score"),
            Some(&Value::Number(50.0)),
            "10 − 5 + 20 + 25"
        );
        assert_eq!(v.get("band"), Some(&Value::Text("a".into())));
        let mut cold = lead("b", vec![("phones", Value::List(vec!["+1 555".into()]))]).values;
        apply(&mut cold, &rules);
        assert_eq!(cold.get("score"), Some(&Value::Number(0.0)));
        assert_eq!(cold.get("band"), Some(&Value::Text("d".into())));
    }

    #[test]
    fn a_rule_change_rescores_every_lead_it_touches() {
        let mut d = data();
        let rules = active_rules(&d, None, None);
        for (id, industry) in [("x", "retail"), ("y", "software")] {
            let mut r = lead(
                id,
                vec![
                    ("industry", Value::Text(industry.into())),
                    ("phones", Value::List(vec!["+1 555 0100".into()])),
                ],
            );
            apply(&mut r.values, &rules);
            d.upsert(r);
        }
        assert!(rescore_all(&d, &rules, 2).is_empty(), "scores are current");
        let mut raised = rule("r1", "industry", "is", "retail", 30.0);
        raised.revision = 2;
        let changed = rescore_all(&d, &active_rules(&d, Some(&raised), None), 2);
        assert_eq!(changed.len(), 1);
        assert_eq!(changed[0].1.id, "x");
        assert_eq!(changed[0].1.get("score"), Some(&Value::Number(30.0)));
        assert_eq!(changed[0].1.get("band"), Some(&Value::Text("b".into())));
        // Removing the rule takes its points away again.
        let removed = rescore_all(&d, &active_rules(&d, None, Some("r1")), 3);
        assert_eq!(removed[0].1.get("score"), Some(&Value::Number(0.0)));
        // An inactive rule counts nothing.
        let mut off = rule("r1", "industry", "is", "retail", 30.0);
        off.values.insert("active", Value::Bool(false));
        assert!(active_rules(&d, Some(&off), None)
            .iter()
            .all(|r| r.id != "r1"));
    }

    #[test]
    fn qualification_counts_filled_bant_and_champ_fields() {
        let v = lead(
            "q",
            vec![
                ("bant_need", Value::Text("New tills".into())),
                ("champ_challenges", Value::Text("Queues".into())),
            ],
        )
        .values;
        assert_eq!(qualification(&v), 25.0);
    }
}
