//! The one point record contents pass through on their way into and out of
//! IndexedDB. Keys that indexes need (`id`, `module`, `record_id`, `record_ids`) stay
//! in the clear; the rest is one `doc` string — where encryption at rest will slot in.

use std::collections::HashSet;
use std::ops::Range;

use js_sys::{Object, Reflect};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::{JsCast, JsValue};

use super::error::StorageError;
use crate::domain::records::history_batch::CreatedBatch;
use crate::domain::records::record::{ChangeEntry, Timestamp};
use crate::domain::Record;

fn set(obj: &Object, key: &str, value: &JsValue) {
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

fn envelope<T: Serialize>(keys: &[(&str, &str)], body: &T) -> Result<JsValue, StorageError> {
    let doc = serde_json::to_string(body)
        .map_err(|e| StorageError::new("storage.op.encode", e.to_string()))?;
    let obj = Object::new();
    for (k, v) in keys {
        set(&obj, k, &JsValue::from_str(v));
    }
    set(&obj, "doc", &JsValue::from_str(&doc));
    Ok(obj.into())
}

/// The raw JSON text of a stored entry, for migrations that work on documents.
pub fn doc_text(stored: &JsValue) -> Result<String, StorageError> {
    Reflect::get(stored, &JsValue::from_str("doc"))
        .ok()
        .and_then(|d| d.as_string())
        .ok_or_else(|| StorageError::new("storage.op.decode", "stored entry has no document"))
}

fn open<T: DeserializeOwned>(stored: &JsValue) -> Result<T, StorageError> {
    let text = doc_text(stored)?;
    serde_json::from_str(&text).map_err(|e| StorageError::new("storage.op.decode", e.to_string()))
}

/// Stored entries as a read returned them, decoded a chunk at a time by the caller.
/// (Joining a chunk's documents on the JS side to cross into wasm once per chunk was
/// measured: no faster at start-up, so each document is read on its own.)
pub struct StoredEntries {
    entries: Vec<JsValue>,
}

impl StoredEntries {
    pub fn new(entries: Vec<JsValue>) -> Self {
        StoredEntries { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entries as read.
    pub fn into_entries(self) -> Vec<JsValue> {
        self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The records of entries `range`, in order; the first entry that fails stops it
    /// with its own error.
    pub fn decode_records(&self, range: Range<usize>) -> Result<Vec<Record>, StorageError> {
        self.entries[range].iter().map(decode_record).collect()
    }

    /// The records of entries `range` that decode, in order; each entry that does not
    /// is added to `unreadable` with its cause and stored text. Start-up reads this
    /// way: one damaged entry must not keep every other record (and the backup of
    /// them) from the user.
    pub fn decode_readable(
        &self,
        range: Range<usize>,
        unreadable: &mut Vec<Unreadable>,
    ) -> Vec<Record> {
        let mut records = Vec::with_capacity(range.len());
        for stored in &self.entries[range] {
            match decode_record(stored) {
                Ok(r) => records.push(r),
                Err(e) => unreadable.push(Unreadable::of(stored, e)),
            }
        }
        records
    }
}

/// A stored record entry that could not be decoded: left in the database as it is,
/// and named to the user with its raw text so it can be saved and repaired by hand.
#[derive(Clone, Debug, PartialEq)]
pub struct Unreadable {
    /// The module and id the entry is stored under (its clear keys).
    pub module: String,
    pub id: String,
    /// Why it could not be read (the decoder's own words).
    pub cause: String,
    /// The stored document text, or the whole entry as JSON when it has none.
    pub raw: String,
}

impl Unreadable {
    fn of(stored: &JsValue, e: StorageError) -> Self {
        let key = |k: &str| {
            Reflect::get(stored, &JsValue::from_str(k))
                .ok()
                .and_then(|v| v.as_string().or_else(|| v.as_f64().map(|n| n.to_string())))
                .unwrap_or_default()
        };
        let raw = doc_text(stored).ok().unwrap_or_else(|| {
            js_sys::JSON::stringify(stored)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default()
        });
        Unreadable {
            module: key("module"),
            id: key("id"),
            cause: e.detail,
            raw,
        }
    }
}

impl StoredEntries {
    /// The stored documents of every entry, joined by commas into one JS string (a
    /// piece of a backup's record list, with a comma in front unless `first`),
    /// leaving out the ids in `skip`; and how many were taken. A record's stored
    /// document is its JSON as the backup writes it, so the text goes from IndexedDB
    /// to the file without crossing into wasm (decoding and re-encoding 100,000
    /// records took ≈ 1.5 s): the browser joins a piece's strings in one call, and
    /// ids are read only when there is something to skip.
    pub fn docs_joined(&self, first: bool, skip: &HashSet<String>) -> (js_sys::JsString, usize) {
        let docs = js_sys::Array::new();
        if !first {
            docs.push(&JsValue::from_str(""));
        }
        let (id_key, doc_key) = (JsValue::from_str("id"), JsValue::from_str("doc"));
        let mut taken = 0;
        for entry in &self.entries {
            if !skip.is_empty() {
                let id = Reflect::get(entry, &id_key)
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default();
                if skip.contains(&id) {
                    continue;
                }
            }
            let Ok(doc) = Reflect::get(entry, &doc_key) else {
                continue;
            };
            if !doc.is_string() {
                continue;
            }
            docs.push(&doc);
            taken += 1;
        }
        (docs.join(","), taken)
    }
}

pub fn encode_record(record: &Record) -> Result<JsValue, StorageError> {
    envelope(&[("id", &record.id), ("module", &record.module)], record)
}

/// Re-wraps a migrated document for writing back.
pub fn encode_record_doc(
    id: &str,
    module: &str,
    doc: &serde_json::Value,
) -> Result<JsValue, StorageError> {
    envelope(&[("id", id), ("module", module)], doc)
}

pub fn decode_record(stored: &JsValue) -> Result<Record, StorageError> {
    open(stored)
}

pub fn encode_change(change: &ChangeEntry) -> Result<JsValue, StorageError> {
    envelope(
        &[("id", &change.id), ("record_id", &change.record_id)],
        change,
    )
}

/// A one-record history entry. A stored batch is refused (its document has no
/// record, revision or kind), so it can never pass for one record's entry; readers
/// of the history store use `decode_history`.
pub fn decode_change(stored: &JsValue) -> Result<ChangeEntry, StorageError> {
    open(stored)
}

/// What a batch stores besides its key and its record ids.
#[derive(serde::Serialize, serde::Deserialize)]
struct BatchDoc {
    module: String,
    at: Timestamp,
    user: Option<String>,
}

const RECORD_IDS: &str = "record_ids";

/// A batch of created records: `{id, record_ids: [...], doc}`. The ids are kept only
/// in the clear array, which the multi-entry index reads; a batch has no `record_id`,
/// so the one-record index never lists it.
pub fn encode_created_batch(batch: &CreatedBatch) -> Result<JsValue, StorageError> {
    let doc = BatchDoc {
        module: batch.module.clone(),
        at: batch.at,
        user: batch.user.clone(),
    };
    let stored = envelope(&[("id", &batch.id)], &doc)?;
    let ids: js_sys::Array = batch
        .record_ids
        .iter()
        .map(|r| JsValue::from_str(r))
        .collect();
    set(stored.unchecked_ref(), RECORD_IDS, &ids);
    Ok(stored)
}

/// One stored history entry: a record's own, or a batch of created records.
pub enum StoredChange {
    One(ChangeEntry),
    Batch(CreatedBatch),
}

pub fn decode_history(stored: &JsValue) -> Result<StoredChange, StorageError> {
    let ids = Reflect::get(stored, &JsValue::from_str(RECORD_IDS)).unwrap_or(JsValue::UNDEFINED);
    if !js_sys::Array::is_array(&ids) {
        return decode_change(stored).map(StoredChange::One);
    }
    let bad = |what: &str| StorageError::new("storage.op.decode", what.to_string());
    let id = Reflect::get(stored, &JsValue::from_str("id"))
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| bad("stored history batch has no id"))?;
    let record_ids = js_sys::Array::from(&ids)
        .iter()
        .map(|v| v.as_string())
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| bad("stored history batch lists a record id that is not text"))?;
    let doc: BatchDoc = open(stored)?;
    Ok(StoredChange::Batch(CreatedBatch {
        id,
        module: doc.module,
        at: doc.at,
        user: doc.user,
        record_ids,
    }))
}

/// Appends the per-record entries a stored history entry stands for: itself, or
/// every record of a batch.
pub fn decode_history_into(
    stored: &JsValue,
    out: &mut Vec<ChangeEntry>,
) -> Result<(), StorageError> {
    match decode_history(stored)? {
        StoredChange::One(c) => out.push(c),
        StoredChange::Batch(b) => out.extend(b.expand()),
    }
    Ok(())
}
