//! In-memory records of every module, with the indexes that keep lists, search and
//! uniqueness fast at 100,000 records. Storage fills it once at start and keeps it in
//! step after every committed write.

use crate::domain::records::field_values::FieldValues;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::domain::records::change_journal::{ChangeJournal, Stamp};
use crate::domain::records::duplicates::DuplicateIndex;
use crate::domain::records::field::FieldKind;
use crate::domain::records::module_def::MEMBERS;
use crate::domain::records::module_def::{ModuleDef, Schema};
use crate::domain::records::record::{Record, RecordId};
use crate::domain::records::release::Release;
use crate::domain::records::search::{record_tokens, SearchIndex, Slot};
use crate::domain::records::sharded_map::ShardedMap;
use crate::domain::records::validate::{unique_keys, Lookups};
use crate::domain::records::value::Value;

/// The local user every record belongs to until team members exist.
pub const LOCAL_USER: &str = "local-user";

#[derive(Debug, Clone)]
pub struct RecordSet {
    pub module: ModuleDef,
    slots: Vec<Option<Record>>,
    free: Vec<Slot>,
    by_id: ShardedMap<RecordId, Slot>,
    search: SearchIndex,
    /// field -> folded value -> slot holding it.
    unique: HashMap<String, ShardedMap<String, Slot>>,
    /// Likely-duplicate keys, for modules with something to compare.
    dups: Option<DuplicateIndex>,
    /// Lookup field -> linked record id -> slots linking to it: related lists,
    /// timelines and deletes find what points at a record without a scan.
    links: HashMap<String, ShardedMap<String, Vec<Slot>>>,
    /// `created_at` and every `indexed` date field -> (milliseconds, slot): a period
    /// of a big module is read as a range, not a scan.
    times: HashMap<String, BTreeSet<(i64, Slot)>>,
    /// Slots added by `upsert_deferred` whose search and duplicate keys are not
    /// indexed yet: search scans them meanwhile, so it is never incomplete.
    pending: Vec<Slot>,
    /// The slots changed lately, for views that follow changes (`changed_since`).
    journal: ChangeJournal,
}

/// The pseudo-field of the time index holding each record's creation time.
pub const CREATED_AT: &str = "created_at";

/// A record's entries in the time index: its creation time and its indexed dates (a
/// date counts from its UTC midnight).
fn time_keys<'a>(module: &'a ModuleDef, record: &Record) -> Vec<(&'a str, i64)> {
    let mut out = vec![(CREATED_AT, record.created_at)];
    for f in module.fields.iter().filter(|f| f.indexed) {
        match record.get(&f.key) {
            Some(Value::DateTime(t)) => out.push((&f.key, t.timestamp_millis())),
            Some(Value::Date(d)) => out.push((
                &f.key,
                d.and_time(chrono::NaiveTime::MIN)
                    .and_utc()
                    .timestamp_millis(),
            )),
            _ => {}
        }
    }
    out
}

/// `RecordSet::newest_first` part-way: the slots marked so far, the order so far and
/// where the walk down the creation-time index stopped.
pub struct NewestWalk {
    member: Vec<bool>,
    marked: usize,
    among: Vec<Slot>,
    out: Vec<Slot>,
    before: Option<(i64, Slot)>,
    done: bool,
}

impl NewestWalk {
    /// The slots newest first; complete once `newest_step` said so.
    pub fn into_slots(self) -> Vec<Slot> {
        self.out
    }
}

impl RecordSet {
    pub fn new(module: ModuleDef) -> Self {
        let dups = DuplicateIndex::applies_to(&module).then(|| DuplicateIndex::new(&module));
        RecordSet {
            dups,
            links: HashMap::new(),
            module,
            slots: Vec::new(),
            free: Vec::new(),
            by_id: ShardedMap::new(),
            search: SearchIndex::default(),
            unique: HashMap::new(),
            times: HashMap::new(),
            pending: Vec::new(),
            journal: ChangeJournal::default(),
        }
    }

    /// Every record, the set given up (to rebuild it under a changed definition).
    pub fn into_records(self) -> impl Iterator<Item = Record> {
        self.slots.into_iter().flatten()
    }

    /// This set as it is now, for `changed_since`.
    pub fn stamp(&self) -> Stamp {
        self.journal.stamp()
    }

