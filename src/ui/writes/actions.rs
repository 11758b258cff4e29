//! What the user's actions do: each waits for its turn in the write queue, has a
//! domain planner make its one `WritePlan`, and commits it through `commit_plan`,
//! which waits for IndexedDB to commit, announces the plan, and only then updates
//! the in-memory dataset; the caller says "saved" after that.

use crate::domain::modules::custom_schema;
use crate::domain::FieldValues;

use leptos::prelude::*;

use crate::domain::interchange::backup::ParsedBackup;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::release::Release;
use crate::domain::records::validate::FieldError;
use crate::domain::rules::inline_rows::{plan_save_with_rows, RowsEdit};
use crate::domain::rules::plan_delete;
use crate::domain::sales::pipeline::Pipeline;
use crate::domain::sales::pipeline_records::{plan_default_pipelines_if_none, plan_pipeline_edit};
use crate::domain::samples::sample::plan_sample;
use crate::domain::writes::{CommitListeners, WriteContext, WritePlan};
use crate::domain::{FieldKind, Record, Value};
use crate::i18n::{field_error, t, tr, Locale};
use crate::storage::codec::StoredEntries;
use crate::storage::db::{Committed, CHANGED_ELSEWHERE, CONFLICT, LINK_GONE, REPLACED, STALE};
use crate::storage::{Db, StorageError};
use crate::ui::kit::format::count;
use crate::ui::kit::notice::Notice;
use crate::ui::kit::route::Route;
use crate::ui::kit::state::{
    db, db as db_handle, new_id, next_tick, now, set_db, turn, AppState, LoadState,
};
use crate::ui::writes::write_queue::{wait_turn, Turn};

