//! Saving a record together with the rows its form edits inside it (a deal's
//! contacts with their roles): the record, each added or changed row and each
//! removed row planned by the usual planners, as one plan, so the form is saved
//! whole or not at all. A row's problems come back under `row_error_key`.

use crate::domain::records::field_values::FieldValues;
use crate::domain::records::pending_lookups::WithPending;
use crate::domain::records::record::Record;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::validate::{FieldError, Problem};
use crate::domain::records::value::Value;
use crate::domain::rules::delete::plan_delete;
use crate::domain::rules::save_plan::{plan_save, plan_save_seeing, SaveContext, SavePlan};

/// One row as the form holds it: the stored row it edits (none for a new one) and
/// its values, without the parent link (the planner sets it).
#[derive(Debug, Clone, Default)]
pub struct RowEdit {
    pub existing: Option<Record>,
    pub values: FieldValues,
}

/// The rows of one child module, as the form holds them, and the stored rows the
/// user removed.
#[derive(Debug, Clone, Default)]
pub struct RowsEdit {
    pub module: String,
    pub rows: Vec<RowEdit>,
    pub removed: Vec<Record>,
}

/// The error key of `field` in row `index` of `module`: `deal_contacts.0.contact`.
pub fn row_error_key(module: &str, index: usize, field: &str) -> String {
    format!("{module}.{index}.{field}")
}

/// A removed row that cannot go is reported on the rows as a whole.
pub fn rows_error_key(module: &str) -> String {
    format!("{module}.rows")
}

/// A new row with nothing typed in it is not a row (an "Add" clicked by mistake).
fn is_blank(row: &RowEdit) -> bool {
    row.existing.is_none() && row.values.values().all(Value::is_empty)
}

