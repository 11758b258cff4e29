//! An incremental full-text index: folded tokens map to the record slots that hold
//! them, so a keystroke costs a few range scans instead of a pass over every record.

use std::collections::BTreeMap;
use std::ops::Bound;

use crate::domain::records::field::{FieldDef, FieldKind};
use crate::domain::records::module_def::ModuleDef;
use crate::domain::records::normalize::{phone_digits, tokens};
use crate::domain::records::record::Record;
use crate::domain::records::value::Value;

/// Slot of a record in its module's `RecordSet`.
pub type Slot = u32;

#[derive(Default, Debug, Clone)]
pub struct SearchIndex {
    /// Token -> sorted, de-duplicated slots.
    terms: BTreeMap<Box<str>, Postings>,
}

/// The slots holding one token. Most tokens (a surname, a phone number, a number in a
/// subject) belong to one record: kept inline, without an allocation of their own.
#[derive(Debug, Clone)]
enum Postings {
    One(Slot),
    Many(Vec<Slot>),
}

impl Postings {
    fn as_slice(&self) -> &[Slot] {
        match self {
            Postings::One(s) => std::slice::from_ref(s),
            Postings::Many(v) => v,
        }
    }

    fn insert(&mut self, slot: Slot) {
        match self {
            Postings::One(s) if *s == slot => {}
            Postings::One(s) => {
                let (a, b) = if *s < slot { (*s, slot) } else { (slot, *s) };
                *self = Postings::Many(vec![a, b]);
            }
            Postings::Many(v) => {
                if let Err(pos) = v.binary_search(&slot) {
                    v.insert(pos, slot);
                }
            }
        }
    }

    /// Removes `slot`; true when none is left.
    fn remove(&mut self, slot: Slot) -> bool {
        match self {
            Postings::One(s) => *s == slot,
            Postings::Many(v) => {
                if let Ok(pos) = v.binary_search(&slot) {
                    v.remove(pos);
                }
                v.is_empty()
            }
        }
    }
}

impl crate::domain::records::release::Release for Postings {
    fn release(&mut self, budget: &mut usize) -> bool {
        // At most one free.
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        *self = Postings::One(0);
        true
    }
}

impl crate::domain::records::release::Release for SearchIndex {
    fn release(&mut self, budget: &mut usize) -> bool {
        self.terms.release(budget)
    }
}

