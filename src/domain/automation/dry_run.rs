//! A dry run: which records a rule would act on now, before it is switched on, so a
//! condition that matches far more (or fewer) records than meant is seen before any
//! record is touched. Nothing is written.

use crate::domain::automation::due_rules::moment_of;
use crate::domain::automation::workflow::{find_field, holds, rule_of, Trigger, WorkflowRule};
use crate::domain::modules::automation_modules::{WORKFLOW_ACTIONS, WORKFLOW_RULES};
use crate::domain::records::condition::Condition;
use crate::domain::records::record::{Record, Timestamp};
use crate::domain::records::record_set::Dataset;
use crate::domain::records::time_zone::Zone;
use crate::domain::records::value::Value;

/// How far ahead a rule on a date reached is looked at.
pub const AHEAD_DAYS: i64 = 30;
/// How many of the records are named.
pub const NAMED: usize = 50;

/// What a dry run found.
#[derive(Clone, Debug, PartialEq)]
pub struct DryRun {
    pub rule: String,
    pub module: String,
    /// For a date reached: the moments coming in the next `AHEAD_DAYS` days, each
    /// a run; otherwise the records the rule would act on as they are now.
    pub dated: bool,
    pub total: usize,
    /// The first `NAMED` records, as (id, title).
    pub named: Vec<(String, String)>,
}

fn matches_now(
    data: &Dataset,
    rule: &WorkflowRule,
    r: &Record,
    now: Timestamp,
    zone: &Zone,
) -> bool {
    let Some(def) = data.schema.module(&rule.module) else {
        return false;
    };
    let condition = match &rule.condition {
        None => true,
        Some(c) => find_field(def, &c.field).is_some_and(|f| holds(data, f, c, r.get(&f.key))),
    };
    if !condition {
        return false;
    }
    match &rule.trigger {
        Trigger::Becomes { field, value } => find_field(def, field).is_some_and(|f| {
            let c = Condition {
                field: f.key.clone(),
                operator: "is".into(),
                value: value.clone(),
            };
            holds(data, f, &c, r.get(&f.key))
        }),
        Trigger::DateReached { field, offset_days } => find_field(def, field)
            .and_then(|f| moment_of(r.get(&f.key), *offset_days, zone))
            .is_some_and(|m| m > now && m <= now + AHEAD_DAYS * 86_400_000),
        _ => true,
    }
}

/// The dry run of the rule record `id` (switched on or not).
pub fn dry_run(data: &Dataset, id: &str, now: Timestamp, zone: &Zone) -> Option<DryRun> {
    let record = data.get(WORKFLOW_RULES, id)?;
    let actions: Vec<&Record> = data
        .set(WORKFLOW_ACTIONS)
        .map(|s| {
            s.records()
                .filter(|a| matches!(a.get("rule"), Some(Value::Ref(r)) if r == id))
                .collect()
        })
        .unwrap_or_default();
    let rule = rule_of(record, &actions)?;
    let set = data.set(&rule.module)?;
    let mut out = DryRun {
        rule: rule.name.clone(),
        module: rule.module.clone(),
        dated: matches!(rule.trigger, Trigger::DateReached { .. }),
        total: 0,
        named: Vec::new(),
    };
    for r in set.records() {
        if matches_now(data, &rule, r, now, zone) {
            out.total += 1;
            if out.named.len() < NAMED {
                out.named.push((r.id.clone(), set.module.title_of(r)));
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::sales_modules::DEALS;
    use crate::domain::modules::standard_modules::standard_schema;
    use crate::domain::FieldValues;
    use chrono::NaiveDate;

    fn rec(id: &str, module: &str, pairs: &[(&str, Value)]) -> Record {
        let v: FieldValues = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        Record::new(id.into(), module, 1, None, v)
    }

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }

    #[test]
    fn a_dry_run_names_the_records_the_condition_and_trigger_keep_now() {
        let mut d = Dataset::new(standard_schema());
        for (id, priority, close) in [("a", "high", 3), ("b", "low", 5), ("c", "high", 40)] {
            d.upsert(rec(
                id,
                DEALS,
                &[
                    ("title", t(id)),
                    ("priority", t(priority)),
                    (
                        "expected_close",
                        Value::Date(
                            NaiveDate::from_ymd_opt(2026, 12, close.min(31)).unwrap()
                                + chrono::Days::new(close.saturating_sub(31) as u64),
                        ),
                    ),
                ],
            ));
        }
        d.upsert(rec(
            "r",
            WORKFLOW_RULES,
            &[
                ("name", t("High ones")),
                ("applies_to", t(DEALS)),
                ("trigger", t("updated")),
                ("active", Value::Bool(false)),
                ("condition_field", t("Priority")),
                ("condition_value", t("High")),
            ],
        ));
        let now = NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp_millis();
        let run = dry_run(&d, "r", now, &Zone::fixed(0)).unwrap();
        assert!(!run.dated);
        assert_eq!(run.total, 2);
        let mut ids: Vec<&str> = run.named.iter().map(|(i, _)| i.as_str()).collect();
        ids.sort();
        assert_eq!(ids, ["a", "c"]);
        // On a date reached: only the moments of the next 30 days.
        let mut r = d.get(WORKFLOW_RULES, "r").unwrap().clone();
        r.values.insert("trigger", t("date_reached"));
        r.values.insert("trigger_field", t("Expected close"));
        d.upsert(r);
        let run = dry_run(&d, "r", now, &Zone::fixed(0)).unwrap();
        assert!(run.dated);
        assert_eq!(
            run.named
                .iter()
                .map(|(i, _)| i.as_str())
                .collect::<Vec<_>>(),
            ["a"]
        );
    }
}
