//! A hash map that grows a part at a time. A `HashMap` holding 100,000 keys rehashes
//! all of them when it outgrows its table (≈ 50 ms in the browser, a held page while
//! an import's records go into memory); this one keeps its keys in 64 maps chosen by
//! the key's hash, so a growth rehashes a 64th of them.

use std::borrow::Borrow;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};

use crate::domain::records::release::Release;

const SHARDS: usize = 64;

/// Picks the part: FNV-1a, cheap next to the parts' own (random-keyed) hashing, which
/// it never lines up with. Only which part a key lands in depends on it.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type ShardHasher = BuildHasherDefault<Fnv>;

#[derive(Clone, Debug)]
pub struct ShardedMap<K, V> {
    shards: Vec<HashMap<K, V>>,
    len: usize,
}

impl<K, V> Default for ShardedMap<K, V> {
    fn default() -> Self {
        ShardedMap {
            shards: Vec::new(),
            len: 0,
        }
    }
}

fn shard_of<Q: Hash + ?Sized>(key: &Q) -> usize {
    let h = ShardHasher::default().hash_one(key);
    // Folded, so every byte of the key counts towards the low bits taken.
    ((h ^ (h >> 29) ^ (h >> 47)) as usize) % SHARDS
}

impl<K: Eq + Hash, V> ShardedMap<K, V> {
    pub fn new() -> Self {
        Self::default()
    }

    fn shard<Q: Hash + ?Sized>(&self, key: &Q) -> Option<&HashMap<K, V>> {
        self.shards.get(shard_of(key))
    }

    fn shard_mut(&mut self, at: usize) -> &mut HashMap<K, V> {
        if self.shards.is_empty() {
            self.shards = (0..SHARDS).map(|_| HashMap::new()).collect();
        }
        &mut self.shards[at]
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.shard(key)?.get(key)
    }

    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.shards.get_mut(shard_of(key))?.get_mut(key)
    }

    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.get(key).is_some()
    }

    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        let old = self.shard_mut(shard_of(&key)).insert(key, value);
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let old = self.shards.get_mut(shard_of(key))?.remove(key);
        if old.is_some() {
            self.len -= 1;
        }
        old
    }

    /// The value at `key`, made with `make` if there is none.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let at = shard_of(&key);
        self.shard_mut(at);
        let (shards, len) = (&mut self.shards, &mut self.len);
        match shards[at].entry(key) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                *len += 1;
                e.insert(make())
            }
        }
    }

    /// Room for `additional` more keys, spread over the parts: on an empty map (at
    /// start-up) this is one allocation per part; on a full one it is the growth
    /// this map exists to spread, so callers reserve only before filling.
    pub fn reserve(&mut self, additional: usize) {
        let each = additional.div_ceil(SHARDS);
        for at in 0..SHARDS {
            self.shard_mut(at).reserve(each);
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.shards.iter().flat_map(HashMap::iter)
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.iter().map(|(_, v)| v)
    }
}

impl<K: Eq + Hash, V: Release> Release for ShardedMap<K, V> {
    fn release(&mut self, budget: &mut usize) -> bool {
        for shard in &mut self.shards {
            let before = shard.len();
            let done = shard.release(budget);
            self.len -= before - shard.len();
            if !done {
                return false;
            }
        }
        self.shards = Vec::new();
        self.len = 0;
        true
    }
}

impl<K: Eq + Hash, V: PartialEq> PartialEq for ShardedMap<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn behaves_like_a_hash_map() {
        let mut ours: ShardedMap<String, u32> = ShardedMap::new();
        let mut std_map: HashMap<String, u32> = HashMap::new();
        assert!(ours.is_empty() && ours.get("x").is_none() && ours.remove("x").is_none());
        for i in 0..5_000u32 {
            let k = format!("key{}", i % 3_000);
            assert_eq!(ours.insert(k.clone(), i), std_map.insert(k, i));
            if i % 7 == 0 {
                let gone = format!("key{}", i / 2);
                assert_eq!(ours.remove(gone.as_str()), std_map.remove(gone.as_str()));
            }
            if i % 11 == 0 {
                let k = format!("key{}", i / 3);
                *ours.get_or_insert_with(k.clone(), || 0) += 1;
                *std_map.entry(k).or_insert(0) += 1;
            }
        }
        assert_eq!(ours.len(), std_map.len());
        for (k, v) in &std_map {
            assert_eq!(ours.get(k.as_str()), Some(v));
            assert!(ours.contains_key(k.as_str()));
        }
        let mut seen: Vec<(&String, &u32)> = ours.iter().collect();
        seen.sort();
        let mut expected: Vec<(&String, &u32)> = std_map.iter().collect();
        expected.sort();
        assert_eq!(seen, expected);
        if let Some(v) = ours.get_mut("key1") {
            *v = 99;
        }
        assert_eq!(ours.get("key1"), Some(&99));
    }

    #[test]
    fn keys_spread_over_the_parts() {
        let mut m: ShardedMap<String, ()> = ShardedMap::new();
        for i in 0..6_400 {
            m.insert(format!("c-{i}"), ());
        }
        let biggest = m.shards.iter().map(HashMap::len).max().unwrap_or(0);
        // An even spread is 100 a part; no part holds more than twice that.
        assert!(biggest < 200, "{biggest}");
    }

    #[test]
    fn released_a_slice_at_a_time_until_empty() {
        let mut m: ShardedMap<String, Vec<String>> = ShardedMap::new();
        for i in 0..1_000 {
            m.insert(format!("k{i}"), vec![format!("v{i}")]);
        }
        let mut calls = 0;
        while !m.release(&mut 50) {
            calls += 1;
            assert!(calls < 1_000);
        }
        assert!(calls > 1);
        assert!(m.is_empty() && m.iter().next().is_none());
    }

    #[test]
    fn equal_whatever_the_insertion_order() {
        let a: ShardedMap<u32, u32> = {
            let mut m = ShardedMap::new();
            (0..100).for_each(|i| {
                m.insert(i, i * 2);
            });
            m
        };
        let mut b = ShardedMap::new();
        (0..100).rev().for_each(|i| {
            b.insert(i, i * 2);
        });
        assert_eq!(a, b);
        b.insert(3, 0);
        assert_ne!(a, b);
    }
}
