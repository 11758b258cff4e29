//! The one point record contents pass through on their way into and out of
//! IndexedDB. Keys that indexes need (`id`, `module`, `record_id`) stay in the clear;
//! the rest is one `doc` string — where encryption at rest will slot in.

use std::ops::Range;

use js_sys::{Array, Object, Reflect};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::prelude::*;
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
    parse(&doc_text(stored)?)
}

fn parse<T: DeserializeOwned>(text: &str) -> Result<T, StorageError> {
    serde_json::from_str(text).map_err(|e| StorageError::new("storage.op.decode", e.to_string()))
}

/// Separates the documents of a batch: a control character, which JSON text can
/// never hold unescaped, so no document can contain it (a corrupt one that does is
/// caught by the count of pieces).
const DOC_SEPARATOR: char = '\u{1e}';

#[wasm_bindgen(inline_js = r#"
export function crm_entries(entries) { return entries; }
export function crm_join_docs(entries, from, to) {
  const docs = [];
  let i = from;
  for (; i < to; i++) {
    const doc = entries[i]?.doc;
    if (typeof doc !== 'string') break;
    docs.push(doc);
  }
  return [docs.join('\u001e'), i];
}
"#)]
extern "C" {
    /// Hands a whole result to JS in one call (the glue builds the array).
    fn crm_entries(entries: Vec<JsValue>) -> Array;
    /// The `doc` texts of `entries[from..to]` joined by `DOC_SEPARATOR`, up to the
    /// first entry without one, and where it stopped: `[text, end]`.
    fn crm_join_docs(entries: &Array, from: u32, to: u32) -> Array;
}

/// Stored entries as a read returned them, left on the JS side: their documents
/// cross into wasm as one text per batch rather than one per record, which was most
/// of the decoding time.
pub struct StoredEntries {
    entries: Array,
}

impl StoredEntries {
    pub fn new(entries: Vec<JsValue>) -> Self {
        StoredEntries {
            entries: crm_entries(entries),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.length() as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The records of entries `range`, in order. The first entry that fails stops it
    /// with that entry's own error, exactly as `decode_record` reports it.
    pub fn decode_records(&self, range: Range<usize>) -> Result<Vec<Record>, StorageError> {
        let mut out = Vec::with_capacity(range.len());
        let mut at = range.start;
        while at < range.end {
            // A few hundred at a time: a joined text under V8's large-object size (128 KiB)
            // is freed by its quick young-generation collections; bigger ones stayed in the
            // JS heap (≈ 100 MB after start) until a full collection.
            let to = range.end.min(at + 256);
            let joined = crm_join_docs(&self.entries, at as u32, to as u32);
            let end = joined.get(1).as_f64().map_or(at, |e| e as usize);
            if end > at {
                let text = joined
                    .get(0)
                    .as_string()
                    .filter(|t| t.split(DOC_SEPARATOR).count() == end - at);
                if let Some(text) = text {
                    for piece in text.split(DOC_SEPARATOR) {
                        out.push(parse(piece)?);
                    }
                } else {
                    for i in at..end {
                        out.push(self.decode_one(i)?);
                    }
                }
            }
            if end < to {
                // No document text: read alone, it fails with its usual error.
                out.push(self.decode_one(end)?);
                at = end + 1;
            } else {
                at = to;
            }
        }
        Ok(out)
    }

    fn decode_one(&self, i: usize) -> Result<Record, StorageError> {
        decode_record(&self.entries.get(i as u32))
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
