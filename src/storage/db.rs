//! The database: opening (with data migrations), loading, and atomic writes.
//! Every write that touches more than one entry is one readwrite transaction; on any
//! error it is aborted explicitly, and success is reported only once it committed.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::Poll;

use rexie::{KeyRange, Rexie, Transaction, TransactionMode};
use serde_json::Value as Json;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::codec::{
    decode_history, decode_history_into, decode_record, doc_text, encode_change,
    encode_created_batch, encode_record, encode_record_doc, StoredChange, StoredEntries,
    Unreadable,
};
use super::error::{Context, StorageError};
use super::schema::{
    self, BY_MODULE, BY_RECORD, BY_RECORDS, CHANGES, DB_NAME, DB_VERSION, META, RECORDS,
};
use crate::domain::records::history_batch::{self, CreatedBatch};
use crate::domain::records::migrate::{migrate_record, MigrateError, DATA_VERSION};
use crate::domain::records::record::ChangeEntry;
use crate::domain::writes::WritePlan;
use crate::domain::Record;

const DATA_VERSION_KEY: &str = "data_version";
/// The operation key of a refused update whose record changed since it was read.
pub const CONFLICT: &str = "storage.op.conflict";
/// The operation key (and message key) of a request made after another tab opened
/// a newer version of the database, which closed this connection.
pub const REPLACED: &str = "error.replaced";

const EPOCH_KEY: &str = "epoch";
/// A number every commit moves on by one: a tab that finds it moved since it read
/// knows another tab has written.
const SEQ_KEY: &str = "write_seq";
/// Written as the first request of a long write (more than one chunk, or a restore)
/// and deleted by its last: found at start-up, it means a write stopped half-way
/// (the page died while requests were issued, and those issued were committed).
const INTERRUPTED_KEY: &str = "write_in_progress";

/// The operation key of a write refused because the data was replaced (a restore)
/// in another tab since this one read it.
pub const STALE: &str = "storage.op.stale";

/// The operation key of a write decided on a view of the data that another tab has
/// changed since (see `WritePlan::needs_current_view`).
pub const CHANGED_ELSEWHERE: &str = "storage.op.changed_elsewhere";

/// A write refused because a record it links to anew is no longer stored (deleted
/// in another tab since this tab read); its detail is that record's id.
pub const LINK_GONE: &str = "storage.op.link_gone";

/// What a commit did besides writing the plan.
#[derive(Debug, Default)]
pub struct Committed {
    /// Seed inserts whose id was stored already (another tab wrote them first); the
    /// stored records stand.
    pub kept_seeds: Vec<String>,
}

pub struct Db {
    rexie: Rexie,
    /// The database epoch this handle read at open: a restore gives the database a
    /// new one, and a commit from a handle with an older epoch is refused, so a stale
    /// tab never writes over a restore (nor passes a revision check by a revision
    /// number that the restore happens to repeat).
    epoch: std::cell::RefCell<Option<String>>,
    /// The write sequence as this handle last saw it (at open, and after each of its
    /// own commits).
    seen_seq: std::cell::Cell<u64>,
    /// The write sequence this handle's last commit reached.
    committed_seq: std::cell::Cell<u64>,
    watch: Rc<Watch>,
}

/// Watches for another tab asking this database to close (`versionchange`: it opens
/// a newer version, or deletes it). The browser closes rexie's connection on that
/// without telling anyone (idb closes it in its own handler, and rexie does not give
/// the connection out), so a second, light connection listens for the same event and
/// marks the database as replaced: a later request then says so instead of failing
/// with a bare InvalidStateError, and the page is told once.
type Handler = Closure<dyn FnMut(web_sys::Event)>;

#[derive(Default)]
struct Watch {
    replaced: Cell<bool>,
    closed: Cell<bool>,
    handle: RefCell<Option<web_sys::IdbDatabase>>,
    on_replaced: RefCell<Option<Box<dyn Fn()>>>,
    /// Kept alive as long as the handlers may run.
    handlers: RefCell<Vec<Handler>>,
}

impl Watch {
    /// Starts opening the watching connection; not awaited, so start-up does not wait
    /// for it. Requests to open one database are served in order, so it is open
    /// before any later request for a newer version is.
    fn start(name: &str) -> Rc<Watch> {
        let watch = Rc::new(Watch::default());
        let Some(request) = web_sys::window()
            .and_then(|w| w.indexed_db().ok().flatten())
            .and_then(|f| f.open(name).ok())
        else {
            return watch;
        };
        let weak = Rc::downgrade(&watch);
        let opened = request.clone();
        let on_success = Handler::new(move |_: web_sys::Event| {
            let Some(watch) = weak.upgrade() else { return };
            let Ok(handle) = opened.result() else { return };
            let handle: web_sys::IdbDatabase = handle.unchecked_into();
            if watch.closed.get() {
                handle.close();
                return;
            }
            let weak = Rc::downgrade(&watch);
            let on_change = Handler::new(move |_: web_sys::Event| Watch::replace(&weak));
            handle.set_onversionchange(Some(on_change.as_ref().unchecked_ref()));
            watch.handlers.borrow_mut().push(on_change);
            *watch.handle.borrow_mut() = Some(handle);
        });
        request.set_onsuccess(Some(on_success.as_ref().unchecked_ref()));
        watch.handlers.borrow_mut().push(on_success);
        watch
    }

