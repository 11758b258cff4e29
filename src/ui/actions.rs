//! What the user's actions do: each builds one write batch, waits for IndexedDB to
//! commit it, and only then updates the in-memory dataset and says "saved".

use crate::domain::FieldValues;

use leptos::prelude::*;

use super::format::count;
use super::notice::Notice;
use super::route::Route;
use super::state::{
    db, db as db_handle, new_id, next_tick, now, set_db, turn, utc_offset, AppState, LoadState,
};
use crate::domain::backup::ParsedBackup;
use crate::domain::module_rules;
use crate::domain::pipeline::Pipeline;
use crate::domain::pipeline_records::{default_pipeline_records, plan_pipeline_save};
use crate::domain::record_set::Dataset;
use crate::domain::release::Release;
use crate::domain::sales_modules::PIPELINES;
use crate::domain::sample::{fitting, sample_records};
use crate::domain::save_plan::{change_entry, plan_save, SaveContext};
use crate::domain::standard_modules::MEMBERS;
use crate::domain::validate::FieldError;
use crate::domain::{FieldKind, Record, Value};
use crate::i18n::{label, t, tr, Locale};
use crate::storage::codec::StoredEntries;
use crate::storage::db::{WriteBatch, CONFLICT, REPLACED};
use crate::storage::{Db, StorageError};

/// A storage failure in the user's words, with the browser's cause kept.
pub fn storage_message(l: Locale, e: &StorageError) -> String {
    if e.op == CONFLICT {
        return t(l, "error.conflict");
    }
    if e.op == REPLACED {
        return t(l, REPLACED);
    }
    tr(
        l,
        "error.storage",
        &[("op", &t(l, e.op)), ("detail", &e.detail)],
    )
}

/// A performance mark (`crm:…`), so the start-up phases show in the browser's
/// profiler and the benchmark can split the cold start.
/// A performance mark, for the benchmark to see where time goes.
pub(super) fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// The modules a page needs before it can be shown: a list or record page needs its
/// module and the modules its lookups point at (for their titles); any other page
/// (home, board, dashboards…) needs everything, so it gets the one-request path.
fn first_modules(st: AppState) -> Option<Vec<String>> {
    let module = match st.route.get_untracked() {
        Route::List(m) | Route::New(m, _) | Route::View(m, _) | Route::Edit(m, _) => m,
        _ => return None,
    };
    st.data.with_untracked(|d| {
        let def = d.schema.module(&module)?;
        let mut first = vec![module.clone()];
        for f in &def.fields {
            if let FieldKind::Lookup { module: target, .. } = &f.kind {
                if !first.contains(target) {
                    first.push(target.clone());
                }
            }
        }
        Some(first)
    })
}

/// Decodes one module's stored entries into its set in turns of a few milliseconds,
/// so the browser keeps drawing and taking input; search and duplicate keys are left
/// for `index_in_background`. Views are not told: the caller does that once. An entry
/// that does not decode is left out and named in `st.unreadable`: every other record
/// still opens (and can be backed up).
async fn decode_in_turns(st: AppState, module: &str, entries: StoredEntries) {
    st.data
        .update_untracked(|d| d.reserve(module, entries.len()));
    let mut unreadable = Vec::new();
    let mut next = 0;
    while !turn(|| {
        let end = entries.len().min(next + 256);
        let records = entries.decode_readable(next..end, &mut unreadable);
        st.data.update_untracked(|d| {
            for r in records {
                d.upsert_deferred(r);
            }
        });
        next = end;
        next >= entries.len()
    }) {
        next_tick().await;
    }
    if !unreadable.is_empty() {
        st.unreadable.update(|all| all.extend(unreadable));
    }
}

/// A failure to open the database, as the page shows it: one written by a newer
/// version of the app has its own explanation.
fn open_failed(l: Locale, e: &StorageError) -> LoadState {
    if e.detail.contains("VersionError") {
        LoadState::TooNew(e.detail.clone())
    } else {
        LoadState::Failed(storage_message(l, e))
    }
}

