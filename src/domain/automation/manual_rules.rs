//! Rules run by hand (macros): a named list of actions a user runs with one click
//! on a record or on the records selected in a list ("Disqualify": status dead,
//! a reason, an alert). One plan for every record chosen; a record the actions
//! cannot take is logged as failed with why, and the others go ahead.

use crate::domain::automation::run_rules::{run_on_stored, Ran, Start};
use crate::domain::automation::workflow::{active_rules, Trigger};
use crate::domain::records::record_set::Dataset;
use crate::domain::writes::{WriteContext, WritePlan};

/// A macro as a record page or a list offers it.
#[derive(Clone, Debug, PartialEq)]
pub struct Macro {
    pub id: String,
    pub name: String,
}

/// The switched-on macros of `module`, by name.
pub fn macros_for(data: &Dataset, module: &str) -> Vec<Macro> {
    active_rules(data)
        .into_iter()
        .filter(|r| r.module == module && r.trigger == Trigger::Manual)
        .map(|r| Macro {
            id: r.id,
            name: r.name,
        })
        .collect()
}

/// Runs the macro `rule` on the records `ids` of its module as one plan.
pub fn plan_run_by_hand(
    data: &Dataset,
    rule: &str,
    ids: &[String],
    ctx: &mut WriteContext,
) -> (WritePlan, Ran) {
    let mut plan = WritePlan::default();
    let mut ran = Ran::default();
    let rules = active_rules(data);
    let Some(rule) = rules
        .iter()
        .find(|r| r.id == rule && r.trigger == Trigger::Manual)
    else {
        return (plan, ran);
    };
    for id in ids {
        run_on_stored(data, &mut plan, rule, id, Start::default(), ctx, &mut ran);
    }
    (plan, ran)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::automation_modules::{
        ALERTS, RULE_RUNS, WORKFLOW_ACTIONS, WORKFLOW_RULES,
    };
    use crate::domain::modules::lead_module::LEADS;
    use crate::domain::modules::standard_modules::standard_schema;
    use crate::domain::records::record::Record;
    use crate::domain::records::record_set::LOCAL_USER;
    use crate::domain::records::time_zone::Zone;
    use crate::domain::records::value::Value;
    use crate::domain::FieldValues;

    fn rec(id: &str, module: &str, pairs: &[(&str, Value)]) -> Record {
        let v: FieldValues = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        Record::new(id.into(), module, 1, Some(LOCAL_USER.into()), v)
    }

    fn text(s: &str) -> Value {
        Value::Text(s.into())
    }

    #[test]
    fn a_macro_runs_its_actions_on_every_chosen_record_in_one_plan() {
        let mut d = Dataset::new(standard_schema());
        d.upsert(rec(
            "m",
            WORKFLOW_RULES,
            &[
                ("name", text("Disqualify")),
                ("applies_to", text(LEADS)),
                ("trigger", text("manual")),
            ],
        ));
        d.upsert(rec(
            "m1",
            WORKFLOW_ACTIONS,
            &[
                ("rule", Value::Ref("m".into())),
                ("action", text("set_field")),
                ("action_field", text("Rating")),
                ("action_value", text("Cold")),
            ],
        ));
        d.upsert(rec(
            "m2",
            WORKFLOW_ACTIONS,
            &[
                ("rule", Value::Ref("m".into())),
                ("action", text("alert_owner")),
                ("step", Value::Number(1.0)),
            ],
        ));
        for id in ["l1", "l2"] {
            d.upsert(rec(
                id,
                LEADS,
                &[("last_name", text(id)), ("status", text("new"))],
            ));
        }
        assert_eq!(
            macros_for(&d, LEADS),
            [Macro {
                id: "m".into(),
                name: "Disqualify".into()
            }]
        );
        assert!(macros_for(&d, "deals").is_empty());
        let mut n = 0;
        let mut ids = move || {
            n += 1;
            format!("id-{n}")
        };
        let mut ctx = WriteContext {
            now: 50,
            zone: Zone::fixed(0),
            user: LOCAL_USER,
            new_id: &mut ids,
        };
        let chosen = ["l1".to_string(), "l2".to_string(), "gone".to_string()];
        let (plan, ran) = plan_run_by_hand(&d, "m", &chosen, &mut ctx);
        assert_eq!(
            ran,
            Ran {
                done: 2,
                failed: 0,
                stopped: 0
            }
        );
        assert_eq!(plan.updates.len(), 2);
        assert!(plan
            .updates
            .iter()
            .all(|(b, a)| a.get("rating") == Some(&text("cold")) && a.revision == b.revision + 1));
        assert_eq!(
            plan.inserts.iter().filter(|r| r.module == ALERTS).count(),
            2
        );
        assert_eq!(
            plan.inserts
                .iter()
                .filter(|r| r.module == RULE_RUNS)
                .count(),
            2
        );
        assert_eq!(plan.changes.len(), plan.updates.len() + plan.inserts.len());
    }
}