    /// Another tab needs the database: let it have it, and say so once.
    fn replace(weak: &Weak<Watch>) {
        let Some(watch) = weak.upgrade() else { return };
        if let Some(handle) = watch.handle.borrow_mut().take() {
            handle.close();
        }
        if !watch.replaced.replace(true) {
            if let Some(tell) = watch.on_replaced.borrow().as_ref() {
                tell();
            }
        }
    }

    fn close(&self) {
        self.closed.set(true);
        if let Some(handle) = self.handle.borrow_mut().take() {
            handle.set_onversionchange(None);
            handle.close();
        }
    }
}

fn replaced_error() -> StorageError {
    StorageError::new(
        REPLACED,
        "another tab opened a newer version of the database, which closed it here",
    )
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
        let db = Db {
            rexie,
            epoch: std::cell::RefCell::new(None),
            seen_seq: std::cell::Cell::new(0),
            committed_seq: std::cell::Cell::new(0),
            watch: Watch::start(name),
        };
        if version == DB_VERSION {
            db.migrate_data().await?;
        }
        let epoch = db.meta_text(EPOCH_KEY).await?;
        *db.epoch.borrow_mut() = epoch;
        let seq = db.meta_text(SEQ_KEY).await?;
        db.seen_seq
            .set(seq.and_then(|s| s.parse().ok()).unwrap_or(0));
        Ok(db)
    }

    pub fn close(self) {
        self.watch.close();
        self.rexie.close();
    }

    /// True once another tab opened a newer version of the database (or deleted
    /// it): this connection is closed, and only a reload opens it again.
    pub fn replaced(&self) -> bool {
        self.watch.replaced.get()
    }

    /// Calls `tell` once when the database is replaced (at once if it already was).
    pub fn on_replaced(&self, tell: impl Fn() + 'static) {
        if self.replaced() {
            tell();
        }
        *self.watch.on_replaced.borrow_mut() = Some(Box::new(tell));
    }

    /// Deletes a whole database (tests use fresh names and clean up after).
    pub async fn delete_named(name: &str) -> Result<(), StorageError> {
        Rexie::delete(name).await.during("storage.op.open")
    }

    fn tx(&self, stores: &[&str], mode: TransactionMode) -> Result<Transaction, StorageError> {
        if self.replaced() {
            return Err(replaced_error());
        }
        let tx = self
            .rexie
            .transaction(stores, mode)
            .during("storage.op.transaction");
        // The app never closes its connection while using it, so a closed one means
        // another tab took the database (its event may not have reached the watch yet).
        match tx {
            Err(e) if e.detail.contains("InvalidStateError") => {
                Watch::replace(&Rc::downgrade(&self.watch));
                Err(replaced_error())
            }
            other => other,
        }
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

    /// A text fact of the meta store.
    async fn meta_text(&self, key: &str) -> Result<Option<String>, StorageError> {
        let tx = self.tx(&[META], TransactionMode::ReadOnly)?;
        let meta = tx.store(META).during("storage.op.load")?;
        meta_value(&meta, key, "storage.op.load").await
    }

    /// What a long write that stopped half-way was doing ("restore" or "write"),
    /// if one did: the data then holds only part of it.
    pub async fn interrupted_write(&self) -> Result<Option<String>, StorageError> {
        self.meta_text(INTERRUPTED_KEY).await
    }

    /// The user chose to keep the data as it is after an interrupted write.
    pub async fn clear_interrupted(&self) -> Result<(), StorageError> {
        let op = "storage.op.save";
        let tx = self.tx(&[META], TransactionMode::ReadWrite)?;
        let result = async {
            tx.store(META)
                .during(op)?
                .delete(JsValue::from_str(INTERRUPTED_KEY))
                .await
                .during(op)
        }
        .await;
        finish(tx, result, op).await
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
                    // An entry that cannot be read is left exactly as it is: start-up
                    // names it, and the other records still open.
                    let Ok(doc) = doc_text(&entry)
                        .map_err(|_| ())
                        .and_then(|text| serde_json::from_str::<Json>(&text).map_err(|_| ()))
                    else {
                        continue;
                    };
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

    /// The records of one module that decode, and the entries that do not: the way
    /// start-up reads (`StoredEntries::decode_readable`), in one go.
    pub async fn load_module_readable(
        &self,
        module: &str,
    ) -> Result<(Vec<Record>, Vec<Unreadable>), StorageError> {
        let entries = self.load_module_entries(module).await?;
        let mut unreadable = Vec::new();
        let records = entries.decode_readable(0..entries.len(), &mut unreadable);
        Ok((records, unreadable))
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

    /// Every stored record and every history entry, read in one read transaction:
    /// a backup is one moment of the database as committed, whatever this tab holds
    /// in memory (another tab may have written since it read). All of it at once;
    /// `read_backup` gives it a piece at a time.
    pub async fn load_backup_entries(&self) -> Result<(StoredEntries, Vec<JsValue>), StorageError> {
        let mut read = self.read_backup().await?;
        let mut records = Vec::new();
        while let Some(piece) = read.next_records().await {
            records.extend(piece?.into_entries());
        }
        let mut changes = Vec::new();
        while let Some(piece) = read.next_changes().await {
            changes.extend(piece?.into_entries());
        }
        Ok((StoredEntries::new(records), changes))
    }

    /// Starts reading a backup: every stored record and history entry, in one read
    /// transaction (one moment of the database, see `load_backup_entries`), as
    /// pieces of `BACKUP_PIECE` entries in key order, each arriving in a task of
    /// its own (one `getAll` of 100,000 records held the page for the whole of it;
    /// reading every key first to request all pieces at once cost ≈ 0.4 s more).
    pub async fn read_backup(&self) -> Result<BackupRead, StorageError> {
        let op = "storage.op.load";
        let tx = self.tx(&[RECORDS, CHANGES], TransactionMode::ReadOnly)?;
        let raw = idb_transaction(&tx);
        let failed = |e: idb::Error| StorageError::new(op, e.to_string());
        // Both stores are read side by side, each a piece after the other.
        Ok(BackupRead {
            records: Pieces::start(raw.object_store(RECORDS).map_err(failed)?, op),
            changes: Pieces::start(raw.object_store(CHANGES).map_err(failed)?, op),
        })
    }

    /// The stored records of `ids` (those still stored), read in one transaction,
    /// with the write sequence as of that read: another tab's commit, read back.
    pub async fn load_records(&self, ids: &[String]) -> Result<(Vec<Record>, u64), StorageError> {
        let op = "storage.op.load";
        let tx = self.tx(&[RECORDS, META], TransactionMode::ReadOnly)?;
        let store = tx.store(RECORDS).during(op)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(v) = store.get(JsValue::from_str(id)).await.during(op)? {
                out.push(decode_record(&v)?);
            }
        }
        let meta = tx.store(META).during(op)?;
        let seq = meta_value(&meta, SEQ_KEY, op)
            .await?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Ok((out, seq))
    }

    /// The write sequence this handle's view has reached: after reading back the
    /// one commit it had not seen (`seq` is then one past what it saw), the view is
    /// current again.
    pub fn caught_up(&self, seq: u64) {
        if self.seen_seq.get() + 1 == seq {
            self.seen_seq.set(seq);
        }
    }

    /// The write sequence this handle's last commit reached, for the other tabs.
    pub fn committed_seq(&self) -> u64 {
        self.committed_seq.get()
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

    /// Commits one write plan in one transaction: any failure inside aborts all of
    /// it. Checked inside the transaction, against what is stored: the database
    /// epoch (no write over a restore made in another tab), and the revision of
    /// every updated and deleted record (no newer change made in another tab is
    /// lost unseen).
    ///
    /// A small plan costs one round trip, not one per request: the reads the checks
    /// need are requested first and the writes right behind them, and only then is
    /// anything awaited. The requests of one transaction run in the order they were
    /// made, so each read sees the database as it was before this write; a failed
    /// check aborts the transaction, writes requested already included.
    pub async fn commit(&self, plan: &WritePlan) -> Result<Committed, StorageError> {
        let op = if plan.replaces_all {
            "storage.op.restore"
        } else {
            "storage.op.save"
        };
        let tx = self.tx(&[RECORDS, CHANGES, META], TransactionMode::ReadWrite)?;
        let new_epoch = plan.replaces_all.then(|| uuid::Uuid::new_v4().to_string());
        let result = async {
            let meta = tx.store(META).during(op)?;
            let records = tx.store(RECORDS).during(op)?;
            let history = tx.store(CHANGES).during(op)?;
            let stored_epoch = issued(meta_value(&meta, EPOCH_KEY, op)).await;
            let stored_seq = issued(meta_value(&meta, SEQ_KEY, op)).await;
            // The next write sequence as this handle expects it is written at once;
            // in the rare case the stored one says otherwise it is written again
            // below (a later put of the same key wins), so no request waits on the read.
            let expected_seq = self.seen_seq.get().max(self.committed_seq.get());
            let next_seq = (expected_seq + 1).to_string();
            let mut pending: Vec<Request<'_>> =
                vec![issued(put_meta(&meta, SEQ_KEY, &next_seq, op)).await];
            let long = plan.replaces_all
                || plan.inserts.len() + plan.updates.len() + plan.changes.len() > WRITE_CHUNK;
            if long {
                let kind = if plan.replaces_all {
                    "restore"
                } else {
                    "write"
                };
                pending.push(issued(put_meta(&meta, INTERRUPTED_KEY, kind, op)).await);
            }
            let written = if plan.replaces_all {
                write_replacement(&tx, plan, op).await.map(|()| Vec::new())
            } else {
                write_changes(&records, &history, plan, op, &mut pending).await
            };
            bench_mark("crm:commit-requested");
            // Every request made is awaited, after a failure too: a request future
            // dropped before it settles makes the browser abort the transaction,
            // which would undo what a simulated crash must leave behind.
            let mut first_failure = None;
            for p in pending {
                if let Err(e) = p.await {
                    first_failure.get_or_insert(e);
                }
            }
            let kept_seeds = match (written, first_failure) {
                // A check of this write's own, or a simulated crash, says it best.
                (Err(e), _) if is_own_refusal(&e) => return Err(e),
                // Otherwise the first request that failed (ConstraintError…) is the
                // cause; later ones only saw the abort it brought.
                (_, Some(e)) | (Err(e), None) => return Err(e),
                (Ok(kept), None) => kept,
            };
            if stored_epoch.await? != *self.epoch.borrow() {
                return Err(StorageError::new(STALE, "epoch"));
            }
            let seq: u64 = stored_seq.await?.and_then(|s| s.parse().ok()).unwrap_or(0);
            if plan.needs_current_view && seq != self.seen_seq.get() {
                return Err(StorageError::new(CHANGED_ELSEWHERE, "write_seq"));
            }
            if seq != expected_seq {
                put_meta(&meta, SEQ_KEY, &(seq + 1).to_string(), op).await?;
            }
            if let Some(e) = &new_epoch {
                put_meta(&meta, EPOCH_KEY, e, op).await?;
            }
            if long {
                // The last request: a page that dies before it leaves the marker.
                meta.delete(JsValue::from_str(INTERRUPTED_KEY))
                    .await
                    .during(op)?;
            }
            bench_mark("crm:commit-checked");
            Ok((kept_seeds, seq + 1))
        }
        .await;
        let (kept_seeds, seq) = finish_with(tx, result, op).await?;
        bench_mark("crm:commit-done");
        self.committed_seq.set(seq);
        // Another tab's writes before this one are not in this tab's view; only this
        // write is, so the view stays behind them.
        if plan.replaces_all || self.seen_seq.get() + 1 == seq {
            self.seen_seq.set(seq);
        }
        if new_epoch.is_some() {
            *self.epoch.borrow_mut() = new_epoch;
        }
        Ok(Committed { kept_seeds })
    }

    /// Raw access for tests that stage an older database layout.
    pub fn rexie(&self) -> &Rexie {
        &self.rexie
    }
}

/// Stored entries per piece of a backup read: a piece is read, and taken into the
/// file, in a few milliseconds.
pub const BACKUP_PIECE: usize = 2_000;

/// A backup being read (`Db::read_backup`): the records' pieces, then the history's,
/// each taken in turn.
pub struct BackupRead {
    records: Rc<Pieces>,
    changes: Rc<Pieces>,
}

impl BackupRead {
    /// The next piece of stored records, in key order; `None` after the last.
    pub async fn next_records(&mut self) -> Option<Result<StoredEntries, StorageError>> {
        self.records.next().await
    }

    /// The next piece of stored history entries (taken after the records).
    pub async fn next_changes(&mut self) -> Option<Result<StoredEntries, StorageError>> {
        self.changes.next().await
    }
}

/// One store read a piece at a time inside a read transaction: each piece's request
/// is made by the previous one's success handler, from its last key, so the
/// transaction stays active however slowly the pieces are taken (a request made
/// later, from the caller's turn, would find it finished), and the browser reads the
/// next piece while the page takes this one. Arrived pieces wait in `arrived`.
struct Pieces {
    store: idb::ObjectStore,
    op: &'static str,
    /// Every request made, kept until the read is dropped: each holds its handlers.
    requests: RefCell<Vec<idb::request::GetAllStoreRequest>>,
    arrived: RefCell<std::collections::VecDeque<Result<Vec<JsValue>, StorageError>>>,
    /// The last piece has arrived (or a request failed).
    finished: Cell<bool>,
    waker: RefCell<Option<std::task::Waker>>,
}

impl Pieces {
    fn start(store: idb::ObjectStore, op: &'static str) -> Rc<Pieces> {
        let pieces = Rc::new(Pieces {
            store,
            op,
            requests: RefCell::new(Vec::new()),
            arrived: RefCell::new(std::collections::VecDeque::new()),
            finished: Cell::new(false),
            waker: RefCell::new(None),
        });
        Pieces::request(&pieces, None);
        pieces
    }

    /// Requests the next piece: the entries after `after` (from the first without).
    fn request(pieces: &Rc<Pieces>, after: Option<JsValue>) {
        use idb::Request as _;
        let failed = |e: String| StorageError::new(pieces.op, e);
        let query = match after {
            None => Ok(None),
            Some(key) => KeyRange::lower_bound(&key, Some(true))
                .map(|r| Some(idb::Query::KeyRange(r)))
                .map_err(|e| failed(e.to_string())),
        };
        let made = query.and_then(|q| {
            pieces
                .store
                .get_all(q, Some(BACKUP_PIECE as u32))
                .map_err(|e| failed(e.to_string()))
        });
        let mut request = match made {
            Ok(r) => r,
            Err(e) => return pieces.arrive(Err(e), true),
        };
        let index = pieces.requests.borrow().len();
        let weak = Rc::downgrade(pieces);
        request.on_success(move |_| {
            let Some(pieces) = weak.upgrade() else { return };
            let result = pieces.requests.borrow()[index].result();
            let entries: Vec<JsValue> = match result {
                Ok(v) => js_sys::Array::from(&v).to_vec(),
                Err(e) => {
                    return pieces.arrive(Err(StorageError::new(pieces.op, e.to_string())), true)
                }
            };
            let last = (entries.len() == BACKUP_PIECE)
                .then(|| {
                    entries
                        .last()
                        .map(|e| js_sys::Reflect::get(e, &"id".into()))
                })
                .flatten()
                .and_then(Result::ok);
            let finished = last.is_none();
            if let Some(last) = last {
                // Made inside the success event, while the transaction is active.
                Pieces::request(&pieces, Some(last));
            }
            pieces.arrive(Ok(entries), finished);
        });
        let weak = Rc::downgrade(pieces);
        request.on_error(move |_| {
            let Some(pieces) = weak.upgrade() else { return };
            let cause = pieces.requests.borrow()[index]
                .error()
                .ok()
                .flatten()
                .map(|e| format!("{}: {}", e.name(), e.message()))
                .unwrap_or_else(|| "the read failed".into());
            pieces.arrive(Err(StorageError::new(pieces.op, cause)), true);
        });
        pieces.requests.borrow_mut().push(request);
    }

    fn arrive(&self, piece: Result<Vec<JsValue>, StorageError>, finished: bool) {
        self.arrived.borrow_mut().push_back(piece);
        if finished {
            self.finished.set(true);
        }
        if let Some(w) = self.waker.borrow_mut().take() {
            w.wake();
        }
    }

    /// The next piece as it arrives; `None` once the last was taken.
    async fn next(&self) -> Option<Result<StoredEntries, StorageError>> {
        std::future::poll_fn(|cx| {
            if let Some(piece) = self.arrived.borrow_mut().pop_front() {
                return Poll::Ready(Some(piece.map(StoredEntries::new)));
            }
            if self.finished.get() {
                return Poll::Ready(None);
            }
            *self.waker.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        })
        .await
    }
}

/// Takes deleted records out of the batches that list them, in the open transaction:
/// a batch is rewritten without them, or deleted once it lists nobody. Each batch is
/// read and written once however many of its records go.
async fn remove_from_batches<'s>(
    history: &'s rexie::Store,
    deletes: &[String],
    op: &'static str,
    pending: &mut Vec<Request<'s>>,
) -> Result<(), StorageError> {
    if deletes.is_empty() {
        return Ok(());
    }
    let index = history.index(BY_RECORDS).during(op)?;
    // Every read requested at once, and each awaited (see `issued`).
    let mut reads = Vec::with_capacity(deletes.len());
    for id in deletes {
        reads.push(issued(index.get_all(Some(only(id, op)?), None)).await);
    }
    let mut found = Vec::with_capacity(reads.len());
    for read in reads {
        found.push(read.await.during(op));
    }
    let mut touched: Vec<CreatedBatch> = Vec::new();
    for entries in found {
        for entry in entries? {
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
        let write = if b.record_ids.is_empty() {
            let key = JsValue::from_str(&b.id);
            issued(async move { history.delete(key).await.during(op) }).await
        } else {
            let entry = encode_created_batch(&b)?;
            issued(async move { history.put(&entry, None).await.map(|_| ()).during(op) }).await
        };
        pending.push(write);
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

/// Fault injection for the storage tests (feature `fault-injection`, never in a
/// release): after this many chunks a write stops issuing requests and returns
/// without aborting, so the requests already issued commit — the worst a page that
/// dies mid-write can leave. (Its last chunk's requests are let finish first: a
/// request future dropped early makes the browser abort the whole transaction,
/// which would hide the case under test.)
#[cfg(feature = "fault-injection")]
pub mod fault {
    use std::cell::Cell;
    thread_local! {
        pub(super) static CHUNKS_LEFT: Cell<Option<usize>> = const { Cell::new(None) };
    }
    pub const CRASHED: &str = "storage.op.crashed";
    /// Stops every write after `chunks` more chunks (`None`: never).
    pub fn crash_after_chunks(chunks: Option<usize>) {
        CHUNKS_LEFT.with(|c| c.set(chunks));
    }
}

/// `write_in_chunks` with `per_chunk` entries a chunk.
async fn write_chunked<T>(
    store: &rexie::Store,
    items: &[T],
    per_chunk: usize,
    encode: impl Fn(&T) -> Result<JsValue, StorageError>,
    how: Write,
    op: &'static str,
) -> Result<(), StorageError> {
    match write_chunked_requested(store, items, per_chunk, encode, how, op).await? {
        Some(last) => last.await,
        None => Ok(()),
    }
}

/// `write_chunked`, returning with the last chunk's requests made but not awaited,
/// so the caller can make more requests before waiting: a small write is then one
/// round trip in all. The caller must await what it gets.
async fn write_chunked_requested<'s, T>(
    store: &'s rexie::Store,
    items: &[T],
    per_chunk: usize,
    encode: impl Fn(&T) -> Result<JsValue, StorageError>,
    how: Write,
    op: &'static str,
) -> Result<Option<Request<'s>>, StorageError> {
    let mut in_flight: Option<Request<'s>> = None;
    for chunk in items.chunks(per_chunk.max(1)) {
        #[cfg(feature = "fault-injection")]
        {
            let left = fault::CHUNKS_LEFT.with(|c| c.get());
            if let Some(left) = left {
                if left == 0 {
                    if let Some(previous) = in_flight.take() {
                        previous.await?;
                    }
                    return Err(StorageError::new(fault::CRASHED, "injected"));
                }
                fault::CHUNKS_LEFT.with(|c| c.set(Some(left - 1)));
            }
        }
        let encoded = chunk
            .iter()
            .map(|item| encode(item).map(|v| (v, None)))
            .collect::<Result<Vec<_>, _>>()?;
        // Polled once: that makes the chunk's requests, without waiting for them.
        let next = match how {
            Write::Add => {
                issued(async move { store.add_all(encoded.into_iter()).await.during(op) }).await
            }
            Write::Put => {
                issued(async move { store.put_all(encoded.into_iter()).await.during(op) }).await
            }
        };
        if let Some(previous) = in_flight.take() {
            if let Err(e) = previous.await {
                // The chunk just requested is let settle (the abort fails it).
                let _ = next.await;
                return Err(e);
            }
        }
        in_flight = Some(next);
    }
    Ok(in_flight)
}

fn only(key: &str, op: &'static str) -> Result<KeyRange, StorageError> {
    KeyRange::only(&JsValue::from_str(key)).map_err(|e| StorageError::new(op, e.to_string()))
}

/// A restore: everything stored is replaced by the plan's records and history.
async fn write_replacement(
    tx: &Transaction,
    plan: &WritePlan,
    op: &'static str,
) -> Result<(), StorageError> {
    let store = tx.store(RECORDS).during(op)?;
    store.clear().await.during(op)?;
    let history = tx.store(CHANGES).during(op)?;
    history.clear().await.during(op)?;
    write_in_chunks(&store, &plan.inserts, encode_record, Write::Add, op).await?;
    write_in_chunks(&history, &plan.changes, encode_change, Write::Add, op).await?;
    put_data_version(tx).await
}

/// Every other plan: inserts, checked updates and deletes (a deleted record's
/// history with it), and the history entries. Requests are made in that order and
/// left in `pending` for the caller to await, except where a later request needs an
/// earlier one's result (a delete's history keys, a big write's revision checks).
async fn write_changes<'s>(
    records: &'s rexie::Store,
    history: &'s rexie::Store,
    plan: &WritePlan,
    op: &'static str,
    pending: &mut Vec<Request<'s>>,
) -> Result<Vec<String>, StorageError> {
    let mut kept_seeds = Vec::new();
    // An update must follow the revision it was made from, and a delete must remove
    // the revision it was decided on: another tab may have saved the same record
    // meanwhile, and its change must not be lost unseen. The reads are requested
    // before this write's own requests, so they see each record as stored before it.
    let expected: Vec<(&str, u64)> = plan
        .updates
        .iter()
        .map(|(_, after)| (after.id.as_str(), after.revision - 1))
        .chain(plan.deletes.iter().map(|r| (r.id.as_str(), r.revision)))
        .collect();
    let checked_later = if expected.len() <= WRITE_CHUNK {
        read_revisions(records, &expected, op).await
    } else {
        // A big write (a merge, an import updating many) checks a chunk of reads at
        // a time before writing, so as few requests as that are held at once.
        for chunk in expected.chunks(WRITE_CHUNK) {
            check_revisions(read_revisions(records, chunk, op).await).await?;
        }
        Vec::new()
    };
    let inserted = if plan.seed {
        let mut fresh: Vec<&Record> = Vec::new();
        let reads = read_revisions(
            records,
            &plan
                .inserts
                .iter()
                .map(|r| (r.id.as_str(), 0))
                .collect::<Vec<_>>(),
            op,
        )
        .await;
        for ((_, _, read), r) in reads.into_iter().zip(&plan.inserts) {
            if read.await?.is_some() {
                kept_seeds.push(r.id.clone());
            } else {
                fresh.push(r);
            }
        }
        write_chunked_requested(
            records,
            &fresh,
            WRITE_CHUNK,
            |r| encode_record(r),
            Write::Add,
            op,
        )
        .await
    } else {
        write_chunked_requested(
            records,
            &plan.inserts,
            WRITE_CHUNK,
            encode_record,
            Write::Add,
            op,
        )
        .await
    };
    pending.extend(inserted?);
    let updated: Vec<&Record> = plan.updates.iter().map(|(_, a)| a).collect();
    pending.extend(
        write_chunked_requested(
            records,
            &updated,
            WRITE_CHUNK,
            |r| encode_record(r),
            Write::Put,
            op,
        )
        .await?,
    );
    let deletes: Vec<String> = plan.deletes.iter().map(|r| r.id.clone()).collect();
    if !deletes.is_empty() {
        let index = history.index(BY_RECORD).during(op)?;
        let mut keys = Vec::with_capacity(deletes.len());
        for id in &deletes {
            let range = only(id, op)?;
            let key = JsValue::from_str(id);
            pending.push(issued(async move { records.delete(key).await.during(op) }).await);
            keys.push(issued(index.get_all_keys(Some(range), None)).await);
        }
        for found in keys {
            for key in found.await.during(op)? {
                pending.push(issued(async move { history.delete(key).await.during(op) }).await);
            }
        }
        remove_from_batches(history, &deletes, op, pending).await?;
    }
    // The history of a seed stored already is that record's own already.
    let unseeded: Vec<ChangeEntry>;
    let changes = if kept_seeds.is_empty() {
        &plan.changes
    } else {
        unseeded = plan
            .changes
            .iter()
            .filter(|c| !kept_seeds.contains(&c.record_id))
            .cloned()
            .collect();
        &unseeded
    };
    // A big write's plain "created" entries are stored a chunk of records per entry
    // (IndexedDB's cost is per entry); the rest one per change.
    let packed = history_batch::pack(changes);
    pending.extend(
        write_chunked_requested(
            history,
            &packed.singles,
            WRITE_CHUNK,
            |c| encode_change(c),
            Write::Put,
            op,
        )
        .await?,
    );
    // Fresh ids: a clash is a bug, and refusing it aborts the whole write.
    pending.extend(
        write_chunked_requested(
            history,
            &packed.batches,
            BATCHES_PER_CHUNK,
            encode_created_batch,
            Write::Add,
            op,
        )
        .await?,
    );
    // The records this plan links to anew must still be stored (another tab may have
    // deleted one since this tab read): read after this plan's own writes, so a record
    // it deletes counts as gone.
    let links: Vec<(&str, u64)> = plan
        .links_must_exist
        .iter()
        .map(|id| (id.as_str(), 0))
        .collect();
    let link_reads = read_revisions(records, &links, op).await;
    // Awaited only now that every write is requested: a board move's history entry
    // is not held back a round trip by its record's check.
    let revisions = check_revisions(checked_later).await;
    let mut gone = None;
    for (id, _, read) in link_reads {
        if let (Ok(None), None) = (read.await, &gone) {
            gone = Some(id);
        }
    }
    revisions?;
    if let Some(id) = gone {
        return Err(StorageError::new(LINK_GONE, id));
    }
    Ok(kept_seeds)
}

/// A read of a stored revision, requested and not yet awaited.
type RevisionRead<'s> = Pin<Box<dyn Future<Output = Result<Option<u64>, StorageError>> + 's>>;

/// Requests the stored revision of each `(id, expected)` at once.
async fn read_revisions<'s>(
    records: &'s rexie::Store,
    expected: &[(&str, u64)],
    op: &'static str,
) -> Vec<(String, u64, RevisionRead<'s>)> {
    let mut reads = Vec::with_capacity(expected.len());
    for (id, revision) in expected {
        let key = id.to_string();
        let read = issued(async move { stored_revision(records, &key, op).await }).await;
        reads.push((id.to_string(), *revision, read));
    }
    reads
}

