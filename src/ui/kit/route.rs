//! Hash-based routes (`#/m/contacts/…`): they survive a reload on any static file
//! server, with no rewrite rules. The app's own pages of one module each (the
//! dashboards, the reports, the stage editor) are addressed by that module's key.

use std::sync::OnceLock;

use crate::domain::records::module_def::{ModuleDef, OwnPage};

#[derive(Clone, Debug, PartialEq)]
pub enum Route {
    Home,
    List(String),
    /// New record, with field values prefilled from the query (`?company=ID`).
    New(String, Vec<(String, String)>),
    View(String, String),
    Edit(String, String),
    Backup,
    /// A module's board (empty: the first module with one), within a group such as a
    /// pipeline id (empty: the first). `#/board/<pipeline>` is the first board's.
    Board(String, String),
    Work,
    /// The calendar: "month" or "week", around a day (`YYYY-MM-DD`, or today).
    Calendar(String, String),
    Settings,
    /// The stage editor of one pipeline (or a new one when empty).
    Pipelines(String),
    /// Converting a lead.
    Convert(String),
    Import(String),
    Duplicates(String),
    /// Merge (module, record kept, record merged into it).
    Merge(String, String, String),
    /// The records behind a dashboard number (`open`, `funnel/<stage>`, …).
    Drill(String),
    /// The user's own dashboards (the list when empty).
    Dashboards(String),
    /// The saved reports.
    Reports,
    /// The report builder, on a saved report (or a new one when empty).
    Report(String),
    /// Settings → Modules and fields, on one module's fields (the first when empty).
    Schema(String),
    /// A search across every module (`#/search?q=words`).
    Search(String),
    /// A workflow rule's dry run (the rule's id).
    DryRun(String),
    NotFound,
}

impl Route {
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#');
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let parts: Vec<String> = path
            .split('/')
            .filter(|p| !p.is_empty())
            .map(decode)
            .collect();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        match parts.as_slice() {
            [] => Route::Home,
            ["backup"] => Route::Backup,
            ["board"] => Route::Board(String::new(), String::new()),
            ["board", p] => Route::Board(String::new(), p.to_string()),
            ["m", module, "board"] => Route::Board(module.to_string(), String::new()),
            ["m", module, "board", p] => Route::Board(module.to_string(), p.to_string()),
            ["work"] => Route::Work,
            ["calendar"] => Route::Calendar("month".into(), String::new()),
            ["calendar", view] => Route::Calendar(view.to_string(), String::new()),
            ["calendar", view, day] => Route::Calendar(view.to_string(), day.to_string()),
            ["settings"] => Route::Settings,
            ["settings", "schema"] => Route::Schema(String::new()),
            ["settings", "schema", m] => Route::Schema(m.to_string()),
            ["settings", "dry-run", rule] => Route::DryRun(rule.to_string()),
            ["search"] => Route::Search(
                query
                    .split('&')
                    .filter_map(|kv| kv.split_once('='))
                    .find(|(k, _)| *k == "q")
                    .map(|(_, v)| decode(&v.replace('+', " ")))
                    .unwrap_or_default(),
            ),
            ["dashboard", "records", key @ ..] if !key.is_empty() => Route::Drill(key.join("/")),
            ["convert", lead] => Route::Convert(lead.to_string()),
            ["import", m] => Route::Import(m.to_string()),
            ["duplicates", m] => Route::Duplicates(m.to_string()),
            ["merge", m, a, b] => Route::Merge(m.to_string(), a.to_string(), b.to_string()),
            ["m", module] => Route::List(module.to_string()),
            ["m", module, "new"] => Route::New(
                module.to_string(),
                query
                    .split('&')
                    .filter_map(|kv| kv.split_once('='))
                    .map(|(k, v)| (decode(k), decode(v)))
                    .collect(),
            ),
            ["m", module, id] => Route::View(module.to_string(), id.to_string()),
            ["m", module, id, "edit"] => Route::Edit(module.to_string(), id.to_string()),
            // The stage editor lives under the settings, the other own pages at the top.
            ["settings", key, rest @ ..] => own_page(key, rest, true),
            [key, rest @ ..] => own_page(key, rest, false),
        }
    }

    /// Where a module's records are seen: the app's page of its own, else its list.
    pub fn of_module(m: &ModuleDef) -> Route {
        match m.page {
            Some(OwnPage::Dashboards) => Route::Dashboards(String::new()),
            Some(OwnPage::Reports) => Route::Reports,
            Some(OwnPage::StageEditor) => Route::Pipelines(String::new()),
            None => Route::List(m.key.clone()),
        }
    }

    pub fn href(&self) -> String {
        match self {
            Route::Home | Route::NotFound => "#/".into(),
            Route::Backup => "#/backup".into(),
            Route::Board(m, p) if m.is_empty() && p.is_empty() => "#/board".into(),
            Route::Board(m, p) if m.is_empty() => format!("#/board/{}", encode(p)),
            Route::Board(m, p) if p.is_empty() => format!("#/m/{}/board", encode(m)),
            Route::Board(m, p) => format!("#/m/{}/board/{}", encode(m), encode(p)),
            Route::Work => "#/work".into(),
            Route::Calendar(v, d) if d.is_empty() => format!("#/calendar/{}", encode(v)),
            Route::Calendar(v, d) => format!("#/calendar/{}/{}", encode(v), encode(d)),
            Route::Settings => "#/settings".into(),
            Route::Schema(m) if m.is_empty() => "#/settings/schema".into(),
            Route::Schema(m) => format!("#/settings/schema/{}", encode(m)),
            Route::DryRun(rule) => format!("#/settings/dry-run/{}", encode(rule)),
            Route::Search(q) if q.is_empty() => "#/search".into(),
            Route::Search(q) => format!("#/search?q={}", encode(q)),
            Route::Dashboards(id) if id.is_empty() => {
                format!("#/{}", page_key(OwnPage::Dashboards))
            }
            Route::Dashboards(id) => format!("#/{}/{}", page_key(OwnPage::Dashboards), encode(id)),
            Route::Drill(key) => format!(
                "#/dashboard/records/{}",
                key.split('/').map(encode).collect::<Vec<_>>().join("/")
            ),
            Route::Convert(id) => format!("#/convert/{}", encode(id)),
            Route::Import(m) => format!("#/import/{}", encode(m)),
            Route::Duplicates(m) => format!("#/duplicates/{}", encode(m)),
            Route::Merge(m, a, b) => format!("#/merge/{}/{}/{}", encode(m), encode(a), encode(b)),
            Route::Reports => format!("#/{}", page_key(OwnPage::Reports)),
            Route::Report(id) if id.is_empty() => format!("#/{}/new", page_key(OwnPage::Reports)),
            Route::Report(id) => format!("#/{}/{}", page_key(OwnPage::Reports), encode(id)),
            Route::Pipelines(p) if p.is_empty() => {
                format!("#/settings/{}", page_key(OwnPage::StageEditor))
            }
            Route::Pipelines(p) => format!(
                "#/settings/{}/{}",
                page_key(OwnPage::StageEditor),
                encode(p)
            ),
            Route::List(m) => format!("#/m/{}", encode(m)),
            Route::New(m, prefill) => {
                let q: Vec<String> = prefill
                    .iter()
                    .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
                    .collect();
                if q.is_empty() {
                    format!("#/m/{}/new", encode(m))
                } else {
                    format!("#/m/{}/new?{}", encode(m), q.join("&"))
                }
            }
            Route::View(m, id) => format!("#/m/{}/{}", encode(m), encode(id)),
            Route::Edit(m, id) => format!("#/m/{}/{}/edit", encode(m), encode(id)),
        }
    }
}

