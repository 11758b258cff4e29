//! Everything one save writes, worked out before anything is written: the module's
//! rules applied, every value validated, the new revision, the records the rules
//! create alongside it, and a history entry for each.

use crate::domain::records::field_values::FieldValues;

use crate::domain::records::record::Record;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::validate::{FieldError, Lookups};
use crate::domain::rules::module_rules::{self, RuleSession};
use crate::domain::rules::prepare::{prepare, sort_for_form, RuleInput};
use crate::domain::writes::{WriteContext, WritePlan};

/// A planned save: the one write it makes, and the record the user saved as it will
/// be stored (`None` when nothing changed).
#[derive(Debug, Default, Clone)]
pub struct SavePlan {
    pub write: WritePlan,
    pub saved: Option<Record>,
}

/// Who and when, as every planner takes it.
pub type SaveContext<'a> = WriteContext<'a>;

pub use crate::domain::writes::plan::change_entry;

/// Plans saving `values` as a new record of `module` (when `before` is `None`) or as
/// the next revision of `before`. `owner` of `None` keeps the current owner (or makes
/// the current user the owner of a new record).
pub fn plan_save(
    data: &Dataset,
    module: &str,
    before: Option<&Record>,
    values: FieldValues,
    owner: Option<String>,
    ctx: &mut SaveContext,
) -> Result<SavePlan, Vec<FieldError>> {
    plan_save_seeing(data, data, module, before, values, owner, ctx)
}

