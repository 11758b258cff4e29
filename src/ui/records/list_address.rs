//! A list's filters, sort and search kept in its address (`#/m/<module>?f=…&s=…&q=…`),
//! so a filtered list can be bookmarked and reloaded, and the header's search can
//! open a module's list on its words. The address is replaced in place:
//! no history entry per change, and no `hashchange` (which would count as leaving).

use leptos::prelude::*;

use crate::domain::records::filter_url;
use crate::domain::records::list_query::{Filter, Sort};
use crate::domain::ModuleDef;
use crate::ui::kit::route::Route;

/// The query of the address while it is this list's ("" for none).
pub fn read(module: &str) -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let this_list = Route::parse(&hash) == Route::List(module.to_string());
    this_list.then(|| {
        hash.split_once('?')
            .map(|(_, q)| q.to_string())
            .unwrap_or_default()
    })
}

/// The filters and sort the address holds for this list (none when it holds none).
pub fn initial(def: &ModuleDef) -> (Vec<Filter>, Option<Sort>) {
    read(&def.key)
        .map(|q| filter_url::decode(&q, def))
        .unwrap_or_default()
}

/// The search words the address holds for this list ("" for none).
pub fn initial_search(def: &ModuleDef) -> String {
    read(&def.key).map(|q| search_in(&q)).unwrap_or_default()
}

/// The address query of a list's filters, sort, search words and chosen columns
/// (a saved view keeps it as it is).
pub fn query_of(
    filters: &[Filter],
    sort: Option<&Sort>,
    words: &str,
    columns: &[String],
) -> String {
    let mut parts = Vec::new();
    let query = filter_url::encode(filters, sort);
    if !query.is_empty() {
        parts.push(query);
    }
    if !words.trim().is_empty() {
        parts.push(format!(
            "q={}",
            String::from(js_sys::encode_uri_component(words))
        ));
    }
    if !columns.is_empty() {
        let keys: Vec<String> = columns
            .iter()
            .map(|c| String::from(js_sys::encode_uri_component(c)))
            .collect();
        parts.push(format!("c={}", keys.join(",")));
    }
    parts.join("&")
}

/// What an address query holds for `def`'s list: filters, sort, search words and
/// the chosen columns (fields of the module only; none: its usual columns).
pub fn read_query(
    query: &str,
    def: &ModuleDef,
) -> (Vec<Filter>, Option<Sort>, String, Vec<String>) {
    let (f, s) = filter_url::decode(query, def);
    (f, s, search_in(query), columns_in(query, def))
}

fn columns_in(query: &str, def: &ModuleDef) -> Vec<String> {
    let Some((_, v)) = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "c")
    else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for key in v.split(',') {
        let key = js_sys::decode_uri_component(key)
            .map(String::from)
            .unwrap_or_default();
        if def.field(&key).is_some() && !out.contains(&key) {
            out.push(key);
        }
    }
    out
}

/// The columns the address holds for this list (none: its usual columns).
pub fn initial_columns(def: &ModuleDef) -> Vec<String> {
    read(&def.key)
        .map(|q| columns_in(&q, def))
        .unwrap_or_default()
}

fn search_in(query: &str) -> String {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "q")
        .and_then(|(_, v)| js_sys::decode_uri_component(v).ok())
        .map(String::from)
        .unwrap_or_default()
}

/// Writes the filters, sort and search into the address as they change, and takes
/// them from it when the address changes to this list's (a link to it, Back).
pub fn follow(
    def: ModuleDef,
    filters: RwSignal<Vec<Filter>>,
    sort: RwSignal<Option<Sort>>,
    search: RwSignal<String>,
    columns: RwSignal<Vec<String>>,
) {
    let module = def.key.clone();
    Effect::new(move |_| {
        let query = query_of(
            &filters.get(),
            sort.get().as_ref(),
            &search.get(),
            &columns.get(),
        );
        let mut href = Route::List(module.clone()).href();
        if !query.is_empty() {
            href = format!("{href}?{query}");
        }
        let Some(w) = web_sys::window() else { return };
        let Ok(hash) = w.location().hash() else {
            return;
        };
        if hash == href || Route::parse(&hash) != Route::List(module.clone()) {
            return;
        }
        if let Ok(history) = w.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&href));
        }
    });
    let listener = window_event_listener(leptos::ev::hashchange, move |_| {
        let Some(query) = read(&def.key) else { return };
        let (f, s) = filter_url::decode(&query, &def);
        if filters.with_untracked(|now| *now != f) {
            filters.set(f);
        }
        if sort.with_untracked(|now| *now != s) {
            sort.set(s);
        }
        let words = search_in(&query);
        if search.with_untracked(|now| *now != words) {
            search.set(words);
        }
        let chosen = columns_in(&query, &def);
        if columns.with_untracked(|now| *now != chosen) {
            columns.set(chosen);
        }
    });
    on_cleanup(move || listener.remove());
}
