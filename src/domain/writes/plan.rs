//! `WritePlan`: records inserted, records updated (as before and after), records
//! deleted (as they were read, so their revision can be checked), and the history
//! entries that go with them. A planner adds records through its methods, which
//! write the history entry of each change, so no caller assembles one itself.

use crate::domain::records::field::FieldKind;
use crate::domain::records::module_def::Schema;
use crate::domain::records::record::{ChangeEntry, ChangeKind, Record, Timestamp};
use crate::domain::records::record_set::Dataset;
use crate::domain::records::value::Value;

/// Who and when: the facts a planner needs from outside the core.
pub struct WriteContext<'a> {
    pub now: Timestamp,
    /// The user's time zone, for the local dates and times rules compute.
    pub zone: crate::domain::records::time_zone::Zone,
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
    /// Records this plan newly links to that must still be stored when it commits
    /// (`require_link_targets`): another tab may have deleted one since this tab read.
    pub links_must_exist: Vec<String>,
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
        self.links_must_exist.extend(other.links_must_exist);
    }

    /// Fills `links_must_exist`: the records the plan's inserts link to, and those
    /// its updates link to anew, other than records it inserts itself. A save that
    /// links to a record another tab deleted meanwhile would otherwise leave a link
    /// to nothing (and the next backup refused on restore). Nothing is needed for a
    /// restore, or for a plan refused on any write elsewhere (`needs_current_view`).
    pub fn require_link_targets(&mut self, schema: &Schema) {
        self.links_must_exist.clear();
        if self.replaces_all || self.needs_current_view {
            return;
        }
        let inserted: std::collections::HashSet<&str> =
            self.inserts.iter().map(|r| r.id.as_str()).collect();
        let written = self
            .inserts
            .iter()
            .map(|r| (None, r))
            .chain(self.updates.iter().map(|(b, a)| (Some(b), a)));
        let mut targets: Vec<String> = Vec::new();
        for (before, r) in written {
            let Some(module) = schema.module(&r.module) else {
                continue;
            };
            for f in &module.fields {
                if !matches!(f.kind, FieldKind::Lookup { .. }) {
                    continue;
                }
                let Some(Value::Ref(target)) = r.get(&f.key) else {
                    continue;
                };
                let kept = before.is_some_and(|b| b.get(&f.key) == r.get(&f.key));
                if !kept && !inserted.contains(target.as_str()) && !targets.contains(target) {
                    targets.push(target.clone());
                }
            }
        }
        self.links_must_exist = targets;
    }

    pub fn is_empty(&self) -> bool {
        self.inserts.is_empty()
            && self.updates.is_empty()
            && self.deletes.is_empty()
            && !self.replaces_all
    }

    /// Whether the plan writes or deletes a user module or field, so that the data
    /// takes on another schema once it is committed.
    pub fn shapes_schema(&self) -> bool {
        self.written()
            .chain(&self.deletes)
            .any(|r| crate::domain::modules::custom_schema::shapes_schema(&r.module))
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
        // A user module or field written: the data takes on the schema it shapes.
        if self.shapes_schema() {
            crate::domain::modules::custom_schema::reshape(data);
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
    fn a_plan_must_find_stored_the_records_it_newly_links_to() {
        use crate::domain::modules::standard_modules::CONTACTS;
        let schema = standard_schema();
        let mut next = ids();
        let contact = |id: &str, company: &str| {
            let v: FieldValues = [
                ("first_name".to_string(), Value::Text("Ann".into())),
                ("company".to_string(), Value::Ref(company.into())),
            ]
            .into();
            Record::new(id.into(), CONTACTS, 1, Some("u".into()), v)
        };
        // A new contact of a stored company: the company must still be there.
        let mut plan = WritePlan::default();
        plan.insert(contact("p1", "c1"), "u", &mut next);
        plan.require_link_targets(&schema);
        assert_eq!(plan.links_must_exist, vec!["c1".to_string()]);
        // Of a company made in the same plan: nothing to check.
        let mut plan = WritePlan::default();
        plan.insert(company("c2", "Nordic AB"), "u", &mut next);
        plan.insert(contact("p2", "c2"), "u", &mut next);
        plan.require_link_targets(&schema);
        assert!(plan.links_must_exist.is_empty());
        // An update checks only a link it changes; the owner is a user, not a record.
        let before = contact("p1", "c1");
        let mut same = before.clone();
        same.revision = 2;
        same.values.insert("last_name", Value::Text("Berg".into()));
        let mut moved = same.clone();
        moved.values.insert("company", Value::Ref("c9".into()));
        let mut plan = WritePlan::default();
        plan.update(before.clone(), same, "u", &mut next);
        plan.require_link_targets(&schema);
        assert!(
            plan.links_must_exist.is_empty(),
            "{:?}",
            plan.links_must_exist
        );
        let mut plan = WritePlan::default();
        plan.update(before, moved, "u", &mut next);
        plan.require_link_targets(&schema);
        assert_eq!(plan.links_must_exist, vec!["c9".to_string()]);
        // A plan refused on any write elsewhere needs no check of its own.
        plan.needs_current_view = true;
        plan.require_link_targets(&schema);
        assert!(plan.links_must_exist.is_empty());
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
