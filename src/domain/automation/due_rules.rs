//! Rules on a date reached ("3 days before expected close", "on the due date"):
//! nothing runs while the app is closed, so each time the app looks (at start and
//! every minute after) every moment that came since the rule was made and has not
//! run yet runs now, in the order the moments came, once each — the run log keeps
//! the moment each run was for. Their writes are their own plan.

use std::collections::HashSet;

use chrono::NaiveTime;

use crate::domain::automation::run_rules::{run_on_stored, Ran, Start};
use crate::domain::automation::workflow::{active_rules, find_field, holds, Trigger, WorkflowRule};
use crate::domain::modules::automation_modules::{RULE_RUNS, RULE_WAITS};
use crate::domain::records::field::FieldDef;
use crate::domain::records::record::Timestamp;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::time_zone::Zone;
use crate::domain::records::value::Value;
use crate::domain::writes::{WriteContext, WritePlan};

const DAY_MS: f64 = 86_400_000.0;

/// The moment a record's date field names, moved by `offset_days`: a date is its
/// local midnight, a date-time its instant.
pub fn moment_of(value: Option<&Value>, offset_days: f64, zone: &Zone) -> Option<Timestamp> {
    let at = match value? {
        Value::Date(d) => zone.to_utc(d.and_time(NaiveTime::MIN)).timestamp_millis(),
        Value::DateTime(t) => t.timestamp_millis(),
        _ => return None,
    };
    Some(at + (offset_days * DAY_MS).round() as i64)
}

/// One rule due on one record.
#[derive(Clone, Debug, PartialEq)]
pub struct Due {
    pub rule: String,
    pub record: String,
    pub moment: Timestamp,
}

fn ran_before(data: &Dataset) -> HashSet<(String, String, Timestamp)> {
    let Some(set) = data.set(RULE_RUNS) else {
        return HashSet::new();
    };
    set.records()
        .filter_map(
            |r| match (r.get("rule"), r.get("about_id"), r.get("moment")) {
                (Some(Value::Ref(rule)), Some(Value::Text(id)), Some(Value::DateTime(t))) => {
                    Some((rule.clone(), id.clone(), t.timestamp_millis()))
                }
                _ => None,
            },
        )
        .collect()
}

fn date_rule<'a>(data: &'a Dataset, rule: &WorkflowRule) -> Option<(&'a FieldDef, f64)> {
    let Trigger::DateReached { field, offset_days } = &rule.trigger else {
        return None;
    };
    let def = data.schema.module(&rule.module)?;
    Some((find_field(def, field)?, *offset_days))
}

/// Every rule run due at `now` and not run yet, in the order the moments came.
pub fn due_now(data: &Dataset, now: Timestamp, zone: &Zone) -> Vec<Due> {
    let rules = active_rules(data);
    let done = ran_before(data);
    let mut out = Vec::new();
    for rule in &rules {
        let Some((field, offset)) = date_rule(data, rule) else {
            continue;
        };
        let Some(set) = data.set(&rule.module) else {
            continue;
        };
        let condition = rule
            .condition
            .as_ref()
            .and_then(|c| find_field(&set.module, &c.field).map(|f| (f, c)));
        for r in set.records() {
            let Some(moment) = moment_of(r.get(&field.key), offset, zone) else {
                continue;
            };
            if moment > now || moment < rule.since {
                continue;
            }
            if done.contains(&(rule.id.clone(), r.id.clone(), moment)) {
                continue;
            }
            if let Some((f, c)) = condition {
                if !holds(data, f, c, r.get(&f.key)) {
                    continue;
                }
            }
            out.push(Due {
                rule: rule.id.clone(),
                record: r.id.clone(),
                moment,
            });
        }
    }
    out.sort_by(|a, b| (a.moment, &a.rule, &a.record).cmp(&(b.moment, &b.rule, &b.record)));
    out
}

/// A run stopped at a wait whose time has come.
#[derive(Clone, Debug, PartialEq)]
pub struct Waiting {
    /// The wait's own record, deleted when the run goes on.
    pub id: String,
    pub rule: String,
    pub record: String,
    pub step: usize,
    pub at: Timestamp,
}

/// The waits whose time has come at `now`, oldest first.
pub fn waits_due(data: &Dataset, now: Timestamp) -> Vec<Waiting> {
    let Some(set) = data.set(RULE_WAITS) else {
        return Vec::new();
    };
    let mut out: Vec<Waiting> = set
        .records()
        .filter_map(|w| {
            let at = match w.get("resume_at") {
                Some(Value::DateTime(t)) => t.timestamp_millis(),
                _ => return None,
            };
            let rule = match w.get("rule") {
                Some(Value::Ref(r)) => r.clone(),
                // Its rule was deleted: the wait is cleared when its time comes.
                _ => String::new(),
            };
            let record = match w.get("about_id") {
                Some(Value::Text(id)) => id.clone(),
                _ => String::new(),
            };
            let step = match w.get("next_step") {
                Some(Value::Number(n)) if *n >= 0.0 => *n as usize,
                _ => 0,
            };
            (at <= now).then(|| Waiting {
                id: w.id.clone(),
                rule,
                record,
                step,
                at,
            })
        })
        .collect();
    out.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    out
}

