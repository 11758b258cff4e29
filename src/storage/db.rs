//! The database: opening (with data migrations), loading, and atomic writes.
//! Every write that touches more than one entry is one readwrite transaction; on any
//! error it is aborted explicitly, and success is reported only once it committed.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use rexie::{KeyRange, Rexie, Transaction, TransactionMode};
use serde_json::Value as Json;
use wasm_bindgen::JsValue;

use super::codec::{
    decode_history, decode_history_into, decode_record, doc_text, encode_change,
    encode_created_batch, encode_record, encode_record_doc, StoredChange, StoredEntries,
};
use super::error::{Context, StorageError};
use super::schema::{
    self, BY_MODULE, BY_RECORD, BY_RECORDS, CHANGES, DB_NAME, DB_VERSION, META, RECORDS,
};
use crate::domain::history_batch::{self, CreatedBatch};
use crate::domain::migrate::{migrate_record, MigrateError, DATA_VERSION};
use crate::domain::record::ChangeEntry;
use crate::domain::Record;

const DATA_VERSION_KEY: &str = "data_version";
/// The operation key of a refused update whose record changed since it was read.
pub const CONFLICT: &str = "storage.op.conflict";

/// Everything one user action writes, committed together or not at all.
#[derive(Default, Debug, Clone)]
pub struct WriteBatch {
    /// New records: refused if their id already exists.
    pub inserts: Vec<Record>,
    /// Changed records: replace what is stored, which must be the revision before.
    pub updates: Vec<Record>,
    /// Ids of records to delete, with their history.
    pub deletes: Vec<String>,
    /// History entries, one per change of a record; a big write's plain "created"
    /// entries are stored in chunks (`history_batch::pack`) and read back the same.
    pub changes: Vec<ChangeEntry>,
}

pub struct Db {
    rexie: Rexie,
}

impl Db {
    /// Opens the app's database, upgrading its stores and data as needed.
    pub async fn open() -> Result<Db, StorageError> {
        Self::open_named(DB_NAME, DB_VERSION).await
    }

    /// Opens a database by name at a declared version. Data migrations run only at the
    /// current version; tests open older versions to stage an upgrade.
    pub async fn open_named(name: &str, version: u32) -> Result<Db, StorageError> {
        let rexie = schema::builder(name, version)
            .build()
            .await
            .during("storage.op.open")?;
        let db = Db { rexie };
        if version == DB_VERSION {
            db.migrate_data().await?;
        }
        Ok(db)
    }

    pub fn close(self) {
        self.rexie.close();
    }

    /// Deletes a whole database (tests use fresh names and clean up after).
    pub async fn delete_named(name: &str) -> Result<(), StorageError> {
        Rexie::delete(name).await.during("storage.op.open")
    }

    fn tx(&self, stores: &[&str], mode: TransactionMode) -> Result<Transaction, StorageError> {
        self.rexie
            .transaction(stores, mode)
            .during("storage.op.transaction")
    }

    /// The data version the stored records were written with.
    pub async fn data_version(&self) -> Result<Option<u32>, StorageError> {
        let tx = self.tx(&[META], TransactionMode::ReadOnly)?;
        let meta = tx.store(META).during("storage.op.load")?;
        let entry = meta
            .get(JsValue::from_str(DATA_VERSION_KEY))
            .await
            .during("storage.op.load")?;
        Ok(entry.and_then(|e| {
            js_sys::Reflect::get(&e, &JsValue::from_str("value"))
                .ok()
                .and_then(|v| v.as_f64())
                .map(|v| v as u32)
        }))
    }

    /// Brings every stored record up to `DATA_VERSION` in one transaction.
    async fn migrate_data(&self) -> Result<(), StorageError> {
        let op = "storage.op.migrate";
        let stored = self.data_version().await?;
        let tx = self.tx(&[RECORDS, META], TransactionMode::ReadWrite)?;
        let result = async {
            let records = tx.store(RECORDS).during(op)?;
            let from = match stored {
                Some(v) => v,
                // Version 1 wrote no marker; an empty database starts current.
                None if records.count(None).await.during(op)? == 0 => DATA_VERSION,
                None => 1,
            };
            if from != DATA_VERSION {
                for entry in records.get_all(None, None).await.during(op)? {
                    let text = doc_text(&entry)?;
                    let doc: Json = serde_json::from_str(&text)
                        .map_err(|e| StorageError::new(op, e.to_string()))?;
                    let id = doc["id"].as_str().unwrap_or_default().to_string();
                    let module = doc["module"].as_str().unwrap_or_default().to_string();
                    let migrated = migrate_record(doc, from).map_err(|e| match e {
                        MigrateError::TooNew(v) => StorageError::new(
                            op,
                            format!("the data was written by a newer version of the app (data version {v})"),
                        ),
                        MigrateError::Unknown(v) => {
                            StorageError::new(op, format!("unknown data version {v}"))
                        }
                    })?;
                    records
                        .put(&encode_record_doc(&id, &module, &migrated)?, None)
                        .await
                        .during(op)?;
                }
            }
            if stored != Some(DATA_VERSION) {
                put_data_version(&tx).await?;
            }
            Ok(())
        }
        .await;
        finish(tx, result, op).await
    }

