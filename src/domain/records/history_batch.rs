//! The "created" history of a big write (an import) kept as one stored entry per
//! chunk of records instead of one per record: IndexedDB's cost is per entry, and
//! 100,000 one-record entries doubled an import's write. Readers never see the
//! chunks: a chunk expands into exactly the per-record `Created` entries it stands
//! for, so timelines, merges and backups are as before.

use std::collections::{HashMap, HashSet};

use crate::domain::records::record::{ChangeEntry, ChangeKind, RecordId, Timestamp};

/// A write packs its "created" entries only when it has more than this many: a
/// form save or a small batch keeps one entry per record, as always.
pub const PACK_ABOVE: usize = 1_000;
/// Record ids per stored chunk: large enough to make the entry count negligible,
/// small enough that removing one deleted record rewrites little.
pub const PER_ENTRY: usize = 1_000;

/// Records created together — same module, time and user, each at revision 1 with
/// no field changes — listed under one history entry.
#[derive(Clone, Debug, PartialEq)]
pub struct CreatedBatch {
    pub id: String,
    pub module: String,
    pub at: Timestamp,
    pub user: Option<String>,
    pub record_ids: Vec<RecordId>,
}

/// The id of a record's entry expanded from a batch: stable across reads, so a
/// timeline, a merge and a backup all see the same entry, and unlike any stored key
/// (stored ids are fresh ids with no '/').
pub fn expanded_id(batch_id: &str, record_id: &str) -> String {
    format!("{batch_id}/{record_id}")
}

impl CreatedBatch {
    /// The per-record entry `record_id` would have had, or `None` if it is not listed.
    pub fn entry_for(&self, record_id: &str) -> Option<ChangeEntry> {
        self.record_ids
            .iter()
            .any(|r| r == record_id)
            .then(|| self.entry(record_id))
    }

    /// Every listed record's entry, in the order listed.
    pub fn expand(&self) -> impl Iterator<Item = ChangeEntry> + '_ {
        self.record_ids.iter().map(|r| self.entry(r))
    }

    fn entry(&self, record_id: &str) -> ChangeEntry {
        ChangeEntry {
            id: expanded_id(&self.id, record_id),
            record_id: record_id.to_string(),
            module: self.module.clone(),
            at: self.at,
            user: self.user.clone(),
            revision: 1,
            kind: ChangeKind::Created,
            fields: Vec::new(),
        }
    }

    /// Drops the listed records in `gone`; says whether anything was dropped.
    pub fn remove(&mut self, gone: &HashSet<&str>) -> bool {
        let before = self.record_ids.len();
        self.record_ids.retain(|r| !gone.contains(r.as_str()));
        self.record_ids.len() != before
    }
}

/// A write's history as it is stored: entries kept one per record, and batches.
#[derive(Debug, Default)]
pub struct Packed<'a> {
    pub singles: Vec<&'a ChangeEntry>,
    pub batches: Vec<CreatedBatch>,
}

/// An entry that a batch can stand for without losing anything.
fn packable(c: &ChangeEntry) -> bool {
    c.kind == ChangeKind::Created && c.revision == 1 && c.fields.is_empty()
}

/// What entries share to be listed in one batch: module, time and user.
type BatchKey<'a> = (&'a str, Timestamp, Option<&'a str>);

