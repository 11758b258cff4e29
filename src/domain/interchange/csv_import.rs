//! CSV import for any module, written once over field definitions: reading the file
//! (BOM, comma/semicolon/tab, quoted fields with line breaks, any script), guessing
//! which column holds which field, and checking every row in chunks — so a 100,000-row
//! file never freezes the page — into one plan that is written in one transaction.

use crate::domain::records::field_values::FieldValues;
use std::collections::{HashMap, HashSet};

use crate::domain::interchange::csv_columns::{row_columns, target, Part, FAMILY_NAME, GIVEN_NAME};
use crate::domain::interchange::csv_export::{neutralise, unneutralise};
use crate::domain::modules::import_names;
use crate::domain::records::duplicates::DuplicateIndex;
use crate::domain::records::field::{FieldDef, FieldKind, Label};
use crate::domain::records::input::{parse_input, split_list, FieldInput, ParseContext};
use crate::domain::records::module_def::ModuleDef;
use crate::domain::records::normalize::{company_key, fold};
use crate::domain::records::record::{Record, Timestamp};
use crate::domain::records::record_set::Dataset;
use crate::domain::records::release::Release;
use crate::domain::records::validate::{unique_keys, Lookups, Problem};
use crate::domain::records::value::Value;
use crate::domain::rules::module_rules::RuleSession;
use crate::domain::rules::prepare::{prepare, RuleInput};
use crate::domain::writes::plan::change_entry;
use crate::domain::writes::WritePlan;

/// The most columns a file may have. A file of a million empty columns is 1 MB of
/// commas, yet a table and a mapping page of a million columns exhaust the page; a
/// real export of a module has a few dozen.
pub const MAX_COLUMNS: usize = 500;
/// The largest file read: what the page can hold as text and table at once.
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The row as a spreadsheet numbers it: the header is row 1.
    pub number: usize,
    /// The cells as the file has them (a short row is not padded: a missing cell is
    /// an empty one), at most [`MAX_COLUMNS`].
    pub cells: Vec<String>,
    /// The row has more cells than the header names.
    pub extra_cells: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

impl Release for Table {
    fn release(&mut self, budget: &mut usize) -> bool {
        self.rows.release(budget)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum CsvError {
    NotText,
    Empty,
    NotCsv(String),
    Malformed(String),
    TooManyColumns {
        limit: usize,
        found: usize,
    },
    /// Sizes in bytes.
    TooLarge {
        limit: u64,
        found: u64,
    },
}

impl CsvError {
    pub fn key(&self) -> &'static str {
        match self {
            CsvError::NotText => "csv.err.not_text",
            CsvError::Empty => "csv.err.empty",
            CsvError::NotCsv(_) => "csv.err.not_csv",
            CsvError::Malformed(_) => "csv.err.malformed",
            CsvError::TooManyColumns { .. } => "csv.err.too_many_columns",
            CsvError::TooLarge { .. } => "csv.err.too_large",
        }
    }
    pub fn detail(&self) -> String {
        match self {
            CsvError::NotCsv(s) | CsvError::Malformed(s) => s.clone(),
            _ => String::new(),
        }
    }
}

/// Refuses a file larger than [`MAX_FILE_BYTES`], from its size alone: checked
/// before the file is read into memory.
pub fn check_size(bytes: u64) -> Result<(), CsvError> {
    if bytes > MAX_FILE_BYTES {
        return Err(CsvError::TooLarge {
            limit: MAX_FILE_BYTES,
            found: bytes,
        });
    }
    Ok(())
}

/// Whole megabytes (of 1,024 × 1,024 bytes), rounded up, so a file just over the
/// limit never reads as the limit itself.
pub fn megabytes(bytes: u64) -> u64 {
    bytes.div_ceil(1024 * 1024)
}

/// The separator the first line uses most, outside quotes; comma on a tie.
fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3)
        .max_by_key(|&i| (counts[i], usize::from(i == 0)))
        .unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// Reads a whole file's table at once (see [`TableReader`]).
pub fn read_table(bytes: &[u8]) -> Result<Table, CsvError> {
    let mut reader = TableReader::new(bytes.to_vec())?;
    while !reader.step(usize::MAX)? {}
    Ok(reader.finish())
}

/// Reads a CSV file's rows a step at a time, so a 100,000-row file does not
/// freeze the page while it is read.
pub struct TableReader {
    reader: csv::Reader<std::io::Cursor<Vec<u8>>>,
    headers: Vec<String>,
    rows: Vec<Row>,
    /// Records read after the header, blank ones included (they are numbered too).
    read: usize,
    size: usize,
    done: bool,
}

impl TableReader {
    /// Refuses at once what is not a CSV text file, and reads the header line.
    pub fn new(mut bytes: Vec<u8>) -> Result<Self, CsvError> {
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
        }
        if bytes.contains(&0) {
            return Err(CsvError::NotCsv("binary data".into()));
        }
        let text = std::str::from_utf8(&bytes).map_err(|_| CsvError::NotText)?;
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(CsvError::Empty);
        }
        if let Some(c) = trimmed
            .chars()
            .next()
            .filter(|c| matches!(c, '{' | '[' | '<'))
        {
            let what = if c == '<' { "HTML or XML" } else { "JSON" };
            return Err(CsvError::NotCsv(what.into()));
        }
        let controls = trimmed
            .chars()
            .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            .count();
        if controls * 20 > trimmed.chars().count() {
            return Err(CsvError::NotCsv("binary data".into()));
        }
        let delimiter = sniff_delimiter(text);
        let size = bytes.len();
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(std::io::Cursor::new(bytes));
        let mut first = csv::StringRecord::new();
        let headers = match reader.read_record(&mut first) {
            // Refused before any row is read or a column is set up for it.
            Ok(true) if first.len() > MAX_COLUMNS => {
                return Err(CsvError::TooManyColumns {
                    limit: MAX_COLUMNS,
                    found: first.len(),
                })
            }
            Ok(true) => first
                .iter()
                .map(|s| unneutralise(s).trim().to_string())
                .collect(),
            Ok(false) => return Err(CsvError::Empty),
            Err(e) => return Err(CsvError::Malformed(e.to_string())),
        };
        Ok(TableReader {
            reader,
            headers,
            rows: Vec::new(),
            read: 0,
            size,
            done: false,
        })
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// How much of the file is read: (bytes read, bytes in all).
    pub fn progress(&self) -> (usize, usize) {
        (self.reader.position().byte() as usize, self.size)
    }

    /// Reads up to `max_rows` more rows; returns whether the file is finished.
    pub fn step(&mut self, max_rows: usize) -> Result<bool, CsvError> {
        let mut rec = csv::StringRecord::new();
        let width = self.headers.len();
        for _ in 0..max_rows {
            match self.reader.read_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    break;
                }
                Err(e) => return Err(CsvError::Malformed(e.to_string())),
            }
            // Row numbers count the header line as row 1, as spreadsheets show them.
            self.read += 1;
            let number = self.read + 1;
            let extra_cells = rec.iter().skip(width).any(|c| !c.trim().is_empty());
            // A blank row is nothing to import (cells past the header's are
            // dropped unless they hold something): neither costs memory.
            if !extra_cells && rec.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let keep = if extra_cells { MAX_COLUMNS } else { width };
            let cells: Vec<String> = rec
                .iter()
                .take(keep)
                .map(|c| unneutralise(c).to_string())
                .collect();
            self.rows.push(Row {
                number,
                cells,
                extra_cells,
            });
        }
        Ok(self.done)
    }

    pub fn finish(self) -> Table {
        Table {
            headers: self.headers,
            rows: self.rows,
        }
    }
}

fn header_key(s: &str) -> String {
    fold(s)
        .chars()
        .filter(|c| {
            !matches!(c, ' ' | '_' | '-' | '*' | '.' | '/' | '(' | ')') && !c.is_ascii_digit()
        })
        .collect()
}

/// A linked record's title as a lookup cell is matched to it: folded, and for names
/// like companies' without legal suffixes ("Nordic AB" is "Nordic").
fn title_key(title: &str) -> String {
    let key = company_key(title);
    if key.is_empty() {
        fold(title.trim())
    } else {
        key
    }
}

/// A field that holds several values (emails, phones): several columns may fill it.
fn takes_several(f: &FieldDef) -> bool {
    matches!(
        f.kind,
        FieldKind::Email { multiple: true } | FieldKind::Phone { multiple: true }
    )
}

/// A column a header may be guessed as: the mapping target, whether several columns
/// may fill it, and the headers (as `header_key` gives them) that name it, the
/// strongest first.
struct Candidate {
    target: String,
    several: bool,
    headers: Vec<String>,
}

impl Candidate {
    fn new<S: AsRef<str>>(target: String, several: bool, names: &[S]) -> Self {
        let headers = names.iter().map(|n| header_key(n.as_ref())).collect();
        Candidate {
            target,
            several,
            headers,
        }
    }
}

/// Gives the headers not yet mapped the targets of `pass` they name: where its
/// names are `ranked`, a stronger name first (Outlook's "Job Title" before its
/// "Title", which is a salutation), then the leftmost column (a business address
/// before a home one), then the field defined first. Each target once, unless
/// several columns may fill it.
fn assign(
    pass: &[Candidate],
    ranked: bool,
    keys: &[String],
    out: &mut [Option<String>],
    used: &mut HashSet<String>,
) {
    let mut matches: Vec<(usize, usize, usize)> = Vec::new();
    for (i, h) in keys.iter().enumerate() {
        if out[i].is_some() || h.is_empty() {
            continue;
        }
        for (c, candidate) in pass.iter().enumerate() {
            if let Some(rank) = candidate.headers.iter().position(|n| n == h) {
                matches.push((if ranked { rank } else { 0 }, i, c));
            }
        }
    }
    matches.sort_unstable();
    for (_, i, c) in matches {
        let c = &pass[c];
        if out[i].is_none() && (c.several || !used.contains(&c.target)) {
            used.insert(c.target.clone());
            out[i] = Some(c.target.clone());
        }
    }
}

/// For each header, the field (or part of one, see `csv_columns`) it most likely
/// holds: by key or by the field's label in any language the app speaks (`names`
/// gives them), then a money field's currency or a lookup's id column by the
/// export's header for it ("Amount currency", "Company id") in any language, then a
/// header other tools' exports use for the field (`FieldDef::import_names`, and the
/// currency of a module's one money field), in that order of preference. No target
/// is used twice, except a field that holds several values (Outlook's three email
/// columns all fill a contact's emails). A label that other tools' names list as
/// weaker than a column the file has yields to it ("Unvan" to "İş Unvanı"). Where
/// neither a first nor a last name column is found, a whole-name column ("Name",
/// "ФИО") fills both.
pub fn guess_mapping(
    module: &ModuleDef,
    headers: &[String],
    names: &dyn Fn(&Label) -> Vec<String>,
) -> Vec<Option<String>> {
    let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
    let mut out: Vec<Option<String>> = vec![None; headers.len()];
    let mut used = HashSet::new();
    let fields: Vec<&FieldDef> = module.fields.iter().filter(|f| f.is_typed()).collect();
    let own_names = |f: &FieldDef| -> Vec<String> {
        std::iter::once(f.key.clone())
            .chain(names(&f.label))
            .collect()
    };
    let own: Vec<Candidate> = fields
        .iter()
        .map(|f| Candidate::new(f.key.clone(), takes_several(f), &own_names(f)))
        .collect();
    let parts: Vec<Candidate> = fields
        .iter()
        .flat_map(|f| {
            let field_names = own_names(f);
            Part::of(&f.kind).iter().filter_map(move |p| {
                let templates = names(&Label::key(p.header_key()?));
                let headers: Vec<String> = templates
                    .iter()
                    .flat_map(|t| field_names.iter().map(move |n| t.replace("{field}", n)))
                    .collect();
                Some(Candidate::new(target(&f.key, *p), false, &headers))
            })
        })
        .collect();
    let mut others: Vec<Candidate> = fields
        .iter()
        .map(|f| Candidate::new(f.key.clone(), takes_several(f), &f.import_names))
        .collect();
    // A bare "Currency" can only be the currency of the one money field there is.
    let mut money = fields
        .iter()
        .filter(|f| matches!(f.kind, FieldKind::Currency));
    if let (Some(f), None) = (money.next(), money.next()) {
        let target = target(&f.key, Part::Currency);
        others.push(Candidate::new(target, false, import_names::CURRENCY));
    }
    // A field's own key and label first, then the other tools' names: "Company" is a
    // contact's company even though a company's name is exported as "Company" too.
    // A label is as good as a field's key in any language; other tools' names are
    // listed strongest first.
    let passes = [own, parts, others];
    for (pass, ranked) in passes.iter().zip([false, false, true]) {
        assign(pass, ranked, &keys, &mut out, &mut used);
    }
    yield_to_stronger_names(&passes[2], &keys, &mut out);
    if let Some((i, part)) = whole_name_column(module, &keys, &out, names) {
        out[i] = Some(target(FAMILY_NAME, part));
    }
    out
}