/// Opens the database and reads every record into memory. On a list or record page
/// that module (and what it links to) is read first and the page is shown at once;
/// the other modules follow in the background, and writes wait until they are in.
pub async fn load_everything(st: AppState) {
    let l = st.locale.get_untracked();
    mark("crm:open");
    let db = match Db::open().await {
        Ok(db) => db,
        Err(e) => {
            st.load.set(open_failed(l, &e));
            return;
        }
    };
    // Another tab opening a newer version closes this connection: say so at once,
    // on whatever page is shown, rather than at the next save.
    db.on_replaced(move || st.replaced.set(true));
    mark("crm:read");
    let first = first_modules(st);
    let result: Result<(), StorageError> = async {
        // A list or record page needs its module and what it links to; any other
        // page (the home page's figures, dashboards) needs every module.
        let modules = first.clone().unwrap_or_else(|| {
            st.data
                .with_untracked(|d| d.schema.modules.iter().map(|m| m.key.clone()).collect())
        });
        for m in &modules {
            let entries = db.load_module_entries(m).await?;
            if m == &modules[0] {
                mark("crm:fetched");
            }
            decode_in_turns(st, m, entries).await;
        }
        mark("crm:decoded");
        st.data.update(|_| {});
        Ok(())
    }
    .await;
    if let Err(e) = result {
        st.load.set(LoadState::Failed(storage_message(l, &e)));
        return;
    }
    set_db(db);
    let Some(db) = db_handle() else {
        return;
    };
    // The page is shown now; search and duplicate keys, and on a list or record
    // page the other modules, follow in the background while writes wait.
    st.busy.set(true);
    st.loading_rest.set(true);
    st.load.set(LoadState::Ready);
    index_in_background(st).await;
    mark("crm:indexed");
    let rest: Vec<String> = st.data.with_untracked(|d| {
        d.schema
            .modules
            .iter()
            .map(|m| m.key.clone())
            .filter(|m| first.as_ref().is_some_and(|done| !done.contains(m)))
            .collect()
    });
    for m in &rest {
        next_tick().await;
        match db.load_module_entries(m).await {
            Ok(entries) => decode_in_turns(st, m, entries).await,
            Err(e) => {
                // The page is shown, but nothing may be written over a partial
                // picture: say why and stay read-only.
                st.loading_rest.set(false);
                st.load.set(LoadState::Failed(storage_message(l, &e)));
                return;
            }
        }
    }
    if !rest.is_empty() {
        st.data.update(|_| {});
        index_in_background(st).await;
    }
    st.loading_rest.set(false);
    st.busy.set(false);
    mark("crm:complete");
    ensure_pipelines(st).await;
}

async fn commit(st: AppState, batch: &WriteBatch) -> Result<(), String> {
    let l = st.locale.get_untracked();
    let Some(db) = db() else {
        return Err(t(l, "error.no_database"));
    };
    st.busy.set(true);
    let result = db.commit(batch).await;
    st.busy.set(false);
    result.map_err(|e| storage_message(l, &e))
}

/// Why a save did not happen.
#[derive(Debug, Clone)]
pub enum SaveError {
    /// The values break a field or module rule; nothing was written.
    Invalid(Vec<FieldError>),
    /// IndexedDB refused the write; the message names the cause.
    Storage(String),
}

impl SaveError {
    /// One line for a notice: the first problem, or the storage failure.
    pub fn message(&self, l: Locale, module: &str, data: &Dataset) -> String {
        match self {
            SaveError::Storage(m) => m.clone(),
            SaveError::Invalid(errors) => errors
                .first()
                .map(|e| {
                    let name = data
                        .schema
                        .module(module)
                        .and_then(|m| m.field(&e.field))
                        .map(|f| label(l, &f.label))
                        .unwrap_or_else(|| t(l, "field.owner"));
                    tr(
                        l,
                        e.problem.key(),
                        &[("field", &name), ("value", &e.problem.detail())],
                    )
                })
                .unwrap_or_default(),
        }
    }
}

/// Creates a record or saves a new revision of `existing`, with the module's rules
/// applied and whatever they create alongside, all in one transaction. Returns the
/// saved record; `Ok(None)` when nothing had changed.
pub async fn save_record(
    st: AppState,
    module: &str,
    existing: Option<Record>,
    values: FieldValues,
    owner: Option<String>,
) -> Result<Option<Record>, SaveError> {
    save_record_showing(st, module, existing, values, owner, |_| {}).await
}

