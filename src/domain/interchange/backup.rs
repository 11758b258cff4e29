//! The JSON backup: one versioned document with every record and this browser's
//! settings. Import checks the whole document before anything is written, and names
//! each problem and where it is.

use std::collections::HashSet;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::domain::interchange::json_outline::{line_column, place_in_document, Member, Outline};
use crate::domain::records::migrate::{migrate_record, MigrateError, DATA_VERSION};
use crate::domain::records::module_def::Schema;
use crate::domain::records::record::{ChangeEntry, Record};
use crate::domain::records::record_set::Dataset;
use crate::domain::records::validate::{validate_values, Lookups, Problem};

/// Marks a file as ours, so a foreign JSON file is told apart from a damaged backup.
pub const BACKUP_FORMAT: &str = "local-crm-backup";
/// At most this many problems are listed; a broken file usually repeats one mistake.
const MAX_ISSUES: usize = 20;

/// Settings kept by the browser rather than in records, carried by the backup so a
/// restore brings them back. The part is optional (older backups have none, and an
/// older app ignores it), so it needs no new data version.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupSettings {
    /// The currency totals are shown in: three capital letters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_currency: Option<String>,
    /// Who uses the browser ("You are"): the local user or a team member in the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_user: Option<String>,
}

/// Whether `code` is a currency code as the settings accept it (EUR, IRR).
pub fn valid_currency(code: &str) -> bool {
    code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase())
}

/// The backup document, written in pieces so a large one can be made a chunk at a
/// time: `export_head`, then `export_items` over the records, `EXPORT_BETWEEN`,
/// `export_items` over the history, and `EXPORT_END`.
pub fn export_head(exported_at: &str, settings: &BackupSettings) -> String {
    format!(
        "{{\"format\":{},\"version\":{DATA_VERSION},\"exported_at\":{},\"settings\":{},\"records\":[",
        Json::from(BACKUP_FORMAT),
        Json::from(exported_at),
        serde_json::to_string(settings).expect("settings always serialise"),
    )
}

/// Records or history entries, comma-separated; `first` is whether they open their list.
pub fn export_items<T: Serialize>(items: &[T], first: bool) -> String {
    let mut out = String::with_capacity(items.len() * 512);
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !first {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(item).expect("records always serialise"));
    }
    out
}

pub const EXPORT_BETWEEN: &str = "],\"changes\":[";
pub const EXPORT_END: &str = "]}";

/// Writes the backup document at once: every record and every record's change
/// history. `exported_at` is an ISO 8601 time supplied by the caller.
pub fn export(records: &[&Record], changes: &[ChangeEntry], exported_at: &str) -> String {
    export_with(records, changes, exported_at, &BackupSettings::default())
}

/// [`export`] with the browser's settings.
pub fn export_with(
    records: &[&Record],
    changes: &[ChangeEntry],
    exported_at: &str,
    settings: &BackupSettings,
) -> String {
    [
        export_head(exported_at, settings),
        export_items(records, true),
        EXPORT_BETWEEN.to_string(),
        export_items(changes, true),
        EXPORT_END.to_string(),
    ]
    .concat()
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
    /// One of the `settings`.
    Setting {
        key: String,
    },
    Record {
        /// Zero-based position in the `records` array.
        index: usize,
        id: Option<String>,
        field: Option<String>,
    },
}

/// What is wrong with a file that is not JSON, in words a user can act on (the
/// parser's own message is English and names parser states).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum JsonFault {
    /// It stops part-way (cut off while downloading or copying).
    EndsEarly,
    /// Something other than JSON is at the place named.
    Unexpected,
}

impl JsonFault {
    fn of_serde(e: &serde_json::Error) -> Self {
        if e.is_eof() {
            JsonFault::EndsEarly
        } else {
            JsonFault::Unexpected
        }
    }

