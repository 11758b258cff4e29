//! `WritePlan`: records inserted, records updated (as before and after), records
//! deleted (as they were read, so their revision can be checked), and the history
//! entries that go with them. A planner adds records through its methods, which
//! write the history entry of each change, so no caller assembles one itself.

use crate::domain::records::record::{ChangeEntry, ChangeKind, Record, Timestamp};
use crate::domain::records::record_set::Dataset;

/// Who and when: the facts a planner needs from outside the core.
pub struct WriteContext<'a> {
    pub now: Timestamp,
    pub utc_offset_minutes: i32,
    /// The current user, recorded on history entries and owning new records.
    pub user: &'a str,
    pub new_id: &'a mut dyn FnMut() -> String,
}

#[derive(Debug, Default, Clone)]
pub struct WritePlan {
    /// New records: refused if their id is already stored (unless `seed`).
    pub inserts: Vec<Record>,
    /// Changed records as (before, after): `after` must follow the stored revision.
    pub updates: Vec<(Record, Record)>,
    /// Records to delete as they were read: the stored revision must still be theirs.
    /// Their history goes with them.
    pub deletes: Vec<Record>,
    /// History entries, one per change of a record.
    pub changes: Vec<ChangeEntry>,
    /// A restore: every stored record and history entry is replaced by the plan's
    /// inserts and changes (updates and deletes are then empty).
    pub replaces_all: bool,
    /// The plan was decided on more of memory than the records it writes: the links
    /// to a deleted record, the unique values it takes. It is refused if another
    /// tab wrote anything since this tab read, since that write may have linked to
    /// the record or taken the value (the commit cannot see it otherwise).
    pub needs_current_view: bool,
    /// Default data that two fresh tabs may both write (the default pipelines): an
    /// insert whose id is already stored is left as stored instead of refused.
    pub seed: bool,
}

/// The history entry of one change: `before` is `None` for a created record.
pub fn change_entry(
    id: String,
    record: &Record,
    before: Option<&Record>,
    user: &str,
) -> ChangeEntry {
    ChangeEntry {
        id,
        record_id: record.id.clone(),
        module: record.module.clone(),
        at: record.updated_at,
        user: Some(user.to_string()),
        revision: record.revision,
        kind: if before.is_some() {
            ChangeKind::Updated
        } else {
            ChangeKind::Created
        },
        // The stage trail only repeats the stage change, which is recorded already.
        fields: before
            .map(|b| record.changes_from(b))
            .unwrap_or_default()
            .into_iter()
            .filter(|f| f.field != crate::domain::records::stage_trail::TRAIL)
            .collect(),
    }
}

impl WritePlan {
    /// A new record, with its "created" history entry.
    pub fn insert(&mut self, record: Record, user: &str, new_id: &mut dyn FnMut() -> String) {
        self.changes
            .push(change_entry(new_id(), &record, None, user));
        self.inserts.push(record);
    }

    /// A changed record, with its "updated" history entry.
    pub fn update(
        &mut self,
        before: Record,
        after: Record,
        user: &str,
        new_id: &mut dyn FnMut() -> String,
    ) {
        self.changes
            .push(change_entry(new_id(), &after, Some(&before), user));
        self.updates.push((before, after));
    }

    /// A record to delete, as it was read.
    pub fn delete(&mut self, record: Record) {
        if !self.deletes.iter().any(|d| d.id == record.id) {
            self.deletes.push(record);
        }
    }

    /// A restore of `records` and their `history`, replacing everything stored.
    pub fn replace_everything(records: Vec<Record>, history: Vec<ChangeEntry>) -> Self {
        WritePlan {
            inserts: records,
            changes: history,
            replaces_all: true,
            ..Default::default()
        }
    }

