//! Behaviour is metadata: outside the module definitions and their rules (src/domain),
//! no code names a standard module or one of its fields. This scans every .rs file
//! of src/ui and src/storage for such keys as string literals, and for the
//! module-key constants (`DEALS`, `LEADS`, …). Files still naming some are listed
//! below with the reason; the list may only shrink: a listed file that no longer
//! names one fails the test until it is taken off.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crm::domain::modules::standard_modules::standard_schema;

/// Field keys that are also everyday words of the page itself: CSS classes
/// (`class="field"`, `class="amount"`), ARIA values (`role="status"`), HTML
/// attributes and chart geometry. As literals they almost never name the field, so
/// the scan skips them; review still catches a field read by one of these names.
const AMBIGUOUS: &[&str] = &[
    "field", "value", "status", "group", "start", "end", "amount", "currency", "name", "kind",
    "color", "email", "done",
];

/// Files that still name modules or fields, each with why it has not moved yet.
const STILL_ALLOWED: &[(&str, &str)] = &[];

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The string literals of a source file, outside comments, with what follows each;
/// a literal in `("name", &value)` is a translation placeholder, not a key.
fn literals(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in src.lines() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        let bytes: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            // A char literal such as '"' is not a string's start.
            if c == '\'' && i + 2 < bytes.len() && bytes[i + 2] == '\'' {
                i += 3;
                continue;
            }
            if c == '/' && bytes.get(i + 1) == Some(&'/') {
                break;
            }
            if c != '"' {
                i += 1;
                continue;
            }
            let start = i + 1;
            let mut j = start;
            while j < bytes.len() && bytes[j] != '"' {
                if bytes[j] == '\\' {
                    j += 1;
                }
                j += 1;
            }
            let text: String = bytes[start..j.min(bytes.len())].iter().collect();
            let before: String = bytes[..i].iter().collect();
            let after: String = bytes[(j + 1).min(bytes.len())..].iter().collect();
            let placeholder = before.trim_end().ends_with('(') && after.starts_with(", &");
            if !placeholder {
                out.push(text);
            }
            i = j + 1;
        }
    }
    out
}

/// Names of the `pub const X: &str = "<module key>"` constants in src/domain.
fn module_constants(modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut files = Vec::new();
    rs_files(Path::new("src/domain"), &mut files);
    let mut out = BTreeSet::new();
    for f in files {
        for line in fs::read_to_string(f).unwrap().lines() {
            let Some(rest) = line.trim().strip_prefix("pub const ") else {
                continue;
            };
            let Some((name, value)) = rest.split_once(": &str = \"") else {
                continue;
            };
            if modules.contains(value.trim_end_matches("\";")) {
                out.insert(name.to_string());
            }
        }
    }
    out
}

fn names_a_constant(src: &str, name: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    src.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .any(|l| {
            l.match_indices(name).any(|(at, _)| {
                let before = l[..at].chars().next_back();
                let after = l[at + name.len()..].chars().next();
                !before.is_some_and(word) && !after.is_some_and(word)
            })
        })
}

/// What each scanned file names: "module deals", "field stage", "constant DEALS".
fn findings() -> BTreeMap<String, BTreeSet<String>> {
    let schema = standard_schema();
    let modules: BTreeSet<String> = schema.modules.iter().map(|m| m.key.clone()).collect();
    let fields: BTreeSet<String> = schema
        .modules
        .iter()
        .flat_map(|m| m.fields.iter().map(|f| f.key.clone()))
        .collect();
    let constants = module_constants(&modules);
    let mut files = Vec::new();
    rs_files(Path::new("src/ui"), &mut files);
    rs_files(Path::new("src/storage"), &mut files);
    let mut out = BTreeMap::new();
    for f in files {
        let src = fs::read_to_string(&f).unwrap();
        let mut named = BTreeSet::new();
        for lit in literals(&src) {
            if AMBIGUOUS.contains(&lit.as_str()) {
                continue;
            }
            if modules.contains(&lit) {
                named.insert(format!("module {lit}"));
            } else if fields.contains(&lit) {
                named.insert(format!("field {lit}"));
            }
        }
        for c in &constants {
            if names_a_constant(&src, c) {
                named.insert(format!("constant {c}"));
            }
        }
        if !named.is_empty() {
            out.insert(f.to_string_lossy().replace('\\', "/"), named);
        }
    }
    out
}

#[test]
fn the_scan_finds_module_and_field_names_but_not_placeholders() {
    let src = "let a = \"deals\"; // \"leads\"\ntr(l, k, &[(\"title\", &t)]);\nd.get(STAGES, x); x.get(\"stage\")";
    let lits = literals(src);
    assert_eq!(lits, vec!["deals", "stage"]);
    assert!(names_a_constant(src, "STAGES"));
    assert!(!names_a_constant("ALL_STAGES_X", "STAGES"));
}

#[test]
fn no_ui_or_storage_file_names_a_module_or_field_except_those_still_listed() {
    let found = findings();
    let allowed: BTreeMap<&str, &str> = STILL_ALLOWED.iter().copied().collect();
    let new: Vec<String> = found
        .iter()
        .filter(|(f, _)| !allowed.contains_key(f.as_str()))
        .map(|(f, what)| format!("{f}: {what:?}"))
        .collect();
    assert!(
        new.is_empty(),
        "these files name modules or fields; move that knowledge into the module \
         definitions:\n{}",
        new.join("\n")
    );
    let clean: Vec<&&str> = allowed
        .keys()
        .filter(|f| !found.contains_key(**f))
        .collect();
    assert!(
        clean.is_empty(),
        "no longer naming any module or field: take them off STILL_ALLOWED: {clean:?}"
    );
}