    /// The slots whose record was placed, replaced or removed since `stamp`, each
    /// once; `None` when too many changed to say, or the stamp is of another set.
    pub fn changed_since(&self, stamp: Stamp) -> Option<Vec<Slot>> {
        self.journal.changed_since(stamp)
    }

    /// Makes room for `additional` more records at once, rather than growing the
    /// slots and the id map step by step while a module is read.
    pub fn reserve(&mut self, additional: usize) {
        self.slots.reserve(additional);
        self.by_id.reserve(additional);
        if let Some(d) = &mut self.dups {
            d.reserve(additional);
        }
    }

    /// Adds a record now and its search and duplicate keys later (`index_pending`):
    /// a big module's list can be shown before those indexes are built.
    pub fn upsert_deferred(&mut self, record: Record) {
        let slot = self.place(record, false);
        self.pending.push(slot);
    }

    /// Indexes up to `budget` deferred records; true when none is left.
    pub fn index_pending(&mut self, budget: usize) -> bool {
        let take = budget.min(self.pending.len());
        let batch: Vec<Slot> = self.pending.drain(..take).collect();
        for slot in batch {
            if let Some(record) = self.slots[slot as usize].take() {
                self.search
                    .insert(slot, &record_tokens(&self.module, &record));
                if let Some(d) = &mut self.dups {
                    d.add(&record.id, &record.values);
                }
                self.slots[slot as usize] = Some(record);
            }
        }
        self.pending.is_empty()
    }

    /// `among` newest first, read off the time index rather than sorted: the default
    /// order of a list of any length. Records made in the same millisecond (an
    /// import's, say) come last-placed first (by slot, descending), straight off the
    /// index: ordering them by id meant sorting 100,000 of them in one go.
    pub fn newest_first(&self, among: &[Slot]) -> Vec<Slot> {
        let mut walk = self.newest_walk(among.to_vec());
        while !self.newest_step(&mut walk, usize::MAX) {}
        walk.out
    }

    /// Starts `newest_first` to be done a slice at a time with `newest_step`.
    pub fn newest_walk(&self, among: Vec<Slot>) -> NewestWalk {
        NewestWalk {
            member: Vec::new(),
            marked: 0,
            among,
            out: Vec::new(),
            before: None,
            done: false,
        }
    }

    /// Takes about `budget` more slots or index entries (at least one); true once
    /// `walk.into_slots()` is the whole order. The set must not change meanwhile.
    pub fn newest_step(&self, walk: &mut NewestWalk, budget: usize) -> bool {
        if walk.done {
            return true;
        }
        let mut budget = budget.max(1);
        let Some(times) = self
            .times
            .get(CREATED_AT)
            .filter(|_| walk.among.len() * 16 > self.len())
        else {
            // A few rows (a search's hits): sorting them beats walking the index.
            let mut out = std::mem::take(&mut walk.among);
            out.sort_by(|a, b| match (self.at(*a), self.at(*b)) {
                (Some(ra), Some(rb)) => (rb.created_at, b).cmp(&(ra.created_at, a)),
                _ => b.cmp(a),
            });
            walk.out = out;
            walk.done = true;
            return true;
        };
        if walk.member.is_empty() {
            walk.member = vec![false; self.slots.len()];
            walk.out.reserve(walk.among.len());
        }
        while walk.marked < walk.among.len() {
            if budget == 0 {
                return false;
            }
            let end = walk.among.len().min(walk.marked + budget);
            for s in &walk.among[walk.marked..end] {
                if let Some(m) = walk.member.get_mut(*s as usize) {
                    *m = true;
                }
            }
            budget -= end - walk.marked;
            walk.marked = end;
        }
        use std::ops::Bound::{Excluded, Unbounded};
        let upper = walk.before.map_or(Unbounded, Excluded);
        for &(t, slot) in times.range((Unbounded, upper)).rev() {
            if budget == 0 {
                return false;
            }
            budget -= 1;
            walk.before = Some((t, slot));
            if walk.member.get(slot as usize).copied().unwrap_or(false) {
                walk.out.push(slot);
            }
        }
        walk.done = true;
        true
    }

