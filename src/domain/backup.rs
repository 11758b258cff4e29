//! The JSON backup: one versioned document with every record. Import checks the
//! whole document before anything is written, and names each problem and where it is.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::Value as Json;

use super::migrate::{migrate_record, MigrateError, DATA_VERSION};
use super::module_def::Schema;
use super::record::{ChangeEntry, Record};
use super::record_set::Dataset;
use super::validate::{validate_values, Lookups, Problem};

/// Marks a file as ours, so a foreign JSON file is told apart from a damaged backup.
pub const BACKUP_FORMAT: &str = "local-crm-backup";
/// At most this many problems are listed; a broken file usually repeats one mistake.
const MAX_ISSUES: usize = 20;

#[derive(Serialize)]
struct BackupOut<'a> {
    format: &'static str,
    version: u32,
    exported_at: &'a str,
    records: &'a [&'a Record],
    changes: &'a [ChangeEntry],
}

/// Writes the backup document: every record and every record's change history.
/// `exported_at` is an ISO 8601 time supplied by the caller.
pub fn export(records: &[&Record], changes: &[ChangeEntry], exported_at: &str) -> String {
    serde_json::to_string(&BackupOut {
        format: BACKUP_FORMAT,
        version: DATA_VERSION,
        exported_at,
        records,
        changes,
    })
    .expect("records always serialise")
}

