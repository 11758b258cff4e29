//! Merging two records of one module, nothing lost: the user picks the master and,
//! field by field, whose value wins; lists (emails, phones, tags) are joined; every
//! record linking to the merged-away one is re-linked to the master, and its history
//! moves to the master. The master's history entry carries a trace field `@merged`
//! (old: the other record's title, new: its id), which the timeline words.

use crate::domain::records::field_values::FieldValues;
use std::collections::BTreeMap;

use crate::domain::records::normalize::fold;
use crate::domain::records::record::{ChangeEntry, FieldChange, Record, Timestamp};
use crate::domain::records::record_set::Dataset;
use crate::domain::records::value::Value;
use crate::domain::writes::plan::change_entry;
use crate::domain::writes::WritePlan;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Side {
    Master,
    Other,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MergeChoice {
    pub module: String,
    pub master: String,
    pub other: String,
    /// Field → whose value wins. Unlisted fields keep the master's value, or the
    /// other's where the master has none; unlisted lists are joined.
    pub winners: BTreeMap<String, Side>,
}

#[derive(Debug, Clone)]
pub struct MergePlan {
    pub master_before: Record,
    pub master_after: Record,
    pub removed: Record,
    pub relinks: Vec<(Record, Record)>,
    pub changes: Vec<ChangeEntry>,
    /// The removed record's history, now the master's.
    pub moved_history: Vec<ChangeEntry>,
}

impl MergePlan {
    /// The one write of the merge: the master revised, every relinked record, the
    /// merged-away record deleted (as it was read, so a newer edit of it in another
    /// tab refuses the merge), and the history — the master's trace entry, the
    /// relinks' entries, and the removed record's history now under the master.
    pub fn write(&self) -> WritePlan {
        let mut updates = vec![(self.master_before.clone(), self.master_after.clone())];
        updates.extend(self.relinks.iter().cloned());
        let mut changes = self.changes.clone();
        changes.extend(self.moved_history.iter().cloned());
        WritePlan {
            updates,
            deletes: vec![self.removed.clone()],
            changes,
            needs_current_view: true,
            ..Default::default()
        }
    }
}

#[derive(Debug, PartialEq)]
pub enum MergeError {
    SameRecord,
    NotFound(String),
    WrongModule,
}

impl MergeError {
    pub fn key(&self) -> &'static str {
        match self {
            MergeError::SameRecord => "merge.err.same",
            MergeError::NotFound(_) => "merge.err.not_found",
            MergeError::WrongModule => "merge.err.module",
        }
    }
}