/// `save_record`, where `show` gets the record as it will be stored as soon as the
/// save is planned (a card moved on the board shows at once); the one transaction
/// runs after, and memory follows only once it committed. A refused plan returns
/// `Invalid` without calling `show`.
async fn save_record_showing(
    st: AppState,
    module: &str,
    existing: Option<Record>,
    values: FieldValues,
    owner: Option<String>,
    show: impl FnOnce(&Record),
) -> Result<Option<Record>, SaveError> {
    let user = st.current_user.get_untracked();
    let mut ids = new_id;
    let plan = st.data.with_untracked(|d| {
        plan_save(
            d,
            module,
            existing.as_ref(),
            values,
            owner,
            &mut SaveContext {
                now: now(),
                utc_offset_minutes: utc_offset(),
                user: &user,
                new_id: &mut ids,
            },
        )
    });
    let plan = plan.map_err(SaveError::Invalid)?;
    if plan.saved.is_none() && plan.inserts.is_empty() {
        return Ok(None);
    }
    if let Some(saved) = &plan.saved {
        show(saved);
    }
    let batch = WriteBatch {
        inserts: plan.inserts.clone(),
        updates: plan.updates.clone(),
        changes: plan.changes,
        ..Default::default()
    };
    commit(st, &batch).await.map_err(SaveError::Storage)?;
    st.data.update(|d| {
        for r in plan.inserts.into_iter().chain(plan.updates) {
            d.upsert(r);
        }
    });
    Ok(plan.saved)
}

/// Saves a change to some fields of a stored record (a board move, a one-click
/// complete), through the same rules as the form.
pub async fn update_fields(
    st: AppState,
    module: &str,
    id: &str,
    set: Vec<(String, Value)>,
) -> Result<Option<Record>, SaveError> {
    update_fields_shown_first(st, module, id, set, |_| {}).await
}

/// `update_fields`, with the record shown before it is written (see
/// `save_record_showing`).
pub async fn update_fields_shown_first(
    st: AppState,
    module: &str,
    id: &str,
    set: Vec<(String, Value)>,
    show: impl FnOnce(&Record),
) -> Result<Option<Record>, SaveError> {
    let l = st.locale.get_untracked();
    let Some(before) = st.data.with_untracked(|d| d.get(module, id).cloned()) else {
        return Err(SaveError::Storage(t(l, "record.not_found")));
    };
    let mut values = before.values.clone();
    values.extend(set);
    save_record_showing(st, module, Some(before), values, None, show).await
}

/// Writes a pipeline's edited stages, and moves the deals of removed stages, in one
/// transaction.
pub async fn save_pipeline(
    st: AppState,
    edited: &Pipeline,
    moves: &[(String, String)],
) -> Result<(), String> {
    let l = st.locale.get_untracked();
    let user = st.current_user.get_untracked();
    let at = now();
    let plan = st
        .data
        .with_untracked(|d| plan_pipeline_save(d, edited, moves, at))
        .map_err(|_| t(l, "pipeline.err.has_deals"))?;
    if plan.is_empty() {
        return Ok(());
    }
    let mut batch = WriteBatch::default();
    for r in &plan.inserts {
        batch.changes.push(change_entry(new_id(), r, None, &user));
        batch.inserts.push(r.clone());
    }
    for (before, after) in &plan.updates {
        batch
            .changes
            .push(change_entry(new_id(), after, Some(before), &user));
        batch.updates.push(after.clone());
    }
    batch.deletes = plan.deletes.iter().map(|r| r.id.clone()).collect();
    commit(st, &batch).await?;
    st.data.update(|d| {
        for r in plan.inserts {
            d.upsert(r);
        }
        for (_, r) in plan.updates {
            d.upsert(r);
        }
        for r in plan.deletes {
            d.remove(&r.module, &r.id);
        }
    });
    Ok(())
}