    /// The stored records of one module, read through the module index in one request.
    pub async fn load_module(&self, module: &str) -> Result<Vec<Record>, StorageError> {
        let entries = self.load_module_entries(module).await?;
        entries.decode_records(0..entries.len())
    }

    /// The stored entries of one module, not yet decoded, so a caller can decode them
    /// a chunk at a time.
    pub async fn load_module_entries(&self, module: &str) -> Result<StoredEntries, StorageError> {
        let op = "storage.op.load";
        let tx = self.tx(&[RECORDS], TransactionMode::ReadOnly)?;
        let index = tx.store(RECORDS).during(op)?.index(BY_MODULE).during(op)?;
        let entries = index
            .get_all(Some(only(module, op)?), None)
            .await
            .during(op)?;
        Ok(StoredEntries::new(entries))
    }

    /// Every stored record of every module, read in one request.
    pub async fn load_all(&self) -> Result<Vec<Record>, StorageError> {
        let entries = self.load_all_entries().await?;
        entries.decode_records(0..entries.len())
    }

    /// Every stored record as stored, read in one request, for a caller that
    /// decodes a chunk at a time.
    pub async fn load_all_entries(&self) -> Result<StoredEntries, StorageError> {
        let tx = self.tx(&[RECORDS], TransactionMode::ReadOnly)?;
        let store = tx.store(RECORDS).during("storage.op.load")?;
        Ok(StoredEntries::new(
            store.get_all(None, None).await.during("storage.op.load")?,
        ))
    }

    /// Every record's history, for a backup: one entry per change of a record, a
    /// stored batch expanded into its records' entries.
    pub async fn load_all_changes(&self) -> Result<Vec<ChangeEntry>, StorageError> {
        let entries = self.load_all_change_entries().await?;
        let mut changes = Vec::with_capacity(entries.len());
        for entry in &entries {
            decode_history_into(entry, &mut changes)?;
        }
        Ok(changes)
    }

    /// Every history entry as stored, for a caller that decodes a chunk at a time
    /// (`codec::decode_history_into`, which expands a batch).
    pub async fn load_all_change_entries(&self) -> Result<Vec<JsValue>, StorageError> {
        let tx = self.tx(&[CHANGES], TransactionMode::ReadOnly)?;
        let store = tx.store(CHANGES).during("storage.op.load")?;
        store.get_all(None, None).await.during("storage.op.load")
    }

    /// The saved changes of one record, oldest first.
    pub async fn changes_for(&self, record_id: &str) -> Result<Vec<ChangeEntry>, StorageError> {
        let op = "storage.op.load";
        let tx = self.tx(&[CHANGES], TransactionMode::ReadOnly)?;
        let store = tx.store(CHANGES).during(op)?;
        let own = store.index(BY_RECORD).during(op)?;
        let entries = own
            .get_all(Some(only(record_id, op)?), None)
            .await
            .during(op)?;
        let mut changes = Vec::with_capacity(entries.len() + 1);
        for entry in &entries {
            decode_history_into(entry, &mut changes)?;
        }
        // A record created by a big write is listed in its batch instead.
        let batched = store.index(BY_RECORDS).during(op)?;
        let batches = batched
            .get_all(Some(only(record_id, op)?), None)
            .await
            .during(op)?;
        for entry in &batches {
            if let StoredChange::Batch(b) = decode_history(entry)? {
                changes.extend(b.entry_for(record_id));
            }
        }
        changes.sort_by_key(|c| (c.at, c.revision));
        Ok(changes)
    }