pub fn plan_merge(
    data: &Dataset,
    choice: &MergeChoice,
    other_history: &[ChangeEntry],
    now: Timestamp,
    user: &str,
    new_id: &mut dyn FnMut() -> String,
) -> Result<MergePlan, MergeError> {
    if choice.master == choice.other {
        return Err(MergeError::SameRecord);
    }
    let def = data
        .schema
        .module(&choice.module)
        .ok_or(MergeError::WrongModule)?;
    let get = |id: &str| {
        data.get(&choice.module, id)
            .ok_or_else(|| MergeError::NotFound(id.to_string()))
    };
    let master = get(&choice.master)?;
    let other = get(&choice.other)?;

    let mut values: FieldValues = FieldValues::new();
    for f in &def.fields {
        let (m, o) = (master.get(&f.key), other.get(&f.key));
        let v = match (choice.winners.get(&f.key), f.system) {
            (_, true) => m.cloned(),
            (Some(Side::Master), _) => m.cloned(),
            (Some(Side::Other), _) => o.cloned(),
            (None, _) => match (m, o) {
                (Some(Value::List(a)), Some(Value::List(b))) => {
                    let mut joined = a.clone();
                    for item in b {
                        if !joined.iter().any(|x| fold(x) == fold(item)) {
                            joined.push(item.clone());
                        }
                    }
                    Some(Value::List(joined))
                }
                (Some(v), _) if !v.is_empty() => Some(v.clone()),
                (_, o) => o.cloned(),
            },
        };
        // A link from the master to the record it absorbs would point at nothing.
        let v = v.filter(|v| !matches!(v, Value::Ref(id) if id == &other.id));
        if let Some(v) = v {
            values.insert(f.key.clone(), v);
        }
    }
    let master_after = Record {
        values: values.into_iter().filter(|(_, v)| !v.is_empty()).collect(),
        updated_at: now.max(master.updated_at),
        revision: master.revision + 1,
        ..master.clone()
    };
    let mut trace = change_entry(new_id(), &master_after, Some(master), user);
    trace.fields.push(FieldChange {
        field: "@merged".into(),
        old: Some(Value::Text(
            data.title(&other.module, &other.id).unwrap_or_default(),
        )),
        new: Some(Value::Ref(other.id.clone())),
    });
    let mut changes = vec![trace];

    let mut relinks = Vec::new();
    for (_, field, records) in data.related(&other.module, &other.id) {
        for r in records {
            if r.id == master.id {
                continue;
            }
            let mut v = r.values.clone();
            v.insert(field.clone(), Value::Ref(master.id.clone()));
            if let Some(after) = r.revised(v, r.owner.clone(), now) {
                changes.push(change_entry(new_id(), &after, Some(r), user));
                relinks.push((r.clone(), after));
            }
        }
    }
    // A record linking to the other through two fields is revised once per field
    // above; keep only the last (it carries both links).
    let mut seen = std::collections::HashSet::new();
    let mut deduped: Vec<(Record, Record)> = Vec::new();
    for (b, a) in relinks.into_iter().rev() {
        if seen.insert(a.id.clone()) {
            deduped.push((b, a));
        }
    }
    let relinks = merge_same_record(deduped, &other.id, &master.id, now);

    let moved_history = other_history
        .iter()
        .map(|c| ChangeEntry {
            record_id: master.id.clone(),
            ..c.clone()
        })
        .collect();
    Ok(MergePlan {
        master_before: master.clone(),
        master_after,
        removed: other.clone(),
        relinks,
        changes,
        moved_history,
    })
}