/// Writes planned new records and changed records, each with its history entry, in
/// one transaction; memory follows only after the commit.
pub async fn commit_records(
    st: AppState,
    inserts: Vec<Record>,
    updates: Vec<(Record, Record)>,
) -> Result<(), String> {
    let user = st.current_user.get_untracked();
    let mut batch = WriteBatch::default();
    // History entries are made 2,000 per tick: 100,000 at once hold the page.
    for chunk in inserts.chunks(2_000) {
        for r in chunk {
            batch.changes.push(change_entry(new_id(), r, None, &user));
        }
        next_tick().await;
    }
    for chunk in updates.chunks(2_000) {
        for (before, after) in chunk {
            batch
                .changes
                .push(change_entry(new_id(), after, Some(before), &user));
            batch.updates.push(after.clone());
        }
        next_tick().await;
    }
    batch.inserts = inserts;
    commit(st, &batch).await?;
    mark("crm:import-written");
    // An import can bring 100,000 records: memory takes them a chunk per tick and
    // builds their search and duplicate keys after that, in the background. Writes
    // wait meanwhile, so none can interleave with a half-applied import.
    let big = batch.inserts.len() + batch.updates.len() > 1_000;
    let mut history = std::mem::take(&mut batch.changes);
    st.busy.set(true);
    st.loading_rest.set(big);
    // No room is reserved up front: the sets' maps grow a part at a time as the
    // records arrive (`ShardedMap`), where reserving would grow every part at once.
    let mut rest = batch.inserts.into_iter().chain(batch.updates).peekable();
    while rest.peek().is_some() {
        st.data.update_untracked(|d| {
            for r in rest.by_ref().take(2_000) {
                if big {
                    d.upsert_deferred(r);
                } else {
                    d.upsert(r);
                }
            }
        });
        if rest.peek().is_some() {
            next_tick().await;
        }
    }
    st.data.update(|_| {});
    mark("crm:import-shown");
    if big {
        leptos::task::spawn_local(async move {
            // The written history entries are freed a slice per tick, then the keys
            // are built.
            while !history.release(&mut 5_000) {
                next_tick().await;
            }
            index_in_background(st).await;
            mark("crm:import-indexed");
            st.loading_rest.set(false);
            st.busy.set(false);
        });
    } else {
        st.busy.set(false);
    }
    Ok(())
}

/// A new database gets the default pipelines, so deals have somewhere to go.
pub async fn ensure_pipelines(st: AppState) {
    let l = st.locale.get_untracked();
    let has_any = st
        .data
        .with_untracked(|d| d.set(PIPELINES).is_some_and(|s| !s.is_empty()));
    if has_any {
        return;
    }
    let user = st.current_user.get_untracked();
    let records = default_pipeline_records(now(), &|k| t(l, k));
    let batch = WriteBatch {
        changes: records
            .iter()
            .map(|r| change_entry(new_id(), r, None, &user))
            .collect(),
        inserts: records.clone(),
        ..Default::default()
    };
    match commit(st, &batch).await {
        Ok(()) => st.data.update(|d| {
            for r in records {
                d.upsert(r);
            }
        }),
        Err(msg) => st.notice.set(Some(Notice::error(msg))),
    }
}

/// Records that would lose their link if `id` were deleted: (module, record, field).
pub fn dependents(data: &Dataset, module: &str, id: &str) -> Vec<(Record, String)> {
    data.related(module, id)
        .into_iter()
        .flat_map(|(_, field, records)| {
            records.into_iter().map(move |r| (r.clone(), field.clone()))
        })
        .collect()
}