    /// Whether every record's search and duplicate keys are indexed.
    pub fn fully_indexed(&self) -> bool {
        self.pending.is_empty()
    }

    /// Slots whose `field` (`created_at` or an indexed date) falls in [from, to), in
    /// milliseconds, oldest first.
    pub fn in_time_range(
        &self,
        field: &str,
        from: i64,
        to: i64,
    ) -> impl Iterator<Item = Slot> + '_ {
        self.time_entries_after(field, from, to, None)
            .map(|(_, slot)| slot)
    }

    /// `in_time_range` as (time, slot) entries, resumed after `after` (the last entry
    /// an earlier slice took): a long range is walked a slice at a time, each slice
    /// costing only its own length.
    pub fn time_entries_after(
        &self,
        field: &str,
        from: i64,
        to: i64,
        after: Option<(i64, Slot)>,
    ) -> impl Iterator<Item = (i64, Slot)> + '_ {
        use std::ops::Bound::{Excluded, Included};
        let start = match after {
            Some(a) => Excluded(a),
            None => Included((from, 0)),
        };
        // An entry at or past the end (the data changed under a walk) ends it.
        let open = from < to && after.is_none_or(|a| a < (to, 0));
        self.times
            .get(field)
            .filter(|_| open)
            .into_iter()
            .flat_map(move |t| t.range((start, Excluded((to, 0)))))
            .copied()
    }

    /// Slots whose lookup `field` points at `target`.
    pub fn linking_slots(&self, field: &str, target: &str) -> &[Slot] {
        self.links
            .get(field)
            .and_then(|m| m.get(target))
            .map_or(&[], Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Record> {
        self.by_id.get(id).and_then(|s| self.at(*s))
    }

    pub fn slot_of(&self, id: &str) -> Option<Slot> {
        self.by_id.get(id).copied()
    }

    pub fn at(&self, slot: Slot) -> Option<&Record> {
        self.slots.get(slot as usize).and_then(Option::as_ref)
    }

    /// One past the highest slot `at` may find a record in: work that walks the
    /// slots a slice at a time stops here.
    pub fn slot_count(&self) -> usize {
        self.slots.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = (Slot, &Record)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.as_ref().map(|r| (i as Slot, r)))
    }

    pub fn records(&self) -> impl Iterator<Item = &Record> {
        self.slots.iter().flatten()
    }

    /// Slots matching a search, or every slot when the query is empty.
    pub fn search(&self, query: &str) -> Vec<Slot> {
        match self.search.query(query) {
            Some(mut slots) => {
                if !self.pending.is_empty() {
                    let words = SearchIndex::words(query);
                    let found = self.pending.iter().copied().filter(|s| {
                        self.at(*s).is_some_and(|r| {
                            SearchIndex::matches(&words, &record_tokens(&self.module, r))
                        })
                    });
                    slots.extend(found);
                    slots.sort_unstable();
                    slots.dedup();
                }
                slots
            }
            None => self.iter().map(|(s, _)| s).collect(),
        }
    }

    pub fn unique_holder(&self, field: &str, key: &str) -> Option<&Record> {
        let slot = self.unique.get(field)?.get(key)?;
        self.at(*slot)
    }

    /// Inserts or replaces a record, keeping every index current.
    pub fn upsert(&mut self, record: Record) {
        self.place(record, true);
    }

    /// Puts a record in its slot with the link, uniqueness and time indexes, and the
    /// search and duplicate keys too when `full`.
    fn place(&mut self, record: Record, full: bool) -> Slot {
        let slot = match self.by_id.get(&record.id) {
            Some(&slot) => {
                self.unindex(slot);
                if !self.pending.is_empty() {
                    // Replacing a deferred record: it is indexed now (or deferred again).
                    self.pending.retain(|s| *s != slot);
                }
                slot
            }
            None => {
                let slot = self.free.pop().unwrap_or_else(|| {
                    self.slots.push(None);
                    (self.slots.len() - 1) as Slot
                });
                self.by_id.insert(record.id.clone(), slot);
                slot
            }
        };
        if full {
            self.search
                .insert(slot, &record_tokens(&self.module, &record));
        }
        for field in self.module.fields.iter().filter(|f| f.unique) {
            if let Some(v) = record.get(&field.key) {
                let map = self.unique.entry(field.key.clone()).or_default();
                for key in unique_keys(&field.kind, v) {
                    map.get_or_insert_with(key, || slot);
                }
            }
        }
        if let (true, Some(d)) = (full, &mut self.dups) {
            d.add(&record.id, &record.values);
        }
        for field in &self.module.fields {
            if let (FieldKind::Lookup { .. }, Some(Value::Ref(target))) =
                (&field.kind, record.get(&field.key))
            {
                self.links
                    .entry(field.key.clone())
                    .or_default()
                    .get_or_insert_with(target.clone(), Vec::new)
                    .push(slot);
            }
        }
        for (field, t) in time_keys(&self.module, &record) {
            self.times
                .entry(field.to_string())
                .or_default()
                .insert((t, slot));
        }
        self.slots[slot as usize] = Some(record);
        self.journal.note(slot);
        slot
    }

    /// Records whose lookup `field` points at `target`.
    pub fn linking<'a>(
        &'a self,
        field: &str,
        target: &str,
    ) -> impl Iterator<Item = &'a Record> + 'a {
        self.links
            .get(field)
            .and_then(|m| m.get(target))
            .into_iter()
            .flatten()
            .filter_map(|s| self.at(*s))
    }

    /// The module's duplicate index, kept current with every change.
    pub fn duplicates(&self) -> Option<&DuplicateIndex> {
        self.dups.as_ref()
    }

    pub fn remove(&mut self, id: &str) -> Option<Record> {
        let slot = self.by_id.remove(id)?;
        self.unindex(slot);
        if !self.pending.is_empty() {
            self.pending.retain(|s| *s != slot);
        }
        if let Some(d) = &mut self.dups {
            d.remove(id, &FieldValues::new());
        }
        self.free.push(slot);
        self.journal.note(slot);
        self.slots[slot as usize].take()
    }

    fn unindex(&mut self, slot: Slot) {
        let Some(old) = self.slots[slot as usize].as_ref() else {
            return;
        };
        self.search.remove(slot, &record_tokens(&self.module, old));
        for (field, t) in time_keys(&self.module, old) {
            if let Some(set) = self.times.get_mut(field) {
                set.remove(&(t, slot));
            }
        }
        for field in &self.module.fields {
            if let (FieldKind::Lookup { .. }, Some(Value::Ref(target))) =
                (&field.kind, old.get(&field.key))
            {
                if let Some(slots) = self
                    .links
                    .get_mut(&field.key)
                    .and_then(|m| m.get_mut(target))
                {
                    slots.retain(|s| *s != slot);
                }
            }
        }
        for field in self.module.fields.iter().filter(|f| f.unique) {
            if let (Some(v), Some(map)) = (old.get(&field.key), self.unique.get_mut(&field.key)) {
                for key in unique_keys(&field.kind, v) {
                    if map.get(key.as_str()) == Some(&slot) {
                        map.remove(key.as_str());
                    }
                }
            }
        }
    }
}

