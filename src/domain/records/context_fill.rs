//! What a new record takes from where it was started. A task added on a deal's page
//! links to the deal, and also to the deal's company and contact, because the task
//! has those links too; a single-user field (a task's assignee) starts as the person
//! adding it. Written over the field definitions, for every module.

use crate::domain::records::field::FieldKind;
use crate::domain::records::module_def::ModuleDef;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::value::Value;

/// `given` (field, text) pairs from the address, followed by the values the context
/// adds: each lookup given passes on the linked record's own links to modules this
/// record also links to (when not given or defaulted), and each user field that
/// starts as the user gets `current_user`. Given pairs always win; nothing is added twice.
pub fn fill_from_context(
    data: &Dataset,
    module: &ModuleDef,
    given: &[(String, String)],
    current_user: &str,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = given.to_vec();
    let taken = |out: &[(String, String)], key: &str| out.iter().any(|(k, _)| k == key);
    for (key, id) in given {
        let Some(FieldKind::Lookup {
            module: parent_module,
            ..
        }) = module.field(key).map(|f| &f.kind)
        else {
            continue;
        };
        let (Some(parent), Some(parent_def)) = (
            data.get(parent_module, id),
            data.schema.module(parent_module),
        ) else {
            continue;
        };
        for field in &module.fields {
            // A scoped lookup (a stage within a pipeline) is the form's to choose.
            let FieldKind::Lookup {
                module: target,
                within: None,
            } = &field.kind
            else {
                continue;
            };
            if taken(&out, &field.key) || field.default.is_some() {
                continue;
            }
            // The parent's first link to the same module, if it has one set.
            let link = parent_def.fields.iter().find_map(|pf| match &pf.kind {
                FieldKind::Lookup { module: m, .. } if m == target => match parent.get(&pf.key) {
                    Some(Value::Ref(linked)) if !linked.is_empty() => Some(linked.clone()),
                    _ => None,
                },
                _ => None,
            });
            if let Some(linked) = link.filter(|l| data.get(target, l).is_some()) {
                out.push((field.key.clone(), linked));
            }
        }
    }
    if !current_user.is_empty() {
        for field in &module.fields {
            if field.starts_as_user && !taken(&out, &field.key) {
                out.push((field.key.clone(), current_user.to_string()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::activity_module::ACTIVITIES;
    use crate::domain::modules::sales_modules::DEALS;
    use crate::domain::modules::standard_modules::{standard_schema, COMPANIES, CONTACTS};
    use crate::domain::records::field_values::FieldValues;
    use crate::domain::records::record::Record;

    fn record(module: &str, id: &str, pairs: &[(&str, &str)]) -> Record {
        let v: FieldValues = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Value::Ref(v.to_string())))
            .collect();
        Record::new(id.into(), module, 1, None, v)
    }

    fn data() -> Dataset {
        let mut ds = Dataset::new(standard_schema());
        ds.upsert(record(COMPANIES, "co1", &[]));
        ds.upsert(record(CONTACTS, "p1", &[("company", "co1")]));
        ds.upsert(record(DEALS, "d1", &[("company", "co1")]));
        // A deal linking to a company that is gone passes nothing on.
        ds.upsert(record(DEALS, "d2", &[("company", "gone")]));
        ds
    }

    fn filled(module: &str, given: &[(&str, &str)]) -> Vec<(String, String)> {
        let ds = data();
        let def = ds.schema.module(module).unwrap().clone();
        let given: Vec<(String, String)> = given
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        fill_from_context(&ds, &def, &given, "u-me")
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_task_started_from_a_deal_takes_its_company_and_the_user_as_assignee() {
        let got = filled(ACTIVITIES, &[("deal", "d1"), ("return_to", "deal")]);
        assert_eq!(
            got,
            pairs(&[
                ("deal", "d1"),
                ("return_to", "deal"),
                ("company", "co1"),
                ("assignee", "u-me"),
            ])
        );
        // From a contact: the contact's company.
        let got = filled(ACTIVITIES, &[("contact", "p1")]);
        assert_eq!(
            got,
            pairs(&[("contact", "p1"), ("company", "co1"), ("assignee", "u-me")])
        );
    }

    #[test]
    fn what_the_address_gives_wins_and_a_missing_link_passes_nothing_on() {
        let got = filled(
            ACTIVITIES,
            &[("deal", "d1"), ("company", "other"), ("assignee", "u-2")],
        );
        assert_eq!(
            got,
            pairs(&[("deal", "d1"), ("company", "other"), ("assignee", "u-2")])
        );
        let got = filled(ACTIVITIES, &[("deal", "d2")]);
        assert_eq!(got, pairs(&[("deal", "d2"), ("assignee", "u-me")]));
        // An unknown record or field gives nothing more.
        let got = filled(ACTIVITIES, &[("deal", "nope"), ("nonsense", "x")]);
        assert_eq!(
            got,
            pairs(&[("deal", "nope"), ("nonsense", "x"), ("assignee", "u-me")])
        );
    }

    #[test]
    fn a_deal_takes_only_what_the_context_says_and_a_new_task_is_the_users() {
        // No co-owner, and no stage: a deal's stage is scoped by its pipeline, the
        // form (or the board's column) chooses it.
        assert_eq!(
            filled(DEALS, &[("company", "co1")]),
            pairs(&[("company", "co1")])
        );
        assert_eq!(filled(ACTIVITIES, &[]), pairs(&[("assignee", "u-me")]));
    }
}
