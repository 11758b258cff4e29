//! Which slots of a record set changed lately, so a view built over the whole set (a
//! board's columns over 20,000 deals) can follow a save by updating the few records it
//! wrote instead of going over every record again.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::domain::records::search::Slot;

/// Changes remembered; a view further behind than this is built again.
const KEPT: usize = 256;

/// Each journal has an identity of its own, so a stamp of one set (or of a dataset
/// since replaced by a restore, or of a clone that went its own way) never reads as
/// a stamp of another.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn fresh_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

/// A moment of one record set: what a view built from it remembers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    journal: u64,
    version: u64,
}

#[derive(Debug)]
pub struct ChangeJournal {
    id: u64,
    version: u64,
    /// (version after the change, slot changed), oldest first.
    recent: VecDeque<(u64, Slot)>,
}

impl Default for ChangeJournal {
    fn default() -> Self {
        ChangeJournal {
            id: fresh_id(),
            version: 0,
            recent: VecDeque::new(),
        }
    }
}

/// A copy is another set from now on: stamps of the original do not apply to it.
impl Clone for ChangeJournal {
    fn clone(&self) -> Self {
        ChangeJournal::default()
    }
}

impl ChangeJournal {
    /// The record in `slot` was placed, replaced or removed.
    pub fn note(&mut self, slot: Slot) {
        self.version += 1;
        self.recent.push_back((self.version, slot));
        if self.recent.len() > KEPT {
            self.recent.pop_front();
        }
    }

    pub fn stamp(&self) -> Stamp {
        Stamp {
            journal: self.id,
            version: self.version,
        }
    }

    /// The slots changed since `stamp`, each once, in slot order; `None` when the
    /// stamp is of another set or older than what is remembered (build anew).
    pub fn changed_since(&self, stamp: Stamp) -> Option<Vec<Slot>> {
        if stamp.journal != self.id || stamp.version > self.version {
            return None;
        }
        if stamp.version == self.version {
            return Some(Vec::new());
        }
        // Every version after the stamp must still be remembered.
        let oldest = self.recent.front().map(|(v, _)| *v)?;
        if oldest > stamp.version + 1 {
            return None;
        }
        let mut slots: Vec<Slot> = self
            .recent
            .iter()
            .filter(|(v, _)| *v > stamp.version)
            .map(|(_, s)| *s)
            .collect();
        slots.sort_unstable();
        slots.dedup();
        Some(slots)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slots_changed_since_a_stamp_each_once() {
        let mut j = ChangeJournal::default();
        j.note(4);
        let at = j.stamp();
        assert_eq!(j.changed_since(at), Some(vec![]));
        j.note(7);
        j.note(2);
        j.note(7);
        assert_eq!(j.changed_since(at), Some(vec![2, 7]));
        assert_eq!(j.changed_since(j.stamp()), Some(vec![]));
    }

    #[test]
    fn a_stamp_further_back_than_remembered_asks_for_a_rebuild() {
        let mut j = ChangeJournal::default();
        let at = j.stamp();
        for s in 0..KEPT as Slot {
            j.note(s);
        }
        assert_eq!(j.changed_since(at).map(|s| s.len()), Some(KEPT));
        j.note(9_999);
        assert_eq!(j.changed_since(at), None);
    }

    #[test]
    fn a_stamp_of_another_set_or_of_the_original_of_a_copy_does_not_apply() {
        let mut a = ChangeJournal::default();
        a.note(1);
        let b = ChangeJournal::default();
        assert_eq!(b.changed_since(a.stamp()), None);
        let copy = a.clone();
        assert_eq!(copy.changed_since(a.stamp()), None);
    }
}