/// Gives a single-valued target held by a header matched in an earlier pass to an
/// unmapped header whose name for it other tools' names rank stronger, where those
/// names list the holder's too: a label word that exports also write for something
/// else yields (Turkish Outlook writes a salutation under "Unvan", the app's label
/// for a job title, beside "İş Unvanı").
fn yield_to_stronger_names(others: &[Candidate], keys: &[String], out: &mut [Option<String>]) {
    for c in others.iter().filter(|c| !c.several) {
        let rank = |i: usize| c.headers.iter().position(|n| *n == keys[i]);
        let Some(held_by) = out.iter().position(|t| t.as_deref() == Some(&c.target)) else {
            continue;
        };
        let Some(held) = rank(held_by) else {
            continue;
        };
        let stronger = (0..keys.len())
            .filter(|&b| out[b].is_none())
            .filter_map(|b| Some((rank(b)?, b)))
            .filter(|(r, _)| *r < held)
            .min();
        if let Some((_, b)) = stronger {
            out[b] = out[held_by].take();
        }
    }
}

/// The column of a person's whole name and the part it is read as, in a module with
/// first and last names and a file with a column for neither: the first header
/// that names a whole name, given names first or family name first (a Russian ФИО).
fn whole_name_column(
    module: &ModuleDef,
    keys: &[String],
    out: &[Option<String>],
    names: &dyn Fn(&Label) -> Vec<String>,
) -> Option<(usize, Part)> {
    let has = |key: &str| module.field(key).is_some_and(|f| !f.system);
    let mapped = |key: &str| out.iter().flatten().any(|t| t == key);
    if !has(GIVEN_NAME) || !has(FAMILY_NAME) || mapped(GIVEN_NAME) || mapped(FAMILY_NAME) {
        return None;
    }
    let headers_of = |part: Part, vendors: &[&str]| -> Vec<String> {
        let own = part.header_key().map(|k| names(&Label::key(k)));
        vendors
            .iter()
            .map(|n| header_key(n))
            .chain(own.into_iter().flatten().map(|n| header_key(&n)))
            .collect()
    };
    let given_first = headers_of(Part::FullName, import_names::FULL_NAME);
    let family_first = headers_of(Part::FamilyFirst, import_names::FAMILY_FIRST_NAME);
    keys.iter().enumerate().find_map(|(i, h)| {
        if out[i].is_some() || h.is_empty() {
            None
        } else if family_first.contains(h) {
            Some((i, Part::FamilyFirst))
        } else if given_first.contains(h) {
            Some((i, Part::FullName))
        } else {
            None
        }
    })
}

/// What an import does with a lookup cell that names no stored record.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum MissingLinks {
    /// The row is refused, naming the record not found.
    Refuse,
    /// The row is imported with the field left empty.
    LeaveEmpty,
    /// The linked record is made (its title from the cell) in the same write: what
    /// HubSpot and Pipedrive do with a company named in a contacts file, so the default.
    #[default]
    Create,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DuplicatePolicy {
    Skip,
    Update,
    Create,
}

/// Finds the record a row duplicates, among stored records and rows accepted earlier.
pub trait DuplicateFinder {
    fn find(&self, values: &FieldValues) -> Option<String>;
    fn add(&mut self, id: &str, values: &FieldValues);
}

impl DuplicateFinder for DuplicateIndex {
    fn find(&self, values: &FieldValues) -> Option<String> {
        self.candidates(values, None)
            .into_iter()
            .next()
            .map(|m| m.id)
    }
    fn add(&mut self, id: &str, values: &FieldValues) {
        DuplicateIndex::add(self, id, values)
    }
}

/// The stored records' duplicate keys, borrowed rather than copied (a copy of
/// 100,000 records' keys takes a third of a second), with the keys of the rows
/// accepted so far on top; a stored record the file updates is judged by its new keys.
pub struct LayeredFinder<'a> {
    pub stored: Option<&'a DuplicateIndex>,
    pub file: &'a mut DuplicateIndex,
}

impl DuplicateFinder for LayeredFinder<'_> {
    fn find(&self, values: &FieldValues) -> Option<String> {
        let mut all = self.file.candidates(values, None);
        if let Some(stored) = self.stored {
            all.extend(
                stored
                    .candidates(values, None)
                    .into_iter()
                    .filter(|m| !self.file.contains(&m.id)),
            );
        }
        // Strongest first, as one index would order them.
        all.into_iter()
            .min_by(|a, b| {
                b.reasons
                    .len()
                    .cmp(&a.reasons.len())
                    .then_with(|| a.id.cmp(&b.id))
            })
            .map(|m| m.id)
    }
    fn add(&mut self, id: &str, values: &FieldValues) {
        self.file.add(id, values)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Reject {
    pub row: usize,
    /// (field key, or "" for the whole row; problem)
    pub problems: Vec<(String, Problem)>,
    pub cells: Vec<String>,
}

#[derive(Debug, Default, Clone)]
pub struct ImportPlan {
    /// Everything the import writes: the new records and updated ones with their
    /// history, and the assignment rules whose turn moved.
    pub write: WritePlan,
    /// How many rows make a new record, and how many stored records they update
    /// (the write also holds the records the rules change besides).
    pub created: usize,
    pub updated: usize,
    /// Linked records the import makes for lookup cells naming none stored
    /// (`MissingLinks::Create`).
    pub linked_created: usize,
    /// (row, the existing record it duplicates)
    pub skipped: Vec<(usize, String)>,
    pub rejects: Vec<Reject>,
}

/// Validation's view: the stored data plus what earlier rows of the file took.
struct WithFile<'a> {
    data: &'a Dataset,
    taken: &'a HashMap<String, HashSet<String>>,
    pending: &'a HashSet<String>,
    module: &'a str,
    /// Linked records the file makes (of other modules).
    linked: &'a HashSet<String>,
}

impl Lookups for WithFile<'_> {
    fn record_exists(&self, module: &str, id: &str) -> bool {
        self.data.record_exists(module, id)
            || (module == self.module && self.pending.contains(id))
            || self.linked.contains(id)
    }
    fn user_exists(&self, id: &str) -> bool {
        self.data.user_exists(id)
    }
    fn unique_taken(&self, module: &str, field: &str, key: &str, except: &str) -> bool {
        self.data.unique_taken(module, field, key, except)
            || (module == self.module && self.taken.get(field).is_some_and(|t| t.contains(key)))
    }
    fn value_of(&self, module: &str, id: &str, field: &str) -> Option<Value> {
        self.data.value_of(module, id, field)
    }
}

pub struct Importer<'a> {
    module: &'a ModuleDef,
    table: &'a Table,
    mapping: Vec<Option<String>>,
    policy: DuplicatePolicy,
    ctx: ParseContext,
    owner: String,
    now: Timestamp,
    zone: crate::domain::records::time_zone::Zone,
    next: usize,
    plan: ImportPlan,
    /// Lookup field → folded title → id (None when two records share the title).
    titles: HashMap<String, HashMap<String, Option<String>>>,
    taken: HashMap<String, HashSet<String>>,
    pending: HashSet<String>,
    pending_at: HashMap<String, usize>,
    /// Stored record id → its place in `plan.write.updates`, so many rows can update it.
    updates_at: HashMap<String, usize>,
    /// The module's rules, read once for the whole file (scoring rules, assignment
    /// turns), exactly as the form applies them.
    rules: RuleSession,
    /// (field, text) set for every row that has no value of its own for the field.
    every_row: Vec<(String, String)>,
    missing: MissingLinks,
    /// Linked records made for the row being checked: (lookup field, title key,
    /// record), written only if the row is.
    row_links: Vec<(String, String, Record)>,
    /// Ids of the linked records the file makes, the row's included.
    linked_ids: HashSet<String>,
    /// Choice field → folded option label (in any language) → the option's value
    /// (None when two options share the label).
    choices: HashMap<String, HashMap<String, Option<String>>>,
}