/// Runs up to `limit` of the due rules and of the waits whose time came, as one
/// plan, each with its run log (a date's moment kept); a wait's record goes, and
/// its run goes on from the action after it (when its rule is still switched on).
pub fn plan_due(
    data: &Dataset,
    due: &[Due],
    waits: &[Waiting],
    limit: usize,
    ctx: &mut WriteContext,
) -> (WritePlan, Ran) {
    let rules = active_rules(data);
    let mut plan = WritePlan::default();
    let mut ran = Ran::default();
    for d in due.iter().take(limit) {
        let Some(rule) = rules.iter().find(|r| r.id == d.rule) else {
            continue;
        };
        let start = Start {
            moment: Some(d.moment),
            step: 0,
        };
        run_on_stored(data, &mut plan, rule, &d.record, start, ctx, &mut ran);
    }
    for w in waits.iter().take(limit.saturating_sub(due.len())) {
        let Some(stored) = data.get(RULE_WAITS, &w.id) else {
            continue;
        };
        plan.delete(stored.clone());
        let Some(rule) = rules.iter().find(|r| r.id == w.rule) else {
            ran.stopped += 1;
            continue;
        };
        let start = Start {
            moment: None,
            step: w.step,
        };
        run_on_stored(data, &mut plan, rule, &w.record, start, ctx, &mut ran);
    }
    (plan, ran)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::activity_module::ACTIVITIES;
    use crate::domain::modules::automation_modules::{ALERTS, WORKFLOW_ACTIONS, WORKFLOW_RULES};
    use crate::domain::modules::sales_modules::DEALS;
    use crate::domain::modules::standard_modules::standard_schema;
    use crate::domain::records::record::Record;
    use crate::domain::records::record_set::LOCAL_USER;
    use crate::domain::writes::WritePlan;
    use crate::domain::FieldValues;
    use chrono::NaiveDate;

    const DAY: i64 = 86_400_000;

    fn text(s: &str) -> Value {
        Value::Text(s.into())
    }

    fn rec(id: &str, module: &str, at: Timestamp, pairs: &[(&str, Value)]) -> Record {
        let v: FieldValues = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        Record::new(id.into(), module, at, Some(LOCAL_USER.into()), v)
    }

    fn day(y: i32, m: u32, d: u32) -> Value {
        Value::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    fn ms(y: i32, m: u32, d: u32) -> Timestamp {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_time(NaiveTime::MIN)
            .and_utc()
            .timestamp_millis()
    }

    /// A rule "1 day after expected close → alert", made on 1 December 2026, and
    /// three deals closing on the 1st, 3rd and 20th (and one closed in November).
    fn data() -> Dataset {
        let mut d = Dataset::new(standard_schema());
        d.upsert(rec(
            "r",
            WORKFLOW_RULES,
            ms(2026, 12, 1),
            &[
                ("name", text("Chase")),
                ("applies_to", text(DEALS)),
                ("trigger", text("date_reached")),
                ("trigger_field", text("Expected close")),
                ("offset_days", Value::Number(1.0)),
            ],
        ));
        d.upsert(rec(
            "r-a",
            WORKFLOW_ACTIONS,
            ms(2026, 12, 1),
            &[
                ("rule", Value::Ref("r".into())),
                ("action", text("alert_owner")),
                ("action_text", text("Chase it")),
            ],
        ));
        for (id, close) in [
            ("nov", day(2026, 11, 20)),
            ("d1", day(2026, 12, 1)),
            ("d3", day(2026, 12, 3)),
            ("d20", day(2026, 12, 20)),
        ] {
            d.upsert(rec(
                id,
                DEALS,
                1,
                &[("title", text(id)), ("expected_close", close)],
            ));
        }
        d
    }

    fn run(d: &Dataset, due: &[Due], now: Timestamp) -> (WritePlan, Ran) {
        let mut n = 0;
        let mut ids = move || {
            n += 1;
            format!("id-{n}")
        };
        let mut ctx = WriteContext {
            now,
            zone: Zone::fixed(0),
            user: LOCAL_USER,
            new_id: &mut ids,
        };
        plan_due(d, due, &[], 100, &mut ctx)
    }

    #[test]
    fn moments_that_came_while_closed_run_once_each_in_order_and_not_before_the_rule() {
        let mut d = data();
        let zone = Zone::fixed(0);
        // Opened on the 10th: the 2nd's and the 4th's moments came; November's came
        // before the rule was made; the 21st's has not come.
        let now = ms(2026, 12, 10);
        let due = due_now(&d, now, &zone);
        let records: Vec<&str> = due.iter().map(|x| x.record.as_str()).collect();
        assert_eq!(records, ["d1", "d3"]);
        assert_eq!(due[0].moment, ms(2026, 12, 2));
        let (plan, ran) = run(&d, &due, now);
        assert_eq!(
            ran,
            Ran {
                done: 2,
                failed: 0,
                stopped: 0
            }
        );
        assert_eq!(
            plan.inserts.iter().filter(|r| r.module == ALERTS).count(),
            2
        );
        plan.apply_to(&mut d);
        // Looked at again: nothing is due twice.
        assert!(due_now(&d, now + DAY, &zone).is_empty());
        // The close date moved: its new moment runs when it comes.
        let mut moved = d.get(DEALS, "d3").unwrap().clone();
        moved.values.insert("expected_close", day(2026, 12, 12));
        d.upsert(moved);
        assert!(due_now(&d, ms(2026, 12, 12), &zone).is_empty());
        assert_eq!(due_now(&d, ms(2026, 12, 13), &zone).len(), 1);
    }

    #[test]
    fn a_date_rule_setting_a_field_updates_the_record_in_its_own_plan() {
        let mut d = data();
        let mut a = d.get(WORKFLOW_ACTIONS, "r-a").unwrap().clone();
        a.values.insert("action", text("set_field"));
        a.values.insert("action_field", text("Priority"));
        a.values.insert("action_value", text("High"));
        d.upsert(a);
        d.upsert(rec(
            "r-b",
            WORKFLOW_ACTIONS,
            ms(2026, 12, 1),
            &[
                ("rule", Value::Ref("r".into())),
                ("action", text("create_task")),
                ("action_text", text("Call")),
                ("step", Value::Number(1.0)),
            ],
        ));
        let now = ms(2026, 12, 2) + 5;
        let due = due_now(&d, now, &Zone::fixed(0));
        assert_eq!(due.len(), 1);
        let (plan, ran) = run(&d, &due, now);
        assert_eq!(ran.done, 1);
        assert_eq!(plan.updates.len(), 1);
        let (before, after) = &plan.updates[0];
        assert_eq!(after.revision, before.revision + 1);
        assert_eq!(after.get("priority"), Some(&text("high")));
        assert_eq!(
            plan.inserts
                .iter()
                .filter(|r| r.module == ACTIVITIES)
                .count(),
            1
        );
        let run_log = plan.inserts.iter().find(|r| r.module == RULE_RUNS).unwrap();
        assert!(
            matches!(run_log.get("moment"), Some(Value::DateTime(t)) if t.timestamp_millis() == ms(2026, 12, 2))
        );
    }

    #[test]
    fn a_wait_holds_the_rest_of_the_actions_until_its_time_then_they_run_once() {
        let mut d = Dataset::new(standard_schema());
        let start = ms(2026, 12, 1);
        d.upsert(rec(
            "seq",
            WORKFLOW_RULES,
            start,
            &[
                ("name", text("Sequence")),
                ("applies_to", text(DEALS)),
                ("trigger", text("created")),
            ],
        ));
        for (n, pairs) in [
            vec![
                ("action", text("alert_owner")),
                ("action_text", text("New deal")),
            ],
            vec![
                ("action", text("wait")),
                ("due_in_days", Value::Number(2.0)),
            ],
            vec![
                ("action", text("create_task")),
                ("action_text", text("Follow up")),
            ],
        ]
        .into_iter()
        .enumerate()
        {
            let mut v = vec![
                ("rule", Value::Ref("seq".into())),
                ("step", Value::Number(n as f64)),
            ];
            v.extend(pairs);
            d.upsert(rec(&format!("a{n}"), WORKFLOW_ACTIONS, start, &v));
        }
        let mut n = 0;
        let mut ids = move || {
            n += 1;
            format!("id-{n}")
        };
        let mut ctx = WriteContext {
            now: start + 5,
            zone: Zone::fixed(0),
            user: LOCAL_USER,
            new_id: &mut ids,
        };
        // The deal is created: the alert now, the task after the wait.
        let mut plan = WritePlan::default();
        let deal = rec("d", DEALS, start + 5, &[("title", text("Fresh"))]);
        plan.insert(deal, LOCAL_USER, ctx.new_id);
        crate::domain::automation::run_rules::complete(&d, &mut plan, &mut ctx);
        let count = |p: &WritePlan, m: &str| p.inserts.iter().filter(|r| r.module == m).count();
        assert_eq!(count(&plan, ALERTS), 1);
        assert_eq!(count(&plan, ACTIVITIES), 0);
        assert_eq!(count(&plan, RULE_WAITS), 1);
        plan.apply_to(&mut d);
        // A day later nothing is due; two days later the task comes, once.
        assert!(waits_due(&d, start + DAY).is_empty());
        let waits = waits_due(&d, start + 2 * DAY + 10);
        assert_eq!(waits.len(), 1);
        assert_eq!(waits[0].step, 2);
        ctx.now = start + 2 * DAY + 10;
        let (plan, ran) = plan_due(&d, &[], &waits, 100, &mut ctx);
        assert_eq!(ran.done, 1);
        assert_eq!(count(&plan, ACTIVITIES), 1);
        assert_eq!(
            count(&plan, ALERTS),
            0,
            "the alert before the wait is not made again"
        );
        assert_eq!(plan.deletes.len(), 1);
        plan.apply_to(&mut d);
        assert!(waits_due(&d, start + 30 * DAY).is_empty());
    }
}