    fn of_outline(message: &str) -> Self {
        if message.starts_with("EOF") {
            JsonFault::EndsEarly
        } else {
            JsonFault::Unexpected
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum BackupProblem {
    Empty,
    NotJson(JsonFault),
    /// The browser could not read the file (its cause).
    Unreadable(String),
    NotABackup,
    ForeignFormat(String),
    MissingPart(&'static str),
    TooNew(u64),
    UnknownVersion(u64),
    /// A setting that is not one, or not valid (its text).
    BadSetting(String),
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
            BackupProblem::NotJson(JsonFault::EndsEarly) => "backup.err.not_json_ends",
            BackupProblem::NotJson(JsonFault::Unexpected) => "backup.err.not_json",
            BackupProblem::Unreadable(_) => "backup.err.unreadable",
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
            BackupProblem::BadSetting(_) => "backup.err.bad_setting",
            BackupProblem::Field(p) => p.key(),
        }
    }

    pub fn detail(&self) -> String {
        match self {
            BackupProblem::Unreadable(s)
            | BackupProblem::ForeignFormat(s)
            | BackupProblem::MalformedRecord(s)
            | BackupProblem::MalformedChange(s)
            | BackupProblem::OrphanChange(s)
            | BackupProblem::DuplicateId(s)
            | BackupProblem::UnknownModule(s)
            | BackupProblem::BadSetting(s) => s.clone(),
            BackupProblem::MissingPart(s) => s.to_string(),
            BackupProblem::TooNew(v) | BackupProblem::UnknownVersion(v) => v.to_string(),
            BackupProblem::Field(p) => p.detail(),
            BackupProblem::Empty | BackupProblem::NotABackup | BackupProblem::NotJson(_) => {
                String::new()
            }
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

/// A checked backup, ready to replace the database's records. Its records are
/// already held in memory sets, which the restore keeps; their search and duplicate
/// keys are still to be built (`Dataset::index_pending`).
#[derive(Debug)]
pub struct ParsedBackup {
    pub data: Dataset,
    /// (position in the file, module, id) of every record, in the file's order.
    order: Vec<(usize, String, String)>,
    pub changes: Vec<ChangeEntry>,
    pub version: u32,
    /// The browser's settings when the backup was made; None in an older backup.
    pub settings: Option<BackupSettings>,
}

impl ParsedBackup {
    /// The records in the file's order.
    pub fn records(&self) -> Vec<&Record> {
        self.order
            .iter()
            .filter_map(|(_, m, id)| self.data.get(m, id))
            .collect()
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

/// Parses and checks a whole backup file at once (see [`BackupCheck`]).
pub fn parse(text: &str, schema: &Schema) -> Result<ParsedBackup, BackupError> {
    let mut check = BackupCheck::new(text.as_bytes().to_vec(), schema.clone());
    while !check.step() {}
    check.finish()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Stage {
    Outline,
    Header,
    Records,
    Validate,
    Changes,
    Finished,
}

/// Bytes of structure scanned, and pieces handled, per step: each step stays well
/// under a frame so the page keeps drawing and taking input between steps.
const SCAN_PER_STEP: usize = 256 * 1024;
const PIECES_PER_STEP: usize = 100;

/// Checks a backup a step at a time. Nothing is accepted unless every record is well
/// formed, of a known module, unique, and valid against its field definitions with
/// its lookups resolved inside the file; every history entry must belong to one.
pub struct BackupCheck {
    bytes: Vec<u8>,
    schema: Schema,
    outline: Outline,
    stage: Stage,
    version: u32,
    records: Vec<Range<usize>>,
    changes_at: Vec<Range<usize>>,
    next: usize,
    ids: HashSet<String>,
    /// History entry ids seen: the store refuses a second entry with one.
    change_ids: HashSet<String>,
    settings: Option<BackupSettings>,
    /// Where each accepted record came from: its position in the file.
    order: Vec<(usize, String, String)>,
    /// Records of modules the file's own user modules may define: placed once
    /// every record is read and the file's schema is known.
    unplaced: Vec<(usize, Record)>,
    data: Dataset,
    changes: Vec<ChangeEntry>,
    issues: Vec<BackupIssue>,
    total: usize,
    /// A problem that ends the check at once (the file is not a readable backup).
    fatal: Option<BackupError>,
}

impl BackupCheck {
    pub fn new(bytes: Vec<u8>, schema: Schema) -> Self {
        let data = Dataset::new(schema.clone());
        BackupCheck {
            bytes,
            schema,
            outline: Outline::new(&["records", "changes"]),
            stage: Stage::Outline,
            version: 0,
            records: Vec::new(),
            changes_at: Vec::new(),
            next: 0,
            ids: HashSet::new(),
            change_ids: HashSet::new(),
            settings: None,
            order: Vec::new(),
            unplaced: Vec::new(),
            data,
            changes: Vec::new(),
            issues: Vec::new(),
            total: 0,
            fatal: None,
        }
    }

    /// How far the check is, 0–100.
    pub fn percent(&self) -> u8 {
        let part = |done: usize, of: usize| {
            if of == 0 {
                1.0
            } else {
                done as f64 / of as f64
            }
        };
        // Rough shares of the time each stage takes.
        let p = match self.stage {
            Stage::Outline => 0.15 * part(self.outline.position(), self.bytes.len()),
            Stage::Header => 0.15,
            Stage::Records => 0.15 + 0.45 * part(self.next, self.records.len()),
            Stage::Validate => 0.6 + 0.3 * part(self.next, self.order.len()),
            Stage::Changes => 0.9 + 0.1 * part(self.next, self.changes_at.len()),
            Stage::Finished => 1.0,
        };
        (p * 100.0).round() as u8
    }

    fn stop(&mut self, location: Location, problem: BackupProblem) {
        self.fatal = Some(BackupError::one(location, problem));
        self.stage = Stage::Finished;
    }

    fn note(&mut self, location: Location, problem: BackupProblem) {
        self.total += 1;
        if self.issues.len() < MAX_ISSUES {
            self.issues.push(BackupIssue { location, problem });
        }
    }

    /// Parses one piece of the file as JSON; a syntax error ends the check, named by
    /// its line and column in the whole file.
    fn piece(&mut self, at: Range<usize>) -> Option<Json> {
        match serde_json::from_slice(&self.bytes[at.clone()]) {
            Ok(v) => Some(v),
            Err(e) => {
                let (line, column) = place_in_document(&self.bytes, at.start, e.line(), e.column());
                self.stop(
                    Location::LineColumn { line, column },
                    BackupProblem::NotJson(JsonFault::of_serde(&e)),
                );
                None
            }
        }
    }

    /// Does the next slice of work. Returns whether the check is finished.
    pub fn step(&mut self) -> bool {
        match self.stage {
            Stage::Outline => self.step_outline(),
            Stage::Header => self.step_header(),
            Stage::Records => self.step_records(),
            Stage::Validate => self.step_validate(),
            Stage::Changes => self.step_changes(),
            Stage::Finished => {}
        }
        self.stage == Stage::Finished
    }

    fn step_outline(&mut self) {
        if self.next == 0 {
            self.next = 1;
            // A byte order mark is not part of the JSON.
            if self.bytes.starts_with("\u{FEFF}".as_bytes()) {
                self.bytes.drain(..3);
            }
            if self.bytes.iter().all(|b| b.is_ascii_whitespace()) {
                return self.stop(Location::Document, BackupProblem::Empty);
            }
        }
        match self.outline.advance(&self.bytes, SCAN_PER_STEP) {
            Ok(false) => {}
            Ok(true) => {
                self.next = 0;
                self.stage = Stage::Header;
            }
            // Valid JSON of another shape is "not a backup"; anything else is not JSON.
            Err(e) if e.message == "not an object" => {
                match serde_json::from_slice::<serde::de::IgnoredAny>(&self.bytes) {
                    Ok(_) => self.stop(Location::Document, BackupProblem::NotABackup),
                    Err(e) => self.stop(
                        Location::LineColumn {
                            line: e.line(),
                            column: e.column(),
                        },
                        BackupProblem::NotJson(JsonFault::of_serde(&e)),
                    ),
                }
            }
            Err(e) => {
                let (line, column) = line_column(&self.bytes, e.offset);
                self.stop(
                    Location::LineColumn { line, column },
                    BackupProblem::NotJson(JsonFault::of_outline(e.message)),
                )
            }
        }
    }

    /// The top-level parts: format, version, and where the records and history are.
    fn step_header(&mut self) {
        let value = |this: &mut Self, key: &str| match this.outline.member(key) {
            Some(Member::Value(at)) => {
                let at = at.clone();
                this.piece(at).map(Some)
            }
            _ => Some(None),
        };
        let Some(format) = value(self, "format") else {
            return;
        };
        match format.as_ref().and_then(Json::as_str) {
            Some(BACKUP_FORMAT) => {}
            Some(other) => {
                let other = other.to_string();
                return self.stop(Location::Document, BackupProblem::ForeignFormat(other));
            }
            None => return self.stop(Location::Document, BackupProblem::NotABackup),
        }
        let Some(version) = value(self, "version") else {
            return;
        };
        let Some(version) = version.as_ref().and_then(Json::as_u64) else {
            return self.stop(Location::Document, BackupProblem::MissingPart("version"));
        };
        // Judged here, whole, before any record: a number past u32 must not wrap
        // round to a version this app knows, and an empty file has no record to judge.
        if version > u64::from(DATA_VERSION) {
            return self.stop(Location::Document, BackupProblem::TooNew(version));
        }
        if version == 0 {
            return self.stop(Location::Document, BackupProblem::UnknownVersion(version));
        }
        self.version = version as u32;
        let Some(settings) = value(self, "settings") else {
            return;
        };
        if let Some(settings) = settings {
            match serde_json::from_value::<BackupSettings>(settings) {
                Ok(s) => {
                    if let Some(code) = s.base_currency.as_ref().filter(|c| !valid_currency(c)) {
                        let problem = BackupProblem::BadSetting(code.clone());
                        let key = "base_currency".to_string();
                        self.note(Location::Setting { key }, problem);
                    }
                    self.settings = Some(s);
                }
                Err(e) => self.note(
                    Location::Setting {
                        key: "settings".into(),
                    },
                    BackupProblem::BadSetting(e.to_string()),
                ),
            }
        }
        match self.outline.take_member("records") {
            Some(Member::Elements(list)) => self.records = list,
            _ => return self.stop(Location::Document, BackupProblem::MissingPart("records")),
        }
        // History is optional: older backups have none.
        if let Some(Member::Elements(list)) = self.outline.take_member("changes") {
            self.changes_at = list;
        }
        self.outline.members.clear();
        self.ids.reserve(self.records.len());
        self.stage = Stage::Records;
    }

    fn step_records(&mut self) {
        let end = (self.next + PIECES_PER_STEP).min(self.records.len());
        while self.next < end {
            let index = self.next;
            self.next += 1;
            let at = self.records[index].clone();
            // A current backup's record reads straight into a record; anything that
            // does not is read again the slow way, which names its problem.
            if self.version == DATA_VERSION {
                if let Ok(record) = serde_json::from_slice::<Record>(&self.bytes[at.clone()]) {
                    self.accept(index, record);
                    continue;
                }
            }
            let Some(entry) = self.piece(at) else {
                return;
            };
            let at = |field: Option<String>| Location::Record {
                index,
                id: entry.get("id").and_then(Json::as_str).map(str::to_string),
                field,
            };
            let location = at(None);
            let migrated = match migrate_record(entry, self.version) {
                Ok(doc) => doc,
                // A version problem is the same for every record: report it once.
                Err(MigrateError::TooNew(v)) => {
                    return self.stop(Location::Document, BackupProblem::TooNew(v.into()))
                }
                Err(MigrateError::Unknown(v)) => {
                    return self.stop(Location::Document, BackupProblem::UnknownVersion(v.into()))
                }
            };
            let record: Record = match serde_json::from_value(migrated) {
                Ok(r) => r,
                Err(e) => {
                    self.note(location, BackupProblem::MalformedRecord(e.to_string()));
                    continue;
                }
            };
            self.accept(index, record);
        }
        if self.next == self.records.len() {
            self.records = Vec::new();
            self.next = 0;
            self.take_files_schema();
            self.stage = Stage::Validate;
        }
    }

    /// The file replaces the database, its user modules and fields with it: its
    /// records are checked against the schema they shape (the standard one with the
    /// file's own definitions), and records of modules it does not define are named.
    fn take_files_schema(&mut self) {
        let schema = crate::domain::modules::custom_schema::schema_of(&self.data);
        if schema != self.schema {
            let gone: Vec<(usize, String, String)> = self
                .order
                .iter()
                .filter(|(_, m, _)| schema.module(m).is_none())
                .cloned()
                .collect();
            for (index, module, id) in gone {
                self.ids.remove(&id);
                let location = Location::Record {
                    index,
                    id: Some(id),
                    field: None,
                };
                self.note(location, BackupProblem::UnknownModule(module));
            }
            self.order.retain(|(_, m, _)| schema.module(m).is_some());
            self.data.replace_schema(schema.clone());
            self.schema = schema;
        }
        for (index, record) in std::mem::take(&mut self.unplaced) {
            if self.schema.module(&record.module).is_none() {
                let location = Location::Record {
                    index,
                    id: Some(record.id.clone()),
                    field: None,
                };
                self.note(location, BackupProblem::UnknownModule(record.module));
            } else {
                self.accept(index, record);
            }
        }
    }

    /// Takes a well-formed record if its module is known and its id is new.
    fn accept(&mut self, index: usize, record: Record) {
        let location = Location::Record {
            index,
            id: Some(record.id.clone()),
            field: None,
        };
        if self.schema.module(&record.module).is_none() {
            self.unplaced.push((index, record));
        } else if !self.ids.insert(record.id.clone()) {
            self.note(location, BackupProblem::DuplicateId(record.id));
        } else {
            self.order
                .push((index, record.module.clone(), record.id.clone()));
            // Lookups, uniqueness and links are indexed at once (the field checks
            // need them); search and duplicate keys wait (`Dataset::index_pending`).
            self.data.upsert_deferred(record);
        }
    }

    /// Field rules are checked against the file's own records, so lookups and
    /// uniqueness are judged as they will be once the file replaces the database.
    fn step_validate(&mut self) {
        let end = (self.next + PIECES_PER_STEP * 5).min(self.order.len());
        let mut found = Vec::new();
        for (index, module, id) in &self.order[self.next..end] {
            let record = self.data.get(module, id).expect("held since decoded");
            let def = self.schema.module(module).expect("checked when decoded");
            let at = |field: String| Location::Record {
                index: *index,
                id: Some(id.clone()),
                field: Some(field),
            };
            for e in validate_values(def, &record.values, id, &self.data) {
                found.push((at(e.field), BackupProblem::Field(e.problem)));
            }
            if let Some(owner) = &record.owner {
                if !self.data.user_exists(owner) {
                    found.push((
                        at("owner".into()),
                        BackupProblem::Field(Problem::UnknownUser(owner.clone())),
                    ));
                }
            }
        }
        for (location, problem) in found {
            self.note(location, problem);
        }
        self.next = end;
        if self.next == self.order.len() {
            self.next = 0;
            self.stage = Stage::Changes;
        }
    }

    fn step_changes(&mut self) {
        let end = (self.next + PIECES_PER_STEP * 2).min(self.changes_at.len());
        while self.next < end {
            let index = self.next;
            self.next += 1;
            let Some(entry) = self.piece(self.changes_at[index].clone()) else {
                return;
            };
            let at = Location::Change { index };
            match serde_json::from_value::<ChangeEntry>(entry) {
                Ok(c) if !self.ids.contains(&c.record_id) => {
                    self.note(at, BackupProblem::OrphanChange(c.record_id))
                }
                // Checked here: the restore would be refused by the store midway.
                Ok(c) if !self.change_ids.insert(c.id.clone()) => {
                    self.note(at, BackupProblem::DuplicateId(c.id))
                }
                Ok(c) => self.changes.push(c),
                Err(e) => self.note(at, BackupProblem::MalformedChange(e.to_string())),
            }
        }
        if self.next == self.changes_at.len() {
            self.change_ids = HashSet::new();
            self.check_current_user();
            self.stage = Stage::Finished;
        }
    }

    /// "You are" must name someone the restored data knows.
    fn check_current_user(&mut self) {
        let user = self.settings.as_ref().and_then(|s| s.current_user.clone());
        if let Some(user) = user.filter(|u| !self.data.user_exists(u)) {
            self.note(
                Location::Setting {
                    key: "current_user".into(),
                },
                BackupProblem::Field(Problem::UnknownUser(user)),
            );
        }
    }

    /// The checked backup, or every problem found (up to a limit) and how many.
    pub fn finish(self) -> Result<ParsedBackup, BackupError> {
        if let Some(fatal) = self.fatal {
            return Err(fatal);
        }
        debug_assert_eq!(self.stage, Stage::Finished);
        if self.total > 0 {
            return Err(BackupError {
                issues: self.issues,
                total: self.total,
            });
        }
        Ok(ParsedBackup {
            data: self.data,
            order: self.order,
            changes: self.changes,
            version: self.version,
            settings: self.settings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::standard_modules::{standard_schema, COMPANIES, CONTACTS};
    use crate::domain::records::record_set::LOCAL_USER;
    use crate::domain::FieldValues;
    use crate::domain::Value;

    fn sample() -> Vec<Record> {
        let company: FieldValues = [
            ("name".to_string(), Value::Text("شرکت نوآوران پارس".into())),
            ("tags".to_string(), Value::List(vec!["ویژه".into()])),
        ]
        .into();
        let contact: FieldValues = [
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
                kind: crate::domain::records::record::ChangeKind::Created,
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
        assert_eq!(parsed.records(), records.iter().collect::<Vec<_>>());
        assert_eq!(parsed.changes, history(&records));
        assert_eq!(parsed.version, DATA_VERSION);
    }

    #[test]
    fn a_byte_order_mark_is_accepted() {
        let records = sample();
        let refs: Vec<&Record> = records.iter().collect();
        let text = format!("\u{FEFF}{}", export(&refs, &[], "t"));
        assert_eq!(parse(&text, &standard_schema()).unwrap().len(), 2);
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
        assert_eq!(issue.problem, BackupProblem::NotJson(JsonFault::Unexpected));
        // A file cut off part-way says so, whichever part it stops in.
        let whole = export(&[], &[], "t");
        for cut in [whole.len() / 3, whole.len() - 2] {
            let issue = first_issue(&whole[..cut]);
            assert_eq!(
                issue.problem,
                BackupProblem::NotJson(JsonFault::EndsEarly),
                "cut at {cut}"
            );
            assert_eq!(issue.problem.detail(), "", "no parser text to show");
        }
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
            .insert("emails", Value::List(vec!["not-an-email".into()]));
        records[1]
            .values
            .insert("company", Value::Ref("missing".into()));
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
    fn a_backup_with_an_amount_date_or_text_beyond_the_limits_is_refused() {
        let mut records = sample();
        records[0].values.insert(
            "annual_revenue",
            Value::Money(Box::new(crate::domain::records::value::Money {
                amount: "79228162514264337593543950335".parse().unwrap(),
                currency: "USD".into(),
            })),
        );
        records[1]
            .values
            .insert("birthday", Value::Date(chrono::NaiveDate::MAX));
        records[1]
            .values
            .insert("description", Value::Text("x".repeat(100_001)));
        let refs: Vec<&Record> = records.iter().collect();
        let err = parse(&export(&refs, &[], "t"), &standard_schema()).unwrap_err();
        let found: Vec<(Option<String>, &str)> = err
            .issues
            .iter()
            .map(|i| match &i.location {
                Location::Record { field, .. } => (field.clone(), i.problem.key()),
                other => panic!("{other:?}"),
            })
            .collect();
        for expected in [
            ("annual_revenue", "problem.amount_too_large"),
            ("birthday", "problem.date_range"),
            ("description", "problem.too_long"),
        ] {
            assert!(
                found.contains(&(Some(expected.0.into()), expected.1)),
                "{expected:?} in {found:?}"
            );
        }
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
    fn a_backup_brings_its_own_modules_and_fields_with_their_records() {
        use crate::domain::records::field::{FieldDef, FieldKind, Label};
        use crate::domain::records::module_def::NavArea;
        use crate::domain::rules::save_plan::plan_save;
        use crate::domain::rules::schema_changes::{plan_add_field, plan_add_module};
        use crate::domain::writes::WriteContext;
        let mut data = Dataset::new(standard_schema());
        let mut n = 0;
        let mut ids = move || {
            n += 1;
            format!("x{n}")
        };
        let mut ctx = WriteContext {
            now: 5,
            zone: crate::domain::records::time_zone::Zone::default(),
            user: crate::domain::records::record_set::LOCAL_USER,
            new_id: &mut ids,
        };
        let (plan, key) =
            plan_add_module(&data, "project", "Projects", NavArea::Work, &mut ctx).unwrap();
        plan.apply_to(&mut data);
        let budget = FieldDef {
            label: Label::Text("Budget".into()),
            ..FieldDef::new("budget", FieldKind::Number)
        };
        plan_add_field(&data, &key, budget, 1, &mut ctx)
            .unwrap()
            .apply_to(&mut data);
        let mut v = crate::domain::records::field_values::FieldValues::new();
        v.insert("name", Value::Text("Roof".into()));
        v.insert("budget", Value::Number(12.0));
        plan_save(&data, &key, None, v, None, &mut ctx)
            .unwrap()
            .write
            .apply_to(&mut data);
        let records: Vec<Record> = data.sets().flat_map(|s| s.records().cloned()).collect();
        let refs: Vec<&Record> = records.iter().collect();
        let text = export(&refs, &history(&records), "t");

        let parsed = parse(&text, &standard_schema()).unwrap();
        let projects = parsed
            .data
            .schema
            .module("projects")
            .expect("the file's module");
        assert!(projects.field("budget").is_some());
        let roof = parsed
            .records()
            .into_iter()
            .find(|r| r.module == "projects")
            .unwrap();
        assert_eq!(roof.get("budget"), Some(&Value::Number(12.0)));

        // Without its definitions, the file's project is named as of an unknown module.
        let kept: Vec<&Record> = records.iter().filter(|r| r.module == "projects").collect();
        let text = export(&kept, &[], "t");
        let refused = parse(&text, &standard_schema()).unwrap_err();
        assert!(refused
            .issues
            .iter()
            .any(|i| i.problem == BackupProblem::UnknownModule("projects".into())));
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
            parsed.records()[0].get("tags"),
            Some(&Value::List(vec!["a".into(), "b".into()]))
        );
    }

    #[test]
    fn a_large_file_is_checked_in_many_small_steps_with_the_same_outcome() {
        let mut records = sample();
        for i in 0..600 {
            let mut r = records[0].clone();
            r.id = format!("co-{}", i + 2);
            r.values.insert("name", Value::Text(format!("Company {i}")));
            records.push(r);
        }
        let refs: Vec<&Record> = records.iter().collect();
        let text = export(&refs, &history(&records), "t");
        let mut check = BackupCheck::new(text.clone().into_bytes(), standard_schema());
        let mut steps = 0;
        let mut last = 0;
        while !check.step() {
            steps += 1;
            assert!(check.percent() >= last, "progress never goes back");
            last = check.percent();
        }
        assert_eq!(check.percent(), 100);
        assert!(steps > 10, "{steps} steps");
        let parsed = check.finish().unwrap();
        assert_eq!(parsed.records(), refs);
        assert_eq!(parsed.changes, history(&records));
        assert_eq!(parsed.data.total(), records.len());
    }

    #[test]
    fn members_may_come_in_any_order_and_unknown_ones_are_ignored() {
        let records = sample();
        let entries = serde_json::to_string(&records).unwrap();
        let text = format!(
            r#"{{"records": {entries}, "note": {{"a": [1, "]"]}}, "version": {DATA_VERSION}, "format": "{BACKUP_FORMAT}"}}"#
        );
        assert_eq!(parse(&text, &standard_schema()).unwrap().len(), 2);
    }

    #[test]
    fn a_syntax_error_inside_a_record_is_placed_in_the_whole_file() {
        let records = sample();
        let refs: Vec<&Record> = records.iter().collect();
        let good = serde_json::to_string_pretty(
            &serde_json::from_str::<Json>(&export(&refs, &[], "t")).unwrap(),
        )
        .unwrap();
        // Break the second record's first value: `"revision": 6` → `"revision": 6x`.
        let at =
            good.match_indices("\"revision\": ").nth(1).unwrap().0 + "\"revision\": ".len() + 1;
        let mut bad = good.clone();
        bad.insert(at, 'x');
        let (line, column) = line_column(bad.as_bytes(), at);
        let issue = first_issue(&bad);
        assert!(
            matches!(issue.problem, BackupProblem::NotJson(_)),
            "{issue:?}"
        );
        assert_eq!(issue.location, Location::LineColumn { line, column });
    }

    #[test]
    fn every_problem_is_counted_but_only_the_first_ones_listed() {
        let mut records = sample();
        for i in 0..30 {
            let mut r = records[1].clone();
            r.id = format!("p-{}", i + 2);
            r.values
                .insert("emails", Value::List(vec![format!("bad{i}")]));
            records.push(r);
        }
        let refs: Vec<&Record> = records.iter().collect();
        let err = parse(&export(&refs, &[], "t"), &standard_schema()).unwrap_err();
        assert_eq!(err.total, 30);
        assert_eq!(err.issues.len(), MAX_ISSUES);
    }

    #[test]
    fn a_backup_written_in_pieces_is_one_well_formed_document() {
        let records = sample();
        let refs: Vec<&Record> = records.iter().collect();
        let changes = history(&records);
        let pieces = [
            export_head("2026-11-25T10:00:00Z", &BackupSettings::default()),
            export_items(&refs[..1], true),
            export_items(&refs[1..], false),
            export_items(&[] as &[&Record], false),
            EXPORT_BETWEEN.to_string(),
            export_items(&changes[..1], true),
            export_items(&changes[1..], false),
            EXPORT_END.to_string(),
        ]
        .concat();
        assert_eq!(pieces, export(&refs, &changes, "2026-11-25T10:00:00Z"));
        let doc: Json = serde_json::from_str(&pieces).unwrap();
        assert_eq!(doc["format"], BACKUP_FORMAT);
        assert_eq!(doc["version"], DATA_VERSION);
        assert_eq!(doc["exported_at"], "2026-11-25T10:00:00Z");
        let parsed = parse(&pieces, &standard_schema()).unwrap();
        assert_eq!(parsed.records(), refs);
        assert_eq!(parsed.changes, changes);
    }

    #[test]
    fn a_repeated_history_entry_id_is_refused_naming_it() {
        let records = sample();
        let refs: Vec<&Record> = records.iter().collect();
        let mut changes = history(&records);
        let mut twin = changes[0].clone();
        twin.record_id = records[1].id.clone();
        changes.push(twin);
        let err = parse(&export(&refs, &changes, "t"), &standard_schema()).unwrap_err();
        assert_eq!(err.total, 1);
        assert_eq!(err.issues[0].location, Location::Change { index: 2 });
        assert_eq!(
            err.issues[0].problem,
            BackupProblem::DuplicateId("h-co-1".into())
        );
    }

    #[test]
    fn a_version_past_u32_or_unknown_is_refused_whole_and_named() {
        let doc = |version: &str, records: &str| {
            format!(r#"{{"format":"{BACKUP_FORMAT}","version":{version},"records":[{records}]}}"#)
        };
        let record = serde_json::to_string(&sample()[0]).unwrap();
        // 2^32 + 2 once wrapped round to 2, the current version.
        assert_eq!(
            first_issue(&doc("4294967298", &record)).problem,
            BackupProblem::TooNew(4_294_967_298)
        );
        assert_eq!(
            first_issue(&doc("99", "")).problem,
            BackupProblem::TooNew(99),
            "an empty backup of a newer version too"
        );
        assert_eq!(
            first_issue(&doc("0", "")).problem,
            BackupProblem::UnknownVersion(0)
        );
        assert_eq!(
            parse(&doc(&DATA_VERSION.to_string(), &record), &standard_schema())
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn settings_are_written_and_read_back_and_an_older_file_without_them_still_reads() {
        let records = sample();
        let refs: Vec<&Record> = records.iter().collect();
        let settings = BackupSettings {
            base_currency: Some("EUR".into()),
            current_user: Some(LOCAL_USER.into()),
        };
        let text = export_with(&refs, &[], "t", &settings);
        let doc: Json = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["settings"]["base_currency"], "EUR");
        let parsed = parse(&text, &standard_schema()).unwrap();
        assert_eq!(parsed.settings, Some(settings));
        assert_eq!(parsed.len(), 2);

        let mut older = doc.clone();
        older.as_object_mut().unwrap().remove("settings");
        let parsed = parse(&older.to_string(), &standard_schema()).unwrap();
        assert_eq!(parsed.settings, None);
        assert_eq!(parsed.len(), 2);
    }

    #[test]
    fn bad_settings_are_refused_by_name() {
        let records = sample();
        let refs: Vec<&Record> = records.iter().collect();
        let bad = BackupSettings {
            base_currency: Some("euro".into()),
            current_user: Some("nobody".into()),
        };
        let err = parse(&export_with(&refs, &[], "t", &bad), &standard_schema()).unwrap_err();
        let found: Vec<_> = err
            .issues
            .iter()
            .map(|i| (i.location.clone(), i.problem.clone()))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    Location::Setting {
                        key: "base_currency".into()
                    },
                    BackupProblem::BadSetting("euro".into())
                ),
                (
                    Location::Setting {
                        key: "current_user".into()
                    },
                    BackupProblem::Field(Problem::UnknownUser("nobody".into()))
                ),
            ]
        );
        let odd = export(&refs, &[], "t")
            .replace("\"settings\":{}", "\"settings\":{\"base_currency\":7}");
        assert!(matches!(
            first_issue(&odd).problem,
            BackupProblem::BadSetting(_)
        ));
    }
}
