//! A record of any module: stable id, timestamps, owner, revision and field values.

use serde::{Deserialize, Serialize};

use crate::domain::records::field_values::{FieldName, FieldValues};
use crate::domain::records::value::Value;

pub type RecordId = String;
/// Milliseconds since the Unix epoch, UTC. The caller supplies the clock so the
/// core stays deterministic.
pub type Timestamp = i64;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: RecordId,
    pub module: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Id of the user who owns the record.
    #[serde(default)]
    pub owner: Option<String>,
    /// Starts at 1 and grows by one with every saved change.
    pub revision: u64,
    #[serde(default)]
    pub values: FieldValues,
}

impl Record {
    pub fn new(
        id: RecordId,
        module: &str,
        now: Timestamp,
        owner: Option<String>,
        values: FieldValues,
    ) -> Self {
        Record {
            id,
            module: module.to_string(),
            created_at: now,
            updated_at: now,
            owner,
            revision: 1,
            values: without_empty(values),
        }
    }

    pub fn get(&self, field: &str) -> Option<&Value> {
        self.values.get(field)
    }

    /// The next revision of this record with new values, or `None` when nothing changed
    /// (so an unchanged save writes nothing).
    pub fn revised(
        &self,
        values: FieldValues,
        owner: Option<String>,
        now: Timestamp,
    ) -> Option<Record> {
        let values = without_empty(values);
        if values == self.values && owner == self.owner {
            return None;
        }
        Some(Record {
            values,
            owner,
            updated_at: now.max(self.updated_at),
            revision: self.revision + 1,
            ..self.clone()
        })
    }

    /// Field-level differences from an earlier revision: (field, old, new).
    pub fn changes_from(&self, before: &Record) -> Vec<FieldChange> {
        let mut keys: Vec<&FieldName> = before.values.keys().chain(self.values.keys()).collect();
        keys.sort();
        keys.dedup();
        let mut out: Vec<FieldChange> = keys
            .into_iter()
            .filter(|k| before.values.get(k) != self.values.get(k))
            .map(|k| FieldChange {
                field: k.to_string(),
                old: before.values.get(k).cloned(),
                new: self.values.get(k).cloned(),
            })
            .collect();
        if before.owner != self.owner {
            out.push(FieldChange {
                field: "owner".into(),
                old: before.owner.clone().map(Value::Ref),
                new: self.owner.clone().map(Value::Ref),
            });
        }
        out
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// One saved change to one record: the history a timeline is drawn from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangeEntry {
    pub id: String,
    pub record_id: RecordId,
    pub module: String,
    pub at: Timestamp,
    pub user: Option<String>,
    pub revision: u64,
    pub kind: ChangeKind,
    #[serde(default)]
    pub fields: Vec<FieldChange>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Created,
    Updated,
}

fn without_empty(mut values: FieldValues) -> FieldValues {
    values.retain(|_, v| !v.is_empty());
    // Built by inserts (forms, imports, rules), the vector may have room to spare.
    values.shrink_to_fit();
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(pairs: &[(&str, &str)]) -> FieldValues {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Value::Text(v.to_string())))
            .collect()
    }

    #[test]
    fn a_new_record_starts_at_revision_one_without_empty_values() {
        let r = Record::new(
            "a".into(),
            "companies",
            10,
            None,
            vals(&[("name", "Acme"), ("city", "  ")]),
        );
        assert_eq!(r.revision, 1);
        assert_eq!(r.created_at, 10);
        assert!(r.get("city").is_none());
    }

    #[test]
    fn revising_bumps_revision_and_reports_changes() {
        let r = Record::new("a".into(), "companies", 10, None, vals(&[("name", "Acme")]));
        assert!(r.revised(vals(&[("name", "Acme")]), None, 20).is_none());
        let r2 = r
            .revised(vals(&[("name", "Acme Ltd"), ("city", "Oslo")]), None, 20)
            .unwrap();
        assert_eq!(r2.revision, 2);
        assert_eq!(r2.updated_at, 20);
        assert_eq!(r2.created_at, 10);
        let changes = r2.changes_from(&r);
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].field, "city");
        assert_eq!(changes[0].old, None);
        assert_eq!(changes[1].new, Some(Value::Text("Acme Ltd".into())));
    }
}