    /// Writes a batch atomically: any failure inside aborts the whole transaction.
    pub async fn commit(&self, batch: &WriteBatch) -> Result<(), StorageError> {
        let op = "storage.op.save";
        let tx = self.tx(&[RECORDS, CHANGES], TransactionMode::ReadWrite)?;
        let result = async {
            let records = tx.store(RECORDS).during(op)?;
            let history = tx.store(CHANGES).during(op)?;
            write_in_chunks(&records, &batch.inserts, encode_record, Write::Add, op).await?;
            // An update must follow the revision it was made from: another tab may
            // have saved the same record meanwhile, and its change must not be lost.
            for r in &batch.updates {
                let stored = records
                    .get(JsValue::from_str(&r.id))
                    .await
                    .during(op)?
                    .map(|v| decode_record(&v))
                    .transpose()?;
                if stored.map(|s| s.revision) != Some(r.revision - 1) {
                    return Err(StorageError::new(CONFLICT, r.id.clone()));
                }
            }
            write_in_chunks(&records, &batch.updates, encode_record, Write::Put, op).await?;
            for id in &batch.deletes {
                records.delete(JsValue::from_str(id)).await.during(op)?;
                let range = only(id, op)?;
                let index = history.index(BY_RECORD).during(op)?;
                for key in index.get_all_keys(Some(range), None).await.during(op)? {
                    history.delete(key).await.during(op)?;
                }
            }
            remove_from_batches(&history, &batch.deletes, op).await?;
            // A big write's plain "created" entries are stored a chunk of records per
            // entry (IndexedDB's cost is per entry); the rest one per change.
            let packed = history_batch::pack(&batch.changes);
            write_in_chunks(
                &history,
                &packed.singles,
                |c| encode_change(c),
                Write::Put,
                op,
            )
            .await?;
            // Fresh ids: a clash is a bug, and refusing it aborts the whole write.
            write_chunked(
                &history,
                &packed.batches,
                BATCHES_PER_CHUNK,
                encode_created_batch,
                Write::Add,
                op,
            )
            .await
        }
        .await;
        finish(tx, result, op).await
    }

    /// Replaces every record and all history with a backup's, in one transaction:
    /// on failure the previous data stays exactly as it was.
    pub async fn replace_all(
        &self,
        records: &[&Record],
        changes: &[ChangeEntry],
    ) -> Result<(), StorageError> {
        let op = "storage.op.restore";
        let tx = self.tx(&[RECORDS, CHANGES, META], TransactionMode::ReadWrite)?;
        let result = async {
            let store = tx.store(RECORDS).during(op)?;
            store.clear().await.during(op)?;
            let history = tx.store(CHANGES).during(op)?;
            history.clear().await.during(op)?;
            write_in_chunks(&store, records, |r| encode_record(r), Write::Add, op).await?;
            write_in_chunks(&history, changes, encode_change, Write::Add, op).await?;
            put_data_version(&tx).await
        }
        .await;
        finish(tx, result, op).await
    }

    /// Raw access for tests that stage an older database layout.
    pub fn rexie(&self) -> &Rexie {
        &self.rexie
    }
}

/// Takes deleted records out of the batches that list them, in the open transaction:
/// a batch is rewritten without them, or deleted once it lists nobody. Each batch is
/// read and written once however many of its records go.
async fn remove_from_batches(
    history: &rexie::Store,
    deletes: &[String],
    op: &'static str,
) -> Result<(), StorageError> {
    if deletes.is_empty() {
        return Ok(());
    }
    let index = history.index(BY_RECORDS).during(op)?;
    let mut touched: Vec<CreatedBatch> = Vec::new();
    for id in deletes {
        for entry in index.get_all(Some(only(id, op)?), None).await.during(op)? {
            if let StoredChange::Batch(b) = decode_history(&entry)? {
                if !touched.iter().any(|t| t.id == b.id) {
                    touched.push(b);
                }
            }
        }
    }
    let gone: std::collections::HashSet<&str> = deletes.iter().map(String::as_str).collect();
    for mut b in touched {
        b.remove(&gone);
        if b.record_ids.is_empty() {
            history.delete(JsValue::from_str(&b.id)).await.during(op)?;
        } else {
            history
                .put(&encode_created_batch(&b)?, None)
                .await
                .during(op)?;
        }
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq)]
enum Write {
    /// Refused if the key exists.
    Add,
    Put,
}

/// Entries encoded and requested per chunk: a chunk takes a few milliseconds (2,000
/// took ≈ 50 ms, three frames).
const WRITE_CHUNK: usize = 500;

/// Encodes and writes entries a chunk at a time inside the open transaction, so the
/// page keeps drawing during a long write and only two chunks are held encoded. The
/// next chunk's requests are made before waiting for the previous chunk's, so the
/// database always has work queued; the transaction stays open throughout, as it
/// always has a request in flight.
async fn write_in_chunks<T>(
    store: &rexie::Store,
    items: &[T],
    encode: impl Fn(&T) -> Result<JsValue, StorageError>,
    how: Write,
    op: &'static str,
) -> Result<(), StorageError> {
    write_chunked(store, items, WRITE_CHUNK, encode, how, op).await
}

