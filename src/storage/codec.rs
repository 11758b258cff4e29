//! The one point record contents pass through on their way into and out of
//! IndexedDB. Keys that indexes need (`id`, `module`, `record_id`) stay in the clear;
//! the rest is one `doc` string — where encryption at rest will slot in.

use std::ops::Range;

use js_sys::{Object, Reflect};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::JsValue;

use super::error::StorageError;
use crate::domain::record::ChangeEntry;
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

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The records of entries `range`, in order; the first entry that fails stops it
    /// with its own error.
    pub fn decode_records(&self, range: Range<usize>) -> Result<Vec<Record>, StorageError> {
        self.entries[range].iter().map(decode_record).collect()
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

pub fn decode_change(stored: &JsValue) -> Result<ChangeEntry, StorageError> {
    open(stored)
}