crate::release_leaf!(Record);

impl Release for RecordSet {
    fn release(&mut self, budget: &mut usize) -> bool {
        // `&`, not `&&`: each part frees what the budget still allows.
        self.slots.release(budget)
            & self.by_id.release(budget)
            & self.search.release(budget)
            & self.unique.release(budget)
            & self.dups.release(budget)
            & self.links.release(budget)
            & self.times.release(budget)
            & self.pending.release(budget)
            & self.free.release(budget)
    }
}

/// A dataset that is no longer used is freed a slice at a time: dropping 100,000
/// indexed records at once takes half a second.
impl Release for Dataset {
    fn release(&mut self, budget: &mut usize) -> bool {
        self.sets.release(budget)
    }
}

/// Every module's records: what the app holds in memory and validates against.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub schema: Schema,
    sets: BTreeMap<String, RecordSet>,
}

impl Dataset {
    pub fn new(schema: Schema) -> Self {
        let sets = schema
            .modules
            .iter()
            .map(|m| (m.key.clone(), RecordSet::new(m.clone())))
            .collect();
        Dataset { schema, sets }
    }

    /// Takes on a changed schema (the user's own modules and fields): a set whose
    /// module changed is rebuilt with its records, their search and duplicate keys
    /// left for `index_pending`; a new module gets an empty set, and the set of a
    /// module that is gone is dropped (the plan that removed it deleted its records).
    pub fn replace_schema(&mut self, schema: Schema) {
        if schema == self.schema {
            return;
        }
        let mut old = std::mem::take(&mut self.sets);
        for m in &schema.modules {
            let set = match old.remove(&m.key) {
                Some(set) if set.module == *m => set,
                Some(set) => {
                    let mut fresh = RecordSet::new(m.clone());
                    for r in set.into_records() {
                        fresh.upsert_deferred(r);
                    }
                    fresh
                }
                None => RecordSet::new(m.clone()),
            };
            self.sets.insert(m.key.clone(), set);
        }
        self.schema = schema;
    }