/// Refuses the write if a record's stored revision is not the one expected. Every
/// read is awaited, even after a refusal (see `issued`).
async fn check_revisions(reads: Vec<(String, u64, RevisionRead<'_>)>) -> Result<(), StorageError> {
    let mut outcome = Ok(());
    for (id, expected, read) in reads {
        let found = read.await;
        if outcome.is_ok() {
            outcome = match found {
                Ok(Some(r)) if r == expected => Ok(()),
                Ok(_) => Err(StorageError::new(CONFLICT, id)),
                Err(e) => Err(e),
            };
        }
    }
    outcome
}

/// A write request made and not yet awaited (see `issued`).
type Request<'s> = Pin<Box<dyn Future<Output = Result<(), StorageError>> + 's>>;

/// A refusal of the commit's own (a revision check), or a simulated crash: the
/// cause to report even when requests failed after it (they saw only the abort).
fn is_own_refusal(e: &StorageError) -> bool {
    #[cfg(feature = "fault-injection")]
    if e.op == fault::CRASHED {
        return true;
    }
    e.op == CONFLICT || e.op == LINK_GONE
}

/// A performance mark for the benchmark (`--features bench`), which splits a commit
/// into its parts with them; nothing in any other build.
fn bench_mark(_name: &str) {
    #[cfg(feature = "bench")]
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(_name);
    }
}