/// Packs the plain "created" entries of `changes` into batches when there are more
/// than `PACK_ABOVE` of them; every other entry stays as it is. Entries are grouped
/// by module, time and user (all an expanded entry carries besides its record), in
/// the order given; a batch takes the id of its first entry, which is fresh.
pub fn pack(changes: &[ChangeEntry]) -> Packed<'_> {
    let mut packed = Packed::default();
    if changes.iter().filter(|c| packable(c)).count() <= PACK_ABOVE {
        packed.singles = changes.iter().collect();
        return packed;
    }
    // The batch still being filled for each (module, at, user).
    let mut open: HashMap<BatchKey, usize> = HashMap::new();
    // An import's entries come in runs with one key: the run's batch is at hand
    // without hashing (100,000 lookups held the page).
    let mut last: Option<(BatchKey, usize)> = None;
    for c in changes {
        if !packable(c) {
            packed.singles.push(c);
            continue;
        }
        let key = (c.module.as_str(), c.at, c.user.as_deref());
        let known = match last {
            Some((k, i)) if k == key => Some(i),
            _ => open.get(&key).copied(),
        };
        let slot = match known {
            Some(i) if packed.batches[i].record_ids.len() < PER_ENTRY => i,
            _ => {
                packed.batches.push(CreatedBatch {
                    id: c.id.clone(),
                    module: c.module.clone(),
                    at: c.at,
                    user: c.user.clone(),
                    record_ids: Vec::with_capacity(PER_ENTRY),
                });
                open.insert(key, packed.batches.len() - 1);
                packed.batches.len() - 1
            }
        };
        packed.batches[slot].record_ids.push(c.record_id.clone());
        last = Some((key, slot));
    }
    packed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::records::record::FieldChange;

    fn created(i: usize, module: &str, at: Timestamp) -> ChangeEntry {
        ChangeEntry {
            id: format!("c{i}"),
            record_id: format!("r{i}"),
            module: module.into(),
            at,
            user: Some("u1".into()),
            revision: 1,
            kind: ChangeKind::Created,
            fields: vec![],
        }
    }

    /// What readers see of a packed write: singles as they are, batches expanded,
    /// keyed by record (ids of expanded entries differ by design).
    fn seen(p: &Packed) -> Vec<ChangeEntry> {
        let mut all: Vec<ChangeEntry> = p.singles.iter().map(|c| (*c).clone()).collect();
        all.extend(
            p.batches
                .iter()
                .flat_map(|b| b.expand().collect::<Vec<_>>()),
        );
        all.sort_by(|a, b| (&a.record_id, a.revision).cmp(&(&b.record_id, b.revision)));
        all
    }

    fn without_ids(mut v: Vec<ChangeEntry>) -> Vec<ChangeEntry> {
        for c in &mut v {
            c.id.clear();
        }
        v
    }

    #[test]
    fn a_small_write_keeps_one_entry_per_record() {
        let changes: Vec<_> = (0..PACK_ABOVE).map(|i| created(i, "contacts", 5)).collect();
        let p = pack(&changes);
        assert!(p.batches.is_empty());
        assert_eq!(p.singles.len(), PACK_ABOVE);
    }

    #[test]
    fn a_big_write_is_packed_into_chunks_that_expand_to_the_same_entries() {
        let n = 2_500;
        let mut changes: Vec<_> = (0..n).map(|i| created(i, "contacts", 5)).collect();
        // An update and a created entry with field changes are never packed.
        let mut updated = created(n, "contacts", 6);
        updated.kind = ChangeKind::Updated;
        updated.revision = 2;
        let mut with_fields = created(n + 1, "contacts", 5);
        with_fields.fields.push(FieldChange {
            field: "name".into(),
            old: None,
            new: None,
        });
        changes.push(updated);
        changes.push(with_fields);
        let p = pack(&changes);
        assert_eq!(p.batches.len(), 3);
        assert_eq!(p.batches[0].record_ids.len(), PER_ENTRY);
        assert_eq!(p.batches[2].record_ids.len(), n - 2 * PER_ENTRY);
        assert_eq!(p.batches[0].id, "c0");
        assert_eq!(p.batches[1].id, format!("c{PER_ENTRY}"));
        assert_eq!(p.singles.len(), 2);
        let mut expected = changes.clone();
        expected.sort_by(|a, b| (&a.record_id, a.revision).cmp(&(&b.record_id, b.revision)));
        assert_eq!(without_ids(seen(&p)), without_ids(expected));
    }

    #[test]
    fn entries_of_different_modules_times_or_users_go_to_different_batches() {
        let mut changes: Vec<_> = (0..1_200).map(|i| created(i, "contacts", 5)).collect();
        changes.extend((1_200..1_300).map(|i| created(i, "companies", 5)));
        changes.extend((1_300..1_400).map(|i| created(i, "contacts", 7)));
        let mut other_user = created(1_400, "contacts", 5);
        other_user.user = None;
        changes.push(other_user);
        let p = pack(&changes);
        for b in &p.batches {
            for c in b.expand() {
                let original = changes.iter().find(|o| o.record_id == c.record_id).unwrap();
                assert_eq!(
                    (&c.module, c.at, &c.user),
                    (&original.module, original.at, &original.user)
                );
            }
        }
        let listed: usize = p.batches.iter().map(|b| b.record_ids.len()).sum();
        assert_eq!(listed, changes.len());
        // contacts@5 fills one batch and starts a second; the others get one each.
        assert_eq!(p.batches.len(), 5);
    }

    #[test]
    fn a_record_finds_its_own_entry_with_a_stable_id() {
        let changes: Vec<_> = (0..1_001).map(|i| created(i, "contacts", 5)).collect();
        let p = pack(&changes);
        let b = &p.batches[0];
        let e = b.entry_for("r7").unwrap();
        assert_eq!(e.id, "c0/r7");
        assert_eq!(e, b.entry_for("r7").unwrap());
        let mut original = changes[7].clone();
        original.id = e.id.clone();
        assert_eq!(e, original);
        assert!(b.entry_for("nope").is_none());
    }

    #[test]
    fn an_import_of_100_000_records_stores_100_history_entries() {
        let changes: Vec<_> = (0..100_000).map(|i| created(i, "contacts", 5)).collect();
        let p = pack(&changes);
        assert_eq!(p.singles.len() + p.batches.len(), 100);
    }

    #[test]
    fn removing_deleted_records_leaves_their_neighbours() {
        let mut b = CreatedBatch {
            id: "b".into(),
            module: "contacts".into(),
            at: 1,
            user: None,
            record_ids: vec!["a".into(), "b".into(), "c".into()],
        };
        assert!(!b.remove(&HashSet::from(["x"])));
        assert!(b.remove(&HashSet::from(["b", "x"])));
        assert_eq!(b.record_ids, vec!["a".to_string(), "c".into()]);
        assert!(b.entry_for("b").is_none());
        assert!(b.entry_for("c").is_some());
    }
}
