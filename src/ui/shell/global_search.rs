//! Search across every module: a search field in the header (`/` goes to it from
//! anywhere but a text field) and the results page it opens, grouped by module, each
//! group's best records first and a link to the module's list on the same words.

use leptos::prelude::*;

use crate::domain::records::global_search::{global_search, ModuleHits};
use crate::domain::records::record_set::Dataset;
use crate::i18n::{label, t, tn, tr, Locale};
use crate::ui::kit::focus::focus_id;
use crate::ui::kit::format::{count, value_text};
use crate::ui::kit::route::{navigate, Route};
use crate::ui::kit::state::{tk, use_state};

/// Records shown per module; the module's list holds the rest.
const PER_MODULE: usize = 8;

/// The header's search: Enter opens the results page on its words.
#[component]
pub fn HeaderSearch() -> impl IntoView {
    let st = use_state();
    let text = RwSignal::new(String::new());
    // The field shows the words of the results page while it is open.
    Effect::new(move |_| {
        if let Route::Search(q) = st.route.get() {
            text.set(q);
        }
    });
    let listener = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() != "/" || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        if typing_somewhere() {
            return;
        }
        ev.prevent_default();
        if !focus_id("header-search") {
            navigate(&Route::Search(String::new()));
        }
    });
    on_cleanup(move || listener.remove());
    view! {
        <form
            class="header-search"
            role="search"
            on:submit=move |ev| {
                ev.prevent_default();
                navigate(&Route::Search(text.get_untracked().trim().to_string()));
            }
        >
            <label for="header-search">{tk("search.label")}</label>
            <input
                id="header-search"
                type="search"
                autocomplete="off"
                aria-keyshortcuts="/"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            />
        </form>
    }
}

/// True while the keyboard is in a text field, a select or an editable element,
/// where `/` is a character to type.
fn typing_somewhere() -> bool {
    let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
    else {
        return false;
    };
    let tag = el.tag_name().to_ascii_lowercase();
    matches!(tag.as_str(), "input" | "textarea" | "select")
        || el.get_attribute("contenteditable").is_some()
}

/// The results page: the same words, typed again here, search as they change.
#[component]
pub fn SearchPage(query: String) -> impl IntoView {
    let st = use_state();
    let words = RwSignal::new(query);
    // A new search from the header while this page is open.
    Effect::new(move |_| {
        if let Route::Search(q) = st.route.get() {
            if words.get_untracked() != q {
                words.set(q);
            }
        }
    });
    // The address follows the words in place (no history entry per keystroke).
    Effect::new(move |_| {
        let href = Route::Search(words.get().trim().to_string()).href();
        let Some(w) = web_sys::window() else { return };
        if w.location().hash().ok().as_deref() != Some(href.as_str()) {
            if let Ok(h) = w.history() {
                let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&href));
            }
        }
    });
    let found = Memo::new(move |_| {
        let q = words.get();
        st.data.with(|d| global_search(d, &q, PER_MODULE))
    });
    let summary = move || {
        let l = st.locale.get();
        let q = words.get();
        if q.trim().is_empty() {
            return t(l, "search.empty");
        }
        found.with(|f| {
            let total: usize = f.iter().map(|h| h.total).sum();
            if total == 0 {
                tr(l, "search.none", &[("words", q.trim())])
            } else {
                tn(l, "search.summary", total, &count(l, total))
            }
        })
    };
    view! {
        <section class="page search-page">
            <h1>{tk("search.title")}</h1>
            <form role="search" on:submit=|ev| ev.prevent_default()>
                <div class="field">
                    <label for="search-words">{tk("search.label")}</label>
                    <input
                        id="search-words"
                        type="search"
                        autocomplete="off"
                        autofocus
                        prop:value=move || words.get()
                        on:input=move |ev| words.set(event_target_value(&ev))
                    />
                </div>
            </form>
            <p class="muted" role="status">{summary}</p>
            {move || {
                let l = st.locale.get();
                let q = words.get_untracked();
                found.get().into_iter().map(|hits| st.data.with(|d| group(l, d, &hits, &q))).collect_view()
            }}
        </section>
    }
}

/// One module's results: a heading with its count, its best records, and its list.
fn group(l: Locale, d: &Dataset, hits: &ModuleHits, words: &str) -> AnyView {
    let (Some(module), Some(set)) = (d.schema.module(&hits.module), d.set(&hits.module)) else {
        return ().into_any();
    };
    let plural = label(l, &module.plural);
    let heading_id = format!("search-{}", hits.module);
    let rows = hits
        .slots
        .iter()
        .filter_map(|s| set.at(*s))
        .map(|r| {
            let title = d.title(&module.key, &r.id).unwrap_or_default();
            // What tells two records of one name apart: the list's other columns.
            let detail: Vec<String> = module
                .list_fields()
                .filter(|f| !module.title_fields.contains(&f.key))
                .filter_map(|f| r.get(&f.key).map(|v| value_text(l, d, f, v)))
                .filter(|t| !t.is_empty())
                .take(2)
                .collect();
            let href = Route::View(module.key.clone(), r.id.clone()).href();
            view! {
                <li>
                    <a href=href><bdi>{title}</bdi></a>
                    <span class="muted"><bdi>{detail.join(" · ")}</bdi></span>
                </li>
            }
        })
        .collect_view();
    let more = (hits.total > hits.slots.len()).then(|| {
        let href = format!(
            "{}?q={}",
            Route::List(module.key.clone()).href(),
            String::from(js_sys::encode_uri_component(words.trim()))
        );
        let text = tr(
            l,
            "search.show_all",
            &[("n", &count(l, hits.total)), ("module", &plural)],
        );
        view! { <p><a href=href>{text}</a></p> }
    });
    view! {
        <section class="search-group" aria-labelledby=heading_id.clone()>
            <h2 id=heading_id.clone()>{format!("{plural} ({})", count(l, hits.total))}</h2>
            <ul class="search-hits">{rows}</ul>
            {more}
        </section>
    }
    .into_any()
}