/// Plans saving the record as `plan_save` does, with `edits` to its inline rows.
pub fn plan_save_with_rows(
    data: &Dataset,
    module: &str,
    before: Option<&Record>,
    values: FieldValues,
    owner: Option<String>,
    edits: Vec<RowsEdit>,
    ctx: &mut SaveContext,
) -> Result<SavePlan, Vec<FieldError>> {
    let parent = plan_save(data, module, before, values, owner, ctx);
    if edits.is_empty() {
        return parent;
    }
    let (mut plan, mut errors) = match parent {
        Ok(p) => (p, Vec::new()),
        Err(e) => (SavePlan::default(), e),
    };
    // The rows link to the record as it will be; a new record that was refused still
    // gets its rows checked, against a stand-in, so every problem is shown at once.
    let parent_record = plan
        .saved
        .clone()
        .or_else(|| before.cloned())
        .unwrap_or_else(|| Record::new(String::new(), module, ctx.now, None, FieldValues::new()));
    let pending = std::slice::from_ref(&parent_record);
    let seeing = WithPending { data, pending };
    for edit in edits {
        let Some((def, inline)) = data
            .schema
            .inline_children(module)
            .find(|(m, _)| m.key == edit.module)
        else {
            continue;
        };
        let mut seen: Vec<Value> = Vec::new();
        for (i, row) in edit.rows.into_iter().enumerate() {
            if is_blank(&row) {
                continue;
            }
            let mut values = row.values;
            values.insert(inline.parent.clone(), Value::Ref(parent_record.id.clone()));
            let key = |field: &str| row_error_key(&def.key, i, field);
            if let Some(field) = &inline.distinct {
                if let Some(v) = values.get(field).filter(|v| !v.is_empty()) {
                    if seen.contains(v) {
                        errors.push(FieldError {
                            field: key(field),
                            problem: Problem::Rule("problem.row_repeated"),
                        });
                        continue;
                    }
                    seen.push(v.clone());
                }
            }
            match plan_save_seeing(
                data,
                &seeing,
                &def.key,
                row.existing.as_ref(),
                values,
                None,
                ctx,
            ) {
                Ok(p) => plan.write.extend(p.write),
                Err(found) => errors.extend(
                    found
                        .into_iter()
                        .filter(|e| e.field != inline.parent)
                        .map(|e| FieldError {
                            field: key(&e.field),
                            problem: e.problem,
                        }),
                ),
            }
        }
        for gone in edit.removed {
            if gone.module != def.key {
                continue;
            }
            match plan_delete(data, &def.key, &gone.id, ctx) {
                Ok(p) => plan.write.extend(p),
                // Removed in another tab already: nothing left to remove.
                Err(crate::domain::rules::DeleteError::NotFound) => {}
                Err(e) => errors.push(FieldError {
                    field: rows_error_key(&def.key),
                    problem: Problem::Rule(e.key()),
                }),
            }
        }
    }
    if errors.is_empty() {
        Ok(plan)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::sales_modules::{DEALS, DEAL_CONTACTS};
    use crate::domain::modules::standard_modules::{standard_schema, CONTACTS};
    use crate::domain::records::record_set::LOCAL_USER;
    use crate::domain::sales::pipeline_records::default_pipeline_records;

    fn ids() -> impl FnMut() -> String {
        let mut n = 0;
        move || {
            n += 1;
            format!("id-{n}")
        }
    }

    fn vals(pairs: &[(&str, Value)]) -> FieldValues {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    fn text(s: &str) -> Value {
        Value::Text(s.into())
    }

    fn data() -> Dataset {
        let mut d = Dataset::new(standard_schema());
        for r in default_pipeline_records(1, &|k| k.to_string()) {
            d.upsert(r);
        }
        for (id, first, last) in [("anna", "Anna", "Berg"), ("omid", "Omid", "Rahimi")] {
            d.upsert(Record::new(
                id.into(),
                CONTACTS,
                1,
                None,
                vals(&[("first_name", text(first)), ("last_name", text(last))]),
            ));
        }
        d
    }

    fn deal_values(d: &Dataset) -> FieldValues {
        let pipeline = d
            .set("pipelines")
            .unwrap()
            .records()
            .next()
            .unwrap()
            .id
            .clone();
        let stage = d
            .set("stages")
            .unwrap()
            .records()
            .find(|s| s.get("pipeline") == Some(&Value::Ref(pipeline.clone())))
            .unwrap()
            .id
            .clone();
        vals(&[
            ("title", text("Fleet renewal")),
            ("pipeline", Value::Ref(pipeline)),
            ("stage", Value::Ref(stage)),
        ])
    }

    fn row(contact: &str, role: &str) -> RowEdit {
        RowEdit {
            existing: None,
            values: vals(&[
                ("contact", Value::Ref(contact.into())),
                ("role", text(role)),
            ]),
        }
    }

    fn plan(
        d: &Dataset,
        before: Option<&Record>,
        values: FieldValues,
        edit: RowsEdit,
    ) -> Result<SavePlan, Vec<FieldError>> {
        let mut next = ids();
        let mut ctx = SaveContext {
            now: 50,
            zone: crate::domain::records::time_zone::Zone::default(),
            user: LOCAL_USER,
            new_id: &mut next,
        };
        plan_save_with_rows(d, DEALS, before, values, None, vec![edit], &mut ctx)
    }

    #[test]
    fn the_deal_form_edits_its_contacts_with_roles() {
        let schema = standard_schema();
        let children: Vec<&str> = schema
            .inline_children(DEALS)
            .map(|(m, _)| m.key.as_str())
            .collect();
        assert_eq!(children, vec![DEAL_CONTACTS]);
        assert_eq!(schema.inline_children(CONTACTS).count(), 0);
    }

    #[test]
    fn contact_rows_are_named_as_contacts_not_as_the_link_module() {
        let schema = standard_schema();
        let rows = schema.module(DEAL_CONTACTS).unwrap();
        let contacts = schema.module(CONTACTS).unwrap();
        assert_eq!(
            schema.row_names(rows),
            (&contacts.singular, &contacts.plural)
        );
        let deals = schema.module(DEALS).unwrap();
        assert_eq!(schema.row_names(deals), (&deals.singular, &deals.plural));
    }

    #[test]
    fn a_new_deal_and_its_contact_rows_are_one_plan_linked_to_the_new_deal() {
        let d = data();
        let edit = RowsEdit {
            module: DEAL_CONTACTS.into(),
            rows: vec![
                row("anna", "decision_maker"),
                RowEdit::default(),
                row("omid", "champion"),
            ],
            removed: vec![],
        };
        let p = plan(&d, None, deal_values(&d), edit).unwrap();
        let deal = p.saved.clone().unwrap();
        assert_eq!(deal.module, DEALS);
        let rows: Vec<&Record> = p
            .write
            .inserts
            .iter()
            .filter(|r| r.module == DEAL_CONTACTS)
            .collect();
        assert_eq!(rows.len(), 2, "the blank row is not saved");
        for r in &rows {
            assert_eq!(r.get("deal"), Some(&Value::Ref(deal.id.clone())));
        }
        assert_eq!(rows[0].get("role"), Some(&text("decision_maker")));
        // One history entry per record written.
        assert_eq!(p.write.changes.len(), 3);
    }

    #[test]
    fn a_bad_row_refuses_the_whole_form_and_names_its_row_and_field() {
        let d = data();
        let edit = RowsEdit {
            module: DEAL_CONTACTS.into(),
            rows: vec![
                row("anna", "decision_maker"),
                RowEdit {
                    existing: None,
                    values: vals(&[("contact", Value::Ref("omid".into()))]),
                },
                row("anna", "billing"),
                row("nobody", "user"),
            ],
            removed: vec![],
        };
        let errors = plan(&d, None, deal_values(&d), edit).unwrap_err();
        let keys: Vec<(&str, &Problem)> = errors
            .iter()
            .map(|e| (e.field.as_str(), &e.problem))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("deal_contacts.1.role", &Problem::Required),
                (
                    "deal_contacts.2.contact",
                    &Problem::Rule("problem.row_repeated")
                ),
                (
                    "deal_contacts.3.contact",
                    &Problem::MissingRecord("nobody".into())
                ),
            ]
        );
    }

    #[test]
    fn a_refused_deal_still_reports_its_rows_and_never_the_parent_link() {
        let d = data();
        let mut values = deal_values(&d);
        values.remove("title");
        let edit = RowsEdit {
            module: DEAL_CONTACTS.into(),
            rows: vec![RowEdit {
                existing: None,
                values: vals(&[("role", text("user"))]),
            }],
            removed: vec![],
        };
        let errors = plan(&d, None, values, edit).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["title", "deal_contacts.0.contact"]);
    }

    #[test]
    fn editing_a_stored_deal_changes_updates_and_removes_its_rows_in_one_plan() {
        let mut d = data();
        let mut next = ids();
        let mut ctx = SaveContext {
            now: 10,
            zone: crate::domain::records::time_zone::Zone::default(),
            user: LOCAL_USER,
            new_id: &mut next,
        };
        let first = plan_save_with_rows(
            &d,
            DEALS,
            None,
            deal_values(&d),
            None,
            vec![RowsEdit {
                module: DEAL_CONTACTS.into(),
                rows: vec![row("anna", "user"), row("omid", "champion")],
                removed: vec![],
            }],
            &mut ctx,
        )
        .unwrap();
        for r in &first.write.inserts {
            d.upsert(r.clone());
        }
        let deal = first.saved.unwrap();
        let stored: Vec<Record> = first
            .write
            .inserts
            .iter()
            .filter(|r| r.module == DEAL_CONTACTS)
            .cloned()
            .collect();
        let (anna, omid) = (stored[0].clone(), stored[1].clone());
        let edit = RowsEdit {
            module: DEAL_CONTACTS.into(),
            rows: vec![
                // Unchanged: nothing written.
                RowEdit {
                    existing: Some(omid.clone()),
                    values: omid.values.clone(),
                },
                // Role changed.
                RowEdit {
                    existing: Some(anna.clone()),
                    values: vals(&[
                        ("contact", Value::Ref("anna".into())),
                        ("role", text("billing")),
                    ]),
                },
            ],
            removed: vec![],
        };
        let p = plan(&d, Some(&deal), deal.values.clone(), edit).unwrap();
        assert!(p.saved.is_none(), "the deal itself did not change");
        assert_eq!(p.write.updates.len(), 1);
        assert_eq!(p.write.updates[0].1.get("role"), Some(&text("billing")));
        assert!(p.write.inserts.is_empty());

        let edit = RowsEdit {
            module: DEAL_CONTACTS.into(),
            rows: vec![],
            removed: vec![omid.clone()],
        };
        let p = plan(&d, Some(&deal), deal.values.clone(), edit).unwrap();
        let gone: Vec<&str> = p.write.deletes.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(gone, vec![omid.id.as_str()]);
    }
}
