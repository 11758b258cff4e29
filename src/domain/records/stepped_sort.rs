//! A merge sort done a bounded number of elements per call, so sorting 100,000
//! report rows never holds the page for more than a turn: runs are sorted a few
//! thousand at a time, then merged pairwise, each merge resumable mid-way.

use std::cmp::Ordering;

use crate::domain::records::search::Slot;
use crate::domain::records::value::{row_order, SortKey};

/// Elements sorted in one go before merging: small enough for well under a frame.
const RUN: usize = 2_048;

/// The sorted order of `len` items (their indices), built across calls to `step`.
/// With a total order (ties broken, as the report's comparison does) the result is
/// the one any correct sort gives; with ties it is stable, as `sort_by` is.
pub struct SteppedSort {
    order: Vec<u32>,
    out: Vec<u32>,
    /// Items whose run is sorted (phase one), then the width of the runs merged.
    sorted_runs: usize,
    width: usize,
    /// The pair being merged: where it starts and how far each half got.
    start: usize,
    left: usize,
    right: usize,
}

impl SteppedSort {
    pub fn new(len: usize) -> Self {
        SteppedSort {
            order: (0..len as u32).collect(),
            out: Vec::new(),
            sorted_runs: 0,
            width: RUN,
            start: 0,
            left: 0,
            right: RUN.min(len),
        }
    }

    /// Sorts or merges until about `budget` items were handled (at least one run or
    /// one item); true when `into_order` gives the sorted order.
    pub fn step(&mut self, budget: &mut usize, cmp: impl Fn(u32, u32) -> Ordering) -> bool {
        let n = self.order.len();
        while self.sorted_runs < n {
            if *budget == 0 {
                return false;
            }
            let end = n.min(self.sorted_runs + RUN);
            self.order[self.sorted_runs..end].sort_by(|&a, &b| cmp(a, b));
            *budget = budget.saturating_sub(end - self.sorted_runs);
            self.sorted_runs = end;
        }
        while self.width < n {
            while self.start < n {
                let mid = n.min(self.start + self.width);
                let end = n.min(self.start + 2 * self.width);
                while self.left < mid || self.right < end {
                    if *budget == 0 {
                        return false;
                    }
                    *budget -= 1;
                    // Equal items keep their order: the left half's comes first.
                    let take_left = self.right == end
                        || (self.left < mid
                            && cmp(self.order[self.left], self.order[self.right])
                                != Ordering::Greater);
                    if take_left {
                        self.out.push(self.order[self.left]);
                        self.left += 1;
                    } else {
                        self.out.push(self.order[self.right]);
                        self.right += 1;
                    }
                }
                self.start = end;
                self.left = end;
                self.right = n.min(end + self.width);
            }
            std::mem::swap(&mut self.order, &mut self.out);
            self.out.clear();
            self.width *= 2;
            self.start = 0;
            self.left = 0;
            self.right = self.width.min(n);
        }
        true
    }

    /// The indices in sorted order; complete once `step` said so.
    pub fn into_order(self) -> Vec<u32> {
        self.order
    }
}

/// Rows with their sort keys (each computed once), sorted in steps in the order
/// lists and reports use (`row_order`).
#[derive(Default)]
pub struct KeyedRows {
    keyed: Vec<(Option<SortKey>, Slot)>,
    sorter: Option<SteppedSort>,
}

impl KeyedRows {
    pub fn push(&mut self, key: Option<SortKey>, slot: Slot) {
        self.keyed.push((key, slot));
    }

    /// Sorts about `budget` more; once sorted, the slots in order (the rows are taken).
    pub fn sort_step(&mut self, budget: &mut usize, descending: bool) -> Option<Vec<Slot>> {
        let keyed = &self.keyed;
        let sorter = self
            .sorter
            .get_or_insert_with(|| SteppedSort::new(keyed.len()));
        let sorted = sorter.step(budget, |a, b| {
            row_order(&keyed[a as usize], &keyed[b as usize], descending)
        });
        if !sorted {
            return None;
        }
        let order = self.sorter.take().map(SteppedSort::into_order);
        let keyed = std::mem::take(&mut self.keyed);
        Some(
            order
                .unwrap_or_default()
                .into_iter()
                .map(|i| keyed[i as usize].1)
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted_in_steps(items: &[(u32, u32)], budget: usize) -> (Vec<u32>, usize) {
        let mut s = SteppedSort::new(items.len());
        let mut steps = 0;
        loop {
            steps += 1;
            let mut b = budget;
            // Compares the first part only, so ties show whether the sort is stable.
            if s.step(&mut b, |a, b| items[a as usize].0.cmp(&items[b as usize].0)) {
                break;
            }
        }
        (s.into_order(), steps)
    }

    fn pseudo_random(n: usize, modulo: u32) -> Vec<(u32, u32)> {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        (0..n)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                ((x % modulo as u64) as u32, i as u32)
            })
            .collect()
    }

    #[test]
    fn sorting_in_steps_gives_the_stable_sort_for_any_budget() {
        for n in [0, 1, 2, 5, RUN - 1, RUN, RUN + 1, 3 * RUN + 17, 9_000] {
            for modulo in [3, 1_000_000] {
                let items = pseudo_random(n, modulo);
                let mut expected: Vec<u32> = (0..n as u32).collect();
                expected.sort_by_key(|&i| items[i as usize].0);
                for budget in [1, 7, 500, usize::MAX] {
                    let (order, _) = sorted_in_steps(&items, budget);
                    assert_eq!(order, expected, "n {n}, modulo {modulo}, budget {budget}");
                }
            }
        }
    }

    #[test]
    fn a_small_budget_takes_many_steps_and_a_large_one_takes_one() {
        let items = pseudo_random(10_000, 1_000);
        let (_, many) = sorted_in_steps(&items, 1_000);
        let (_, one) = sorted_in_steps(&items, usize::MAX);
        assert!(many > 10, "{many} steps");
        assert_eq!(one, 1);
    }
}
