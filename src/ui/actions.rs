//! What the user's actions do: each builds one write batch, waits for IndexedDB to
//! commit it, and only then updates the in-memory dataset and says "saved".

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::format::count;
use super::notice::Notice;
use super::state::{db, new_id, now, set_db, AppState, LoadState};
use crate::domain::record::{ChangeEntry, ChangeKind};
use crate::domain::record_set::{Dataset, LOCAL_USER};
use crate::domain::sample::sample_records;
use crate::domain::{Record, Value};
use crate::i18n::{t, tr, Locale};
use crate::storage::db::{WriteBatch, CONFLICT};
use crate::storage::{Db, StorageError};

/// A storage failure in the user's words, with the browser's cause kept.
pub fn storage_message(l: Locale, e: &StorageError) -> String {
    if e.op == CONFLICT {
        return t(l, "error.conflict");
    }
    tr(
        l,
        "error.storage",
        &[("op", &t(l, e.op)), ("detail", &e.detail)],
    )
}

/// Opens the database and reads every record into memory.
pub async fn load_everything(st: AppState) {
    let l = st.locale.get_untracked();
    let result = async {
        let db = Db::open().await?;
        let records = db.load_all().await?;
        Ok::<_, StorageError>((db, records))
    }
    .await;
    match result {
        Ok((db, records)) => {
            set_db(db);
            st.data.update(|d| {
                for r in records {
                    d.upsert(r);
                }
            });
            st.load.set(LoadState::Ready);
        }
        Err(e) => st.load.set(LoadState::Failed(storage_message(l, &e))),
    }
}

fn change(record: &Record, kind: ChangeKind, before: Option<&Record>) -> ChangeEntry {
    ChangeEntry {
        id: new_id(),
        record_id: record.id.clone(),
        module: record.module.clone(),
        at: record.updated_at,
        user: Some(LOCAL_USER.into()),
        revision: record.revision,
        kind,
        fields: before.map(|b| record.changes_from(b)).unwrap_or_default(),
    }
}

async fn commit(st: AppState, batch: WriteBatch) -> Result<(), String> {
    let l = st.locale.get_untracked();
    let Some(db) = db() else {
        return Err(t(l, "error.no_database"));
    };
    st.busy.set(true);
    let result = db.commit(&batch).await;
    st.busy.set(false);
    result.map_err(|e| storage_message(l, &e))
}

/// Creates a record or saves a new revision of `existing`. Returns the saved record;
/// `Ok(None)` when nothing had changed.
pub async fn save_record(
    st: AppState,
    module: &str,
    existing: Option<Record>,
    values: BTreeMap<String, Value>,
) -> Result<Option<Record>, String> {
    let at = now();
    let (batch, saved) = match &existing {
        None => {
            let record = Record::new(new_id(), module, at, Some(LOCAL_USER.into()), values);
            let entry = change(&record, ChangeKind::Created, None);
            (
                WriteBatch {
                    inserts: vec![record.clone()],
                    changes: vec![entry],
                    ..Default::default()
                },
                record,
            )
        }
        Some(before) => {
            let Some(record) = before.revised(values, before.owner.clone(), at) else {
                return Ok(None);
            };
            let entry = change(&record, ChangeKind::Updated, Some(before));
            (
                WriteBatch {
                    updates: vec![record.clone()],
                    changes: vec![entry],
                    ..Default::default()
                },
                record,
            )
        }
    };
    commit(st, batch).await?;
    st.data.update(|d| d.upsert(saved.clone()));
    Ok(Some(saved))
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
/// it, so no record is left linking to nothing.
pub async fn delete_record(st: AppState, module: &str, id: &str) -> Result<(), String> {
    let at = now();
    let linked = st.data.with_untracked(|d| dependents(d, module, id));
    let mut batch = WriteBatch {
        deletes: vec![id.to_string()],
        ..Default::default()
    };
    for (record, field) in linked {
        let mut values = record.values.clone();
        values.remove(&field);
        if let Some(next) = record.revised(values, record.owner.clone(), at) {
            batch
                .changes
                .push(change(&next, ChangeKind::Updated, Some(&record)));
            batch.updates.push(next);
        }
    }
    commit(st, batch.clone()).await?;
    st.data.update(|d| {
        d.remove(module, id);
        for r in batch.updates {
            d.upsert(r);
        }
    });
    Ok(())
}

/// Adds the sample companies and contacts (skipped where their ids already exist).
pub async fn load_sample(st: AppState) {
    let l = st.locale.get_untracked();
    let records: Vec<Record> = sample_records(now())
        .into_iter()
        .filter(|r| {
            st.data
                .with_untracked(|d| d.get(&r.module, &r.id).is_none())
        })
        .collect();
    let changes = records
        .iter()
        .map(|r| change(r, ChangeKind::Created, None))
        .collect();
    let batch = WriteBatch {
        inserts: records.clone(),
        changes,
        ..Default::default()
    };
    match commit(st, batch).await {
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
pub async fn restore(
    st: AppState,
    records: Vec<Record>,
    changes: Vec<ChangeEntry>,
) -> Result<(), String> {
    let l = st.locale.get_untracked();
    let Some(db) = db() else {
        return Err(t(l, "error.no_database"));
    };
    st.busy.set(true);
    let result = db.replace_all(&records, &changes).await;
    st.busy.set(false);
    result.map_err(|e| storage_message(l, &e))?;
    st.data.update(|d| {
        let mut fresh = Dataset::new(d.schema.clone());
        for r in records {
            fresh.upsert(r);
        }
        *d = fresh;
    });
    Ok(())
}