impl<'a> Importer<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        module: &'a ModuleDef,
        table: &'a Table,
        mapping: Vec<Option<String>>,
        policy: DuplicatePolicy,
        ctx: ParseContext,
        owner: String,
        now: Timestamp,
    ) -> Self {
        let zone = ctx.zone.clone();
        Importer {
            module,
            table,
            mapping,
            policy,
            ctx,
            owner,
            now,
            zone,
            next: 0,
            plan: ImportPlan::default(),
            titles: HashMap::new(),
            taken: HashMap::new(),
            // Sized for every row up front: growing a 100,000-entry set rehashes it
            // all in one step.
            pending: HashSet::with_capacity(table.rows.len()),
            pending_at: HashMap::with_capacity(table.rows.len()),
            updates_at: HashMap::new(),
            rules: RuleSession::default(),
            every_row: Vec::new(),
            missing: MissingLinks::default(),
            row_links: Vec::new(),
            linked_ids: HashSet::new(),
            choices: HashMap::new(),
        }
    }

    /// Reads picklist and multi-select cells by their options' labels too, in every
    /// language `names` gives (an export writes labels in the user's language).
    pub fn read_choice_labels(&mut self, names: &dyn Fn(&Label) -> Vec<String>) {
        for f in &self.module.fields {
            let mut by_label: HashMap<String, Option<String>> = HashMap::new();
            for o in f.kind.options() {
                let mut seen = HashSet::new();
                for n in names(&o.label) {
                    let key = fold(n.trim());
                    if key.is_empty() || !seen.insert(key.clone()) {
                        continue;
                    }
                    by_label
                        .entry(key)
                        .and_modify(|v| *v = None)
                        .or_insert_with(|| Some(o.value.clone()));
                }
            }
            if !by_label.is_empty() {
                self.choices.insert(f.key.clone(), by_label);
            }
        }
    }

    /// The option value a choice cell (or one item of a list) names: by the value in
    /// any case, else by a label; as typed when it names none.
    fn choice(&self, field: &FieldDef, text: &str) -> String {
        let folded = fold(text.trim());
        field
            .kind
            .options()
            .iter()
            .find(|o| fold(&o.value) == folded)
            .map(|o| o.value.clone())
            .or_else(|| self.choices.get(&field.key)?.get(&folded)?.clone())
            .unwrap_or_else(|| text.trim().to_string())
    }

    /// What to do with a lookup cell that names no stored record.
    pub fn set_missing_links(&mut self, policy: MissingLinks) {
        self.missing = policy;
    }

    /// Gives every row `text` for `field` where the row has no value of its own for
    /// it (a file without a Source column, all from one fair), read as a cell is.
    pub fn set_for_every_row(&mut self, field: &str, text: &str) {
        let text = text.trim();
        if !text.is_empty() && self.module.field(field).is_some() {
            self.every_row.retain(|(f, _)| f != field);
            self.every_row.push((field.to_string(), text.to_string()));
        }
    }

    /// A cell's text as `field`'s value: a lookup by id or title, a picklist value in
    /// any case, anything else as the form reads it.
    fn parse_cell(
        &mut self,
        data: &Dataset,
        field: &FieldDef,
        cell: &str,
        new_id: &mut dyn FnMut() -> String,
    ) -> Result<Option<Value>, Problem> {
        match &field.kind {
            FieldKind::Lookup { module, .. } => {
                match self.resolve(data, &field.key, module, cell) {
                    Some(id) => Ok(Some(Value::Ref(id))),
                    None => match self.missing {
                        MissingLinks::Refuse => Err(Problem::MissingRecord(cell.to_string())),
                        MissingLinks::LeaveEmpty => Ok(None),
                        MissingLinks::Create => self
                            .new_link(data, &field.key, module, cell, new_id)
                            .map(|id| Some(Value::Ref(id))),
                    },
                }
            }
            // A choice may be written in any case ("Hot", "HOT") or by its label.
            FieldKind::Picklist { .. } => {
                let input = FieldInput::Text(self.choice(field, cell));
                parse_input(&field.kind, &input, &self.ctx)
            }
            FieldKind::MultiSelect { .. } => {
                let items = split_list(cell)
                    .iter()
                    .map(|i| self.choice(field, i))
                    .collect();
                parse_input(&field.kind, &FieldInput::List(items), &self.ctx)
            }
            kind => parse_input(kind, &FieldInput::Text(cell.to_string()), &self.ctx),
        }
    }

    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.table.rows.len())
    }

    /// A linked record of `target` titled `cell`, made for this row (once per title:
    /// a later cell of the row naming it again gets the same), through the target
    /// module's defaults, rules and validation as a form save would.
    fn new_link(
        &mut self,
        data: &Dataset,
        field: &str,
        target: &str,
        cell: &str,
        new_id: &mut dyn FnMut() -> String,
    ) -> Result<String, Problem> {
        let key = title_key(cell);
        if let Some((_, _, r)) = self
            .row_links
            .iter()
            .find(|(f, k, _)| f == field && *k == key)
        {
            return Ok(r.id.clone());
        }
        let missing = || Problem::MissingRecord(cell.to_string());
        let module = data.schema.module(target).ok_or_else(missing)?;
        let title = module.title_fields.first().ok_or_else(missing)?;
        let mut values = FieldValues::new();
        values.insert(title.clone(), Value::Text(cell.trim().to_string()));
        let input = RuleInput {
            data,
            lookups: data,
            now: self.now,
            zone: self.zone.clone(),
        };
        let prepared = prepare(&input, &mut RuleSession::default(), module, None, values);
        if let Some(e) = prepared.errors.into_iter().next() {
            return Err(e.problem);
        }
        let owner = prepared.owner.unwrap_or_else(|| self.owner.clone());
        let r = Record::new(new_id(), target, self.now, Some(owner), prepared.values);
        let id = r.id.clone();
        self.linked_ids.insert(id.clone());
        self.row_links.push((field.to_string(), key, r));
        Ok(id)
    }

    fn resolve(&mut self, data: &Dataset, field: &str, target: &str, cell: &str) -> Option<String> {
        if data.get(target, cell).is_some() {
            return Some(cell.to_string());
        }
        let index = self.titles.entry(field.to_string()).or_insert_with(|| {
            let mut m: HashMap<String, Option<String>> = HashMap::new();
            if let Some(set) = data.set(target) {
                for r in set.records() {
                    let key = title_key(&set.module.title_of(r));
                    m.entry(key)
                        .and_modify(|v| *v = None)
                        .or_insert_with(|| Some(r.id.clone()));
                }
            }
            m
        });
        index.get(&title_key(cell)).cloned().flatten()
    }

    /// Checks up to `max_rows` more rows; true when every row is done (and the
    /// working sets are freed, a few steps later).
    pub fn step(
        &mut self,
        data: &Dataset,
        finder: &mut dyn DuplicateFinder,
        new_id: &mut dyn FnMut() -> String,
        max_rows: usize,
    ) -> bool {
        let end = (self.next + max_rows).min(self.table.rows.len());
        while self.next < end {
            let row = &self.table.rows[self.next];
            self.next += 1;
            self.row(data, finder, new_id, row);
        }
        if self.next < self.table.rows.len() || max_rows == 0 {
            return false;
        }
        // Once every row is checked, the working sets (entries per row) are freed a
        // slice per step: freeing them all at once would hold the page for a while.
        let budget = &mut max_rows.saturating_mul(10);
        self.taken.release(budget)
            & self.pending_at.release(budget)
            & self.pending.release(budget)
            & self.titles.release(budget)
            & self.updates_at.release(budget)
    }

    fn row(
        &mut self,
        data: &Dataset,
        finder: &mut dyn DuplicateFinder,
        new_id: &mut dyn FnMut() -> String,
        row: &Row,
    ) {
        // Linked records made for a row that was not written go with it.
        for (_, _, r) in std::mem::take(&mut self.row_links) {
            self.linked_ids.remove(&r.id);
        }
        if row.cells.iter().all(|c| c.trim().is_empty()) {
            return;
        }
        let reject = |problems: Vec<(String, Problem)>| Reject {
            row: row.number,
            problems,
            cells: row.cells.clone(),
        };
        if row.extra_cells {
            self.plan.rejects.push(reject(vec![(
                String::new(),
                Problem::Rule("problem.extra_cells"),
            )]));
            return;
        }
        let mut values = FieldValues::new();
        let mut problems = Vec::new();
        // Taken out for the loop, which resolves lookups through `self`.
        let mapping = std::mem::take(&mut self.mapping);
        let columns = row_columns(self.module, &mapping, &row.cells);
        let part_of = |key: &str, part: Part| {
            columns
                .iter()
                .find(|(k, p, _)| *k == key && *p == part)
                .map(|c| c.2)
        };
        let module = self.module;
        // A lookup's id column names the record when it is stored, whatever the title
        // column says; an id not stored leaves the title to find it.
        for f in &module.fields {
            let (FieldKind::Lookup { module: target, .. }, Some(id)) =
                (&f.kind, part_of(&f.key, Part::Id))
            else {
                continue;
            };
            if data.get(target, id).is_some() {
                values.insert(f.key.clone(), Value::Ref(id.to_string()));
            } else if part_of(&f.key, Part::Value).is_none()
                && self.missing != MissingLinks::LeaveEmpty
            {
                problems.push((f.key.clone(), Problem::MissingRecord(id.to_string())));
            }
        }
        for (key, part, cell) in &columns {
            let Some(field) = module.field(key).filter(|_| *part == Part::Value) else {
                continue;
            };
            let key = &field.key;
            if matches!(field.kind, FieldKind::Lookup { .. }) && values.get(key).is_some() {
                continue;
            }
            // The bare amount a spreadsheet keeps as a number, with its currency beside
            // (an amount that names the same currency itself needs it not twice).
            let with_currency;
            let cell = match part_of(key, Part::Currency) {
                Some(code)
                    if matches!(field.kind, FieldKind::Currency)
                        && !cell
                            .split_whitespace()
                            .any(|w| w.eq_ignore_ascii_case(code)) =>
                {
                    with_currency = format!("{cell} {code}");
                    with_currency.as_str()
                }
                _ => cell,
            };
            let parsed = self.parse_cell(data, field, cell, new_id);
            match parsed {
                // A second column of the same several-valued field adds its values.
                Ok(Some(Value::List(more))) if takes_several(field) => {
                    let mut all = match values.get(key) {
                        Some(Value::List(had)) => had.clone(),
                        _ => Vec::new(),
                    };
                    for v in more {
                        if !all.contains(&v) {
                            all.push(v);
                        }
                    }
                    values.insert(key.clone(), Value::List(all));
                }
                Ok(Some(v)) => {
                    values.insert(key.clone(), v);
                }
                Ok(None) => {}
                Err(p) => problems.push((key.clone(), p)),
            }
        }
        self.mapping = mapping;
        for (key, text) in self.every_row.clone() {
            let Some(field) = module.field(&key) else {
                continue;
            };
            if values.get(&key).is_some() || problems.iter().any(|(k, _)| *k == key) {
                continue;
            }
            match self.parse_cell(data, field, &text, new_id) {
                Ok(Some(v)) => {
                    values.insert(key, v);
                }
                Ok(None) => {}
                Err(p) => problems.push((key, p)),
            }
        }
        if !problems.is_empty() {
            self.plan.rejects.push(reject(problems));
            return;
        }
        let duplicate = finder.find(&values);
        let id = match (duplicate, self.policy) {
            (Some(existing), DuplicatePolicy::Skip) => {
                self.plan.skipped.push((row.number, existing));
                return;
            }
            (Some(existing), DuplicatePolicy::Update) => existing,
            _ => String::new(),
        };
        // The record the row updates: one an earlier row of the file made, or a
        // stored one; none for a new record.
        let pending = self.pending_at.get(&id).copied();
        let before: Option<Record> = match pending {
            Some(at) => Some(self.plan.write.inserts[at].clone()),
            None if !id.is_empty() => data.get(&self.module.key, &id).cloned(),
            None => None,
        };
        let merged: FieldValues = match &before {
            Some(b) => {
                let mut v = b.values.clone();
                v.extend(values);
                v
            }
            None => values,
        };
        let lookups = WithFile {
            data,
            taken: &self.taken,
            pending: &self.pending,
            module: &self.module.key,
            linked: &self.linked_ids,
        };
        let input = RuleInput {
            data,
            lookups: &lookups,
            now: self.now,
            zone: self.zone.clone(),
        };
        // A refused row must not move an assignment turn: the rules' state is kept
        // from before the row and put back if the row is refused.
        let kept = self.rules.clone();
        let prepared = prepare(
            &input,
            &mut self.rules,
            self.module,
            before.as_ref(),
            merged,
        );
        let own_id = before.as_ref().map(|b| b.id.clone()).unwrap_or_default();
        let mut errors: Vec<(String, Problem)> = Vec::new();
        for e in prepared.errors {
            // In-file uniqueness also binds a row to the pending record it updates.
            if matches!(e.problem, Problem::NotUnique(_)) && self.pending.contains(&own_id) {
                continue;
            }
            errors.push((e.field, e.problem));
        }
        if !errors.is_empty() {
            self.rules = kept;
            self.plan.rejects.push(reject(errors));
            return;
        }
        let merged = prepared.values;
        for f in self.module.fields.iter().filter(|f| f.unique) {
            if let Some(v) = merged.get(&f.key) {
                self.taken
                    .entry(f.key.clone())
                    .or_default()
                    .extend(unique_keys(&f.kind, v));
            }
        }
        // The row is written: so are the linked records made for it, and later rows
        // naming them find them.
        for (field, key, r) in std::mem::take(&mut self.row_links) {
            self.titles
                .entry(field)
                .or_default()
                .insert(key, Some(r.id.clone()));
            self.plan.linked_created += 1;
            let user = self.owner.clone();
            self.plan.write.insert(r, &user, new_id);
        }
        match (pending, before) {
            (Some(at), _) => self.plan.write.inserts[at].values = merged,
            (None, None) => {
                let owner = prepared.owner.unwrap_or_else(|| self.owner.clone());
                let r = Record::new(new_id(), &self.module.key, self.now, Some(owner), merged);
                finder.add(&r.id, &r.values);
                self.pending.insert(r.id.clone());
                self.pending_at
                    .insert(r.id.clone(), self.plan.write.inserts.len());
                self.plan.created += 1;
                let user = self.owner.clone();
                self.plan.write.insert(r, &user, new_id);
            }
            (None, Some(before)) => match self.updates_at.get(&id) {
                Some(&i) => self.plan.write.updates[i].1.values = merged,
                None => {
                    if let Some(after) = before.revised(merged, before.owner.clone(), self.now) {
                        self.updates_at
                            .insert(id.clone(), self.plan.write.updates.len());
                        self.plan.updated += 1;
                        self.plan.write.updates.push((before, after));
                    }
                }
            },
        }
        // The next occurrence of a completed repeating activity, as the form makes it.
        for follow in prepared.follow_ups {
            let r = Record::new(
                new_id(),
                &self.module.key,
                self.now,
                Some(self.owner.clone()),
                follow,
            );
            let user = self.owner.clone();
            self.plan.write.insert(r, &user, new_id);
        }
    }

    /// The plan: updated records get their history entry now that every row that
    /// changes them is in, and the assignment rules whose turn moved are saved with it.
    pub fn finish(self, data: &Dataset, new_id: &mut dyn FnMut() -> String) -> ImportPlan {
        let mut plan = self.plan;
        let user = self.owner;
        // Unique values and link targets were checked against memory.
        plan.write.needs_current_view = true;
        for (before, after) in &plan.write.updates {
            plan.write
                .changes
                .push(change_entry(new_id(), after, Some(before), &user));
        }
        for (before, after) in self.rules.moved_turns(data, self.now) {
            plan.write.update(before, after, &user, new_id);
        }
        plan
    }
}

