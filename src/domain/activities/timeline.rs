//! One record's timeline: its own saved changes (field changes, stage moves), the
//! activities and notes linked to it, and the other records linked to it, newest
//! first.

use crate::domain::modules::activity_module::ACTIVITIES;
use crate::domain::records::record::{ChangeEntry, Record, Timestamp};
use crate::domain::records::record_set::Dataset;

#[derive(Debug, PartialEq)]
pub enum Item<'a> {
    Change(&'a ChangeEntry),
    /// An activity linked through `field`.
    Activity(&'a Record),
    /// A record of another module that links here through `field`.
    Linked {
        record: &'a Record,
        field: String,
    },
    /// A workflow rule's run on this record (a record of the run log).
    RuleRun(&'a Record),
}

#[derive(Debug, PartialEq)]
pub struct Entry<'a> {
    pub at: Timestamp,
    pub item: Item<'a>,
}

/// An activity sits at its due time, else when it was written.
fn activity_time(r: &Record) -> Timestamp {
    crate::domain::activities::activity_rules::due(&r.values)
        .map(|t| t.timestamp_millis())
        .unwrap_or(r.created_at)
}

pub fn timeline<'a>(
    data: &'a Dataset,
    module: &str,
    id: &str,
    changes: &'a [ChangeEntry],
) -> Vec<Entry<'a>> {
    let mut out: Vec<Entry<'a>> = changes
        .iter()
        .filter(|c| c.record_id == id)
        .map(|c| Entry {
            at: c.at,
            item: Item::Change(c),
        })
        .collect();
    for (m, field, records) in data.related(module, id) {
        for r in records {
            out.push(if m == ACTIVITIES {
                Entry {
                    at: activity_time(r),
                    item: Item::Activity(r),
                }
            } else {
                Entry {
                    at: r.created_at,
                    item: Item::Linked {
                        record: r,
                        field: field.clone(),
                    },
                }
            });
        }
    }
    if let Some(runs) = data.set(crate::domain::modules::automation_modules::RULE_RUNS) {
        out.extend(
            runs.records()
                .filter(|r| crate::domain::modules::automation_modules::run_is_about(r, id))
                .map(|r| Entry {
                    at: r.created_at,
                    item: Item::RuleRun(r),
                }),
        );
    }
    // Newest first; at equal times a record's own change comes before what links to it.
    out.sort_by(|a, b| {
        b.at.cmp(&a.at)
            .then_with(|| rank(&a.item).cmp(&rank(&b.item)))
    });
    out
}

fn rank(i: &Item) -> u8 {
    match i {
        Item::Change(_) => 0,
        Item::Activity(_) => 1,
        Item::Linked { .. } => 2,
        Item::RuleRun(_) => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::standard_modules::{standard_schema, COMPANIES, CONTACTS};
    use crate::domain::records::record::{ChangeKind, FieldChange};
    use crate::domain::FieldValues;
    use crate::domain::Value;
    use chrono::{TimeZone, Utc};

    fn rec(id: &str, module: &str, at: Timestamp, pairs: Vec<(&str, Value)>) -> Record {
        let v: FieldValues = pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        Record::new(id.into(), module, at, None, v)
    }

    #[test]
    fn changes_activities_and_links_merge_newest_first() {
        let mut d = Dataset::new(standard_schema());
        d.upsert(rec(
            "co",
            COMPANIES,
            10,
            vec![("name", Value::Text("Acme".into()))],
        ));
        d.upsert(rec(
            "p",
            CONTACTS,
            30,
            vec![
                ("last_name", Value::Text("Berg".into())),
                ("company", Value::Ref("co".into())),
            ],
        ));
        d.upsert(rec(
            "call",
            ACTIVITIES,
            15,
            vec![
                ("subject", Value::Text("Call".into())),
                ("company", Value::Ref("co".into())),
                (
                    "due",
                    Value::DateTime(Utc.timestamp_millis_opt(50).unwrap()),
                ),
            ],
        ));
        let changes = vec![
            ChangeEntry {
                id: "c1".into(),
                record_id: "co".into(),
                module: COMPANIES.into(),
                at: 10,
                user: None,
                revision: 1,
                kind: ChangeKind::Created,
                fields: vec![],
            },
            ChangeEntry {
                id: "c2".into(),
                record_id: "co".into(),
                module: COMPANIES.into(),
                at: 40,
                user: None,
                revision: 2,
                kind: ChangeKind::Updated,
                fields: vec![FieldChange {
                    field: "name".into(),
                    old: Some(Value::Text("Acme".into())),
                    new: Some(Value::Text("Acme Ltd".into())),
                }],
            },
            ChangeEntry {
                id: "other".into(),
                record_id: "p".into(),
                module: CONTACTS.into(),
                at: 30,
                user: None,
                revision: 1,
                kind: ChangeKind::Created,
                fields: vec![],
            },
        ];
        let t = timeline(&d, COMPANIES, "co", &changes);
        let times: Vec<_> = t.iter().map(|e| e.at).collect();
        assert_eq!(times, vec![50, 40, 30, 10]);
        assert!(matches!(t[0].item, Item::Activity(r) if r.id == "call"));
        assert!(
            matches!(&t[2].item, Item::Linked { record, field } if record.id == "p" && field == "company")
        );
    }
}