    /// Everyone who can own records and be assigned work: this browser's own user,
    /// then the team members by name.
    pub fn user_ids(&self) -> Vec<String> {
        let mut members: Vec<(String, String)> = self
            .set(MEMBERS)
            .map(|s| {
                s.records()
                    .map(|r| (s.module.title_of(r), r.id.clone()))
                    .collect()
            })
            .unwrap_or_default();
        members.sort();
        std::iter::once(LOCAL_USER.to_string())
            .chain(members.into_iter().map(|(_, id)| id))
            .collect()
    }

    /// A team member's name; `None` for the local user (the UI words that) and for
    /// ids that name nobody.
    pub fn member_name(&self, id: &str) -> Option<String> {
        self.title(MEMBERS, id)
    }

    pub fn set(&self, module: &str) -> Option<&RecordSet> {
        self.sets.get(module)
    }

    pub fn sets(&self) -> impl Iterator<Item = &RecordSet> {
        self.sets.values()
    }

    pub fn get(&self, module: &str, id: &str) -> Option<&Record> {
        self.sets.get(module)?.get(id)
    }

    /// Adds or replaces a record; records of unknown modules are ignored
    /// (validation refuses them before they get here).
    pub fn upsert(&mut self, record: Record) {
        if let Some(set) = self.sets.get_mut(&record.module) {
            set.upsert(record);
        }
    }

    pub fn remove(&mut self, module: &str, id: &str) -> Option<Record> {
        self.sets.get_mut(module)?.remove(id)
    }

    /// Makes room for `additional` more records of `module`.
    pub fn reserve(&mut self, module: &str, additional: usize) {
        if let Some(set) = self.sets.get_mut(module) {
            set.reserve(additional);
        }
    }

    /// `upsert` with the search and duplicate keys left for `index_pending`.
    pub fn upsert_deferred(&mut self, record: Record) {
        if let Some(set) = self.sets.get_mut(&record.module) {
            set.upsert_deferred(record);
        }
    }

    /// Indexes up to `budget` deferred records; true when every module is done.
    pub fn index_pending(&mut self, budget: usize) -> bool {
        let mut left = budget;
        for set in self.sets.values_mut() {
            let before = set.pending.len();
            let done = set.index_pending(left);
            left -= before - set.pending.len();
            if !done {
                return false;
            }
        }
        true
    }

    /// Whether the user has any records of their own yet: pipelines and stages are
    /// there from the start and do not count.
    pub fn has_user_records(&self) -> bool {
        self.schema
            .nav_modules()
            .any(|m| self.set(&m.key).is_some_and(|s| !s.is_empty()))
    }

    pub fn total(&self) -> usize {
        self.sets.values().map(RecordSet::len).sum()
    }

    /// Title of a record for display. A title field that is a lookup shows the linked
    /// record's title (one level deep, so links never loop).
    pub fn title(&self, module: &str, id: &str) -> Option<String> {
        let set = self.sets.get(module)?;
        let record = set.get(id)?;
        let links_in_title = set.module.title_fields.iter().any(|f| {
            matches!(
                set.module.field(f).map(|d| &d.kind),
                Some(FieldKind::Lookup { .. })
            )
        });
        if !links_in_title {
            return Some(set.module.title_of(record));
        }
        let parts: Vec<String> = set
            .module
            .title_fields
            .iter()
            .filter_map(|f| {
                let value = record.get(f)?;
                match (set.module.field(f).map(|d| &d.kind), value) {
                    (Some(FieldKind::Lookup { module, .. }), Value::Ref(target)) => self
                        .sets
                        .get(module)
                        .and_then(|s| s.get(target).map(|r| s.module.title_of(r))),
                    _ => Some(value.to_plain()),
                }
            })
            .filter(|s| !s.trim().is_empty())
            .collect();
        Some(parts.join(" "))
    }