/// A request's future, polled once so the request is made now; awaiting the result
/// later does not make it again. (A request future dropped before it settles makes
/// the browser abort the transaction, so every one is awaited.)
async fn issued<'a, F: Future + 'a>(f: F) -> Pin<Box<dyn Future<Output = F::Output> + 'a>> {
    let mut f: Pin<Box<dyn Future<Output = F::Output> + 'a>> = Box::pin(f);
    let mut early = None;
    std::future::poll_fn(|cx| {
        if let Poll::Ready(v) = f.as_mut().poll(cx) {
            early = Some(v);
        }
        Poll::Ready(())
    })
    .await;
    match early {
        Some(v) => Box::pin(std::future::ready(v)),
        None => f,
    }
}

/// The stored revision of a record, read inside the open transaction.
async fn stored_revision(
    records: &rexie::Store,
    id: &str,
    op: &'static str,
) -> Result<Option<u64>, StorageError> {
    records
        .get(JsValue::from_str(id))
        .await
        .during(op)?
        .map(|v| decode_record(&v).map(|r| r.revision))
        .transpose()
}

async fn meta_value(
    meta: &rexie::Store,
    key: &str,
    op: &'static str,
) -> Result<Option<String>, StorageError> {
    Ok(meta
        .get(JsValue::from_str(key))
        .await
        .during(op)?
        .and_then(|e| {
            js_sys::Reflect::get(&e, &JsValue::from_str("value"))
                .ok()
                .and_then(|v| v.as_string())
        }))
}

