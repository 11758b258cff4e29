//! Freeing a large structure a slice at a time: dropping 100,000 indexed records at
//! once holds the page for half a second, so a replaced dataset is freed over ticks.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::Hash;

/// Frees up to `budget` entries, lowering it by what was freed; true once empty.
pub trait Release {
    fn release(&mut self, budget: &mut usize) -> bool;
}

impl<T> Release for Vec<T> {
    fn release(&mut self, budget: &mut usize) -> bool {
        if !std::mem::needs_drop::<T>() && *budget > 0 {
            // Plain numbers: one free, whatever the length.
            *self = Vec::new();
            *budget -= 1;
            return true;
        }
        while *budget > 0 && self.pop().is_some() {
            *budget -= 1;
        }
        if self.is_empty() {
            *self = Vec::new();
        }
        self.is_empty()
    }
}

impl<T: Ord> Release for BTreeSet<T> {
    fn release(&mut self, budget: &mut usize) -> bool {
        if !std::mem::needs_drop::<T>() && *budget > 0 {
            *self = BTreeSet::new();
            *budget -= 1;
            return true;
        }
        while *budget > 0 && self.pop_first().is_some() {
            *budget -= 1;
        }
        self.is_empty()
    }
}

/// Maps free their values' insides first (a value may itself be a big map).
impl<K: Ord, V: Release> Release for BTreeMap<K, V> {
    fn release(&mut self, budget: &mut usize) -> bool {
        while *budget > 0 {
            let Some(mut entry) = self.first_entry() else {
                break;
            };
            if entry.get_mut().release(budget) {
                entry.remove();
                *budget = budget.saturating_sub(1);
            }
        }
        self.is_empty()
    }
}

impl<K: Eq + Hash, V: Release> Release for HashMap<K, V> {
    fn release(&mut self, budget: &mut usize) -> bool {
        if *budget == 0 {
            return self.is_empty();
        }
        self.retain(|_, v| {
            if *budget == 0 {
                return true;
            }
            let emptied = v.release(budget);
            if emptied {
                *budget = budget.saturating_sub(1);
            }
            !emptied
        });
        if self.is_empty() {
            *self = HashMap::new();
        }
        self.is_empty()
    }
}

impl<T: Eq + Hash> Release for HashSet<T> {
    fn release(&mut self, budget: &mut usize) -> bool {
        if *budget == 0 {
            return self.is_empty();
        }
        self.retain(|_| {
            if *budget == 0 {
                return true;
            }
            *budget -= 1;
            false
        });
        if self.is_empty() {
            *self = HashSet::new();
        }
        self.is_empty()
    }
}

/// Leaves (strings, numbers…) free in one go.
#[macro_export]
macro_rules! release_leaf {
    ($($t:ty),*) => {$(
        impl $crate::domain::records::release::Release for $t {
            fn release(&mut self, _budget: &mut usize) -> bool {
                true
            }
        }
    )*};
}
release_leaf!(u32, usize, i64, String, Box<str>);

impl<T: Release> Release for Option<T> {
    fn release(&mut self, budget: &mut usize) -> bool {
        if let Some(v) = self {
            if !v.release(budget) {
                return false;
            }
        }
        *self = None;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_nested_maps_are_freed_within_the_budget_each_time() {
        let mut map: HashMap<String, HashMap<String, u32>> = HashMap::new();
        for m in 0..3 {
            let inner = (0..1_000).map(|i| (format!("k{i}"), i)).collect();
            map.insert(format!("m{m}"), inner);
        }
        let mut tree: BTreeMap<u32, Vec<u32>> = (0..100).map(|i| (i, vec![i; 50])).collect();
        let mut calls = 0;
        loop {
            calls += 1;
            let mut budget = 100;
            let done = map.release(&mut budget) & tree.release(&mut budget);
            if done {
                break;
            }
            assert!(calls < 1_000, "never finishes");
        }
        assert!(map.is_empty() && tree.is_empty());
        // 3,000 + 3 map entries and 5,000 + 100 tree entries, 100 per call.
        assert!(calls >= 30, "{calls} calls: the budget was not kept");
    }

    #[test]
    fn a_zero_budget_frees_nothing() {
        let mut v = vec![String::new(); 3];
        assert!(!v.release(&mut 0));
        assert_eq!(v.len(), 3);
        assert!(!v.release(&mut 2));
        assert_eq!(v.len(), 1);
        let mut o = Some(vec![String::new()]);
        assert!(o.release(&mut 5));
        assert_eq!(o, None);
    }
}