/// The key of the module each own page shows, which is the page's address. Routes
/// are made and read outside any view (links, `navigate` after a save), so the keys
/// are read once from the schema the app runs on (`AppState`: the standard one).
fn page_keys() -> &'static [(OwnPage, String)] {
    static KEYS: OnceLock<Vec<(OwnPage, String)>> = OnceLock::new();
    KEYS.get_or_init(|| {
        crate::domain::modules::standard_modules::standard_schema()
            .modules
            .into_iter()
            .filter_map(|m| Some((m.page?, m.key)))
            .collect()
    })
}

/// The address word of an own page (empty when no module has that page).
fn page_key(page: OwnPage) -> String {
    let key = page_keys().iter().find(|(p, _)| *p == page);
    key.map(|(_, k)| encode(k)).unwrap_or_default()
}

/// The own page at `#/<key>/<rest>` (`#/settings/<key>/<rest>` when `in_settings`),
/// as its routes were written before they were read from the definitions.
fn own_page(key: &str, rest: &[&str], in_settings: bool) -> Route {
    let page = page_keys().iter().find(|(_, k)| k == key).map(|(p, _)| *p);
    match (page, in_settings, rest) {
        (Some(OwnPage::Dashboards), false, []) => Route::Dashboards(String::new()),
        (Some(OwnPage::Dashboards), false, [id]) => Route::Dashboards(id.to_string()),
        (Some(OwnPage::Reports), false, []) => Route::Reports,
        (Some(OwnPage::Reports), false, ["new"]) => Route::Report(String::new()),
        (Some(OwnPage::Reports), false, [id]) => Route::Report(id.to_string()),
        (Some(OwnPage::StageEditor), true, []) => Route::Pipelines(String::new()),
        (Some(OwnPage::StageEditor), true, [p]) => Route::Pipelines(p.to_string()),
        _ => Route::NotFound,
    }
}

fn encode(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

fn decode(s: &str) -> String {
    js_sys::decode_uri_component(s)
        .map(String::from)
        .unwrap_or_else(|_| s.to_string())
}

/// Goes to a route (adds a history entry, so Back works).
pub fn navigate(route: &Route) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(&route.href());
    }
}

pub fn current() -> Route {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| Route::parse(&h))
        .unwrap_or(Route::Home)
}
