//! A record's field values: a compact map from field name to value.
//!
//! 100,000s of records are held in memory at once, each with a handful of values.
//! A `BTreeMap<String, Value>` gave every record a node with room for 11 entries and
//! its own copy of every field name; here the entries sit in one vector of exactly
//! the needed length, sorted by name (lookups are binary searches), and the names are
//! interned: every record shares one allocation per field name.
//!
//! It serialises exactly like the `BTreeMap` did (a JSON object, keys in order), so
//! stored documents, backups and migrations do not change.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, LazyLock, Mutex};

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::domain::records::value::Value;

/// An interned field name: clones and equal names share one allocation.
#[derive(Clone, PartialOrd, Ord)]
pub struct FieldName(Arc<str>);

/// Every field name seen, shared by all threads (native tests run in parallel).
static NAMES: LazyLock<Mutex<HashSet<Arc<str>>>> = LazyLock::new(Default::default);

/// How many recently used names each thread keeps at hand.
const RECENT: usize = 32;

thread_local! {
    /// Recently used names and where the next one is likely to be: records of one
    /// module bring the same names in the same order, so decoding mostly hits the
    /// guess and never takes the lock or hashes.
    static RECENT_NAMES: RefCell<(Vec<Arc<str>>, usize)> = const { RefCell::new((Vec::new(), 0)) };
}