/// The tokens a record is found by: words of its searchable fields, plus the bare
/// digits of phone numbers so "0912 123" and "0912123" both match.
pub fn record_tokens(module: &ModuleDef, record: &Record) -> Vec<String> {
    let mut out = Vec::new();
    for field in module.fields.iter().filter(|f| f.searchable) {
        if let Some(value) = record.get(&field.key) {
            out.extend(field_tokens(field, value));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The tokens one field's value is found by: its words, and a phone's digits.
pub fn field_tokens(field: &FieldDef, value: &Value) -> Vec<String> {
    let text = value.search_text();
    let mut out = tokens(&text);
    if let FieldKind::Phone { .. } = field.kind {
        for part in text.split([',', '\n']) {
            let digits = phone_digits(part);
            if !digits.is_empty() {
                out.push(digits);
            }
        }
    }
    out
}

impl SearchIndex {
    pub fn insert(&mut self, slot: Slot, toks: &[String]) {
        for t in toks {
            // Look up before inserting: most tokens exist already, and a new key
            // costs an allocation.
            match self.terms.get_mut(t.as_str()) {
                Some(slots) => slots.insert(slot),
                None => {
                    self.terms.insert(t.as_str().into(), Postings::One(slot));
                }
            }
        }
    }

    pub fn remove(&mut self, slot: Slot, toks: &[String]) {
        for t in toks {
            if let Some(slots) = self.terms.get_mut(t.as_str()) {
                if slots.remove(slot) {
                    self.terms.remove(t.as_str());
                }
            }
        }
    }

    /// Whether a record with tokens `toks` matches a query: every word of it starts one
    /// of the tokens (the rule `query` applies through the index).
    pub fn matches(words: &[String], toks: &[String]) -> bool {
        words
            .iter()
            .all(|w| toks.iter().any(|t| t.starts_with(w.as_str())))
    }

    /// The words of a query as the index compares them.
    pub fn words(query: &str) -> Vec<String> {
        tokens(query)
    }

    /// Slots whose tokens start with every word of the query, sorted.
    /// `None` when the query has no words (everything matches).
    pub fn query(&self, query: &str) -> Option<Vec<Slot>> {
        let words = tokens(query);
        if words.is_empty() {
            return None;
        }
        let mut result: Option<Vec<Slot>> = None;
        for word in words {
            let mut hits: Vec<Slot> = Vec::new();
            let start: &str = &word;
            for (term, slots) in self
                .terms
                .range::<str, _>((Bound::Included(start), Bound::Unbounded))
            {
                if !term.starts_with(start) {
                    break;
                }
                hits.extend_from_slice(slots.as_slice());
            }
            hits.sort_unstable();
            hits.dedup();
            result = Some(match result {
                None => hits,
                Some(prev) => intersect(&prev, &hits),
            });
            if result.as_ref().is_some_and(Vec::is_empty) {
                break;
            }
        }
        result
    }
}

fn intersect(a: &[Slot], b: &[Slot]) -> Vec<Slot> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx(docs: &[&str]) -> SearchIndex {
        let mut ix = SearchIndex::default();
        for (i, d) in docs.iter().enumerate() {
            let mut t = tokens(d);
            t.sort();
            t.dedup();
            ix.insert(i as Slot, &t);
        }
        ix
    }

    #[test]
    fn every_word_must_prefix_match() {
        let ix = idx(&["Anna Berg Oslo", "Anna Svensson", "Bergen Fisk"]);
        assert_eq!(ix.query("ann"), Some(vec![0, 1]));
        assert_eq!(ix.query("ann berg"), Some(vec![0]));
        assert_eq!(ix.query("berg"), Some(vec![0, 2]));
        assert_eq!(ix.query("zzz"), Some(vec![]));
        assert_eq!(ix.query("  "), None);
    }

    #[test]
    fn non_latin_and_folded_queries_match() {
        let ix = idx(&["علی کریمی", "Çağrı Öztürk", "สมชาย ใจดี", "Пётр Сидоров"]);
        assert_eq!(ix.query("علي"), Some(vec![0]));
        assert_eq!(ix.query("ozt"), Some(vec![1]));
        assert_eq!(ix.query("สมช"), Some(vec![2]));
        assert_eq!(ix.query("петр"), Some(vec![3]));
    }

    #[test]
    fn removal_forgets_a_record() {
        let mut ix = idx(&["Anna", "Anna"]);
        ix.remove(0, &["anna".to_string()]);
        assert_eq!(ix.query("anna"), Some(vec![1]));
        ix.remove(1, &["anna".to_string()]);
        assert!(ix.terms.is_empty());
    }

    #[test]
    fn a_token_grows_from_one_slot_to_many_and_back() {
        let mut ix = SearchIndex::default();
        let anna = ["anna".to_string()];
        ix.insert(5, &anna);
        ix.insert(5, &anna);
        assert_eq!(ix.query("anna"), Some(vec![5]));
        ix.insert(2, &anna);
        ix.insert(9, &anna);
        assert_eq!(ix.query("anna"), Some(vec![2, 5, 9]));
        ix.remove(5, &anna);
        ix.remove(7, &anna);
        assert_eq!(ix.query("anna"), Some(vec![2, 9]));
        ix.remove(2, &anna);
        ix.remove(9, &anna);
        assert!(ix.terms.is_empty());
        // A single slot that is not the one removed stays.
        ix.insert(3, &anna);
        ix.remove(4, &anna);
        assert_eq!(ix.query("anna"), Some(vec![3]));
    }
}