/// The rejected rows as CSV (UTF-8 with BOM): the file's columns plus a reason, cells
/// neutralised against spreadsheet formulas.
pub fn rejects_csv(
    table: &Table,
    rejects: &[Reject],
    reason_header: &str,
    reason_of: &dyn Fn(&str, &Problem) -> String,
) -> String {
    // Flexible: a row refused for extra cells is written with all of them.
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    let mut header: Vec<String> = vec!["row".into(), reason_header.to_string()];
    header.extend(table.headers.iter().map(|h| neutralise(h)));
    let _ = w.write_record(&header);
    for r in rejects {
        let reason: Vec<String> = r.problems.iter().map(|(f, p)| reason_of(f, p)).collect();
        let mut line = vec![r.row.to_string(), neutralise(&reason.join("; "))];
        line.extend(r.cells.iter().map(|c| neutralise(c)));
        // Rows are not padded in the table; every line of the file has every column.
        line.resize(line.len().max(header.len()), String::new());
        let _ = w.write_record(&line);
    }
    let bytes = w.into_inner().unwrap_or_default();
    format!("\u{FEFF}{}", String::from_utf8(bytes).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::interchange::csv_export::Prng;
    use crate::domain::modules::lead_module::LEADS;
    use crate::domain::modules::standard_modules::{standard_schema, COMPANIES, CONTACTS};

    /// Imports every row of `file` as new records (duplicates by the module's rule),
    /// ids numbered after `prefix`, owned by "me", at time `now`.
    fn import_new(
        m: &ModuleDef,
        file: &Table,
        mapping: Vec<Option<String>>,
        data: &Dataset,
        now: Timestamp,
        prefix: &str,
    ) -> ImportPlan {
        let mut imp = Importer::new(
            m,
            file,
            mapping,
            DuplicatePolicy::Create,
            ParseContext::default(),
            "me".into(),
            now,
        );
        let mut finder = DuplicateIndex::new(m);
        let mut n = 0;
        let mut ids = move || {
            n += 1;
            format!("{prefix}{n}")
        };
        while !imp.step(data, &mut finder, &mut ids, 10) {}
        imp.finish(data, &mut ids)
    }

    fn table(text: &str) -> Table {
        read_table(text.as_bytes()).unwrap()
    }

    #[test]
    fn reads_bom_delimiters_quotes_line_breaks_and_scripts() {
        let t = table(
            "\u{FEFF}name;city\n\"Acme; Ltd\";\"Oslo\nNorth\"\r\nشرکت پارس;تهران\rВосток;Москва\n",
        );
        assert_eq!(t.headers, vec!["name", "city"]);
        assert_eq!(t.rows[0].cells, vec!["Acme; Ltd", "Oslo\nNorth"]);
        assert_eq!(t.rows[1].cells, vec!["شرکت پارس", "تهران"]);
        assert_eq!(t.rows[2].cells, vec!["Восток", "Москва"]);
        assert_eq!(t.rows[2].number, 4);
        let tabs = table("name\tcity\nบริษัท ไทย\tกรุงเทพ\nÇağrı A.Ş.\tİzmir");
        assert_eq!(tabs.rows[0].cells[0], "บริษัท ไทย");
        assert_eq!(tabs.rows[1].cells, vec!["Çağrı A.Ş.", "İzmir"]);
        let quotes = table("name,note\n\"Say \"\"hi\"\"\",x\n");
        assert_eq!(quotes.rows[0].cells[0], "Say \"hi\"");
    }

    #[test]
    fn a_file_read_a_few_rows_at_a_time_gives_the_same_table() {
        let text: String = std::iter::once("name,city\n".to_string())
            .chain((0..50).map(|i| format!("\"Company {i}\nLtd\",City {i}\r\n")))
            .collect();
        let whole = table(&text);
        let mut reader = TableReader::new(text.clone().into_bytes()).unwrap();
        assert_eq!(reader.headers(), ["name", "city"]);
        let mut steps = 0;
        let mut read = 0;
        while !reader.step(7).unwrap() {
            steps += 1;
            assert!(reader.progress().0 > read, "each step reads on");
            read = reader.progress().0;
        }
        assert_eq!(steps, 7);
        assert_eq!(reader.progress(), (text.len(), text.len()));
        let t = reader.finish();
        assert_eq!(t.rows.len(), 50);
        assert_eq!(t.rows[49].number, 51);
        assert_eq!(t.rows, whole.rows);
    }

    #[test]
    fn ragged_rows_are_kept_short_or_flagged() {
        let t = table("a,b,c\n1\n1,2,3,4\n1,2,3,\n");
        assert_eq!(t.rows[0].cells, vec!["1"], "a short row is not padded");
        assert!(!t.rows[0].extra_cells);
        assert!(t.rows[1].extra_cells);
        assert_eq!(t.rows[1].cells, vec!["1", "2", "3", "4"]);
        assert!(!t.rows[2].extra_cells, "a trailing empty cell is not extra");
        assert_eq!(t.rows[2].cells, vec!["1", "2", "3"]);
    }

    #[test]
    fn blank_rows_cost_nothing_and_later_rows_keep_their_numbers() {
        let t = table("a,b\n,\n  ,\t\nx,y\n");
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].number, 4);
    }

    #[test]
    fn a_file_of_a_million_empty_columns_is_refused_naming_the_limit() {
        let wide = format!("{}\n{}\n", ",".repeat(999_999), ",".repeat(999_999));
        assert_eq!(
            read_table(wide.as_bytes()),
            Err(CsvError::TooManyColumns {
                limit: MAX_COLUMNS,
                found: 1_000_000
            })
        );
        let at_limit = format!("{}\n1\n", vec!["c"; MAX_COLUMNS].join(","));
        assert_eq!(table(&at_limit).headers.len(), MAX_COLUMNS);
        let over = format!("{}\n1\n", vec!["c"; MAX_COLUMNS + 1].join(","));
        assert_eq!(
            read_table(over.as_bytes()),
            Err(CsvError::TooManyColumns {
                limit: MAX_COLUMNS,
                found: MAX_COLUMNS + 1
            })
        );
    }

    #[test]
    fn a_row_of_a_million_cells_is_flagged_and_kept_within_the_limit() {
        let text = format!("a,b\n1,2{}x\n", ",".repeat(1_000_000));
        let t = table(&text);
        assert!(t.rows[0].extra_cells);
        assert_eq!(t.rows[0].cells.len(), MAX_COLUMNS);
        // Empty cells past the header are dropped without a flag.
        let t = table(&format!("a,b\n1,2{}\n", ",".repeat(1_000_000)));
        assert!(!t.rows[0].extra_cells);
        assert_eq!(t.rows[0].cells, vec!["1", "2"]);
    }

    #[test]
    fn a_file_over_the_size_limit_is_refused_from_its_size() {
        assert_eq!(check_size(MAX_FILE_BYTES), Ok(()));
        assert_eq!(
            check_size(MAX_FILE_BYTES + 1),
            Err(CsvError::TooLarge {
                limit: MAX_FILE_BYTES,
                found: MAX_FILE_BYTES + 1
            })
        );
        assert_eq!(megabytes(MAX_FILE_BYTES), 200);
        assert_eq!(megabytes(MAX_FILE_BYTES + 1), 201);
    }

    #[test]
    fn cells_the_export_neutralised_read_back_as_they_were() {
        let t = table("'=name,phone\n'=SUM(A1),'+98 21 1234 5678\n'plain,'-5\n''=x,'@home\n");
        assert_eq!(t.headers, vec!["=name", "phone"]);
        assert_eq!(t.rows[0].cells, vec!["=SUM(A1)", "+98 21 1234 5678"]);
        assert_eq!(
            t.rows[1].cells,
            vec!["'plain", "-5"],
            "a typed apostrophe stays"
        );
        assert_eq!(t.rows[2].cells, vec!["'=x", "@home"]);
    }

    /// Arbitrary bytes, built mostly of what CSV is made of (separators, quotes,
    /// line ends, a BOM, apostrophes, multi-byte and invalid UTF-8, NUL), with now
    /// and then a run of separators around the column limit.
    fn arbitrary_file(rng: &mut Prng) -> Vec<u8> {
        let pieces: [&[u8]; 22] = [
            b",",
            b";",
            b"\t",
            b"\"",
            b"\"\"",
            b"\n",
            b"\r\n",
            b"\r",
            b"'",
            b"=",
            b"+",
            b"a",
            b"1",
            b" ",
            b"\xEF\xBB\xBF",
            "ش".as_bytes(),
            "ไทย".as_bytes(),
            b"\xff",
            b"\xC3",
            b"\0",
            b"{",
            b"<",
        ];
        let mut out = Vec::new();
        if rng.below(10) == 0 {
            let sep = rng.pick(&[",", ";", "\t"]);
            let n = MAX_COLUMNS - 2 + rng.below(5);
            out.extend(sep.repeat(n).into_bytes());
            out.push(b'\n');
        }
        // Most files are text; one in four may hold anything.
        let usable = if rng.below(4) == 0 { pieces.len() } else { 17 };
        for _ in 0..rng.below(120) {
            out.extend_from_slice(pieces[rng.below(usable)]);
        }
        out
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_give_a_table_within_the_limits_or_a_named_error() {
        let mut rng = Prng(0x2545_F491_4F6C_DD1D);
        let mut tables = 0;
        for case in 0..5_000 {
            let bytes = arbitrary_file(&mut rng);
            let whole = read_table(&bytes);
            match &whole {
                Ok(t) => {
                    tables += 1;
                    assert!(t.headers.len() <= MAX_COLUMNS, "case {case}");
                    let mut last = 1;
                    for r in &t.rows {
                        assert!(r.cells.len() <= MAX_COLUMNS, "case {case}");
                        assert!(r.extra_cells || r.cells.len() <= t.headers.len());
                        assert!(r.number > last, "case {case}: rows numbered in order");
                        last = r.number;
                    }
                }
                Err(e) => assert!(e.key().starts_with("csv.err."), "case {case}: {e:?}"),
            }
            // Read a row at a time, the same file gives the same outcome.
            let stepped = TableReader::new(bytes.clone()).and_then(|mut r| {
                while !r.step(1)? {}
                Ok(r.finish())
            });
            assert_eq!(stepped, whole, "case {case}");
        }
        assert!(tables > 1_500, "only {tables} of the files read as tables");
    }

    #[test]
    fn contacts_exported_to_csv_import_back_with_the_same_values() {
        use crate::domain::interchange::csv_export::export;
        let schema = standard_schema();
        let mut d = Dataset::new(schema.clone());
        let t = |s: &str| Value::Text(s.into());
        let people: [(&str, &str, &str, &str); 3] = [
            ("p1", "Rahimi", "+98 21 1234 5678", "=SUM(A1)"),
            ("p2", "-5", "+47 555 0100", "@home"),
            ("p3", "'quoted", "0098 21 555", "-minus and 'apostrophe'"),
        ];
        for (id, last, phone, note) in people {
            let v: FieldValues = [
                ("last_name".to_string(), t(last)),
                ("phones".to_string(), Value::List(vec![phone.into()])),
                ("job_title".to_string(), t("@home")),
                ("description".to_string(), t(note)),
            ]
            .into();
            d.upsert(Record::new(id.into(), CONTACTS, 1, None, v));
        }
        let m = schema.module(CONTACTS).unwrap();
        let words = |l: &Label| english(l).concat();
        let opts = crate::domain::interchange::csv_export::ExportOptions {
            label: &words,
            values_as_keys: false,
            trails: false,
            zone: crate::domain::records::time_zone::Zone::default(),
        };
        let set = d.set(CONTACTS).unwrap();
        let text = export(&d, CONTACTS, &set.search(""), &opts);
        assert!(text.contains("'+98 21 1234 5678") && text.contains("'=SUM(A1)"));

        let file = read_table(text.as_bytes()).unwrap();
        let mapping = guess_mapping(m, &file.headers, &english);
        let plan = import_new(m, &file, mapping, &Dataset::new(schema.clone()), 2, "n");
        assert!(plan.rejects.is_empty(), "{:?}", plan.rejects);
        let mut back: Vec<_> = plan
            .write
            .inserts
            .iter()
            .map(|r| {
                (
                    r.get("last_name").cloned(),
                    r.get("phones").cloned(),
                    r.get("job_title").cloned(),
                    r.get("description").cloned(),
                )
            })
            .collect();
        back.sort_by_key(|b| format!("{:?}", b.1));
        let mut want: Vec<_> = people
            .iter()
            .map(|(_, last, phone, note)| {
                (
                    Some(t(last)),
                    Some(Value::List(vec![phone.to_string()])),
                    Some(t("@home")),
                    Some(t(note)),
                )
            })
            .collect();
        want.sort_by_key(|b| format!("{:?}", b.1));
        assert_eq!(back, want);
    }

    #[test]
    fn files_that_are_not_csv_are_refused() {
        assert_eq!(
            read_table(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err(CsvError::NotCsv("binary data".into()))
        );
        assert_eq!(
            read_table(&[0xff, 0xfe, 0x41, 0x42]),
            Err(CsvError::NotText)
        );
        assert_eq!(read_table(b"  \n "), Err(CsvError::Empty));
        assert!(matches!(
            read_table(b"{\"records\": []}"),
            Err(CsvError::NotCsv(_))
        ));
        assert!(matches!(
            read_table(b"<html><body>x</body></html>"),
            Err(CsvError::NotCsv(_))
        ));
    }

    /// The headers as `names` gives English labels for every field.
    fn english(l: &Label) -> Vec<String> {
        match l {
            Label::Key(k) => vec![crate::i18n::t(crate::i18n::Locale::En, k)],
            Label::Text(t) => vec![t.clone()],
        }
    }

    fn mapped(module: &str, headers: &[&str]) -> Vec<(String, String)> {
        let schema = standard_schema();
        let m = schema.module(module).unwrap();
        let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let mapping = guess_mapping(m, &headers, &english);
        headers
            .into_iter()
            .zip(mapping)
            .filter_map(|(h, f)| Some((h, f?)))
            .collect()
    }

    fn field_of<'a>(found: &'a [(String, String)], header: &str) -> Option<&'a str> {
        found
            .iter()
            .find(|(h, _)| h == header)
            .map(|(_, f)| f.as_str())
    }

    #[test]
    fn a_spreadsheet_with_its_own_short_headers_maps_too() {
        let found = mapped(CONTACTS, &["Full name", "Mail", "Tel", "Firm", "Remarks"]);
        assert_eq!(field_of(&found, "Full name"), Some("last_name#full_name"));
        assert_eq!(field_of(&found, "Mail"), Some("emails"));
        assert_eq!(field_of(&found, "Tel"), Some("phones"));
        assert_eq!(field_of(&found, "Firm"), Some("company"));
        assert_eq!(field_of(&found, "Remarks"), Some("description"));
    }

    #[test]
    fn an_outlook_contacts_export_maps_its_names_emails_phones_company_and_address() {
        // Outlook's own header row (File → Export → Contacts, CSV).
        let outlook = [
            "First Name",
            "Middle Name",
            "Last Name",
            "Title",
            "Suffix",
            "Nickname",
            "Given Yomi",
            "Surname Yomi",
            "E-mail Address",
            "E-mail 2 Address",
            "E-mail 3 Address",
            "Home Phone",
            "Home Phone 2",
            "Business Phone",
            "Business Phone 2",
            "Mobile Phone",
            "Car Phone",
            "Other Phone",
            "Primary Phone",
            "Pager",
            "Business Fax",
            "Home Fax",
            "Other Fax",
            "Company Main Phone",
            "Callback",
            "Radio Phone",
            "Telex",
            "TTY/TDD Phone",
            "IMAddress",
            "Job Title",
            "Department",
            "Company",
            "Office Location",
            "Manager's Name",
            "Assistant's Name",
            "Assistant's Phone",
            "Company Yomi",
            "Business Street",
            "Business City",
            "Business State",
            "Business Postal Code",
            "Business Country/Region",
            "Home Street",
            "Home City",
            "Home State",
            "Home Postal Code",
            "Home Country/Region",
            "Other Street",
            "Other City",
            "Other State",
            "Other Postal Code",
            "Other Country/Region",
            "Personal Web Page",
            "Spouse",
            "Schools",
            "Hobby",
            "Location",
            "Web Page",
            "Birthday",
            "Anniversary",
            "Notes",
        ];
        let found = mapped(CONTACTS, &outlook);
        for (header, field) in [
            ("First Name", "first_name"),
            ("Last Name", "last_name"),
            ("E-mail Address", "emails"),
            ("E-mail 2 Address", "emails"),
            ("E-mail 3 Address", "emails"),
            ("Business Phone", "phones"),
            ("Mobile Phone", "phones"),
            ("Home Phone", "phones"),
            ("Job Title", "job_title"),
            ("Company", "company"),
            ("Business Street", "street"),
            ("Business City", "city"),
            ("Business State", "region"),
            ("Business Postal Code", "postal_code"),
            ("Business Country/Region", "country"),
            ("Birthday", "birthday"),
            ("Notes", "description"),
        ] {
            assert_eq!(field_of(&found, header), Some(field), "{header}");
        }
        // A person's title (Mr, Dr) is not their job, and the home address does not
        // overwrite the business one.
        for header in [
            "Title",
            "Home Street",
            "Home City",
            "Surname Yomi",
            "Business Fax",
        ] {
            assert_eq!(field_of(&found, header), None, "{header}");
        }
    }

    #[test]
    fn google_hubspot_and_pipedrive_exports_map_too() {
        let google = [
            "First Name",
            "Middle Name",
            "Last Name",
            "Phonetic First Name",
            "Name Prefix",
            "Nickname",
            "File As",
            "Organization Name",
            "Organization Title",
            "Organization Department",
            "Birthday",
            "Notes",
            "Photo",
            "Labels",
            "E-mail 1 - Label",
            "E-mail 1 - Value",
            "E-mail 2 - Label",
            "E-mail 2 - Value",
            "Phone 1 - Label",
            "Phone 1 - Value",
            "Phone 2 - Label",
            "Phone 2 - Value",
            "Address 1 - Label",
            "Address 1 - Formatted",
            "Address 1 - Street",
            "Address 1 - City",
            "Address 1 - PO Box",
            "Address 1 - Region",
            "Address 1 - Postal Code",
            "Address 1 - Country",
            "Website 1 - Label",
            "Website 1 - Value",
        ];
        let found = mapped(CONTACTS, &google);
        for (header, field) in [
            ("Organization Name", "company"),
            ("Organization Title", "job_title"),
            ("E-mail 1 - Value", "emails"),
            ("E-mail 2 - Value", "emails"),
            ("Phone 1 - Value", "phones"),
            ("Phone 2 - Value", "phones"),
            ("Address 1 - Street", "street"),
            ("Address 1 - Postal Code", "postal_code"),
            ("Address 1 - Country", "country"),
        ] {
            assert_eq!(field_of(&found, header), Some(field), "Google {header}");
        }
        for header in ["E-mail 1 - Label", "Phone 1 - Label", "Phonetic First Name"] {
            assert_eq!(field_of(&found, header), None, "Google {header}");
        }

        let hubspot = [
            "Record ID",
            "First Name",
            "Last Name",
            "Email",
            "Phone Number",
            "Company Name",
            "Job Title",
            "Contact owner",
            "Create Date",
            "City",
            "State/Region",
            "Country/Region",
            "Postal Code",
            "Street Address",
            "Website URL",
            "Mobile Phone Number",
        ];
        let found = mapped(LEADS, &hubspot);
        for (header, field) in [
            ("Email", "emails"),
            ("Phone Number", "phones"),
            ("Mobile Phone Number", "phones"),
            ("Company Name", "company_name"),
            ("Job Title", "job_title"),
            ("Website URL", "website"),
        ] {
            assert_eq!(field_of(&found, header), Some(field), "HubSpot {header}");
        }

        let pipedrive = [
            "Person - Name",
            "Person - First name",
            "Person - Last name",
            "Person - Organization",
            "Person - Email - Work",
            "Person - Email - Home",
            "Person - Phone - Work",
            "Person - Phone - Mobile",
            "Person - Job title",
        ];
        let found = mapped(CONTACTS, &pipedrive);
        for (header, field) in [
            ("Person - First name", "first_name"),
            ("Person - Last name", "last_name"),
            ("Person - Organization", "company"),
            ("Person - Email - Work", "emails"),
            ("Person - Email - Home", "emails"),
            ("Person - Phone - Mobile", "phones"),
            ("Person - Job title", "job_title"),
        ] {
            assert_eq!(field_of(&found, header), Some(field), "Pipedrive {header}");
        }
    }

    #[test]
    fn a_leads_file_with_email_and_phone_columns_fills_both_and_several_columns_add_up() {
        let schema = standard_schema();
        let m = schema.module(LEADS).unwrap();
        let file = read_table(
            "First name;Last name;Email;Email 2;Phone;Company\nAnn;Berg;ann@x.example;ann@home.example;+46 8 123 45;Berg AB\n"
                .as_bytes(),
        )
        .unwrap();
        let mapping = guess_mapping(m, &file.headers, &english);
        assert_eq!(mapping[2].as_deref(), Some("emails"));
        assert_eq!(mapping[3].as_deref(), Some("emails"));
        assert_eq!(mapping[4].as_deref(), Some("phones"));
        let plan = import_new(m, &file, mapping, &Dataset::new(schema.clone()), 3, "l");
        assert!(plan.rejects.is_empty(), "{:?}", plan.rejects);
        let lead = &plan.write.inserts[0];
        assert_eq!(
            lead.get("emails"),
            Some(&Value::List(vec![
                "ann@x.example".into(),
                "ann@home.example".into()
            ]))
        );
        assert!(matches!(lead.get("phones"), Some(Value::List(p)) if p.len() == 1));
        assert_eq!(
            lead.get("company_name"),
            Some(&Value::Text("Berg AB".into()))
        );
    }

    #[test]
    fn a_value_set_for_every_row_fills_rows_without_their_own() {
        let schema = standard_schema();
        let m = schema.module(LEADS).unwrap();
        // No Status or Source column, one row with a rating of its own.
        let file = read_table("First name;Last name;Rating\nAnn;Berg;\nOla;Lund;Hot\n".as_bytes())
            .unwrap();
        let mapping = guess_mapping(m, &file.headers, &english);
        let data = Dataset::new(schema.clone());
        let run = |every: &[(&str, &str)]| {
            let mut imp = Importer::new(
                m,
                &file,
                mapping.clone(),
                DuplicatePolicy::Create,
                ParseContext::default(),
                "u".into(),
                3,
            );
            for (f, v) in every {
                imp.set_for_every_row(f, v);
            }
            let mut finder = DuplicateIndex::new(m);
            let mut n = 0;
            let mut ids = move || {
                n += 1;
                format!("l{n}")
            };
            while !imp.step(&data, &mut finder, &mut ids, 10) {}
            imp.finish(&data, &mut ids)
        };
        let plan = run(&[("source", "Event"), ("rating", "warm")]);
        assert!(plan.rejects.is_empty(), "{:?}", plan.rejects);
        let got: Vec<_> = plan
            .write
            .inserts
            .iter()
            .map(|r| (r.get("source").cloned(), r.get("rating").cloned()))
            .collect();
        let text = |s: &str| Some(Value::Text(s.into()));
        assert_eq!(
            got,
            vec![(text("event"), text("warm")), (text("event"), text("hot"))],
            "the row's own rating stands"
        );
        // A value the field cannot take refuses the rows, naming the field.
        let plan = run(&[("rating", "lukewarm")]);
        assert_eq!(plan.rejects.len(), 1, "only the row without its own rating");
        assert!(plan
            .write
            .inserts
            .iter()
            .all(|r| r.get("rating") == text("hot").as_ref()));
    }

    #[test]
    fn a_company_named_but_not_stored_is_refused_left_empty_or_made_once_as_chosen() {
        let schema = standard_schema();
        let m = schema.module(CONTACTS).unwrap();
        let mut data = Dataset::new(schema.clone());
        let acme: FieldValues = [("name".to_string(), Value::Text("Acme".into()))].into();
        data.upsert(Record::new("c-acme".into(), COMPANIES, 1, None, acme));
        // "Nordic AB" twice (once as "nordic"), a stored one with a legal suffix, and a
        // refused row (no last name) naming a company of its own.
        let file = read_table(
            "First name,Last name,Company\nAnn,Berg,Nordic AB\nOla,Lund,nordic\nEva,Ek,Acme Ltd.\nNo,,Ghost Oy\n"
                .as_bytes(),
        )
        .unwrap();
        let mapping = guess_mapping(m, &file.headers, &english);
        let run = |policy: MissingLinks| {
            let mut imp = Importer::new(
                m,
                &file,
                mapping.clone(),
                DuplicatePolicy::Create,
                ParseContext::default(),
                "u".into(),
                3,
            );
            imp.set_missing_links(policy);
            let mut finder = DuplicateIndex::new(m);
            let mut n = 0;
            let mut ids = move || {
                n += 1;
                format!("id{n}")
            };
            while !imp.step(&data, &mut finder, &mut ids, 10) {}
            imp.finish(&data, &mut ids)
        };
        let company_of = |plan: &ImportPlan, first: &str| {
            plan.write
                .inserts
                .iter()
                .find(|r| r.get("first_name") == Some(&Value::Text(first.into())))
                .and_then(|r| r.get("company").cloned())
        };

        let refused = run(MissingLinks::Refuse);
        assert_eq!(refused.created, 1, "only the row of a stored company");
        assert_eq!(
            company_of(&refused, "Eva"),
            Some(Value::Ref("c-acme".into()))
        );
        assert_eq!(refused.rejects.len(), 3);

        let empty = run(MissingLinks::LeaveEmpty);
        assert_eq!((empty.created, empty.linked_created), (3, 0));
        assert_eq!(company_of(&empty, "Ann"), None);

        let made = run(MissingLinks::Create);
        assert_eq!(
            (made.created, made.linked_created),
            (3, 1),
            "{:?}",
            made.rejects
        );
        let new: Vec<&Record> = made
            .write
            .inserts
            .iter()
            .filter(|r| r.module == COMPANIES)
            .collect();
        assert_eq!(
            new.len(),
            1,
            "Nordic AB made once, no Ghost Oy for a refused row"
        );
        assert_eq!(new[0].get("name"), Some(&Value::Text("Nordic AB".into())));
        let nordic = Some(Value::Ref(new[0].id.clone()));
        assert_eq!(company_of(&made, "Ann"), nordic);
        assert_eq!(company_of(&made, "Ola"), nordic, "the same company, folded");
        assert_eq!(company_of(&made, "Eva"), Some(Value::Ref("c-acme".into())));
        // The made company has its own history entry, in the same write.
        assert!(made.write.changes.iter().any(|c| c.record_id == new[0].id));
        assert_eq!(made.rejects.len(), 1);
    }

    #[test]
    fn headers_map_by_key_or_translated_label() {
        let schema = standard_schema();
        let contacts = schema.module(CONTACTS).unwrap();
        let names = |l: &Label| match l {
            Label::Key(k) if k == "field.last_name" => {
                vec!["Last name".to_string(), "نام خانوادگی".to_string()]
            }
            Label::Key(k) if k == "field.emails" => vec!["Emails".to_string()],
            _ => vec![],
        };
        let headers: Vec<String> = [
            "نام خانوادگی",
            "first_name",
            "E-mails",
            "Shoe size",
            "Last name",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            guess_mapping(contacts, &headers, &names),
            vec![
                Some("last_name".into()),
                Some("first_name".into()),
                Some("emails".into()),
                None,
                None
            ]
        );
    }

    /// The (first name, last name) of each record `plan` inserts, in row order.
    fn names_of(plan: &ImportPlan) -> Vec<(Option<String>, Option<String>)> {
        let text = |r: &Record, f: &str| match r.get(f) {
            Some(Value::Text(t)) => Some(t.clone()),
            _ => None,
        };
        plan.write
            .inserts
            .iter()
            .map(|r| (text(r, "first_name"), text(r, "last_name")))
            .collect()
    }

    fn some(first: &str, last: &str) -> (Option<String>, Option<String>) {
        let given = (!first.is_empty()).then(|| first.to_string());
        (given, Some(last.to_string()))
    }

    #[test]
    fn a_whole_name_column_fills_the_first_and_last_name_through_the_plan() {
        let data = sales_data();
        let text = "Name,Email\n\
            Ann Berg,ann@x.example\n\
            \"Berg, Eva\",eva@x.example\n\
            Mary Ann Lund,mary@x.example\n\
            Ludwig van Beethoven,lvb@x.example\n\
            Cher,cher@x.example\n\
            ,nobody@x.example\n";
        let plan = import_text(CONTACTS, text, &data, ParseContext::default());
        assert_eq!(
            names_of(&plan),
            vec![
                some("Ann", "Berg"),
                some("Eva", "Berg"),
                some("Mary Ann", "Lund"),
                some("Ludwig", "van Beethoven"),
                some("", "Cher"),
            ]
        );
        // A row without a name is refused as a form without a last name is.
        assert_eq!(plan.rejects.len(), 1);
        assert_eq!(plan.rejects[0].row, 7);
        assert!(matches!(
            plan.rejects[0].problems[..],
            [(ref f, Problem::Required)] if f == "last_name"
        ));
    }

    #[test]
    fn a_fio_column_is_read_family_name_first_and_an_imya_column_is_a_first_name() {
        let data = sales_data();
        let text = "ФИО,Телефон\nИванов Иван Иванович,+7 900 123 45 67\n";
        let plan = import_text(LEADS, text, &data, ParseContext::default());
        assert!(plan.rejects.is_empty(), "{:?}", plan.rejects);
        assert_eq!(names_of(&plan), vec![some("Иван Иванович", "Иванов")]);
        let text = "Имя,Фамилия\nАнна Мария,Петрова\n";
        let plan = import_text(LEADS, text, &data, ParseContext::default());
        assert_eq!(names_of(&plan), vec![some("Анна Мария", "Петрова")]);
    }

    #[test]
    fn a_whole_name_column_is_left_alone_beside_a_first_or_last_name_column() {
        let schema = standard_schema();
        let contacts = schema.module(CONTACTS).unwrap();
        let guess = |headers: &[&str]| {
            let headers: Vec<String> = headers.iter().map(|s| s.to_string()).collect();
            guess_mapping(contacts, &headers, &every_language)
        };
        let some = |t: &str| Some(t.to_string());
        assert_eq!(guess(&["Name", "Last name"]), vec![None, some("last_name")]);
        assert_eq!(
            guess(&["First name", "Full name"]),
            vec![some("first_name"), None]
        );
        assert_eq!(
            guess(&["Name", "Full name"]),
            vec![some("last_name#full_name"), None],
            "one whole-name column"
        );
        // A company has no first and last name to split into.
        let companies = schema.module(COMPANIES).unwrap();
        let mapping = guess_mapping(companies, &["Name".to_string()], &every_language);
        assert_eq!(mapping, vec![Some("name".to_string())]);
    }

    struct ByEmail(Vec<(String, String)>);
    impl DuplicateFinder for ByEmail {
        fn find(&self, v: &FieldValues) -> Option<String> {
            let Some(Value::List(e)) = v.get("emails") else {
                return None;
            };
            self.0
                .iter()
                .find(|(k, _)| e.iter().any(|x| fold(x) == *k))
                .map(|(_, id)| id.clone())
        }
        fn add(&mut self, id: &str, v: &FieldValues) {
            if let Some(Value::List(e)) = v.get("emails") {
                for x in e {
                    self.0.push((fold(x), id.to_string()));
                }
            }
        }
    }

    fn dataset() -> Dataset {
        let mut d = Dataset::new(standard_schema());
        d.upsert(Record::new(
            "acme".into(),
            COMPANIES,
            1,
            None,
            [("name".to_string(), Value::Text("Acme".into()))].into(),
        ));
        let v: FieldValues = [
            ("last_name".to_string(), Value::Text("Old".into())),
            (
                "emails".to_string(),
                Value::List(vec!["old@x.example".into()]),
            ),
        ]
        .into();
        d.upsert(Record::new("p-old".into(), CONTACTS, 1, None, v));
        d
    }

    const FILE: &str = "last_name,emails,company,birthday\n\
        Berg,anna@x.example,acme,\n\
        Ng,ng@x.example,ACME,not a date\n\
        ,nobody@x.example,,\n\
        Berg2,ANNA@x.example,,\n\
        Olsen,old@x.example,Unknown Co,\n\
        Old,old@x.example,,1980-02-03\n";

    fn run(policy: DuplicatePolicy, chunk: usize) -> ImportPlan {
        let d = dataset();
        let schema = standard_schema();
        let m = schema.module(CONTACTS).unwrap();
        let t = table(FILE);
        let mapping = vec![
            Some("last_name".into()),
            Some("emails".into()),
            Some("company".into()),
            Some("birthday".into()),
        ];
        let mut imp = Importer::new(
            m,
            &t,
            mapping,
            policy,
            ParseContext::default(),
            "local-user".into(),
            7,
        );
        // This file's unknown company is a reason to refuse its row.
        imp.set_missing_links(MissingLinks::Refuse);
        let mut finder = ByEmail(vec![("old@x.example".into(), "p-old".into())]);
        let mut n = 0;
        let mut ids = move || {
            n += 1;
            format!("new-{n}")
        };
        while !imp.step(&d, &mut finder, &mut ids, chunk) {}
        imp.finish(&d, &mut ids)
    }

    #[test]
    fn rows_are_checked_with_reasons_and_duplicates_follow_the_policy() {
        let plan = run(DuplicatePolicy::Skip, 100);
        assert_eq!(plan.write.inserts.len(), 1, "{plan:?}");
        assert_eq!(
            plan.write.inserts[0].get("company"),
            Some(&Value::Ref("acme".into())),
            "by id"
        );
        let rows: Vec<usize> = plan.rejects.iter().map(|r| r.row).collect();
        assert_eq!(
            rows,
            vec![3, 4, 6],
            "bad date; no last name; unknown company"
        );
        assert_eq!(
            plan.rejects[0].problems[0],
            (
                "birthday".to_string(),
                Problem::InvalidDate("not a date".into())
            )
        );
        assert_eq!(
            plan.rejects[1].problems[0],
            ("last_name".to_string(), Problem::Required)
        );
        assert_eq!(
            plan.rejects[2].problems[0],
            (
                "company".to_string(),
                Problem::MissingRecord("Unknown Co".into())
            )
        );
        // Row 5 repeats row 2's email (found among rows accepted earlier), row 7 a stored one.
        assert_eq!(
            plan.skipped,
            vec![(5, "new-1".to_string()), (7, "p-old".to_string())]
        );

        let update = run(DuplicatePolicy::Update, 100);
        assert_eq!(update.write.inserts.len(), 1);
        assert_eq!(
            update.write.inserts[0].get("last_name"),
            Some(&Value::Text("Berg2".into())),
            "the later row updates the pending one"
        );
        assert_eq!(update.write.updates.len(), 1);
        let (_, after) = &update.write.updates[0];
        assert_eq!(
            after.get("birthday"),
            Some(&Value::Date("1980-02-03".parse().unwrap()))
        );

        let create = run(DuplicatePolicy::Create, 100);
        // Creating anyway still refuses a second holder of a unique email.
        let rows: Vec<usize> = create.rejects.iter().map(|r| r.row).collect();
        assert_eq!(rows, vec![3, 4, 5, 6, 7]);
        assert!(matches!(
            create.rejects[2].problems[0].1,
            Problem::NotUnique(_)
        ));
    }

    #[test]
    fn chunked_checking_gives_the_same_plan() {
        let whole = run(DuplicatePolicy::Skip, 1000);
        let bits = run(DuplicatePolicy::Skip, 1);
        assert_eq!(whole.write.inserts, bits.write.inserts);
        assert_eq!(whole.rejects, bits.rejects);
        assert_eq!(whole.skipped, bits.skipped);
    }

    #[test]
    fn rejects_csv_keeps_the_row_and_neutralises_formulas() {
        let t = table("name,city\n=cmd|' /C calc'!A0,Oslo\n");
        let rejects = vec![Reject {
            row: 2,
            problems: vec![("name".into(), Problem::Required)],
            cells: t.rows[0].cells.clone(),
        }];
        let out = rejects_csv(&t, &rejects, "reason", &|f, _| format!("{f} is wrong"));
        assert!(out.starts_with('\u{FEFF}'));
        assert!(out.contains("2,name is wrong,'=cmd"));
    }

    #[test]
    fn imported_leads_are_scored_and_assigned_in_turn() {
        use crate::domain::modules::lead_module::{ASSIGNMENT_RULES, SCORING_RULES};
        let mut d = Dataset::new(standard_schema());
        let rec = |id: &str, module: &str, pairs: Vec<(&str, Value)>| {
            let v: FieldValues = pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            Record::new(id.into(), module, 1, None, v)
        };
        let t = |s: &str| Value::Text(s.into());
        d.upsert(rec(
            "s",
            SCORING_RULES,
            vec![
                ("name", t("Retail")),
                ("field", t("industry")),
                ("operator", t("is")),
                ("value", t("retail")),
                ("points", Value::Number(10.0)),
            ],
        ));
        d.upsert(rec(
            "a",
            ASSIGNMENT_RULES,
            vec![
                ("name", t("Turns")),
                ("method", t("round_robin")),
                ("group", Value::List(vec!["m1".into(), "m2".into()])),
            ],
        ));
        let schema = standard_schema();
        let m = schema.module(LEADS).unwrap();
        let file = table(
            "last_name,industry,status
A,retail,new
B,software,new
C,retail,dead
",
        );
        let mapping = vec![
            Some("last_name".into()),
            Some("industry".into()),
            Some("status".into()),
        ];
        let plan = import_new(m, &file, mapping, &d, 3, "l");
        let rule_updates: Vec<_> = plan
            .write
            .updates
            .iter()
            .filter(|(b, _)| b.module == ASSIGNMENT_RULES)
            .collect();
        let owners: Vec<_> = plan
            .write
            .inserts
            .iter()
            .map(|r| r.owner.clone().unwrap())
            .collect();
        assert_eq!(owners, vec!["m1", "m2"]);
        assert_eq!(
            plan.write.inserts[0].get("score"),
            Some(&Value::Number(10.0))
        );
        assert_eq!(plan.write.inserts[0].get("assigned_by"), Some(&t("Turns")));
        assert_eq!(
            plan.rejects[0].problems[0].0, "dead_reason",
            "a dead lead needs its reason"
        );
        assert_eq!(
            rule_updates[0].1.get("last_assigned"),
            Some(&Value::Ref("m2".into()))
        );
    }

    #[test]
    fn the_layered_finder_decides_as_a_copied_index_would() {
        let schema = standard_schema();
        let m = schema.module(CONTACTS).unwrap();
        let mut d = Dataset::new(schema.clone());
        for (id, first, email) in [
            ("s1", "Ann", "ann@x.example"),
            ("s2", "Bob", "bob@x.example"),
        ] {
            let values = [
                ("first_name".to_string(), Value::Text(first.into())),
                ("last_name".to_string(), Value::Text("Stored".into())),
                ("emails".to_string(), Value::List(vec![email.into()])),
            ]
            .into();
            d.upsert(Record::new(id.into(), CONTACTS, 1, None, values));
        }
        // Row 2 is stored s1 (updated with a second email under "update"), row 4 has
        // that new email, row 6 repeats row 5 of the same file, row 7 is stored s2.
        let file = table(
            "first_name,last_name,emails
Ann,Stored,ann@x.example;ann@new.example
Zed,Other,zed@x.example
Cy,New,ann@new.example
Dee,New,dee@x.example
Dee,Again,dee@x.example
Bob,Stored,bob@x.example
",
        );
        let mapping = vec![
            Some("first_name".into()),
            Some("last_name".into()),
            Some("emails".into()),
        ];
        for policy in [
            DuplicatePolicy::Skip,
            DuplicatePolicy::Update,
            DuplicatePolicy::Create,
        ] {
            let run = |layered: bool| {
                let mut imp = Importer::new(
                    m,
                    &file,
                    mapping.clone(),
                    policy,
                    ParseContext::default(),
                    "me".into(),
                    3,
                );
                let mut n = 0;
                let mut ids = move || {
                    n += 1;
                    format!("n{n}")
                };
                let mut copy = d.set(CONTACTS).unwrap().duplicates().unwrap().clone();
                let mut top = DuplicateIndex::new(m);
                let mut layers = LayeredFinder {
                    stored: d.set(CONTACTS).unwrap().duplicates(),
                    file: &mut top,
                };
                let finder: &mut dyn DuplicateFinder =
                    if layered { &mut layers } else { &mut copy };
                while !imp.step(&d, finder, &mut ids, 2) {}
                let plan = imp.finish(&d, &mut ids);
                (plan.write.inserts, plan.write.updates, plan.skipped)
            };
            let (copied, layered) = (run(false), run(true));
            assert_eq!(copied, layered, "{policy:?}");
            if policy != DuplicatePolicy::Create {
                assert!(
                    !layered.2.is_empty() || !layered.1.is_empty(),
                    "{policy:?} found duplicates"
                );
            }
        }
    }

    /// A leads file exported from a spreadsheet, with no Status column.
    const LEADS_FILE: &str = "First name;Last name;Email;Company;Notes\n\
        Nina;Holm;nina@holm-retail.example;Holm Retail;Met at the fair\n\
        Omid;Karimi;omid@pars.example;Pars Trading;\n";

    fn leads_with_rules() -> Dataset {
        use crate::domain::modules::lead_module::{ASSIGNMENT_RULES, SCORING_RULES};
        let mut d = Dataset::new(standard_schema());
        let rule = |pairs: Vec<(&str, Value)>| -> FieldValues {
            pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
        };
        d.upsert(Record::new(
            "s-new".into(),
            SCORING_RULES,
            1,
            None,
            rule(vec![
                ("name", Value::Text("New lead".into())),
                ("field", Value::Text("status".into())),
                ("operator", Value::Text("is".into())),
                ("value", Value::Text("new".into())),
                ("points", Value::Number(5.0)),
            ]),
        ));
        d.upsert(Record::new(
            "turns".into(),
            ASSIGNMENT_RULES,
            1,
            None,
            rule(vec![
                ("name", Value::Text("Turns".into())),
                ("method", Value::Text("round_robin".into())),
                ("group", Value::List(vec!["m1".into(), "m2".into()])),
            ]),
        ));
        d
    }

    fn leads_mapping() -> Vec<Option<String>> {
        [
            "first_name",
            "last_name",
            "emails",
            "company_name",
            "description",
        ]
        .iter()
        .map(|k| Some(k.to_string()))
        .collect()
    }

    #[test]
    fn a_leads_file_without_a_status_column_imports_every_row_as_new_scored_and_assigned() {
        let d = leads_with_rules();
        let schema = standard_schema();
        let m = schema.module(LEADS).unwrap();
        let file = table(LEADS_FILE);
        let plan = import_new(m, &file, leads_mapping(), &d, 3, "l");
        assert!(plan.rejects.is_empty(), "{:?}", plan.rejects);
        assert_eq!(plan.created, 2);
        for r in &plan.write.inserts {
            assert_eq!(r.get("status"), Some(&Value::Text("new".into())));
            assert_eq!(r.get("score"), Some(&Value::Number(5.0)));
            assert_eq!(r.get("assigned_by"), Some(&Value::Text("Turns".into())));
        }
        let owners: Vec<_> = plan.write.inserts.iter().map(|r| r.owner.clone()).collect();
        assert_eq!(owners, vec![Some("m1".into()), Some("m2".into())]);
        // Every new record has its history entry, and the moved turn is saved too.
        assert_eq!(plan.write.changes.len(), 3);
        assert!(plan.write.updates.iter().any(|(b, _)| b.id == "turns"));
    }

    #[test]
    fn a_row_imported_becomes_the_record_the_form_makes_from_the_same_values() {
        use crate::domain::rules::save_plan::{plan_save, SaveContext};
        let d = leads_with_rules();
        let schema = standard_schema();
        let m = schema.module(LEADS).unwrap();
        let file = table(LEADS_FILE);
        let mut imp = Importer::new(
            m,
            &file,
            leads_mapping(),
            DuplicatePolicy::Create,
            ParseContext::default(),
            "me".into(),
            3,
        );
        let mut finder = DuplicateIndex::new(m);
        let mut ids = || "x".to_string();
        while !imp.step(&d, &mut finder, &mut ids, 10) {}
        let imported = imp.finish(&d, &mut ids).write.inserts.remove(0);

        // The form's planner, given what a person types into the same fields (the
        // form shows the same defaults the planner fills in).
        let typed: FieldValues = [
            ("first_name", Value::Text("Nina".into())),
            ("last_name", Value::Text("Holm".into())),
            (
                "emails",
                Value::List(vec!["nina@holm-retail.example".into()]),
            ),
            ("company_name", Value::Text("Holm Retail".into())),
            ("description", Value::Text("Met at the fair".into())),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let mut ids = || "x".to_string();
        let mut ctx = SaveContext {
            now: 3,
            zone: crate::domain::records::time_zone::Zone::default(),
            user: "me",
            new_id: &mut ids,
        };
        let saved = plan_save(&d, LEADS, None, typed, None, &mut ctx)
            .unwrap()
            .saved
            .unwrap();
        assert_eq!(imported.values, saved.values);
        assert_eq!(imported.owner, saved.owner);
        assert_eq!(imported.module, saved.module);
        assert_eq!(imported.revision, saved.revision);
    }

    // The spreadsheet export's shape read back: the columns beside a field, choices by
    // their labels in any language, and a whole export round trip.

    fn every_language(l: &Label) -> Vec<String> {
        crate::i18n::Locale::ALL
            .iter()
            .map(|x| crate::i18n::label(*x, l))
            .collect()
    }

    /// A database as a fresh browser has it (the default pipelines, fixed ids) with
    /// two companies.
    fn sales_data() -> Dataset {
        use crate::domain::sales::pipeline_records::default_pipeline_records;
        let mut d = Dataset::new(standard_schema());
        for r in default_pipeline_records(1, &|k| crate::i18n::t(crate::i18n::Locale::En, k)) {
            d.upsert(r);
        }
        for (id, name) in [("c-nordic", "Nordic AB"), ("c-acme", "Acme")] {
            let v: FieldValues = [("name".to_string(), Value::Text(name.into()))].into();
            d.upsert(Record::new(id.into(), COMPANIES, 1, None, v));
        }
        d
    }

    /// Imports `text` into `module` of `data` as the import page does: mapping
    /// guessed and choices read in every language.
    fn import_text(module: &str, text: &str, data: &Dataset, ctx: ParseContext) -> ImportPlan {
        let m = data.schema.module(module).unwrap();
        let file = read_table(text.as_bytes()).unwrap();
        let mapping = guess_mapping(m, &file.headers, &every_language);
        let mut imp = Importer::new(
            m,
            &file,
            mapping,
            DuplicatePolicy::Create,
            ctx,
            "me".into(),
            5,
        );
        imp.read_choice_labels(&every_language);
        let mut finder = DuplicateIndex::new(m);
        let mut n = 0;
        let mut ids = move || {
            n += 1;
            format!("n{n}")
        };
        while !imp.step(data, &mut finder, &mut ids, 7) {}
        imp.finish(data, &mut ids)
    }

    fn value_of(plan: &ImportPlan, title_field: &str, title: &str, field: &str) -> Option<Value> {
        plan.write
            .inserts
            .iter()
            .find(|r| r.get(title_field) == Some(&Value::Text(title.into())))
            .unwrap_or_else(|| panic!("no {title}: {:?}", plan.rejects))
            .get(field)
            .cloned()
    }

    fn money(amount: &str, currency: &str) -> Value {
        Value::Money(Box::new(crate::domain::records::value::Money {
            amount: amount.parse().unwrap(),
            currency: currency.into(),
        }))
    }

    #[test]
    fn the_columns_beside_a_field_map_by_their_export_header_in_any_language() {
        let schema = standard_schema();
        let deals = schema
            .module(crate::domain::modules::sales_modules::DEALS)
            .unwrap();
        let headers: Vec<String> = [
            "Amount",
            "Amount currency",
            "Company",
            "Company id",
            "شناسه مرحله",
            "amount_currency",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            guess_mapping(deals, &headers, &every_language),
            vec![
                Some("amount".into()),
                Some("amount#currency".into()),
                Some("company".into()),
                Some("company#id".into()),
                Some("stage#id".into()),
                None,
            ],
            "each column is used once"
        );
        let headers: Vec<String> = ["مبلغ", "ارز مبلغ", "شرکت", "شناسه شرکت"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            guess_mapping(deals, &headers, &every_language),
            vec![
                Some("amount".into()),
                Some("amount#currency".into()),
                Some("company".into()),
                Some("company#id".into()),
            ]
        );
        // A contact's company columns keep their meaning next to the id column.
        let contacts = schema.module(CONTACTS).unwrap();
        let headers: Vec<String> = ["Company id", "Company"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            guess_mapping(contacts, &headers, &every_language),
            vec![Some("company#id".into()), Some("company".into())]
        );
    }

    #[test]
    fn a_currency_column_gives_the_amount_beside_it_its_currency() {
        let data = sales_data();
        let text = "Title,Amount,Amount currency,Pipeline id,Stage id\n\
            A,1250.50,EUR,pipeline-new_business,stage-new_business-proposal\n\
            B,99,,pipeline-new_business,stage-new_business-proposal\n\
            C,10 GBP,EUR,pipeline-new_business,stage-new_business-proposal\n\
            D,-7.25,irr,pipeline-new_business,stage-new_business-proposal\n\
            E,5 EUR,eur,pipeline-new_business,stage-new_business-proposal\n";
        let deals = crate::domain::modules::sales_modules::DEALS;
        let plan = import_text(deals, text, &data, ParseContext::default());
        assert_eq!(
            value_of(&plan, "title", "A", "amount"),
            Some(money("1250.50", "EUR"))
        );
        assert_eq!(
            value_of(&plan, "title", "B", "amount"),
            Some(money("99", "USD")),
            "no currency: the default one"
        );
        assert_eq!(
            value_of(&plan, "title", "D", "amount"),
            Some(money("-7.25", "IRR"))
        );
        assert_eq!(
            value_of(&plan, "title", "E", "amount"),
            Some(money("5", "EUR")),
            "the same currency twice is no conflict"
        );
        assert_eq!(plan.rejects.len(), 1);
        assert_eq!(plan.rejects[0].row, 4);
        assert!(matches!(
            plan.rejects[0].problems[..],
            [(ref f, Problem::InvalidMoney(_))] if f == "amount"
        ));
    }

    #[test]
    fn an_id_column_names_the_linked_record_before_its_title() {
        let data = sales_data();
        let text = "Last name,Company,Company id\n\
            Byid,Acme,c-nordic\n\
            Gone,Acme,c-gone\n\
            Onlyid,,c-acme\n\
            Nothing,,c-gone\n";
        let plan = import_text(CONTACTS, text, &data, ParseContext::default());
        let company = |who: &str| value_of(&plan, "last_name", who, "company");
        assert_eq!(
            company("Byid"),
            Some(Value::Ref("c-nordic".into())),
            "the id wins"
        );
        assert_eq!(
            company("Gone"),
            Some(Value::Ref("c-acme".into())),
            "an id not stored leaves it to the title"
        );
        assert_eq!(company("Onlyid"), Some(Value::Ref("c-acme".into())));
        assert_eq!(plan.rejects.len(), 1);
        assert_eq!(
            plan.rejects[0].problems,
            vec![(
                "company".to_string(),
                Problem::MissingRecord("c-gone".into())
            )]
        );
    }

    #[test]
    fn choice_labels_in_any_language_read_back_as_their_keys() {
        let data = sales_data();
        let text = "Last name,Lead source\nA,Cold call\nB,تماس سرد\nC,COLD_CALL\nD,cold call\nE,Smoke signal\n";
        let plan = import_text(CONTACTS, text, &data, ParseContext::default());
        for who in ["A", "B", "C", "D"] {
            assert_eq!(
                value_of(&plan, "last_name", who, "lead_source"),
                Some(Value::Text("cold_call".into())),
                "{who}"
            );
        }
        assert_eq!(
            plan.rejects
                .iter()
                .map(|r| r.problems.clone())
                .collect::<Vec<_>>(),
            vec![vec![(
                "lead_source".to_string(),
                Problem::UnknownOption("Smoke signal".into())
            )]]
        );
        // A multi-select's items each by key or label, in either language.
        let territories = crate::domain::modules::lead_module::TERRITORIES;
        let text = "Name,Industries\nNorth,\"نرم‌افزار, Retail, manufacturing\"\n";
        let plan = import_text(territories, text, &data, ParseContext::default());
        assert_eq!(
            value_of(&plan, "name", "North", "industries"),
            Some(Value::List(vec![
                "software".into(),
                "retail".into(),
                "manufacturing".into()
            ]))
        );
    }

    /// The non-system values of the records `plan` inserts into `module`, by title.
    fn inserted(
        plan: &ImportPlan,
        m: &ModuleDef,
    ) -> std::collections::BTreeMap<String, Vec<(String, Value)>> {
        plan.write
            .inserts
            .iter()
            .filter(|r| r.module == m.key)
            .map(|r| (m.title_of(r), visible(m, r)))
            .collect()
    }

    fn visible(m: &ModuleDef, r: &Record) -> Vec<(String, Value)> {
        m.fields
            .iter()
            .filter(|f| !f.system)
            .filter_map(|f| Some((f.key.clone(), r.get(&f.key)?.clone())))
            .collect()
    }

    #[test]
    fn deals_exported_for_a_spreadsheet_import_back_with_the_same_values() {
        use crate::domain::interchange::csv_export::{export, ExportOptions};
        use crate::domain::modules::sales_modules::{DEALS, STAGES};
        let mut rng = Prng(0x2545_F491_4F6C_DD1D);
        let open: Vec<(String, String)> = sales_data()
            .set(STAGES)
            .unwrap()
            .records()
            .filter(|s| s.get("outcome") == Some(&Value::Text("open".into())))
            .filter_map(|s| match s.get("pipeline") {
                Some(Value::Ref(p)) => Some((p.clone(), s.id.clone())),
                _ => None,
            })
            .collect();
        let words = [
            "Fleet",
            "=SUM(A1)",
            "-5",
            "'quoted",
            "نوسازی",
            "a, \"b\"",
            "@x",
        ];
        let currencies = ["EUR", "USD", "IRR", "JPY"];
        let amounts = ["1250.50", "-3", "0.07", "999999999.99", "12"];
        let priorities = ["low", "medium", "high"];
        let sources = ["website", "cold_call", "partner"];
        for case in 0..12 {
            let mut d = sales_data();
            for i in 0..25 {
                let (pipeline, stage) = open[rng.below(open.len())].clone();
                let mut v = FieldValues::new();
                let title = format!("{} {case}-{i}", rng.pick(&words));
                v.insert("title", Value::Text(title));
                v.insert("pipeline", Value::Ref(pipeline));
                v.insert("stage", Value::Ref(stage));
                v.insert("probability", Value::Number(rng.below(101) as f64));
                if rng.below(4) > 0 {
                    v.insert("amount", money(rng.pick(&amounts), rng.pick(&currencies)));
                }
                if rng.below(3) > 0 {
                    v.insert("priority", Value::Text(rng.pick(&priorities).into()));
                }
                if rng.below(2) > 0 {
                    v.insert("source", Value::Text(rng.pick(&sources).into()));
                }
                if rng.below(3) > 0 {
                    let id = rng.pick(&["c-nordic", "c-acme"]);
                    v.insert("company", Value::Ref(id.into()));
                }
                if rng.below(2) > 0 {
                    let day = chrono::NaiveDate::from_num_days_from_ce_opt(
                        739_000 + rng.below(900) as i32,
                    );
                    v.insert("expected_close", Value::Date(day.unwrap()));
                }
                if rng.below(2) > 0 {
                    v.insert(
                        "description",
                        Value::Text(format!("{}\nline two", rng.pick(&words))),
                    );
                }
                d.upsert(Record::new(format!("d{i}"), DEALS, 1, None, v));
            }
            let locale = rng.pick(&crate::i18n::Locale::ALL);
            let label = move |l: &Label| crate::i18n::label(locale, l);
            let opts = ExportOptions {
                label: &label,
                values_as_keys: rng.below(2) == 0,
                trails: rng.below(2) == 0,
                zone: crate::domain::records::time_zone::Zone::default(),
            };
            let text = export(&d, DEALS, &d.set(DEALS).unwrap().search(""), &opts);
            let plan = import_text(DEALS, &text, &sales_data(), ParseContext::default());
            assert!(
                plan.rejects.is_empty(),
                "case {case}: {:?}\n{text}",
                plan.rejects
            );
            let m = d.schema.module(DEALS).unwrap();
            let want: std::collections::BTreeMap<_, _> = d
                .set(DEALS)
                .unwrap()
                .records()
                .map(|r| (m.title_of(r), visible(m, r)))
                .collect();
            assert_eq!(inserted(&plan, m), want, "case {case} ({locale:?})\n{text}");
        }
    }

    #[test]
    fn contacts_exported_for_a_spreadsheet_keep_checkboxes_times_choices_and_links() {
        use crate::domain::interchange::csv_export::{export, ExportOptions};
        let mut d = sales_data();
        let at = |h: u32| {
            Value::DateTime(
                chrono::NaiveDate::from_ymd_opt(2026, 3, 1)
                    .unwrap()
                    .and_hms_opt(h, 30, 0)
                    .unwrap()
                    .and_utc(),
            )
        };
        let people = [
            ("Rahimi", true, "referral", "c-nordic", 1),
            ("Lindqvist", false, "event", "c-acme", 23),
        ];
        for (i, (last, dnc, source, company, hour)) in people.iter().enumerate() {
            let v: FieldValues = [
                ("last_name".to_string(), Value::Text(last.to_string())),
                ("do_not_contact".to_string(), Value::Bool(*dnc)),
                ("lead_source".to_string(), Value::Text(source.to_string())),
                ("company".to_string(), Value::Ref(company.to_string())),
                ("last_contacted".to_string(), at(*hour)),
                (
                    "birthday".to_string(),
                    Value::Date(chrono::NaiveDate::from_ymd_opt(1990, 2, 28).unwrap()),
                ),
                (
                    "tags".to_string(),
                    Value::List(vec!["vip".into(), "north".into()]),
                ),
            ]
            .into();
            d.upsert(Record::new(format!("p{i}"), CONTACTS, 1, None, v));
        }
        let m = d.schema.module(CONTACTS).unwrap();
        for locale in crate::i18n::Locale::ALL {
            let label = move |l: &Label| crate::i18n::label(locale, l);
            let opts = ExportOptions {
                label: &label,
                values_as_keys: false,
                trails: false,
                zone: crate::domain::records::time_zone::Zone::fixed(210),
            };
            let text = export(&d, CONTACTS, &d.set(CONTACTS).unwrap().search(""), &opts);
            let ctx = ParseContext {
                zone: crate::domain::records::time_zone::Zone::fixed(210),
                ..ParseContext::default()
            };
            let plan = import_text(CONTACTS, &text, &sales_data(), ctx);
            assert!(plan.rejects.is_empty(), "{locale:?}: {:?}", plan.rejects);
            let want: std::collections::BTreeMap<_, _> = d
                .set(CONTACTS)
                .unwrap()
                .records()
                .map(|r| (m.title_of(r), visible(m, r)))
                .collect();
            assert_eq!(inserted(&plan, m), want, "{locale:?}\n{text}");
        }
    }
}