async fn put_meta(
    meta: &rexie::Store,
    key: &str,
    value: &str,
    op: &'static str,
) -> Result<(), StorageError> {
    let entry = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&entry, &"key".into(), &key.into());
    let _ = js_sys::Reflect::set(&entry, &"value".into(), &value.into());
    meta.put(&entry.into(), None).await.during(op)?;
    Ok(())
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
/// pins both crates. (idb's requests own themselves, where rexie's borrow their
/// store, so a read made through it can be handed out: `BackupRead`.)
fn idb_transaction(tx: &Transaction) -> &idb::Transaction {
    use std::mem::{align_of, size_of};
    const _: () = assert!(
        size_of::<Transaction>() == size_of::<idb::Transaction>()
            && align_of::<Transaction>() == align_of::<idb::Transaction>()
    );
    // SAFETY: see above; the reference lives no longer than `tx`.
    unsafe { &*(tx as *const Transaction).cast::<idb::Transaction>() }
}

/// A second handle on the same IDBTransaction, without rexie's callbacks.
fn raw_transaction(tx: &Transaction) -> Option<web_sys::IdbTransaction> {
    let inner = idb_transaction(tx);
    let store = inner.store_names().into_iter().next()?;
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
    finish_with(tx, result, op).await
}

/// `finish` for a write that returns something once committed.
async fn finish_with<T>(
    tx: Transaction,
    result: Result<T, StorageError>,
    op: &'static str,
) -> Result<T, StorageError> {
    match result {
        Ok(value) => {
            // Kept to ask afterwards why the browser aborted (QuotaExceededError…):
            // `done` reports only that it did.
            let raw = raw_transaction(&tx);
            let outcome = tx.done().await.during(op)?;
            if outcome.is_committed() {
                Ok(value)
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
            // A simulated crash: nothing is aborted, so what was issued commits.
            #[cfg(feature = "fault-injection")]
            if e.op == fault::CRASHED {
                let _ = tx.done().await;
                return Err(e);
            }
            // The browser may have aborted it already after a failed request; either
            // way nothing of it is kept, and the first error is the one worth showing.
            let _ = tx.abort().await;
            Err(e)
        }
    }
}
