//! Planning a delete: the module's guards first (a team member who still owns
//! records stays), then the cascade — a record that cannot exist without this one (a
//! contact's role on a deal) goes with it unless others depend on it in turn (a stage
//! still holding deals: then nothing is deleted), every optional link to it is
//! cleared, and whatever the module's rules change elsewhere (a scoring rule's points
//! leave every lead) — all one plan.

use crate::domain::records::record::Record;
use crate::domain::records::record_set::Dataset;
use crate::domain::rules::module_rules;
use crate::domain::writes::plan::{WriteContext, WritePlan};

#[derive(Debug, Clone, PartialEq)]
pub enum DeleteError {
    NotFound,
    /// A module rule keeps the record (its translation key says why).
    Guarded(&'static str),
    /// A record that would go with it is still needed by others.
    Blocked,
}

impl DeleteError {
    pub fn key(&self) -> &'static str {
        match self {
            DeleteError::NotFound => "record.not_found",
            DeleteError::Guarded(key) => key,
            DeleteError::Blocked => "delete.blocked",
        }
    }
}

/// Records that would lose their link if `id` were deleted: (record, field).
pub fn dependents(data: &Dataset, module: &str, id: &str) -> Vec<(Record, String)> {
    data.related(module, id)
        .into_iter()
        .flat_map(|(_, field, records)| {
            records.into_iter().map(move |r| (r.clone(), field.clone()))
        })
        .collect()
}

pub fn plan_delete(
    data: &Dataset,
    module: &str,
    id: &str,
    ctx: &mut WriteContext,
) -> Result<WritePlan, DeleteError> {
    let record = data.get(module, id).ok_or(DeleteError::NotFound)?.clone();
    if let Some(key) = module_rules::delete_guard(data, module, id) {
        return Err(DeleteError::Guarded(key));
    }
    let mut plan = WritePlan {
        needs_current_view: true,
        ..Default::default()
    };
    plan.delete(record);
    // One revision per linking record, however many of its fields point here.
    let mut cleared: Vec<(Record, Record)> = Vec::new();
    for (linking, field) in dependents(data, module, id) {
        let required = data
            .schema
            .module(&linking.module)
            .and_then(|m| m.field(&field))
            .is_some_and(|f| f.required);
        if required {
            if !dependents(data, &linking.module, &linking.id).is_empty() {
                return Err(DeleteError::Blocked);
            }
            plan.delete(linking);
            continue;
        }
        let current = cleared
            .iter()
            .position(|(b, _)| b.id == linking.id)
            .map(|i| cleared.remove(i));
        let (before, mut values) = match current {
            Some((b, a)) => (b, a.values),
            None => (linking.clone(), linking.values.clone()),
        };
        values.remove(&field);
        if let Some(after) = before.revised(values, before.owner.clone(), ctx.now) {
            cleared.push((before, after));
        }
    }
    // A record deleted by the cascade is not also updated.
    cleared.retain(|(b, _)| !plan.deletes.iter().any(|d| d.id == b.id));
    for (before, after) in cleared {
        plan.update(before, after, ctx.user, ctx.new_id);
    }
    for (before, after) in module_rules::after_delete(data, module, id, ctx.now) {
        plan.update(before, after, ctx.user, ctx.new_id);
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::sales_modules::{DEALS, DEAL_CONTACTS};
    use crate::domain::modules::standard_modules::{standard_schema, COMPANIES, CONTACTS, MEMBERS};
    use crate::domain::records::record_set::LOCAL_USER;
    use crate::domain::sales::pipeline_records::default_pipeline_records;
    use crate::domain::{FieldValues, Value};

    fn rec(id: &str, module: &str, pairs: Vec<(&str, Value)>) -> Record {
        let v: FieldValues = pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        Record::new(id.into(), module, 1, Some(LOCAL_USER.into()), v)
    }

    fn data() -> Dataset {
        let mut d = Dataset::new(standard_schema());
        for r in default_pipeline_records(1, &|k| k.to_string()) {
            d.upsert(r);
        }
        d.upsert(rec(
            "acme",
            COMPANIES,
            vec![("name", Value::Text("Acme".into()))],
        ));
        d.upsert(rec(
            "p",
            CONTACTS,
            vec![
                ("last_name", Value::Text("Berg".into())),
                ("company", Value::Ref("acme".into())),
            ],
        ));
        d.upsert(rec(
            "deal",
            DEALS,
            vec![
                ("title", Value::Text("Big".into())),
                ("company", Value::Ref("acme".into())),
                ("pipeline", Value::Ref("pipeline-new_business".into())),
                (
                    "stage",
                    Value::Ref("stage-new_business-qualification".into()),
                ),
            ],
        ));
        d.upsert(rec(
            "role",
            DEAL_CONTACTS,
            vec![
                ("deal", Value::Ref("deal".into())),
                ("contact", Value::Ref("p".into())),
            ],
        ));
        d
    }

    fn ctx_run<T>(f: impl FnOnce(&mut WriteContext) -> T) -> T {
        let mut n = 0;
        let mut ids = move || {
            n += 1;
            format!("h{n}")
        };
        f(&mut WriteContext {
            now: 10,
            zone: crate::domain::records::time_zone::Zone::default(),
            user: LOCAL_USER,
            new_id: &mut ids,
        })
    }

    #[test]
    fn deleting_a_company_clears_the_links_to_it_in_the_same_plan() {
        let d = data();
        let plan = ctx_run(|c| plan_delete(&d, COMPANIES, "acme", c)).unwrap();
        assert_eq!(plan.deletes.len(), 1);
        let mut updated: Vec<&str> = plan.updates.iter().map(|(_, a)| a.id.as_str()).collect();
        updated.sort();
        assert_eq!(updated, vec!["deal", "p"]);
        assert!(plan.updates.iter().all(|(_, a)| a.get("company").is_none()));
        assert_eq!(plan.changes.len(), 2, "one history entry per cleared link");
        assert_eq!(
            plan.deletes[0].revision, 1,
            "the delete carries the revision read"
        );
    }

    #[test]
    fn a_record_that_needs_the_deleted_one_goes_with_it() {
        let d = data();
        let plan = ctx_run(|c| plan_delete(&d, CONTACTS, "p", c)).unwrap();
        let mut gone: Vec<&str> = plan.deletes.iter().map(|r| r.id.as_str()).collect();
        gone.sort();
        assert_eq!(gone, vec!["p", "role"]);
        assert!(plan.updates.is_empty());
    }

    #[test]
    fn a_stage_still_holding_deals_is_not_deleted() {
        let d = data();
        let err = ctx_run(|c| plan_delete(&d, "pipelines", "pipeline-new_business", c));
        assert_eq!(err.unwrap_err(), DeleteError::Blocked);
    }

    #[test]
    fn a_member_who_owns_records_is_kept() {
        let mut d = data();
        d.upsert(rec(
            LOCAL_USER,
            MEMBERS,
            vec![("name", Value::Text("Me".into()))],
        ));
        let err = ctx_run(|c| plan_delete(&d, MEMBERS, LOCAL_USER, c)).unwrap_err();
        assert_eq!(err, DeleteError::Guarded("delete.member_in_use"));
        assert_eq!(
            ctx_run(|c| plan_delete(&d, COMPANIES, "nobody", c)).unwrap_err(),
            DeleteError::NotFound
        );
    }
}