/// Where in the file a problem is.
#[derive(Clone, Debug, PartialEq)]
pub enum Location {
    Document,
    LineColumn {
        line: usize,
        column: usize,
    },
    /// Zero-based position in the `changes` array.
    Change {
        index: usize,
    },
    Record {
        /// Zero-based position in the `records` array.
        index: usize,
        id: Option<String>,
        field: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum BackupProblem {
    Empty,
    NotJson(String),
    NotABackup,
    ForeignFormat(String),
    MissingPart(&'static str),
    TooNew(u32),
    UnknownVersion(u32),
    /// A record entry that is not a record (wrong or missing parts).
    MalformedRecord(String),
    /// A history entry that is not one, or belongs to no record in the file.
    MalformedChange(String),
    OrphanChange(String),
    DuplicateId(String),
    UnknownModule(String),
    Field(Problem),
}

impl BackupProblem {
    pub fn key(&self) -> &'static str {
        match self {
            BackupProblem::Empty => "backup.err.empty",
            BackupProblem::NotJson(_) => "backup.err.not_json",
            BackupProblem::NotABackup => "backup.err.not_backup",
            BackupProblem::ForeignFormat(_) => "backup.err.foreign",
            BackupProblem::MissingPart(_) => "backup.err.missing_part",
            BackupProblem::TooNew(_) => "backup.err.too_new",
            BackupProblem::UnknownVersion(_) => "backup.err.unknown_version",
            BackupProblem::MalformedRecord(_) => "backup.err.malformed_record",
            BackupProblem::MalformedChange(_) => "backup.err.malformed_change",
            BackupProblem::OrphanChange(_) => "backup.err.orphan_change",
            BackupProblem::DuplicateId(_) => "backup.err.duplicate_id",
            BackupProblem::UnknownModule(_) => "backup.err.unknown_module",
            BackupProblem::Field(p) => p.key(),
        }
    }

    pub fn detail(&self) -> String {
        match self {
            BackupProblem::NotJson(s)
            | BackupProblem::ForeignFormat(s)
            | BackupProblem::MalformedRecord(s)
            | BackupProblem::MalformedChange(s)
            | BackupProblem::OrphanChange(s)
            | BackupProblem::DuplicateId(s)
            | BackupProblem::UnknownModule(s) => s.clone(),
            BackupProblem::MissingPart(s) => s.to_string(),
            BackupProblem::TooNew(v) | BackupProblem::UnknownVersion(v) => v.to_string(),
            BackupProblem::Field(p) => p.detail(),
            BackupProblem::Empty | BackupProblem::NotABackup => String::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct BackupIssue {
    pub location: Location,
    pub problem: BackupProblem,
}

/// All problems found (up to a limit) and how many there were in all.
#[derive(Clone, Debug, PartialEq)]
pub struct BackupError {
    pub issues: Vec<BackupIssue>,
    pub total: usize,
}

impl BackupError {
    fn one(location: Location, problem: BackupProblem) -> Self {
        BackupError {
            issues: vec![BackupIssue { location, problem }],
            total: 1,
        }
    }
}

/// A checked backup, ready to replace the database's records.
#[derive(Debug)]
pub struct ParsedBackup {
    pub records: Vec<Record>,
    pub changes: Vec<ChangeEntry>,
    pub version: u32,
}

/// Parses and checks a whole backup file. Nothing is returned unless every record is
/// well formed, of a known module, unique, and valid against its field definitions
/// with its lookups resolved inside the file.
pub fn parse(text: &str, schema: &Schema) -> Result<ParsedBackup, BackupError> {
    let text = text.trim_start_matches('\u{FEFF}');
    if text.trim().is_empty() {
        return Err(BackupError::one(Location::Document, BackupProblem::Empty));
    }
    let doc: Json = serde_json::from_str(text).map_err(|e| {
        BackupError::one(
            Location::LineColumn {
                line: e.line(),
                column: e.column(),
            },
            BackupProblem::NotJson(e.to_string()),
        )
    })?;
    let Some(obj) = doc.as_object() else {
        return Err(BackupError::one(
            Location::Document,
            BackupProblem::NotABackup,
        ));
    };
    match obj.get("format").and_then(Json::as_str) {
        Some(BACKUP_FORMAT) => {}
        Some(other) => {
            return Err(BackupError::one(
                Location::Document,
                BackupProblem::ForeignFormat(other.to_string()),
            ))
        }
        None => {
            return Err(BackupError::one(
                Location::Document,
                BackupProblem::NotABackup,
            ))
        }
    }
    let version = obj.get("version").and_then(Json::as_u64).ok_or_else(|| {
        BackupError::one(Location::Document, BackupProblem::MissingPart("version"))
    })? as u32;
    let entries = obj.get("records").and_then(Json::as_array).ok_or_else(|| {
        BackupError::one(Location::Document, BackupProblem::MissingPart("records"))
    })?;

    let mut issues = Vec::new();
    let mut records = Vec::with_capacity(entries.len());
    let mut ids = HashSet::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let at = |field: Option<String>| Location::Record {
            index,
            id: entry.get("id").and_then(Json::as_str).map(str::to_string),
            field,
        };
        let migrated = match migrate_record(entry.clone(), version) {
            Ok(doc) => doc,
            // A version problem is the same for every record: report it once.
            Err(MigrateError::TooNew(v)) => {
                return Err(BackupError::one(
                    Location::Document,
                    BackupProblem::TooNew(v),
                ))
            }
            Err(MigrateError::Unknown(v)) => {
                return Err(BackupError::one(
                    Location::Document,
                    BackupProblem::UnknownVersion(v),
                ))
            }
        };
        let record: Record = match serde_json::from_value(migrated) {
            Ok(r) => r,
            Err(e) => {
                issues.push(BackupIssue {
                    location: at(None),
                    problem: BackupProblem::MalformedRecord(e.to_string()),
                });
                continue;
            }
        };
        if schema.module(&record.module).is_none() {
            issues.push(BackupIssue {
                location: at(None),
                problem: BackupProblem::UnknownModule(record.module.clone()),
            });
            continue;
        }
        if !ids.insert(record.id.clone()) {
            issues.push(BackupIssue {
                location: at(None),
                problem: BackupProblem::DuplicateId(record.id.clone()),
            });
            continue;
        }
        records.push((index, record));
    }

    // Field rules are checked against the file's own records, so lookups and
    // uniqueness are judged as they will be once the file replaces the database.
    let mut data = Dataset::new(schema.clone());
    for (_, r) in &records {
        data.upsert(r.clone());
    }
    for (index, record) in &records {
        let module = schema.module(&record.module).expect("checked above");
        let at = |field: String| Location::Record {
            index: *index,
            id: Some(record.id.clone()),
            field: Some(field),
        };
        for e in validate_values(module, &record.values, &record.id, &data) {
            issues.push(BackupIssue {
                location: at(e.field),
                problem: BackupProblem::Field(e.problem),
            });
        }
        if let Some(owner) = &record.owner {
            if !data.user_exists(owner) {
                issues.push(BackupIssue {
                    location: at("owner".into()),
                    problem: BackupProblem::Field(Problem::UnknownUser(owner.clone())),
                });
            }
        }
    }

    // History is optional (older backups have none) but must belong to the file's records.
    let mut changes = Vec::new();
    if let Some(entries) = obj.get("changes").and_then(Json::as_array) {
        for (index, entry) in entries.iter().enumerate() {
            let at = Location::Change { index };
            match serde_json::from_value::<ChangeEntry>(entry.clone()) {
                Ok(c) if ids.contains(&c.record_id) => changes.push(c),
                Ok(c) => issues.push(BackupIssue {
                    location: at,
                    problem: BackupProblem::OrphanChange(c.record_id),
                }),
                Err(e) => issues.push(BackupIssue {
                    location: at,
                    problem: BackupProblem::MalformedChange(e.to_string()),
                }),
            }
        }
    }

    if issues.is_empty() {
        Ok(ParsedBackup {
            records: records.into_iter().map(|(_, r)| r).collect(),
            changes,
            version,
        })
    } else {
        let total = issues.len();
        issues.truncate(MAX_ISSUES);
        Err(BackupError { issues, total })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::record_set::LOCAL_USER;
    use crate::domain::standard_modules::{standard_schema, COMPANIES, CONTACTS};
    use crate::domain::Value;
    use std::collections::BTreeMap;

    fn sample() -> Vec<Record> {
        let company: BTreeMap<String, Value> = [
            ("name".to_string(), Value::Text("شرکت نوآوران پارس".into())),
            ("tags".to_string(), Value::List(vec!["ویژه".into()])),
        ]
        .into();
        let contact: BTreeMap<String, Value> = [
            ("first_name".to_string(), Value::Text("สมชาย".into())),
            ("last_name".to_string(), Value::Text("ใจดี".into())),
            ("company".to_string(), Value::Ref("co-1".into())),
            (
                "emails".to_string(),
                Value::List(vec!["somchai@example.co.th".into()]),
            ),
        ]
        .into();
        vec![
            Record::new(
                "co-1".into(),
                COMPANIES,
                5,
                Some(LOCAL_USER.into()),
                company,
            ),
            Record::new("p-1".into(), CONTACTS, 6, Some(LOCAL_USER.into()), contact),
        ]
    }

    fn history(records: &[Record]) -> Vec<ChangeEntry> {
        records
            .iter()
            .map(|r| ChangeEntry {
                id: format!("h-{}", r.id),
                record_id: r.id.clone(),
                module: r.module.clone(),
                at: r.created_at,
                user: r.owner.clone(),
                revision: 1,
                kind: crate::domain::record::ChangeKind::Created,
                fields: vec![],
            })
            .collect()
    }

    #[test]
    fn history_must_belong_to_a_record_in_the_file() {
        let records = sample();
        let refs: Vec<&Record> = records.iter().collect();
        let mut stray = history(&records);
        stray[0].record_id = "elsewhere".into();
        let err = parse(&export(&refs, &stray, "t"), &standard_schema()).unwrap_err();
        assert_eq!(err.issues[0].location, Location::Change { index: 0 });
        assert_eq!(
            err.issues[0].problem,
            BackupProblem::OrphanChange("elsewhere".into())
        );
    }

    fn first_issue(text: &str) -> BackupIssue {
        parse(text, &standard_schema())
            .unwrap_err()
            .issues
            .remove(0)
    }

    #[test]
    fn round_trip_keeps_records_identical_including_non_latin_text() {
        let records = sample();
        let refs: Vec<&Record> = records.iter().collect();
        let text = export(&refs, &history(&records), "2026-11-22T10:00:00Z");
        assert!(text.contains("شرکت نوآوران پارس"));
        let parsed = parse(&text, &standard_schema()).unwrap();
        assert_eq!(parsed.records, records);
        assert_eq!(parsed.changes, history(&records));
        assert_eq!(parsed.version, DATA_VERSION);
    }

    #[test]
    fn a_byte_order_mark_is_accepted() {
        let records = sample();
        let refs: Vec<&Record> = records.iter().collect();
        let text = format!("\u{FEFF}{}", export(&refs, &[], "t"));
        assert_eq!(parse(&text, &standard_schema()).unwrap().records.len(), 2);
    }

    #[test]
    fn malformed_json_names_line_and_column() {
        let issue = first_issue("{\n  \"format\": \"local-crm-backup\",\n  \"version\": 2,,\n}");
        assert_eq!(
            issue.location,
            Location::LineColumn {
                line: 3,
                column: 16
            }
        );
        assert!(matches!(issue.problem, BackupProblem::NotJson(_)));
        assert_eq!(first_issue("   ").problem, BackupProblem::Empty);
    }

    #[test]
    fn foreign_json_is_refused_as_such() {
        assert_eq!(first_issue("[1,2]").problem, BackupProblem::NotABackup);
        assert_eq!(
            first_issue(r#"{"name":"x"}"#).problem,
            BackupProblem::NotABackup
        );
        assert_eq!(
            first_issue(r#"{"format":"other-app","version":1}"#).problem,
            BackupProblem::ForeignFormat("other-app".into())
        );
        assert_eq!(
            first_issue(r#"{"format":"local-crm-backup","records":[]}"#).problem,
            BackupProblem::MissingPart("version")
        );
        assert_eq!(
            first_issue(r#"{"format":"local-crm-backup","version":99,"records":[{}]}"#).problem,
            BackupProblem::TooNew(99)
        );
    }

    #[test]
    fn invalid_records_are_located_by_index_id_and_field() {
        let mut records = sample();
        records[1]
            .values
            .insert("emails".into(), Value::List(vec!["not-an-email".into()]));
        records[1]
            .values
            .insert("company".into(), Value::Ref("missing".into()));
        let refs: Vec<&Record> = records.iter().collect();
        let err = parse(&export(&refs, &[], "t"), &standard_schema()).unwrap_err();
        assert_eq!(err.total, 2);
        let fields: Vec<_> = err
            .issues
            .iter()
            .map(|i| match &i.location {
                Location::Record { index, id, field } => (*index, id.clone(), field.clone()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert!(fields.contains(&(1, Some("p-1".into()), Some("company".into()))));
        assert!(fields.contains(&(1, Some("p-1".into()), Some("emails".into()))));
    }

    #[test]
    fn duplicate_ids_unknown_modules_and_broken_entries_are_refused() {
        let records = sample();
        let mut json: Json =
            serde_json::from_str(&export(&records.iter().collect::<Vec<_>>(), &[], "t")).unwrap();
        let arr = json["records"].as_array_mut().unwrap();
        arr.push(arr[0].clone());
        arr.push(serde_json::json!({"id": "x", "module": "spaceships", "created_at": 1, "updated_at": 1, "revision": 1}));
        arr.push(serde_json::json!({"id": "y", "module": "contacts"}));
        let err = parse(&json.to_string(), &standard_schema()).unwrap_err();
        let problems: Vec<_> = err.issues.iter().map(|i| i.problem.clone()).collect();
        assert!(problems.contains(&BackupProblem::DuplicateId("co-1".into())));
        assert!(problems.contains(&BackupProblem::UnknownModule("spaceships".into())));
        assert!(problems
            .iter()
            .any(|p| matches!(p, BackupProblem::MalformedRecord(m) if m.contains("created_at"))));
    }

    #[test]
    fn duplicate_unique_values_inside_the_file_are_found() {
        let mut records = sample();
        let mut twin = records[1].clone();
        twin.id = "p-2".into();
        records.push(twin);
        let refs: Vec<&Record> = records.iter().collect();
        let err = parse(&export(&refs, &[], "t"), &standard_schema()).unwrap_err();
        assert_eq!(
            err.issues[0].problem,
            BackupProblem::Field(Problem::NotUnique("somchai@example.co.th".into()))
        );
    }

    #[test]
    fn an_old_backup_is_migrated_on_import() {
        let doc = serde_json::json!({
            "format": BACKUP_FORMAT, "version": 1,
            "records": [{"id": "c", "module": "companies", "created_at": 1, "updated_at": 1,
                         "revision": 1, "values": {"name": {"text": "Acme"}, "tags": {"text": "a, b"}}}]
        });
        let parsed = parse(&doc.to_string(), &standard_schema()).unwrap();
        assert_eq!(
            parsed.records[0].get("tags"),
            Some(&Value::List(vec!["a".into(), "b".into()]))
        );
    }
}
