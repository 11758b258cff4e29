//! Data migrations: every stored or exported record document carries the data
//! version it was written with and is brought up to `DATA_VERSION` step by step.
//! A step is a pure function over the JSON document, so each is tested natively and
//! the same code serves the database upgrade and the import of an old backup.

use serde_json::{json, Value as Json};

/// The layout of record documents this build writes.
pub const DATA_VERSION: u32 = 2;

/// Why a document could not be brought up to date.
#[derive(Clone, Debug, PartialEq)]
pub enum MigrateError {
    /// Written by a newer version of the app than this one.
    TooNew(u32),
    /// Not a version this app ever wrote.
    Unknown(u32),
}

/// Brings one record document from `from` to `DATA_VERSION`.
pub fn migrate_record(mut doc: Json, from: u32) -> Result<Json, MigrateError> {
    if from > DATA_VERSION {
        return Err(MigrateError::TooNew(from));
    }
    if from == 0 {
        return Err(MigrateError::Unknown(from));
    }
    let mut version = from;
    while version < DATA_VERSION {
        doc = match version {
            1 => v1_tags_to_list(doc),
            _ => return Err(MigrateError::Unknown(version)),
        };
        version += 1;
    }
    Ok(doc)
}

/// Version 1 kept tags as one comma-separated text; version 2 keeps a list, so tags
/// can be filtered and counted one by one.
fn v1_tags_to_list(mut doc: Json) -> Json {
    if let Some(tags) = doc.pointer_mut("/values/tags") {
        if let Some(text) = tags.get("text").and_then(Json::as_str) {
            let items: Vec<String> = text
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            *tags = json!({ "list": items });
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Record, Value};

    fn v1_doc() -> Json {
        json!({
            "id": "c1", "module": "companies", "created_at": 1, "updated_at": 2,
            "owner": "local-user", "revision": 3,
            "values": {"name": {"text": "Acme"}, "tags": {"text": "vip, retail ,"}}
        })
    }

    #[test]
    fn v1_tags_become_a_list_and_nothing_else_changes() {
        let doc = migrate_record(v1_doc(), 1).unwrap();
        let record: Record = serde_json::from_value(doc).unwrap();
        assert_eq!(
            record.get("tags"),
            Some(&Value::List(vec!["vip".into(), "retail".into()]))
        );
        assert_eq!(record.get("name"), Some(&Value::Text("Acme".into())));
        assert_eq!(
            (record.revision, record.created_at, record.updated_at),
            (3, 1, 2)
        );
    }

    #[test]
    fn current_documents_pass_unchanged() {
        let mut doc = v1_doc();
        doc["values"]["tags"] = json!({"list": ["a"]});
        assert_eq!(migrate_record(doc.clone(), DATA_VERSION).unwrap(), doc);
        // A v1 document without tags migrates to itself.
        let mut plain = v1_doc();
        plain["values"].as_object_mut().unwrap().remove("tags");
        assert_eq!(migrate_record(plain.clone(), 1).unwrap(), plain);
    }

    #[test]
    fn unknown_and_future_versions_are_refused() {
        assert_eq!(migrate_record(v1_doc(), 0), Err(MigrateError::Unknown(0)));
        assert_eq!(
            migrate_record(v1_doc(), DATA_VERSION + 1),
            Err(MigrateError::TooNew(DATA_VERSION + 1))
        );
    }
}