    /// Records of other modules whose lookups point at this record, grouped by
    /// (module, field), for the related lists of a record page.
    pub fn related(&self, module: &str, id: &str) -> Vec<(String, String, Vec<&Record>)> {
        self.schema
            .related_to(module)
            .map(|(m, f)| {
                let records = self
                    .set(&m.key)
                    .map(|set| set.linking(&f.key, id).collect())
                    .unwrap_or_default();
                (m.key.clone(), f.key.clone(), records)
            })
            .collect()
    }

    /// Every record of a module as (id, title), by title (ties by id).
    pub fn by_title(&self, module: &str) -> Vec<(String, String)> {
        let Some(set) = self.set(module) else {
            return Vec::new();
        };
        let mut out: Vec<(String, String)> = set
            .records()
            .map(|r| (r.id.clone(), set.module.title_of(r)))
            .collect();
        out.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        out
    }

    /// The records of a small module to choose from, as (id, title): those whose
    /// `link.0` field points at `link.1` when given. A module with a `position`
    /// field keeps its own order (stages on the board); others go by title.
    pub fn choices(&self, module: &str, link: Option<(&str, &str)>) -> Vec<(String, String)> {
        let Some(set) = self.set(module) else {
            return Vec::new();
        };
        let mut out: Vec<(f64, String, String)> = set
            .records()
            .filter(|r| {
                link.is_none_or(
                    |(field, parent)| matches!(r.get(field), Some(Value::Ref(p)) if p == parent),
                )
            })
            .map(|r| {
                let position = match r.get("position") {
                    Some(Value::Number(n)) => *n,
                    _ => 0.0,
                };
                let title = self.title(module, &r.id).unwrap_or_default();
                (position, title, r.id.clone())
            })
            .collect();
        out.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        out.into_iter().map(|(_, title, id)| (id, title)).collect()
    }

    /// Every record, grouped by module in schema order: what a backup holds.
    pub fn all_records(&self) -> Vec<&Record> {
        self.schema
            .modules
            .iter()
            .filter_map(|m| self.sets.get(&m.key))
            .flat_map(|s| s.records())
            .collect()
    }
}

impl Lookups for Dataset {
    fn record_exists(&self, module: &str, id: &str) -> bool {
        self.get(module, id).is_some()
    }

    fn user_exists(&self, id: &str) -> bool {
        id == LOCAL_USER || self.get(MEMBERS, id).is_some()
    }

    fn unique_taken(&self, module: &str, field: &str, key: &str, except: &str) -> bool {
        self.set(module)
            .and_then(|s| s.unique_holder(field, key))
            .is_some_and(|r| r.id != except)
    }