/// Makes sure every link to `from` in each relinked record points at `to`.
fn merge_same_record(
    relinks: Vec<(Record, Record)>,
    from: &str,
    to: &str,
    now: Timestamp,
) -> Vec<(Record, Record)> {
    relinks
        .into_iter()
        .map(|(before, mut after)| {
            for v in after.values.values_mut() {
                if matches!(v, Value::Ref(id) if id == from) {
                    *v = Value::Ref(to.to_string());
                }
            }
            after.updated_at = now.max(before.updated_at);
            after.revision = before.revision + 1;
            (before, after)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::standard_modules::{standard_schema, CONTACTS};
    use crate::domain::records::record::ChangeKind;
    use crate::domain::sales::pipeline_records::default_pipeline_records;

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }
    fn r(id: &str, module: &str, pairs: Vec<(&str, Value)>) -> Record {
        let v: FieldValues = pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        Record::new(id.into(), module, 1, Some("local-user".into()), v)
    }
    fn link(id: &str) -> Value {
        Value::Ref(id.into())
    }

    fn data() -> Dataset {
        let mut d = Dataset::new(standard_schema());
        for x in default_pipeline_records(1, &|k| k.to_string()) {
            d.upsert(x);
        }
        d.upsert(r("co", "companies", vec![("name", t("Acme"))]));
        d.upsert(r(
            "m",
            CONTACTS,
            vec![
                ("first_name", t("Anna")),
                ("last_name", t("Berg")),
                ("emails", Value::List(vec!["anna@acme.example".into()])),
                ("job_title", t("CEO")),
            ],
        ));
        d.upsert(r(
            "o",
            CONTACTS,
            vec![
                ("first_name", t("Ana")),
                ("last_name", t("Berg")),
                (
                    "emails",
                    Value::List(vec![
                        "ANNA@acme.example".into(),
                        "a.berg@home.example".into(),
                    ]),
                ),
                ("company", link("co")),
                ("job_title", t("Chief executive")),
            ],
        ));
        d.upsert(r(
            "deal",
            "deals",
            vec![
                ("title", t("Big")),
                ("pipeline", link("pipeline-new_business")),
                ("stage", link("stage-new_business-qualification")),
            ],
        ));
        d.upsert(r(
            "role",
            "deal_contacts",
            vec![
                ("deal", link("deal")),
                ("contact", link("o")),
                ("role", t("champion")),
            ],
        ));
        d.upsert(r(
            "call",
            "activities",
            vec![
                ("subject", t("Call")),
                ("kind", t("call")),
                ("contact", link("o")),
            ],
        ));
        d.upsert(r(
            "note",
            "activities",
            vec![
                ("subject", t("Note")),
                ("kind", t("note")),
                ("contact", link("m")),
            ],
        ));
        d
    }

    fn ids() -> impl FnMut() -> String {
        let mut n = 0;
        move || {
            n += 1;
            format!("c{n}")
        }
    }

    fn choice(winners: Vec<(&str, Side)>) -> MergeChoice {
        MergeChoice {
            module: CONTACTS.into(),
            master: "m".into(),
            other: "o".into(),
            winners: winners
                .into_iter()
                .map(|(k, s)| (k.to_string(), s))
                .collect(),
        }
    }

    /// Every (record, field) that links to `a` or `b`.
    fn links_to(d: &Dataset, a: &str, b: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for rec in d.all_records() {
            for (k, v) in &rec.values {
                if matches!(v, Value::Ref(x) if x == a || x == b) {
                    out.push((rec.id.clone(), k.to_string()));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn winners_lists_and_links_are_merged_and_nothing_is_lost() {
        let d = data();
        let history = vec![ChangeEntry {
            id: "h1".into(),
            record_id: "o".into(),
            module: CONTACTS.into(),
            at: 1,
            user: None,
            revision: 1,
            kind: ChangeKind::Created,
            fields: vec![],
        }];
        let before_links = links_to(&d, "m", "o");
        let plan = plan_merge(
            &d,
            &choice(vec![("job_title", Side::Other)]),
            &history,
            9,
            "local-user",
            &mut ids(),
        )
        .unwrap();
        let m = &plan.master_after;
        assert_eq!(
            m.get("job_title"),
            Some(&t("Chief executive")),
            "the chosen side wins"
        );
        assert_eq!(
            m.get("first_name"),
            Some(&t("Anna")),
            "unlisted: the master's"
        );
        assert_eq!(
            m.get("company"),
            Some(&link("co")),
            "the master had none: the other's"
        );
        assert_eq!(
            m.get("emails"),
            Some(&Value::List(vec![
                "anna@acme.example".into(),
                "a.berg@home.example".into()
            ]))
        );
        assert_eq!(m.revision, 2);
        assert!(plan.changes[0]
            .fields
            .iter()
            .any(|f| f.field == "@merged" && f.new == Some(link("o"))));
        assert_eq!(plan.moved_history[0].record_id, "m");

        let mut after = d.clone();
        after.upsert(plan.master_after.clone());
        for (_, x) in &plan.relinks {
            after.upsert(x.clone());
        }
        after.remove(CONTACTS, &plan.removed.id);
        assert_eq!(
            after.total(),
            d.total() - 1,
            "only the merged-away record is gone"
        );
        let now_links = links_to(&after, "m", "o");
        assert_eq!(
            now_links.len(),
            before_links.len(),
            "every link to either record survives"
        );
        for (id, field) in &now_links {
            let v = after
                .all_records()
                .into_iter()
                .find(|x| &x.id == id)
                .unwrap()
                .get(field)
                .cloned();
            assert_ne!(
                v,
                Some(link("o")),
                "{id}.{field} still points at the removed record"
            );
        }
        assert_eq!(
            after.get("deal_contacts", "role").unwrap().get("contact"),
            Some(&link("m"))
        );
        assert_eq!(
            after.get("activities", "call").unwrap().get("contact"),
            Some(&link("m"))
        );
    }

    #[test]
    fn merging_a_record_with_itself_or_a_missing_one_is_refused() {
        let d = data();
        let mut same = choice(vec![]);
        same.other = "m".into();
        assert_eq!(
            plan_merge(&d, &same, &[], 1, "u", &mut ids()).unwrap_err(),
            MergeError::SameRecord
        );
        let mut gone = choice(vec![]);
        gone.other = "nope".into();
        assert_eq!(
            plan_merge(&d, &gone, &[], 1, "u", &mut ids()).unwrap_err(),
            MergeError::NotFound("nope".into())
        );
    }
}