/// `plan_save`, validating links through `lookups` (the data with records the same
/// plan makes, such as the deal a new contact row belongs to).
pub fn plan_save_seeing(
    data: &Dataset,
    lookups: &dyn Lookups,
    module: &str,
    before: Option<&Record>,
    values: FieldValues,
    owner: Option<String>,
    ctx: &mut SaveContext,
) -> Result<SavePlan, Vec<FieldError>> {
    let def = data.schema.module(module).ok_or_else(Vec::new)?;
    let mut session = RuleSession::default();
    let input = RuleInput {
        data,
        lookups,
        now: ctx.now,
        zone: ctx.zone.clone(),
    };
    let mut rules = prepare(&input, &mut session, def, before, values);
    rules
        .side_updates
        .extend(session.moved_turns(data, ctx.now));
    let mut errors = std::mem::take(&mut rules.errors);
    if let Some(o) = &owner {
        if !crate::domain::records::validate::Lookups::user_exists(data, o) {
            errors.push(FieldError {
                field: "owner".into(),
                problem: crate::domain::records::validate::Problem::UnknownUser(o.clone()),
            });
        }
    }
    if !errors.is_empty() {
        sort_for_form(def, &mut errors);
        return Err(errors);
    }
    let values = std::mem::take(&mut rules.values);
    // A unique value newly taken was checked against memory only.
    let takes_unique = def.fields.iter().any(|f| {
        f.unique
            && values.get(&f.key).is_some_and(|v| !v.is_empty())
            && before.is_none_or(|b| b.get(&f.key) != values.get(&f.key))
    });
    let mut plan = WritePlan {
        needs_current_view: takes_unique,
        ..Default::default()
    };
    let saved = match before {
        None => {
            // Assignment rules decide who gets a new lead; reassigning comes after.
            let owner = rules
                .owner
                .or(owner)
                .unwrap_or_else(|| ctx.user.to_string());
            let r = Record::new((ctx.new_id)(), module, ctx.now, Some(owner), values);
            plan.insert(r.clone(), ctx.user, ctx.new_id);
            Some(r)
        }
        Some(b) => {
            let owner = owner.or_else(|| b.owner.clone());
            b.revised(values, owner, ctx.now).inspect(|r| {
                plan.update(b.clone(), r.clone(), ctx.user, ctx.new_id);
            })
        }
    };
    let mut side = rules.side_updates;
    if let Some(r) = &saved {
        side.extend(module_rules::after_save(data, r, ctx.now));
    }
    for (b, a) in side {
        plan.update(b, a, ctx.user, ctx.new_id);
    }
    for follow in rules.follow_ups {
        let owner = saved
            .as_ref()
            .and_then(|r| r.owner.clone())
            .unwrap_or_else(|| ctx.user.to_string());
        let r = Record::new((ctx.new_id)(), module, ctx.now, Some(owner), follow);
        plan.insert(r, ctx.user, ctx.new_id);
    }
    Ok(SavePlan { write: plan, saved })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::activity_module::ACTIVITIES;
    use crate::domain::modules::sales_modules::DEALS;
    use crate::domain::modules::standard_modules::standard_schema;
    use crate::domain::records::record_set::LOCAL_USER;
    use crate::domain::sales::pipeline_records::default_pipeline_records;
    use crate::domain::Value;
    use chrono::{TimeZone, Utc};

    fn ctx_ids() -> impl FnMut() -> String {
        let mut n = 0;
        move || {
            n += 1;
            format!("id-{n}")
        }
    }

    fn data() -> Dataset {
        let mut d = Dataset::new(standard_schema());
        for r in default_pipeline_records(1, &|k| k.to_string()) {
            d.upsert(r);
        }
        d
    }

    #[test]
    fn a_stage_move_is_one_update_with_its_history() {
        let mut d = data();
        let mut ids = ctx_ids();
        let mut ctx = SaveContext {
            now: 100,
            zone: crate::domain::records::time_zone::Zone::default(),
            user: LOCAL_USER,
            new_id: &mut ids,
        };
        let values: FieldValues = [
            ("title".to_string(), Value::Text("Big".into())),
            (
                "pipeline".to_string(),
                Value::Ref("pipeline-new_business".into()),
            ),
            (
                "stage".to_string(),
                Value::Ref("stage-new_business-qualification".into()),
            ),
        ]
        .into();
        let plan = plan_save(&d, DEALS, None, values, None, &mut ctx).unwrap();
        let deal = plan.saved.clone().unwrap();
        assert_eq!(deal.owner.as_deref(), Some(LOCAL_USER));
        assert_eq!(deal.get("probability"), Some(&Value::Number(10.0)));
        d.upsert(deal.clone());

        let mut moved = deal.values.clone();
        moved.insert("stage", Value::Ref("stage-new_business-proposal".into()));
        ctx.now = 200;
        let plan = plan_save(&d, DEALS, Some(&deal), moved, None, &mut ctx).unwrap();
        assert_eq!(plan.write.updates.len(), 1);
        let fields: Vec<_> = plan.write.changes[0]
            .fields
            .iter()
            .map(|f| f.field.as_str())
            .collect();
        assert_eq!(fields, vec!["probability", "stage"]);
        assert_eq!(plan.write.changes[0].at, 200);
    }

    #[test]
    fn refused_saves_name_fields_in_form_order() {
        let d = data();
        let mut ids = ctx_ids();
        let mut ctx = SaveContext {
            now: 1,
            zone: crate::domain::records::time_zone::Zone::default(),
            user: LOCAL_USER,
            new_id: &mut ids,
        };
        let values: FieldValues = [
            (
                "pipeline".to_string(),
                Value::Ref("pipeline-new_business".into()),
            ),
            (
                "stage".to_string(),
                Value::Ref("stage-new_business-lost".into()),
            ),
        ]
        .into();
        let errs = plan_save(&d, DEALS, None, values, Some("nobody".into()), &mut ctx).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["title", "loss_reason", "owner"]);
    }

    #[test]
    fn completing_a_recurring_task_plans_the_next_in_the_same_write() {
        let d = data();
        let mut ids = ctx_ids();
        let mut ctx = SaveContext {
            now: 1,
            zone: crate::domain::records::time_zone::Zone::default(),
            user: LOCAL_USER,
            new_id: &mut ids,
        };
        let values: FieldValues = [
            ("subject".to_string(), Value::Text("Weekly report".into())),
            ("kind".to_string(), Value::Text("task".into())),
            ("done".to_string(), Value::Bool(true)),
            ("repeat".to_string(), Value::Text("daily".into())),
            (
                "due".to_string(),
                Value::DateTime(Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap()),
            ),
        ]
        .into();
        let plan = plan_save(&d, ACTIVITIES, None, values, None, &mut ctx).unwrap();
        assert_eq!(plan.write.inserts.len(), 2);
        assert_eq!(plan.write.changes.len(), 2);
        assert_eq!(
            plan.write.inserts[1].get("due"),
            Some(&Value::DateTime(
                Utc.with_ymd_and_hms(2026, 1, 6, 9, 0, 0).unwrap()
            ))
        );
    }

    #[test]
    fn a_save_that_takes_a_unique_value_asks_for_a_current_view_and_an_edit_keeping_it_does_not() {
        use crate::domain::modules::standard_modules::CONTACTS;
        let mut d = data();
        let mut ids = ctx_ids();
        let mut ctx = SaveContext {
            now: 1,
            zone: crate::domain::records::time_zone::Zone::default(),
            user: LOCAL_USER,
            new_id: &mut ids,
        };
        let values: FieldValues = [
            ("last_name".to_string(), Value::Text("Berg".into())),
            (
                "emails".to_string(),
                Value::List(vec!["anna@x.example".into()]),
            ),
        ]
        .into();
        let plan = plan_save(&d, CONTACTS, None, values, None, &mut ctx).unwrap();
        assert!(plan.write.needs_current_view);
        let saved = plan.saved.unwrap();
        d.upsert(saved.clone());
        let mut edited = saved.values.clone();
        edited.insert("first_name", Value::Text("Anna".into()));
        let plan = plan_save(&d, CONTACTS, Some(&saved), edited, None, &mut ctx).unwrap();
        assert!(
            !plan.write.needs_current_view,
            "the email it had is still its own"
        );
    }
}
