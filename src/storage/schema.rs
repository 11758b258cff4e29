//! The one declaration of every object store and index.
//!
//! rexie deletes, during a version upgrade, every store the new version does not
//! declare — so this list only ever grows. A new store or index is added under a new
//! version number; nothing is ever removed or renamed here.

use rexie::{Index, ObjectStore, Rexie, RexieBuilder};

pub const DB_NAME: &str = "local-crm";
/// The IndexedDB version this build declares.
pub const DB_VERSION: u32 = 3;

/// Records of every module: `{id, module, doc}`; `doc` is the codec's output.
pub const RECORDS: &str = "records";
/// Small key/value facts about the database itself, such as its data version.
pub const META: &str = "meta";
/// The history a timeline is drawn from: one entry per saved change of a record
/// (`record_id`), or one per chunk of records created by a big write (`record_ids`,
/// `domain::history_batch`).
pub const CHANGES: &str = "changes";

pub const BY_MODULE: &str = "by_module";
pub const BY_RECORD: &str = "by_record";
/// Multi-entry: a chunk of created records is found under each of its record ids.
pub const BY_RECORDS: &str = "by_records";

/// An index declared with every option spelled out: on an upgrade rexie compares an
/// existing index with its declaration, and one left unspecified never compares
/// equal, so the index was dropped and rebuilt over every stored entry on every upgrade.
fn index(name: &str, key_path: &str, multi_entry: bool) -> Index {
    Index::new(name, key_path)
        .unique(false)
        .multi_entry(multi_entry)
}

/// The declaration as of `version`; `DB_VERSION` for the app. Older versions are
/// opened only by the upgrade tests, to build a database as a previous release left it.
pub fn builder(name: &str, version: u32) -> RexieBuilder {
    let mut b = Rexie::builder(name).version(version);
    // Version 1: records and meta.
    b = b
        .add_object_store(
            ObjectStore::new(RECORDS)
                .key_path("id")
                .add_index(index(BY_MODULE, "module", false)),
        )
        .add_object_store(ObjectStore::new(META).key_path("key"));
    // Version 2: change history.
    if version >= 2 {
        let mut changes = ObjectStore::new(CHANGES).key_path("id").add_index(index(
            BY_RECORD,
            "record_id",
            false,
        ));
        // Version 3: chunks of created records, found by any of their records.
        // Entries stored before have no `record_ids`, so they stay out of it as they are.
        if version >= 3 {
            changes = changes.add_index(index(BY_RECORDS, "record_ids", true));
        }
        b = b.add_object_store(changes);
    }
    b
}