    /// Adds another plan's writes to this one (a conversion's records and the rule
    /// updates it causes, committed together).
    pub fn extend(&mut self, other: WritePlan) {
        self.inserts.extend(other.inserts);
        self.updates.extend(other.updates);
        for d in other.deletes {
            self.delete(d);
        }
        self.changes.extend(other.changes);
        self.replaces_all |= other.replaces_all;
        self.needs_current_view |= other.needs_current_view;
        self.seed |= other.seed;
    }

    pub fn is_empty(&self) -> bool {
        self.inserts.is_empty()
            && self.updates.is_empty()
            && self.deletes.is_empty()
            && !self.replaces_all
    }

    /// How many records the plan writes or deletes.
    pub fn len(&self) -> usize {
        self.inserts.len() + self.updates.len() + self.deletes.len()
    }

    /// The records as they will be stored (inserted and updated).
    pub fn written(&self) -> impl Iterator<Item = &Record> {
        self.inserts
            .iter()
            .chain(self.updates.iter().map(|(_, a)| a))
    }

    /// Applies a committed plan to memory in one go (small writes; a big one is
    /// applied a chunk at a time by the caller through `into_parts`).
    pub fn apply_to(&self, data: &mut Dataset) {
        for r in &self.deletes {
            data.remove(&r.module, &r.id);
        }
        for r in self.written() {
            data.upsert(r.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::standard_modules::{standard_schema, COMPANIES};
    use crate::domain::{FieldValues, Value};

    fn ids() -> impl FnMut() -> String {
        let mut n = 0;
        move || {
            n += 1;
            format!("h{n}")
        }
    }

    fn company(id: &str, name: &str) -> Record {
        let v: FieldValues = [("name".to_string(), Value::Text(name.into()))].into();
        Record::new(id.into(), COMPANIES, 1, Some("u".into()), v)
    }

    #[test]
    fn every_insert_and_update_carries_its_own_history_entry() {
        let mut ids = ids();
        let mut plan = WritePlan::default();
        let a = company("a", "Acme");
        plan.insert(a.clone(), "u", &mut ids);
        let mut v = a.values.clone();
        v.insert("name", Value::Text("Acme AB".into()));
        let b = a.revised(v, a.owner.clone(), 2).unwrap();
        plan.update(a.clone(), b.clone(), "u", &mut ids);
        assert_eq!(plan.changes.len(), 2);
        assert_eq!(plan.changes[0].kind, ChangeKind::Created);
        assert_eq!(plan.changes[1].kind, ChangeKind::Updated);
        assert_eq!(plan.changes[1].fields.len(), 1);
        assert_eq!(plan.changes[1].revision, b.revision);
        assert_eq!(plan.len(), 2);
    }

    #[test]
    fn a_committed_plan_applied_to_memory_inserts_updates_and_deletes() {
        let mut d = Dataset::new(standard_schema());
        let a = company("a", "Acme");
        let gone = company("g", "Gone");
        d.upsert(a.clone());
        d.upsert(gone.clone());
        let mut ids = ids();
        let mut plan = WritePlan::default();
        plan.insert(company("n", "New"), "u", &mut ids);
        let mut v = a.values.clone();
        v.insert("name", Value::Text("Acme 2".into()));
        plan.update(a.clone(), a.revised(v, None, 5).unwrap(), "u", &mut ids);
        plan.delete(gone.clone());
        plan.delete(gone);
        assert_eq!(plan.deletes.len(), 1, "a record is deleted once");
        plan.apply_to(&mut d);
        assert!(d.get(COMPANIES, "g").is_none());
        assert!(d.get(COMPANIES, "n").is_some());
        assert_eq!(
            d.get(COMPANIES, "a").unwrap().get("name"),
            Some(&Value::Text("Acme 2".into()))
        );
    }

    #[test]
    fn an_empty_plan_is_empty_but_a_restore_of_nothing_is_not() {
        assert!(WritePlan::default().is_empty());
        assert!(!WritePlan::replace_everything(Vec::new(), Vec::new()).is_empty());
    }
}
