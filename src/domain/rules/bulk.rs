//! One change to many records at once (a list's selection): a field set or cleared,
//! a new owner, or a delete. Each record goes through the same planner as its own
//! save or delete — rules, validation, guards, cascades — and all of it is one plan,
//! refused whole, naming the records, when any of them cannot take the change.

use crate::domain::records::record_set::Dataset;
use crate::domain::records::validate::FieldError;
use crate::domain::records::value::Value;
use crate::domain::rules::delete::plan_delete;
use crate::domain::rules::save_plan::plan_save;
use crate::domain::writes::{WriteContext, WritePlan};

/// What a bulk edit does to every selected record.
#[derive(Clone, Debug, PartialEq)]
pub enum BulkChange {
    /// A new owner.
    Owner(String),
    /// A field set to a value, or cleared (`None`).
    Set { field: String, value: Option<Value> },
}

/// Why a bulk change was refused; nothing of it is written.
#[derive(Clone, Debug, PartialEq)]
pub enum BulkRefusal {
    /// These records would break validation: (record id, its problems).
    Invalid(Vec<(String, Vec<FieldError>)>),
    /// These records cannot be deleted: (record id, translation key of the reason).
    Kept(Vec<(String, &'static str)>),
    /// One value for many records in a field each record must hold its own of.
    SharedUnique(String),
    /// Two of the records would change the same other record (a link to both
    /// cleared): the change is to be made in smaller steps.
    Overlap,
    /// The module is not in the schema, or nothing was selected.
    Nothing,
}

impl BulkRefusal {
    /// The translation key of the refusal's headline.
    pub fn key(&self) -> &'static str {
        match self {
            BulkRefusal::Invalid(_) => "bulk.err.invalid",
            BulkRefusal::Kept(_) => "bulk.err.kept",
            BulkRefusal::SharedUnique(_) => "bulk.err.unique",
            BulkRefusal::Overlap => "bulk.err.overlap",
            BulkRefusal::Nothing => "bulk.err.nothing",
        }
    }
}

/// Plans `change` on every record of `ids` (in `module`).
pub fn plan_bulk_edit(
    data: &Dataset,
    module: &str,
    ids: &[String],
    change: &BulkChange,
    ctx: &mut WriteContext,
) -> Result<WritePlan, BulkRefusal> {
    let def = data.schema.module(module).ok_or(BulkRefusal::Nothing)?;
    if ids.is_empty() {
        return Err(BulkRefusal::Nothing);
    }
    if let BulkChange::Set {
        field,
        value: Some(v),
    } = change
    {
        let unique = def.field(field).is_some_and(|f| f.unique);
        if unique && !v.is_empty() && ids.len() > 1 {
            return Err(BulkRefusal::SharedUnique(field.clone()));
        }
    }
    let mut plan = WritePlan::default();
    let mut invalid = Vec::new();
    let mut missing = Vec::new();
    for id in ids {
        let Some(before) = data.get(module, id) else {
            missing.push((id.clone(), "record.not_found"));
            continue;
        };
        let mut values = before.values.clone();
        let owner = match change {
            BulkChange::Owner(o) => Some(o.clone()),
            BulkChange::Set { field, value } => {
                match value {
                    Some(v) => {
                        values.insert(field.clone(), v.clone());
                    }
                    None => {
                        values.remove(field);
                    }
                }
                None
            }
        };
        match plan_save(data, module, Some(before), values, owner, ctx) {
            Ok(saved) => plan.extend(saved.write),
            Err(errors) => invalid.push((id.clone(), errors)),
        }
    }
    if !missing.is_empty() {
        return Err(BulkRefusal::Kept(missing));
    }
    if !invalid.is_empty() {
        return Err(BulkRefusal::Invalid(invalid));
    }
    overlap_free(plan)
}

/// Plans deleting every record of `ids` (in `module`), each with its cascade.
pub fn plan_bulk_delete(
    data: &Dataset,
    module: &str,
    ids: &[String],
    ctx: &mut WriteContext,
) -> Result<WritePlan, BulkRefusal> {
    if data.schema.module(module).is_none() || ids.is_empty() {
        return Err(BulkRefusal::Nothing);
    }
    let mut plan = WritePlan::default();
    let mut kept = Vec::new();
    for id in ids {
        match plan_delete(data, module, id, ctx) {
            Ok(p) => plan.extend(p),
            Err(e) => kept.push((id.clone(), e.key())),
        }
    }
    if !kept.is_empty() {
        return Err(BulkRefusal::Kept(kept));
    }
    // A record one delete clears a link on and another deletes goes: its update
    // (and that update's history entry) is dropped.
    let gone: std::collections::HashSet<String> =
        plan.deletes.iter().map(|r| r.id.clone()).collect();
    let dropped: std::collections::HashSet<String> = plan
        .updates
        .iter()
        .filter(|(b, _)| gone.contains(&b.id))
        .map(|(b, _)| b.id.clone())
        .collect();
    plan.updates.retain(|(b, _)| !gone.contains(&b.id));
    plan.changes.retain(|c| {
        !(dropped.contains(&c.record_id)
            && c.kind == crate::domain::records::record::ChangeKind::Updated)
    });
    overlap_free(plan)
}

/// The plan, unless it writes one record twice: two revisions made from the same
/// stored one would have the second silently undo the first.
fn overlap_free(plan: WritePlan) -> Result<WritePlan, BulkRefusal> {
    let mut seen = std::collections::HashSet::new();
    let twice = plan
        .updates
        .iter()
        .map(|(b, _)| b.id.as_str())
        .any(|id| !seen.insert(id));
    if twice {
        return Err(BulkRefusal::Overlap);
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::standard_modules::{standard_schema, COMPANIES, CONTACTS, MEMBERS};
    use crate::domain::records::record::Record;
    use crate::domain::records::record_set::LOCAL_USER;
    use crate::domain::records::time_zone::Zone;
    use crate::domain::records::validate::Problem;
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

    fn data() -> Dataset {
        let mut d = Dataset::new(standard_schema());
        d.upsert(rec("acme", COMPANIES, &[("name", text("Acme"))]));
        d.upsert(rec("globex", COMPANIES, &[("name", text("Globex"))]));
        for (id, last, company) in [
            ("p1", "Berg", "acme"),
            ("p2", "Ek", "acme"),
            ("p3", "Lund", "globex"),
        ] {
            d.upsert(rec(
                id,
                CONTACTS,
                &[
                    ("last_name", text(last)),
                    ("company", Value::Ref(company.into())),
                ],
            ));
        }
        d.upsert(rec("maria", MEMBERS, &[("name", text("Maria Lopez"))]));
        d.upsert(rec("olga", MEMBERS, &[("name", text("Olga Ivanova"))]));
        // Maria owns a record: she is kept.
        let mut owned = d.get(CONTACTS, "p3").unwrap().clone();
        owned.owner = Some("maria".into());
        d.upsert(owned);
        d
    }

    fn run<T>(f: impl FnOnce(&mut WriteContext) -> T) -> T {
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
        f(&mut ctx)
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_new_owner_and_a_field_reach_every_selected_record_in_one_plan() {
        let d = data();
        let plan = run(|c| {
            plan_bulk_edit(
                &d,
                CONTACTS,
                &ids(&["p1", "p3"]),
                &BulkChange::Owner("olga".into()),
                c,
            )
        })
        .unwrap();
        assert_eq!(plan.updates.len(), 2);
        assert!(plan
            .updates
            .iter()
            .all(|(_, a)| a.owner.as_deref() == Some("olga")));
        assert_eq!(plan.changes.len(), 2, "a history entry each");
        // A record that already has the value is not revised.
        let same = run(|c| {
            plan_bulk_edit(
                &d,
                CONTACTS,
                &ids(&["p3"]),
                &BulkChange::Owner("maria".into()),
                c,
            )
        });
        assert!(same.unwrap().is_empty());
        let set = BulkChange::Set {
            field: "job_title".into(),
            value: Some(text("Buyer")),
        };
        let plan =
            run(|c| plan_bulk_edit(&d, CONTACTS, &ids(&["p1", "p2", "p3"]), &set, c)).unwrap();
        assert_eq!(plan.updates.len(), 3);
        assert!(plan
            .updates
            .iter()
            .all(|(_, a)| a.get("job_title") == Some(&text("Buyer"))));
        let clear = BulkChange::Set {
            field: "company".into(),
            value: None,
        };
        let plan = run(|c| plan_bulk_edit(&d, CONTACTS, &ids(&["p1"]), &clear, c)).unwrap();
        assert_eq!(plan.updates[0].1.get("company"), None);
    }

    #[test]
    fn a_change_some_records_cannot_take_is_refused_whole_naming_them() {
        let d = data();
        // Last name is required: clearing it breaks every record, and none is written.
        let clear = BulkChange::Set {
            field: "last_name".into(),
            value: None,
        };
        let err =
            run(|c| plan_bulk_edit(&d, CONTACTS, &ids(&["p1", "p2"]), &clear, c)).unwrap_err();
        let BulkRefusal::Invalid(bad) = err else {
            panic!("{err:?}")
        };
        assert_eq!(
            bad.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(),
            vec!["p1", "p2"]
        );
        assert_eq!(bad[0].1[0].problem, Problem::Required);
        // An owner who is nobody.
        let err = run(|c| {
            plan_bulk_edit(
                &d,
                CONTACTS,
                &ids(&["p1"]),
                &BulkChange::Owner("ghost".into()),
                c,
            )
        });
        assert!(matches!(err, Err(BulkRefusal::Invalid(_))));
        // One email for two people who must each have their own.
        let shared = BulkChange::Set {
            field: "emails".into(),
            value: Some(text("team@acme.example")),
        };
        let err = run(|c| plan_bulk_edit(&d, CONTACTS, &ids(&["p1", "p2"]), &shared, c));
        assert_eq!(err.unwrap_err(), BulkRefusal::SharedUnique("emails".into()));
        // A record another tab deleted meanwhile.
        let err = run(|c| {
            plan_bulk_edit(
                &d,
                CONTACTS,
                &ids(&["p1", "gone"]),
                &BulkChange::Owner("maria".into()),
                c,
            )
        });
        assert_eq!(
            err.unwrap_err(),
            BulkRefusal::Kept(vec![("gone".into(), "record.not_found")])
        );
    }

    #[test]
    fn deleting_many_clears_their_links_once_and_keeps_what_is_guarded() {
        let d = data();
        let plan = run(|c| plan_bulk_delete(&d, COMPANIES, &ids(&["acme", "globex"]), c)).unwrap();
        assert_eq!(plan.deletes.len(), 2);
        let mut cleared: Vec<&str> = plan.updates.iter().map(|(b, _)| b.id.as_str()).collect();
        cleared.sort();
        assert_eq!(
            cleared,
            vec!["p1", "p2", "p3"],
            "every contact's company link"
        );
        assert!(plan.updates.iter().all(|(_, a)| a.get("company").is_none()));
        // A member who owns records stays; so nothing is deleted, Olga neither.
        let err = run(|c| plan_bulk_delete(&d, MEMBERS, &ids(&["olga", "maria"]), c));
        assert!(
            matches!(&err, Err(BulkRefusal::Kept(k)) if k.len() == 1 && k[0].0 == "maria"),
            "{err:?}"
        );
        assert_eq!(
            run(|c| plan_bulk_delete(&d, MEMBERS, &ids(&["olga"]), c))
                .unwrap()
                .deletes
                .len(),
            1
        );
        assert_eq!(
            run(|c| plan_bulk_delete(&d, CONTACTS, &[], c)).unwrap_err(),
            BulkRefusal::Nothing
        );
    }
}