/// Deletes a record and, in the same transaction, clears the lookups that pointed at
/// it, so no record is left linking to nothing. A record that cannot exist without
/// this one (a contact's role on a deal) goes with it — unless others depend on it
/// in turn (a stage still holding deals), and then nothing is deleted.
pub async fn delete_record(st: AppState, module: &str, id: &str) -> Result<(), String> {
    let l = st.locale.get_untracked();
    let at = now();
    // A team member who still owns or is assigned records stays until they are
    // reassigned, so no record is left belonging to nobody.
    if module == MEMBERS {
        let involved = st.data.with_untracked(|d| {
            d.sets().any(|set| {
                set.records()
                    .any(|r| crate::domain::list_query::involves(&set.module, r, id))
            })
        });
        if involved {
            return Err(t(l, "delete.member_in_use"));
        }
    }
    let linked = st.data.with_untracked(|d| dependents(d, module, id));
    let mut batch = WriteBatch {
        deletes: vec![id.to_string()],
        ..Default::default()
    };
    let mut gone = Vec::new();
    for (record, field) in linked {
        let required = st.data.with_untracked(|d| {
            d.schema
                .module(&record.module)
                .and_then(|m| m.field(&field))
                .is_some_and(|f| f.required)
        });
        if required {
            let held = st
                .data
                .with_untracked(|d| dependents(d, &record.module, &record.id).len());
            if held > 0 {
                return Err(t(l, "delete.blocked"));
            }
            batch.deletes.push(record.id.clone());
            gone.push((record.module.clone(), record.id.clone()));
            continue;
        }
        let mut values = record.values.clone();
        values.remove(&field);
        if let Some(next) = record.revised(values, record.owner.clone(), at) {
            batch.changes.push(change_entry(
                new_id(),
                &next,
                Some(&record),
                &st.current_user.get_untracked(),
            ));
            batch.updates.push(next);
        }
    }
    // What the deletion changes elsewhere (a scoring rule's points leave every lead).
    let side = st
        .data
        .with_untracked(|d| module_rules::after_delete(d, module, id, at));
    for (before, after) in side {
        batch.changes.push(change_entry(
            new_id(),
            &after,
            Some(&before),
            &st.current_user.get_untracked(),
        ));
        batch.updates.push(after);
    }
    commit(st, &batch).await?;
    st.data.update(|d| {
        d.remove(module, id);
        for (m, id) in gone {
            d.remove(&m, &id);
        }
        for r in batch.updates {
            d.upsert(r);
        }
    });
    Ok(())
}

/// Adds the sample companies and contacts (skipped where their ids already exist).
pub async fn load_sample(st: AppState) {
    let l = st.locale.get_untracked();
    let records: Vec<Record> = st
        .data
        .with_untracked(|d| fitting(d, sample_records(now())));
    let user = st.current_user.get_untracked();
    let changes = records
        .iter()
        .map(|r| change_entry(new_id(), r, None, &user))
        .collect();
    let batch = WriteBatch {
        inserts: records.clone(),
        changes,
        ..Default::default()
    };
    match commit(st, &batch).await {
        Ok(()) => {
            let n = records.len();
            st.data.update(|d| {
                for r in records {
                    d.upsert(r);
                }
            });
            st.notice.set(Some(Notice::success(tr(
                l,
                "sample.loaded",
                &[("n", &count(l, n))],
            ))));
        }
        Err(msg) => st.notice.set(Some(Notice::error(msg))),
    }
}

/// Replaces all data with a checked backup; memory follows only after the commit.
/// On failure the backup is handed back with the message, so it can be retried.
pub async fn restore(st: AppState, backup: ParsedBackup) -> Result<(), (String, ParsedBackup)> {
    let l = st.locale.get_untracked();
    let Some(db) = db() else {
        return Err((t(l, "error.no_database"), backup));
    };
    st.busy.set(true);
    let result = db.replace_all(&backup.records(), &backup.changes).await;
    if let Err(e) = result {
        st.busy.set(false);
        return Err((storage_message(l, &e), backup));
    }
    // The check already holds the backup's records in memory sets: they become what
    // is in memory as they are. Their search and duplicate keys are built next, in
    // the background; writes and CSV checks wait for them (as while starting).
    mark("crm:restore-written");
    st.loading_rest.set(true);
    let mut old = None;
    st.data
        .update(|d| old = Some(std::mem::replace(d, backup.data)));
    mark("crm:restore-shown");
    leptos::task::spawn_local(async move {
        index_in_background(st).await;
        mark("crm:restore-indexed");
        st.loading_rest.set(false);
        st.busy.set(false);
        ensure_pipelines(st).await;
        // The replaced records are freed a slice per tick: all at once would hold
        // the page for a good part of a second.
        if let Some(mut old) = old {
            while !old.release(&mut 5_000) {
                next_tick().await;
            }
        }
    });
    Ok(())
}

/// Builds deferred search and duplicate keys 1,000 records per tick, so the page
/// keeps drawing; search scans what is not indexed yet meanwhile.
async fn index_in_background(st: AppState) {
    loop {
        next_tick().await;
        let done = turn(|| st.data.try_update_untracked(|d| d.index_pending(200)) != Some(false));
        if done {
            break;
        }
    }
    st.data.update(|_| {});
}
