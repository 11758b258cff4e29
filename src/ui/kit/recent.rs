//! The records this device opened last, newest first: what the search offers before
//! a word is typed. Kept in LocalStorage (a few ids, not the records).

use gloo_storage::{LocalStorage, Storage};

const KEY: &str = "crm.recent";
const MOST: usize = 10;

/// Notes that a record's page was opened.
pub fn remember(module: &str, id: &str) {
    let mut all = recent();
    all.retain(|(m, i)| !(m == module && i == id));
    all.insert(0, (module.to_string(), id.to_string()));
    all.truncate(MOST);
    // Losing the list costs only the suggestions: a full storage is not an error here.
    let _ = LocalStorage::set(KEY, &all);
}

/// (module, record id) of the records opened last, newest first.
pub fn recent() -> Vec<(String, String)> {
    LocalStorage::get(KEY).unwrap_or_default()
}