/// History batches per chunk: each lists up to 1,000 records, so two are about the
/// work of a chunk of records (500 in one chunk held the page ≈ 180 ms).
const BATCHES_PER_CHUNK: usize = 2;

/// `write_in_chunks` with `per_chunk` entries a chunk.
async fn write_chunked<T>(
    store: &rexie::Store,
    items: &[T],
    per_chunk: usize,
    encode: impl Fn(&T) -> Result<JsValue, StorageError>,
    how: Write,
    op: &'static str,
) -> Result<(), StorageError> {
    type Pending<'a> = Pin<Box<dyn Future<Output = rexie::Result<()>> + 'a>>;
    let mut in_flight: Option<Pending<'_>> = None;
    for chunk in items.chunks(per_chunk.max(1)) {
        let encoded = chunk
            .iter()
            .map(|item| encode(item).map(|v| (v, None)))
            .collect::<Result<Vec<_>, _>>()?;
        let mut next: Pending<'_> = match how {
            Write::Add => Box::pin(store.add_all(encoded.into_iter())),
            Write::Put => Box::pin(store.put_all(encoded.into_iter())),
        };
        // Polled once: that makes the chunk's requests, without waiting for them.
        let mut settled = None;
        std::future::poll_fn(|cx| {
            if let Poll::Ready(r) = next.as_mut().poll(cx) {
                settled = Some(r);
            }
            Poll::Ready(())
        })
        .await;
        if let Some(previous) = in_flight.take() {
            previous.await.during(op)?;
        }
        match settled {
            Some(r) => r.during(op)?,
            None => in_flight = Some(next),
        }
    }
    if let Some(last) = in_flight {
        last.await.during(op)?;
    }
    Ok(())
}

fn only(key: &str, op: &'static str) -> Result<KeyRange, StorageError> {
    KeyRange::only(&JsValue::from_str(key)).map_err(|e| StorageError::new(op, e.to_string()))
}

async fn put_data_version(tx: &Transaction) -> Result<(), StorageError> {
    let entry = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&entry, &"key".into(), &DATA_VERSION_KEY.into());
    let _ = js_sys::Reflect::set(&entry, &"value".into(), &JsValue::from(DATA_VERSION));
    tx.store(META)
        .during("storage.op.save")?
        .put(&entry.into(), None)
        .await
        .during("storage.op.save")?;
    Ok(())
}

/// The browser's own transaction under rexie's, which rexie 0.6 keeps private (its
/// `done` drops the abort's cause). rexie's `Transaction` is a struct of one field,
/// idb's `Transaction`: with the sizes and alignments equal (checked when this
/// compiles) that field sits at offset 0, so the cast reads it in place. Cargo.lock
/// pins both crates.
fn raw_transaction(tx: &Transaction) -> Option<web_sys::IdbTransaction> {
    use std::mem::{align_of, size_of};
    const _: () = assert!(
        size_of::<Transaction>() == size_of::<idb::Transaction>()
            && align_of::<Transaction>() == align_of::<idb::Transaction>()
    );
    // SAFETY: see above; the reference lives no longer than `tx`.
    let inner = unsafe { &*(tx as *const Transaction).cast::<idb::Transaction>() };
    let store = inner.store_names().into_iter().next()?;
    // A second handle on the same IDBTransaction, without rexie's callbacks.
    inner
        .object_store(&store)
        .ok()
        .map(|s| web_sys::IdbTransaction::from(s.transaction()))
}

/// Commits on success and aborts on failure; success only once the browser says the
/// transaction completed, and an abort by the browser says why.
async fn finish(
    tx: Transaction,
    result: Result<(), StorageError>,
    op: &'static str,
) -> Result<(), StorageError> {
    match result {
        Ok(()) => {
            // Kept to ask afterwards why the browser aborted (QuotaExceededError…):
            // `done` reports only that it did.
            let raw = raw_transaction(&tx);
            let outcome = tx.done().await.during(op)?;
            if outcome.is_committed() {
                Ok(())
            } else {
                let cause = raw.and_then(|t| t.error()).map(|e| {
                    // Chromium's quota abort has a name and an empty message.
                    let (name, message) = (e.name(), e.message());
                    if message.is_empty() {
                        name
                    } else {
                        format!("{name}: {message}")
                    }
                });
                Err(StorageError::new(
                    op,
                    cause.unwrap_or_else(|| "the transaction was aborted".into()),
                ))
            }
        }
        Err(e) => {
            // The browser may have aborted it already after a failed request; either
            // way nothing of it is kept, and the first error is the one worth showing.
            let _ = tx.abort().await;
            Err(e)
        }
    }
}
