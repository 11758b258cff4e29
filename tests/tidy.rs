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
        vec![("src/ui/writes/actions.rs".to_string(), 1)],
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

/// The folders of `dir` (under src/) that the production code of `folder` uses, by
/// `crate::<dir>::<other>` paths; test modules (at a file's end, or a `tests.rs`)
/// may use anything.
fn folder_uses(dir: &str, folder: &Path) -> Vec<(String, String)> {
    let prefix = format!("crate::{dir}::");
    let mut out = Vec::new();
    for file in rust_files(folder) {
        if file.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let code = code_of(&file);
        let code = code.split("#[cfg(test)]").next().unwrap_or("");
        for (i, _) in code.match_indices(&prefix) {
            let rest = &code[i + prefix.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if root().join("src").join(dir).join(&name).is_dir() {
                let shown = file.strip_prefix(root()).unwrap().display().to_string();
                out.push((name, shown));
            }
        }
    }
    out
}

/// Folders are layered: each may use only folders of earlier layers, so there is
/// no import cycle between them and the order reads as the architecture.
fn check_layers(dir: &str, layers: &[&[&str]]) {
    let base = root().join("src").join(dir);
    let mut listed: Vec<&str> = layers.iter().flat_map(|l| l.iter().copied()).collect();
    listed.sort();
    let mut present: Vec<String> = fs::read_dir(&base)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    present.sort();
    assert_eq!(
        listed, present,
        "every folder of src/{dir} has its layer here"
    );
    let mut wrong = Vec::new();
    for (n, layer) in layers.iter().enumerate() {
        let allowed: Vec<&str> = layers[..n].iter().flat_map(|l| l.iter().copied()).collect();
        for folder in layer.iter() {
            for (used, file) in folder_uses(dir, &base.join(folder)) {
                if used != *folder && !allowed.contains(&used.as_str()) {
                    wrong.push(format!("{file} ({folder}) uses {used}"));
                }
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(
        wrong.is_empty(),
        "uses against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn domain_folders_are_layered_without_cycles() {
    check_layers(
        "domain",
        &[
            &["records"],
            &["modules"],
            &["writes"],
            &["sales", "leads", "activities"],
            &["rules"],
            &["quality", "interchange", "automation"],
            &["analytics"],
            &["samples"],
        ],
    );
}

#[test]
fn ui_folders_are_layered_without_cycles() {
    check_layers(
        "ui",
        &[
            &["kit"],
            &["writes"],
            &["records"],
            &["activities", "sales", "quality", "interchange", "analytics"],
            &["settings", "reports"],
            &["shell"],
        ],
    );
    // The app's root (its routes to every page) is above every folder.
    let mut up = Vec::new();
    for file in rust_files(&root().join("src/ui")) {
        let in_folder = file.parent() != Some(root().join("src/ui").as_path());
        if in_folder && code_of(&file).contains("ui::app::") {
            up.push(file.display().to_string());
        }
    }
    assert!(up.is_empty(), "pages that use the app's root: {up:?}");
}
