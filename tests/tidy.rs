//! Checks of the code's shape that the compiler does not make: the boundaries that
//! ARCHITECTURE.md states, each enforced here by reading the sources.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The code of a file without its comments, so a comment may name what the code
/// must not use.
fn code_of(path: &Path) -> String {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// (file, what it names) for every file under `dir` whose code contains one of `words`.
fn offenders(dir: &str, words: &[&str], except: &[&str]) -> Vec<(String, String)> {
    let base = root().join(dir);
    let mut out = Vec::new();
    for path in rust_files(&base) {
        let name = path
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .to_string();
        if except.contains(&name.as_str()) {
            continue;
        }
        let code = code_of(&path);
        for w in words {
            if code.contains(w) {
                out.push((name.clone(), w.to_string()));
            }
        }
    }
    out
}

#[test]
fn the_domain_core_uses_no_web_api() {
    let found = offenders(
        "src/domain",
        &[
            "web_sys",
            "js_sys",
            "wasm_bindgen",
            "leptos",
            "rexie",
            "gloo",
        ],
        &[],
    );
    assert!(found.is_empty(), "{found:?}");
    let found = offenders(
        "src/i18n",
        &[
            "web_sys",
            "js_sys",
            "wasm_bindgen",
            "leptos",
            "rexie",
            "gloo",
        ],
        &[],
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn the_ui_makes_no_write_of_its_own() {
    // Every change is planned in the domain (a `WritePlan`, with its history
    // entries) and committed through `actions::commit_plan`, the one place the UI
    // reaches the database's write.
    let found = offenders(
        "src/ui",
        &[
            "ChangeEntry {",
            "change_entry(",
            "WritePlan {",
            "WriteBatch",
            "Record::new(",
        ],
        &[],
    );
    assert!(found.is_empty(), "{found:?}");
    let commits: Vec<(String, usize)> = rust_files(&root().join("src/ui"))
        .iter()
        .map(|p| {
            let name = p
                .strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .to_string();
            (name, code_of(p).matches(".commit(").count())
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    assert_eq!(
        commits,
        vec![("src/ui/actions.rs".to_string(), 1)],
        "only commit_plan commits"
    );
}

#[test]
fn only_the_storage_layer_writes_to_indexeddb() {
    let found = offenders(
        "src",
        &[".put_all(", ".add_all(", "TransactionMode::ReadWrite"],
        &["src/storage/db.rs", "src/storage/bench_hooks.rs"],
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn the_store_declaration_only_grows() {
    // Every version's stores and indexes are declared under `if version >= N`, and
    // nothing is ever removed: no `delete_object_store` / index removal in schema.rs.
    let schema = code_of(&root().join("src/storage/schema.rs"));
    for w in ["delete_object_store", "delete_index", "remove"] {
        assert!(!schema.contains(w), "schema.rs must not {w}");
    }
    let version: u32 = schema
        .lines()
        .find_map(|l| l.trim().strip_prefix("pub const DB_VERSION: u32 = "))
        .and_then(|v| v.trim_end_matches(';').parse().ok())
        .expect("DB_VERSION declared");
    for v in 2..=version {
        assert!(
            schema.contains(&format!("version >= {v}")),
            "version {v} adds its stores under `if version >= {v}`"
        );
    }
}