    fn value_of(&self, module: &str, id: &str, field: &str) -> Option<Value> {
        self.get(module, id)?.get(field).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::standard_modules::{standard_schema, COMPANIES, CONTACTS};

    fn company(id: &str, name: &str) -> Record {
        let values = [("name".to_string(), Value::Text(name.into()))].into();
        Record::new(id.into(), COMPANIES, 1, None, values)
    }

    #[test]
    fn upsert_reindexes_search_and_uniqueness() {
        let mut ds = Dataset::new(standard_schema());
        ds.upsert(company("a", "Acme"));
        assert!(ds.unique_taken(COMPANIES, "name", "acme", "other"));
        assert!(!ds.unique_taken(COMPANIES, "name", "acme", "a"));
        ds.upsert(company("a", "Globex"));
        assert!(!ds.unique_taken(COMPANIES, "name", "acme", "other"));
        let set = ds.set(COMPANIES).unwrap();
        assert!(set.search("acme").is_empty());
        assert_eq!(set.search("glob").len(), 1);
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn the_time_index_follows_every_change() {
        use crate::domain::modules::sales_modules::DEALS;
        let day = 86_400_000;
        let deal = |id: &str, created: i64, close: Option<&str>| {
            let mut values: FieldValues = [("title".to_string(), Value::Text(id.into()))].into();
            if let Some(c) = close {
                let d = chrono::NaiveDate::parse_from_str(c, "%Y-%m-%d").unwrap();
                values.insert("expected_close", Value::Date(d));
            }
            Record::new(id.into(), DEALS, created, None, values)
        };
        let mut ds = Dataset::new(standard_schema());
        ds.upsert(deal("a", 10 * day, Some("1970-01-05")));
        ds.upsert(deal("b", 20 * day, Some("1970-01-20")));
        ds.upsert(deal("c", 30 * day, None));
        let ids = |ds: &Dataset, field: &str, from: i64, to: i64| -> Vec<String> {
            let set = ds.set(DEALS).unwrap();
            set.in_time_range(field, from, to)
                .map(|s| set.at(s).unwrap().id.clone())
                .collect()
        };
        assert_eq!(ids(&ds, CREATED_AT, 10 * day, 30 * day), ["a", "b"]);
        // 5 January 1970 is day 4 since the epoch.
        assert_eq!(ids(&ds, "expected_close", 4 * day, 5 * day), ["a"]);
        // Moving a date moves its entry; removing a record drops it.
        ds.upsert(deal("a", 10 * day, Some("1970-01-25")));
        assert!(ids(&ds, "expected_close", 4 * day, 5 * day).is_empty());
        assert_eq!(ids(&ds, "expected_close", 0, 40 * day), ["b", "a"]);
        ds.remove(DEALS, "b");
        assert_eq!(ids(&ds, "expected_close", 0, 40 * day), ["a"]);
        assert_eq!(ids(&ds, CREATED_AT, 0, 100 * day), ["a", "c"]);
        // Fields that are not indexed, and empty ranges, give nothing.
        assert!(ids(&ds, "title", 0, i64::MAX).is_empty());
        assert!(ids(&ds, CREATED_AT, 50 * day, 0).is_empty());
    }

    #[test]
    fn deferred_records_are_searchable_before_and_after_indexing() {
        let mut ds = Dataset::new(standard_schema());
        ds.upsert(company("a", "Acme"));
        for (id, name) in [("b", "Acme Trading"), ("c", "Bolt"), ("d", "Cobalt")] {
            ds.upsert_deferred(company(id, name));
        }
        let found = |ds: &Dataset, q: &str| -> Vec<String> {
            let set = ds.set(COMPANIES).unwrap();
            let mut ids: Vec<String> = set
                .search(q)
                .into_iter()
                .map(|s| set.at(s).unwrap().id.clone())
                .collect();
            ids.sort();
            ids
        };
        assert!(!ds.set(COMPANIES).unwrap().fully_indexed());
        assert_eq!(found(&ds, "acm"), ["a", "b"]);
        assert_eq!(found(&ds, "bol"), ["c"]);
        // A deferred record replaced or removed before indexing leaves no trace.
        ds.upsert(company("c", "Cargo"));
        ds.remove(COMPANIES, "d");
        assert!(!ds.index_pending(0));
        assert!(ds.index_pending(1));
        assert!(ds.set(COMPANIES).unwrap().fully_indexed());
        assert_eq!(found(&ds, "acm"), ["a", "b"]);
        assert!(found(&ds, "bol").is_empty());
        assert_eq!(found(&ds, "car"), ["c"]);
        assert!(found(&ds, "cob").is_empty());
        assert_eq!(ds.set(COMPANIES).unwrap().len(), 3);
    }

    #[test]
    fn newest_first_matches_a_sort_by_time_then_slot() {
        let mut ds = Dataset::new(standard_schema());
        for i in 0..60u32 {
            let id = format!("c{:02}", (i * 37) % 60);
            let mut r = company(&id, &format!("Name {i}"));
            r.created_at = (i % 7) as i64;
            ds.upsert(r);
        }
        ds.remove(COMPANIES, "c05");
        let set = ds.set(COMPANIES).unwrap();
        let mut among: Vec<Slot> = set.iter().map(|(s, _)| s).filter(|s| s % 3 != 0).collect();
        let mut expected = among.clone();
        expected.sort_by(|a, b| {
            let (ra, rb) = (set.at(*a).unwrap(), set.at(*b).unwrap());
            (rb.created_at, b).cmp(&(ra.created_at, a))
        });
        among.reverse();
        assert_eq!(set.newest_first(&among), expected);
        // Walked a few slots or entries at a time: the same order, in several steps.
        for budget in [1, 7, 40] {
            let mut walk = set.newest_walk(among.clone());
            let mut steps = 1;
            while !set.newest_step(&mut walk, budget) {
                steps += 1;
            }
            assert!(steps > 1, "budget {budget}");
            assert_eq!(walk.into_slots(), expected, "budget {budget}");
        }
        // A handful of rows takes the sorting path: same order.
        let few: Vec<Slot> = expected.iter().rev().take(3).copied().collect();
        let mut few_expected = few.clone();
        few_expected.reverse();
        assert_eq!(set.newest_first(&few), few_expected);
    }

    #[test]
    fn removed_slots_are_reused_without_ghosts() {
        let mut ds = Dataset::new(standard_schema());
        ds.upsert(company("a", "Acme"));
        ds.upsert(company("b", "Bolt"));
        assert!(ds.remove(COMPANIES, "a").is_some());
        ds.upsert(company("c", "Cobalt"));
        let set = ds.set(COMPANIES).unwrap();
        assert_eq!(set.len(), 2);
        assert!(set.search("acme").is_empty());
        assert_eq!(set.search("").len(), 2);
        assert_eq!(
            set.get("c").unwrap().get("name"),
            Some(&Value::Text("Cobalt".into()))
        );
    }

    #[test]
    fn related_lists_find_contacts_of_a_company() {
        let mut ds = Dataset::new(standard_schema());
        ds.upsert(company("a", "Acme"));
        let values = [
            ("last_name".to_string(), Value::Text("Berg".into())),
            ("company".to_string(), Value::Ref("a".into())),
        ]
        .into();
        ds.upsert(Record::new("p".into(), CONTACTS, 1, None, values));
        let related = ds.related(COMPANIES, "a");
        let contacts = related.iter().find(|(m, _, _)| m == CONTACTS).unwrap();
        assert_eq!(contacts.2.len(), 1);
        assert_eq!(contacts.2[0].id, "p");
        assert!(related
            .iter()
            .filter(|(m, _, _)| m != CONTACTS)
            .all(|(_, _, r)| r.is_empty()));
    }

    #[test]
    fn choices_follow_a_position_field_or_the_title() {
        use crate::domain::sales::pipeline_records::{default_pipeline_records, load_pipeline};
        let mut ds = Dataset::new(standard_schema());
        for r in default_pipeline_records(1, &|k| k.to_string()) {
            ds.upsert(r);
        }
        let stages: Vec<String> = ds
            .choices("stages", Some(("pipeline", "pipeline-new_business")))
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let board: Vec<String> = load_pipeline(&ds, "pipeline-new_business")
            .unwrap()
            .stages
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(stages, board, "the form offers stages in board order");
        ds.upsert(company("b", "Bolt"));
        ds.upsert(company("a", "Acme"));
        let names: Vec<String> = ds
            .choices(COMPANIES, None)
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        assert_eq!(names, vec!["Acme", "Bolt"]);
    }

    #[test]
    fn the_link_index_follows_edits_and_removals() {
        let mut ds = Dataset::new(standard_schema());
        ds.upsert(company("a", "Acme"));
        ds.upsert(company("b", "Bolt"));
        let person = |company: &str| {
            let values = [
                ("last_name".to_string(), Value::Text("Berg".into())),
                ("company".to_string(), Value::Ref(company.into())),
            ]
            .into();
            Record::new("p".into(), CONTACTS, 1, None, values)
        };
        let contacts_of = |ds: &Dataset, id: &str| -> Vec<String> {
            ds.set(CONTACTS)
                .unwrap()
                .linking("company", id)
                .map(|r| r.id.clone())
                .collect()
        };
        ds.upsert(person("a"));
        assert_eq!(contacts_of(&ds, "a"), vec!["p"]);
        ds.upsert(person("b"));
        assert!(contacts_of(&ds, "a").is_empty(), "moved away");
        assert_eq!(contacts_of(&ds, "b"), vec!["p"]);
        ds.remove(CONTACTS, "p");
        assert!(contacts_of(&ds, "b").is_empty());
    }
}