/// A storage failure in the user's words, with the browser's cause kept.
pub fn storage_message(l: Locale, e: &StorageError) -> String {
    if e.op == CONFLICT {
        return t(l, "error.conflict");
    }
    if e.op == STALE {
        return t(l, "error.stale");
    }
    if e.op == CHANGED_ELSEWHERE {
        return t(l, "error.changed_elsewhere");
    }
    if e.op == REPLACED {
        return t(l, REPLACED);
    }
    if e.op == LINK_GONE {
        return t(l, "error.link_gone");
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
pub(crate) fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// A mark only the benchmark's build makes: it splits every commit into its parts,
/// and a release build should not gather a mark per save.
fn bench_mark(name: &str) {
    #[cfg(feature = "bench")]
    mark(name);
    #[cfg(not(feature = "bench"))]
    let _ = name;
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
    // Writes wait in line until everything is read (the queue is empty now, so the
    // turn comes at once).
    let turn = wait_turn(st).await;
    mark("crm:open");
    let db = match Db::open().await {
        Ok(db) => db,
        Err(e) => {
            st.load.set(open_failed(l, &e));
            return;
        }
    };
    // A long write that stopped half-way (the page died during it) left its marker.
    match db.interrupted_write().await {
        Ok(Some(kind)) => {
            let key = if kind == "restore" {
                "error.interrupted_restore"
            } else {
                "error.interrupted_write"
            };
            st.notice.set(Some(Notice::error(t(l, key))));
        }
        Ok(None) => {}
        Err(e) => st.notice.set(Some(Notice::error(storage_message(l, &e)))),
    }
    // Another tab opening a newer version closes this connection: say so at once,
    // on whatever page is shown, rather than at the next save.
    db.on_replaced(move || st.replaced.set(true));
    mark("crm:read");
    // The user's own modules and fields come first: they shape which modules there
    // are to read, and every other module's fields.
    let shaping = custom_schema::schema_modules();
    for m in shaping {
        match db.load_module_entries(m).await {
            Ok(entries) => decode_in_turns(st, m, entries).await,
            Err(e) => {
                st.load.set(LoadState::Failed(storage_message(l, &e)));
                return;
            }
        }
    }
    st.data.update_untracked(custom_schema::reshape);
    let first = first_modules(st);
    let result: Result<(), StorageError> = async {
        // A list or record page needs its module and what it links to; any other
        // page (the home page's figures, dashboards) needs every module.
        let modules = first.clone().unwrap_or_else(|| {
            st.data.with_untracked(|d| {
                d.schema
                    .modules
                    .iter()
                    .map(|m| m.key.clone())
                    .filter(|m| !shaping.contains(&m.as_str()))
                    .collect()
            })
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
    st.loading_rest.set(true);
    st.load.set(LoadState::Ready);
    index_in_background(st).await;
    mark("crm:indexed");
    let rest: Vec<String> = st.data.with_untracked(|d| {
        d.schema
            .modules
            .iter()
            .map(|m| m.key.clone())
            .filter(|m| !shaping.contains(&m.as_str()))
            .filter(|m| first.as_ref().is_some_and(|done| !done.contains(m)))
            .collect()
    });
    for m in &rest {
        next_tick().await;
        match db.load_module_entries(m).await {
            Ok(entries) => decode_in_turns(st, m, entries).await,
            Err(e) => {
                // The page is shown, but nothing may be written over a partial
                // picture: say why and stay read-only (the turn is never let go).
                st.loading_rest.set(false);
                st.load.set(LoadState::Failed(storage_message(l, &e)));
                std::mem::forget(turn);
                return;
            }
        }
    }
    if !rest.is_empty() {
        st.data.update(|_| {});
        index_in_background(st).await;
    }
    st.loading_rest.set(false);
    drop(turn);
    mark("crm:complete");
    ensure_pipelines(st).await;
    crate::ui::writes::rule_clock::start(st);
}

thread_local! {
    static LISTENERS: std::cell::RefCell<CommitListeners> =
        std::cell::RefCell::new(CommitListeners::default());
}

/// Listens to every committed plan (the one event after each commit); the number
/// returned takes the listener off again.
pub fn on_committed(f: impl Fn(&WritePlan) + 'static) -> u64 {
    LISTENERS.with(|l| l.borrow_mut().subscribe(f))
}

/// The one commit path: the plan is committed in one transaction by the caller's
/// turn, announced once to the listeners, and only then does memory follow it (a
/// big write a chunk per tick, its search keys built after, in the background, with
/// the next turn held so no write interleaves with a half-applied one). A restore's
/// memory is swapped in by `restore` itself.
pub async fn commit_plan(
    st: AppState,
    turn: Turn,
    mut plan: WritePlan,
) -> Result<Committed, String> {
    let l = st.locale.get_untracked();
    let Some(db) = db() else {
        return Err(t(l, "error.no_database"));
    };
    // Workflow rules add their immediate actions (their code is fetched the first
    // time a write meets a rule), then computed fields (auto-numbers, formulas,
    // rollups) follow every change, rules' included: all in the same transaction.
    if st
        .data
        .with_untracked(crate::domain::modules::automation_modules::has_rules)
        && !plan.replaces_all
    {
        plan = crate::ui::writes::automation_part::with_rules(st, plan)
            .await
            .map_err(|_| t(l, "page.not_loaded"))?;
    }
    with_context(st, |d, ctx| {
        crate::domain::rules::computed_fields::complete(d, &mut plan, ctx)
    });
    st.data
        .with_untracked(|d| plan.require_link_targets(&d.schema));
    let committed = db.commit(&plan).await.map_err(|e| storage_message(l, &e))?;
    LISTENERS.with(|ls| ls.borrow().announce(&plan));
    bench_mark("crm:announced");
    if plan.replaces_all {
        return Ok(committed);
    }
    // A user module or field written: a module whose fields changed is rebuilt
    // with its search and duplicate keys to make again, in turns.
    let shapes = plan.shapes_schema();
    let big = plan.len() > 1_000;
    if !big {
        st.data.update(|d| plan.apply_to(d));
        bench_mark("crm:applied");
        if !committed.kept_seeds.is_empty() {
            reload_modules(st, &db, &plan.inserts).await;
        }
        if shapes {
            leptos::task::spawn_local(async move {
                index_in_background(st).await;
                drop(turn);
            });
        } else {
            drop(turn);
        }
        return Ok(committed);
    }
    mark("crm:import-written");
    // An import can bring 100,000 records: memory takes them a chunk per tick and
    // builds their search and duplicate keys after that, in the background, while
    // the queue is held. No room is reserved up front: the sets' maps grow a part at
    // a time as the records arrive (`ShardedMap`), where reserving would grow every
    // part at once.
    st.loading_rest.set(true);
    let (inserts, updates, deletes, mut changes) =
        (plan.inserts, plan.updates, plan.deletes, plan.changes);
    st.data.update_untracked(|d| {
        for r in &deletes {
            d.remove(&r.module, &r.id);
        }
    });
    let mut rest = inserts
        .into_iter()
        .chain(updates.into_iter().map(|(_, a)| a))
        .peekable();
    while rest.peek().is_some() {
        st.data.update_untracked(|d| {
            for r in rest.by_ref().take(2_000) {
                d.upsert_deferred(r);
            }
        });
        if rest.peek().is_some() {
            next_tick().await;
        }
    }
    if shapes {
        st.data
            .update_untracked(crate::domain::modules::custom_schema::reshape);
    }
    st.data.update(|_| {});
    mark("crm:import-shown");
    leptos::task::spawn_local(async move {
        // The written history entries are freed a slice per tick, then the keys
        // are built; the turn is let go only then.
        while !changes.release(&mut 5_000) {
            next_tick().await;
        }
        index_in_background(st).await;
        mark("crm:import-indexed");
        st.loading_rest.set(false);
        drop(turn);
    });
    Ok(committed)
}

/// Reads the stored records of the modules of `records` into memory again: a
/// seed another tab wrote first stands as that tab wrote it.
async fn reload_modules(st: AppState, db: &Db, records: &[Record]) {
    let mut modules: Vec<&str> = records.iter().map(|r| r.module.as_str()).collect();
    modules.sort();
    modules.dedup();
    for m in modules {
        match db.load_module(m).await {
            Ok(stored) => st.data.update(|d| {
                for r in stored {
                    d.upsert(r);
                }
            }),
            Err(e) => {
                let l = st.locale.get_untracked();
                st.notice.set(Some(Notice::error(storage_message(l, &e))));
            }
        }
    }
}

/// Who and when, for a planner run now.
pub fn with_context<T>(st: AppState, f: impl FnOnce(&Dataset, &mut WriteContext) -> T) -> T {
    let user = st.current_user.get_untracked();
    let mut ids = new_id;
    st.data.with_untracked(|d| {
        f(
            d,
            &mut WriteContext {
                now: now(),
                zone: crate::ui::kit::time_zone::zone(),
                user: &user,
                new_id: &mut ids,
            },
        )
    })
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
                .map(|e| field_error(l, data.schema.module(module), e))
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
/// `Invalid` without calling `show`. The plan is made in the write's turn, over
/// memory as every earlier write left it.
async fn save_record_showing(
    st: AppState,
    module: &str,
    existing: Option<Record>,
    values: FieldValues,
    owner: Option<String>,
    show: impl FnOnce(&Record),
) -> Result<Option<Record>, SaveError> {
    let turn = wait_turn(st).await;
    let change = FormChange {
        existing,
        values,
        owner,
        rows: Vec::new(),
    };
    save_in_turn(st, turn, module, change, show)
        .await
        .map(|s| s.record)
}

/// What a form hands to the save: the stored record it edits (none for a new one),
/// its values and owner, and its inline rows (none outside a form).
struct FormChange {
    existing: Option<Record>,
    values: FieldValues,
    owner: Option<String>,
    rows: Vec<RowsEdit>,
}

async fn save_in_turn(
    st: AppState,
    turn: Turn,
    module: &str,
    change: FormChange,
    show: impl FnOnce(&Record),
) -> Result<SavedWithRows, SaveError> {
    let FormChange {
        existing,
        values,
        owner,
        rows,
    } = change;
    // Without rows this is exactly `plan_save`.
    let plan = with_context(st, |d, ctx| {
        plan_save_with_rows(d, module, existing.as_ref(), values, owner, rows, ctx)
    });
    let plan = plan.map_err(SaveError::Invalid)?;
    if plan.write.is_empty() {
        return Ok(SavedWithRows {
            record: None,
            wrote: false,
        });
    }
    if let Some(saved) = &plan.saved {
        show(saved);
    }
    commit_plan(st, turn, plan.write)
        .await
        .map_err(SaveError::Storage)?;
    Ok(SavedWithRows {
        record: plan.saved,
        wrote: true,
    })
}

/// What a form with inline rows saved: the record as stored when it changed, and
/// whether anything (the record or one of its rows) was written.
pub struct SavedWithRows {
    pub record: Option<Record>,
    pub wrote: bool,
}

/// Saves a form with its inline rows (a deal with its contacts) as one plan: all of
/// it is stored, or nothing.
pub async fn save_record_with_rows(
    st: AppState,
    module: &str,
    existing: Option<Record>,
    values: FieldValues,
    owner: Option<String>,
    rows: Vec<RowsEdit>,
) -> Result<SavedWithRows, SaveError> {
    let turn = wait_turn(st).await;
    let change = FormChange {
        existing,
        values,
        owner,
        rows,
    };
    save_in_turn(st, turn, module, change, |_| {}).await
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
    update_record(st, module, id, |_| set, show).await
}

/// Saves the fields `change` picks from the stored record, read in the write's turn:
/// a second board move of a card, or a layout change, starts from what the write
/// before it left (read before the turn, it would be a stale revision, refused, or
/// lose that write's change).
pub async fn update_record(
    st: AppState,
    module: &str,
    id: &str,
    change: impl FnOnce(&Record) -> Vec<(String, Value)>,
    show: impl FnOnce(&Record),
) -> Result<Option<Record>, SaveError> {
    let l = st.locale.get_untracked();
    let turn = wait_turn(st).await;
    let Some(before) = st.data.with_untracked(|d| d.get(module, id).cloned()) else {
        return Err(SaveError::Storage(t(l, "record.not_found")));
    };
    let mut values = before.values.clone();
    values.extend(change(&before));
    let change = FormChange {
        existing: Some(before),
        values,
        owner: None,
        rows: Vec::new(),
    };
    save_in_turn(st, turn, module, change, show)
        .await
        .map(|s| s.record)
}

/// Saves fields of a stored record as typed in place (a list's cell): each `Some`
/// sets its field, each `None` clears it, through the same rules as the form.
pub async fn edit_fields(
    st: AppState,
    module: &str,
    id: &str,
    edits: Vec<(String, Option<Value>)>,
) -> Result<Option<Record>, SaveError> {
    let l = st.locale.get_untracked();
    let turn = wait_turn(st).await;
    let Some(before) = st.data.with_untracked(|d| d.get(module, id).cloned()) else {
        return Err(SaveError::Storage(t(l, "record.not_found")));
    };
    let mut values = before.values.clone();
    for (field, value) in edits {
        match value {
            Some(v) => {
                values.insert(field, v);
            }
            None => {
                values.remove(&field);
            }
        }
    }
    let change = FormChange {
        existing: Some(before),
        values,
        owner: None,
        rows: Vec::new(),
    };
    save_in_turn(st, turn, module, change, |_| {})
        .await
        .map(|s| s.record)
}

/// Writes a pipeline's edited stages, and moves the deals of removed stages, in one
/// transaction.
pub async fn save_pipeline(
    st: AppState,
    edited: &Pipeline,
    moves: &[(String, String)],
) -> Result<(), String> {
    let l = st.locale.get_untracked();
    let turn = wait_turn(st).await;
    let plan = with_context(st, |d, ctx| plan_pipeline_edit(d, edited, moves, ctx))
        .map_err(|_| t(l, "pipeline.err.has_deals"))?;
    if plan.is_empty() {
        return Ok(());
    }
    commit_plan(st, turn, plan).await.map(|_| ())
}

/// A new database gets the default pipelines, so deals have somewhere to go. Two
/// fresh tabs may both do this: the plan is a seed, and what the other tab stored
/// first stands.
pub async fn ensure_pipelines(st: AppState) {
    let l = st.locale.get_untracked();
    let turn = wait_turn(st).await;
    let Some(plan) = with_context(st, |d, ctx| {
        plan_default_pipelines_if_none(d, &|k| t(l, k), ctx)
    }) else {
        return;
    };
    if let Err(msg) = commit_plan(st, turn, plan).await {
        st.notice.set(Some(Notice::error(msg)));
    }
}

/// Deletes a record as planned by `rules::plan_delete` (its guards, what goes with
/// it, the links to it cleared), in one transaction.
pub async fn delete_record(st: AppState, module: &str, id: &str) -> Result<(), String> {
    let l = st.locale.get_untracked();
    let turn = wait_turn(st).await;
    let plan =
        with_context(st, |d, ctx| plan_delete(d, module, id, ctx)).map_err(|e| t(l, e.key()))?;
    commit_plan(st, turn, plan).await.map(|_| ())
}

/// Adds the sample companies and contacts (skipped where their ids already exist).
pub async fn load_sample(st: AppState) {
    let l = st.locale.get_untracked();
    let turn = wait_turn(st).await;
    // The sample's deal names and subjects in the user's language.
    let plan = with_context(st, |d, ctx| plan_sample(d, ctx, &|k| t(l, k)));
    let n = plan.inserts.len();
    match commit_plan(st, turn, plan).await {
        Ok(_) => st.notice.set(Some(Notice::success(tr(
            l,
            "sample.loaded",
            &[("n", &count(l, n))],
        )))),
        Err(msg) => st.notice.set(Some(Notice::error(msg))),
    }
}

/// Replaces all data with a checked backup; memory follows only after the commit.
/// On failure the backup is handed back with the message, so it can be retried.
pub async fn restore(st: AppState, backup: ParsedBackup) -> Result<(), (String, ParsedBackup)> {
    let l = st.locale.get_untracked();
    if db().is_none() {
        return Err((t(l, "error.no_database"), backup));
    }
    let turn = wait_turn(st).await;
    // The plan takes a copy of the records, a chunk per tick (the checked backup
    // keeps its own, which become what is in memory once the restore committed).
    let mut records = Vec::with_capacity(backup.len());
    {
        let all = backup.records();
        for chunk in all.chunks(5_000) {
            records.extend(chunk.iter().map(|r| (*r).clone()));
            next_tick().await;
        }
    }
    let mut backup = backup;
    let history = std::mem::take(&mut backup.changes);
    let plan = WritePlan::replace_everything(records, history);
    // The turn goes with the commit; the indexing below takes the next one, lined
    // up before the commit starts so nothing can write in between.
    let after = wait_turn(st);
    let result = commit_plan(st, turn, plan).await;
    if let Err(msg) = result {
        drop(after.await);
        return Err((msg, backup));
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
        let turn = after.await;
        index_in_background(st).await;
        mark("crm:restore-indexed");
        st.loading_rest.set(false);
        drop(turn);
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