impl FieldName {
    pub fn new(name: &str) -> Self {
        RECENT_NAMES.with(|cell| {
            let Ok(mut recent) = cell.try_borrow_mut() else {
                return FieldName(intern(name));
            };
            let (names, next) = &mut *recent;
            let found = names
                .get(*next)
                .filter(|n| &***n == name)
                .map(|_| *next)
                .or_else(|| names.iter().position(|n| &**n == name));
            let at = match found {
                Some(at) => at,
                None => {
                    if names.len() == RECENT {
                        names.clear();
                    }
                    names.push(intern(name));
                    names.len() - 1
                }
            };
            *next = at + 1;
            FieldName(names[at].clone())
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn intern(name: &str) -> Arc<str> {
    // A poisoned lock still holds a valid set of names.
    let mut names = NAMES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(known) = names.get(name) {
        return known.clone();
    }
    let new: Arc<str> = name.into();
    // Real schemas have a few hundred names; a file made up of endless unknown keys
    // gets unshared copies instead of growing the set for good.
    if names.len() < MAX_SHARED {
        names.insert(new.clone());
    }
    new
}

/// Names kept for sharing, at most.
const MAX_SHARED: usize = 10_000;

impl PartialEq for FieldName {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl Eq for FieldName {}

impl PartialEq<str> for FieldName {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for FieldName {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for FieldName {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl Deref for FieldName {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for FieldName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for FieldName {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for FieldName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for FieldName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for FieldName {
    fn from(name: &str) -> Self {
        FieldName::new(name)
    }
}

impl From<String> for FieldName {
    fn from(name: String) -> Self {
        FieldName::new(&name)
    }
}

impl From<&String> for FieldName {
    fn from(name: &String) -> Self {
        FieldName::new(name)
    }
}

impl From<&FieldName> for FieldName {
    fn from(name: &FieldName) -> Self {
        name.clone()
    }
}

impl From<FieldName> for String {
    fn from(name: FieldName) -> Self {
        name.0.to_string()
    }
}

impl Serialize for FieldName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// Field name -> value, sorted by name, without duplicates.
#[derive(Clone, Default, PartialEq)]
pub struct FieldValues {
    entries: Vec<(FieldName, Value)>,
}

impl FieldValues {
    pub fn new() -> Self {
        FieldValues::default()
    }

    fn find(&self, name: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| (**k).cmp(name))
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.find(name).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.find(name).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.find(name).is_ok()
    }

    /// Sets a value, returning the one it replaced.
    pub fn insert(&mut self, name: impl Into<FieldName>, value: Value) -> Option<Value> {
        let name = name.into();
        match self.find(&name) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (name, value));
                None
            }
        }
    }

    /// The value of `name`, set to `value` first if it had none.
    pub fn get_or_insert(&mut self, name: impl Into<FieldName>, value: Value) -> &mut Value {
        let name = name.into();
        let i = match self.find(&name) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (name, value));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// Drops spare room left by inserts: a record keeps exactly what it holds.
    pub fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
    }

    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.find(name).ok().map(|i| self.entries.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries in name order.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.entries.iter())
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &FieldName> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = &mut Value> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&FieldName, &mut Value) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// Builds the map from entries in any order; the last of equal names wins (as
    /// with a `BTreeMap`), and the vector is trimmed to its length.
    fn from_entries(mut entries: Vec<(FieldName, Value)>) -> Self {
        if !entries.is_sorted_by(|a, b| a.0 < b.0) {
            // Stable, so equal names stay in their order and the last can win.
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            entries.dedup_by(|later, kept| {
                let same = later.0 == kept.0;
                if same {
                    std::mem::swap(&mut later.1, &mut kept.1);
                }
                same
            });
        }
        entries.shrink_to_fit();
        FieldValues { entries }
    }
}

impl fmt::Debug for FieldValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Borrowed entries in name order.
pub struct Iter<'a>(std::slice::Iter<'a, (FieldName, Value)>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a FieldName, &'a Value);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a FieldValues {
    type Item = (&'a FieldName, &'a Value);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl IntoIterator for FieldValues {
    type Item = (FieldName, Value);
    type IntoIter = std::vec::IntoIter<(FieldName, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<K: Into<FieldName>> FromIterator<(K, Value)> for FieldValues {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Self {
        FieldValues::from_entries(iter.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

impl<K: Into<FieldName>, const N: usize> From<[(K, Value); N]> for FieldValues {
    fn from(entries: [(K, Value); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<K: Into<FieldName>> Extend<(K, Value)> for FieldValues {
    fn extend<I: IntoIterator<Item = (K, Value)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl Serialize for FieldValues {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            map.serialize_entry(k.as_str(), v)?;
        }
        map.end()
    }
}

thread_local! {
    /// Entries of the map being decoded: reused, so each record's vector is
    /// allocated once at its final length.
    static SCRATCH: RefCell<Vec<(FieldName, Value)>> = const { RefCell::new(Vec::new()) };
}

struct FieldValuesVisitor;

impl<'de> Visitor<'de> for FieldValuesVisitor {
    type Value = FieldValues;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map of field values")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FieldValues, A::Error> {
        // Taken out for the duration, so a nested decode could never see it borrowed.
        let mut scratch = SCRATCH.with(|s| s.take());
        scratch.clear();
        let result = (|| {
            while let Some(name) = map.next_key::<NameKey>()? {
                scratch.push((name.0, map.next_value()?));
            }
            Ok(())
        })();
        let out = result.map(|()| {
            let mut entries = Vec::with_capacity(scratch.len());
            entries.append(&mut scratch);
            FieldValues::from_entries(entries)
        });
        scratch.clear();
        SCRATCH.with(|s| s.replace(scratch));
        out
    }
}

/// A map key read as an interned name, without an owned `String` on the way.
struct NameKey(FieldName);

impl<'de> Deserialize<'de> for NameKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl Visitor<'_> for NameVisitor {
            type Value = NameKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<NameKey, E> {
                Ok(NameKey(FieldName::new(v)))
            }
        }
        d.deserialize_str(NameVisitor)
    }
}

impl<'de> Deserialize<'de> for FieldValues {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(FieldValuesVisitor)
    }
}

impl<'de> Deserialize<'de> for FieldName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        NameKey::deserialize(d).map(|n| n.0)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn text(s: &str) -> Value {
        Value::Text(s.into())
    }

    fn sample() -> Vec<(&'static str, Value)> {
        vec![
            ("name", text("Acme")),
            ("amount", Value::Number(12.5)),
            ("city", text("Oslo")),
            ("tags", Value::List(vec!["a".into(), "b".into()])),
        ]
    }

    #[test]
    fn serialises_exactly_as_the_btreemap_did_and_round_trips() {
        let map: BTreeMap<String, Value> = sample()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let values: FieldValues = sample().into_iter().collect();
        let json = serde_json::to_string(&values).unwrap();
        assert_eq!(json, serde_json::to_string(&map).unwrap());
        assert_eq!(
            serde_json::to_string_pretty(&values).unwrap(),
            serde_json::to_string_pretty(&map).unwrap()
        );
        let back: FieldValues = serde_json::from_str(&json).unwrap();
        assert_eq!(back, values);
        assert_eq!(serde_json::to_string(&FieldValues::new()).unwrap(), "{}");
    }

    #[test]
    fn unsorted_and_duplicate_keys_decode_as_a_btreemap_would() {
        let json = r#"{"z":{"text":"1"},"a":{"number":2},"z":{"text":"3"},"m":{"bool":true},"a":{"number":4},"z":{"text":"5"}}"#;
        let values: FieldValues = serde_json::from_str(json).unwrap();
        let map: BTreeMap<String, Value> = serde_json::from_str(json).unwrap();
        assert_eq!(
            serde_json::to_string(&values).unwrap(),
            serde_json::to_string(&map).unwrap()
        );
        assert_eq!(values.len(), 3);
        assert_eq!(values.get("z"), Some(&text("5")));
        assert_eq!(values.get("a"), Some(&Value::Number(4.0)));
        let keys: Vec<&str> = values.keys().map(|k| k.as_str()).collect();
        assert_eq!(keys, ["a", "m", "z"]);
        // The same from an iterator.
        let built: FieldValues = [("b", text("1")), ("a", text("2")), ("b", text("3"))].into();
        assert_eq!(built.get("b"), Some(&text("3")));
        assert_eq!(built.len(), 2);
    }

    #[test]
    fn lookups_inserts_and_removals_keep_the_order() {
        let mut values = FieldValues::new();
        assert!(values.is_empty());
        for (k, v) in sample() {
            assert_eq!(values.insert(k, v), None);
        }
        assert_eq!(values.insert("city", text("Bergen")), Some(text("Oslo")));
        assert_eq!(values.get("city"), Some(&text("Bergen")));
        assert!(values.contains_key("tags"));
        assert!(!values.contains_key("nope"));
        assert_eq!(values.get("nope"), None);
        assert_eq!(values.remove("amount"), Some(Value::Number(12.5)));
        assert_eq!(values.remove("amount"), None);
        values.insert("b", text("x"));
        let keys: Vec<&str> = values.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "city", "name", "tags"]);
        values.retain(|k, _| k != "b");
        assert_eq!(values.len(), 3);
        if let Some(Value::Text(t)) = values.get_mut("name") {
            t.push('!');
        }
        assert_eq!(values.get("name"), Some(&text("Acme!")));
        let owned: Vec<(FieldName, Value)> = values.clone().into_iter().collect();
        assert_eq!(owned.len(), 3);
        assert_eq!(owned[0].0, "city");
    }

    #[test]
    fn decoded_and_shrunk_maps_hold_no_spare_room() {
        let json = r#"{"a":{"text":"1"},"b":{"text":"2"},"c":{"text":"3"},"d":{"text":"4"},"e":{"text":"5"}}"#;
        let decoded: FieldValues = serde_json::from_str(json).unwrap();
        assert_eq!(decoded.entries.capacity(), 5);
        let mut built = FieldValues::new();
        for (k, v) in sample() {
            built.insert(k, v);
        }
        built.shrink_to_fit();
        assert_eq!(built.entries.capacity(), built.len());
    }

    #[test]
    fn equality_ignores_the_order_values_were_added_in() {
        let forward: FieldValues = sample().into_iter().collect();
        let mut backward = FieldValues::new();
        for (k, v) in sample().into_iter().rev() {
            backward.insert(k, v);
        }
        assert_eq!(forward, backward);
        backward.insert("city", text("Bergen"));
        assert_ne!(forward, backward);
    }

    #[test]
    fn names_are_shared_between_records_and_threads() {
        let here = FieldName::new("shared_name_check");
        let there = std::thread::spawn(|| FieldName::new("shared_name_check"))
            .join()
            .unwrap();
        assert!(Arc::ptr_eq(&here.0, &there.0));
        let a: FieldValues =
            serde_json::from_str(r#"{"shared_name_check":{"bool":true}}"#).unwrap();
        assert!(Arc::ptr_eq(&a.keys().next().unwrap().0, &here.0));
    }
}
