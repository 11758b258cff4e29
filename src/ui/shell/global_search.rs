//! Search across every module: the header's field — a WAI-ARIA combobox whose
//! suggestions are grouped by module, with the records opened last before a word is
//! typed; `/` (outside a text field) or Ctrl/⌘+K goes to it — and the results page it
//! opens, each module's best records first, with the field each was found by, and a
//! link to the module's list on the same words.

use leptos::prelude::*;

use crate::domain::records::global_search::{global_search, matched_field};
use crate::domain::records::record::Record;
use crate::domain::records::record_set::Dataset;
use crate::domain::ModuleDef;
use crate::i18n::{label, t, tn, tr, Locale};
use crate::ui::kit::field_input::step_option;
use crate::ui::kit::focus::focus_id;
use crate::ui::kit::format::{count, value_text};
use crate::ui::kit::recent::recent;
use crate::ui::kit::route::{navigate, Route};
use crate::ui::kit::state::{tk, use_state};

/// Records per module on the results page; the module's list holds the rest.
const PER_MODULE: usize = 8;
/// Records per module among the header's suggestions.
const SUGGESTED: usize = 4;

/// A record as a search shows it.
#[derive(Clone, PartialEq)]
struct Hit {
    route: Route,
    title: String,
    /// The field it was found by ("Emails: anna@…"), else what tells it apart.
    detail: String,
}

/// One group of hits: a module's, or the records opened last.
#[derive(Clone, PartialEq)]
struct Group {
    key: String,
    heading: String,
    total: usize,
    /// The module's list on the same words, when it holds more than are shown.
    more: Option<(String, String)>,
    hits: Vec<Hit>,
}

fn hit(l: Locale, d: &Dataset, m: &ModuleDef, r: &Record, words: &str) -> Hit {
    let title = d
        .title(&m.key, &r.id)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| t(l, "record.untitled"));
    let detail = match matched_field(m, r, words).filter(|_| !words.trim().is_empty()) {
        Some(f) => {
            let value = r
                .get(&f.key)
                .map(|v| value_text(l, d, f, v))
                .unwrap_or_default();
            format!("{}: {value}", label(l, &f.label))
        }
        None => m
            .list_fields()
            .filter(|f| !m.title_fields.contains(&f.key))
            .filter_map(|f| r.get(&f.key).map(|v| value_text(l, d, f, v)))
            .filter(|t| !t.is_empty())
            .take(2)
            .collect::<Vec<_>>()
            .join(" · "),
    };
    Hit {
        route: Route::View(m.key.clone(), r.id.clone()),
        title,
        detail,
    }
}

/// The groups for `words`: each module's best `per_module`, or, with no words, the
/// records opened last (those still stored).
fn groups(l: Locale, d: &Dataset, words: &str, per_module: usize) -> Vec<Group> {
    if words.trim().is_empty() {
        let hits: Vec<Hit> = recent()
            .into_iter()
            .filter_map(|(m, id)| {
                let module = d.schema.module(&m)?;
                let r = d.get(&m, &id)?;
                Some(hit(l, d, module, r, ""))
            })
            .collect();
        if hits.is_empty() {
            return Vec::new();
        }
        return vec![Group {
            key: "recent".into(),
            heading: t(l, "search.recent"),
            total: hits.len(),
            more: None,
            hits,
        }];
    }
    global_search(d, words, per_module)
        .into_iter()
        .filter_map(|found| {
            let m = d.schema.module(&found.module)?;
            let set = d.set(&found.module)?;
            let plural = label(l, &m.plural);
            let hits = found
                .slots
                .iter()
                .filter_map(|s| set.at(*s))
                .map(|r| hit(l, d, m, r, words))
                .collect::<Vec<_>>();
            let more = (found.total > hits.len()).then(|| {
                let href = format!(
                    "{}?q={}",
                    Route::List(m.key.clone()).href(),
                    String::from(js_sys::encode_uri_component(words.trim()))
                );
                let text = tr(
                    l,
                    "search.show_all",
                    &[("n", &count(l, found.total)), ("module", &plural)],
                );
                (href, text)
            });
            Some(Group {
                key: m.key.clone(),
                heading: format!("{plural} ({})", count(l, found.total)),
                total: found.total,
                more,
                hits,
            })
        })
        .collect()
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

/// `/` and Ctrl/⌘+K go to the search: the header's field, or on a phone its page.
pub fn follow_shortcuts() {
    let listener = window_event_listener(leptos::ev::keydown, move |ev| {
        let k = ev.key();
        let command_k = (ev.ctrl_key() || ev.meta_key()) && k.eq_ignore_ascii_case("k");
        let slash = k == "/" && !ev.ctrl_key() && !ev.meta_key() && !ev.alt_key();
        if !(command_k || slash && !typing_somewhere()) {
            return;
        }
        ev.prevent_default();
        if !focus_id("header-search") && !focus_id("search-words") {
            navigate(&Route::Search(String::new()));
        }
    });
    on_cleanup(move || listener.remove());
}

/// The header's search: suggestions as the words are typed, arrows to move through
/// them with focus kept in the field, Enter to open the one chosen — or, with none
/// chosen, the results page —, Escape to close them.
#[component]
pub fn HeaderSearch() -> impl IntoView {
    let st = use_state();
    let text = RwSignal::new(String::new());
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    let found = Memo::new(move |_| {
        let q = text.get();
        let l = st.locale.get();
        // The records opened last change as pages open: read when the list opens.
        open.track();
        st.data.with(|d| groups(l, d, &q, SUGGESTED))
    });
    // Every choice in order: the groups' records, then "all results" for the words.
    let choices = move || {
        let mut out: Vec<Route> = found.with(|g| {
            g.iter()
                .flat_map(|g| g.hits.iter().map(|h| h.route.clone()))
                .collect()
        });
        let q = text.get();
        if !q.trim().is_empty() {
            out.push(Route::Search(q.trim().to_string()));
        }
        out
    };
    let go = move |route: Route| {
        open.set(false);
        active.set(None);
        if matches!(route, Route::View(..)) {
            text.set(String::new());
        }
        navigate(&route);
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let all = choices();
        match ev.key().as_str() {
            "ArrowDown" | "ArrowUp" if !all.is_empty() => {
                ev.prevent_default();
                open.set(true);
                let down = ev.key() == "ArrowDown";
                active.update(|a| *a = Some(step_option(*a, all.len(), down)));
            }
            "Enter" => {
                ev.prevent_default();
                let chosen = active.get_untracked().and_then(|i| all.get(i).cloned());
                let q = text.get_untracked().trim().to_string();
                go(chosen.unwrap_or(Route::Search(q)));
            }
            "Escape" => {
                ev.prevent_default();
                if open.get_untracked() {
                    open.set(false);
                    active.set(None);
                } else {
                    text.set(String::new());
                }
            }
            _ => {}
        }
    };
    let expanded = move || open.get() && !choices().is_empty();
    let option_id = |i: usize| format!("header-search-{i}");
    view! {
        <form class="header-search" role="search" on:submit=|ev| ev.prevent_default()>
            <label for="header-search">{tk("search.label")}</label>
            <div class="header-search-box">
                <input
                    id="header-search"
                    type="search"
                    role="combobox"
                    autocomplete="off"
                    aria-autocomplete="list"
                    aria-controls="header-search-list"
                    aria-keyshortcuts="/ Control+K Meta+K"
                    aria-expanded=move || if expanded() { "true" } else { "false" }
                    aria-activedescendant=move || active.get().filter(|_| expanded()).map(option_id)
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        text.set(event_target_value(&ev));
                        open.set(true);
                        active.set(None);
                    }
                    on:focus=move |_| open.set(true)
                    on:blur=move |_| {
                        open.set(false);
                        active.set(None);
                    }
                    on:keydown=on_key
                />
                <div
                    class="search-popup"
                    role="listbox"
                    id="header-search-list"
                    aria-label=move || t(st.locale.get(), "search.title")
                    hidden=move || !expanded()
                >
                    {move || {
                        let current = active.get();
                        let mut i = 0usize;
                        let mut out = Vec::new();
                        for g in found.get() {
                            let head_id = format!("header-search-group-{}", g.key);
                            let options = g
                                .hits
                                .into_iter()
                                .map(|h| {
                                    let n = i;
                                    i += 1;
                                    let chosen = current == Some(n);
                                    let route = h.route.clone();
                                    view! {
                                        <div
                                            role="option"
                                            id=option_id(n)
                                            aria-selected=if chosen { "true" } else { "false" }
                                            class="search-option"
                                            class:active=chosen
                                            on:mousedown=|ev| ev.prevent_default()
                                            on:click=move |_| go(route.clone())
                                        >
                                            <bdi class="search-option-title">{h.title}</bdi>
                                            <bdi class="muted">{h.detail}</bdi>
                                        </div>
                                    }
                                })
                                .collect_view();
                            out.push(
                                view! {
                                    <div role="group" aria-labelledby=head_id.clone()>
                                        <div class="search-popup-head" id=head_id.clone() role="presentation">
                                            {g.heading}
                                        </div>
                                        {options}
                                    </div>
                                }
                                    .into_any(),
                            );
                        }
                        let q = text.get();
                        if !q.trim().is_empty() {
                            let n = i;
                            let chosen = current == Some(n);
                            let words = q.trim().to_string();
                            let l = st.locale.get();
                            out.push(
                                view! {
                                    <div
                                        role="option"
                                        id=option_id(n)
                                        aria-selected=if chosen { "true" } else { "false" }
                                        class="search-option search-all"
                                        class:active=chosen
                                        on:mousedown=|ev| ev.prevent_default()
                                        on:click=move |_| go(Route::Search(words.clone()))
                                    >
                                        {tr(l, "search.all_results", &[("words", q.trim())])}
                                    </div>
                                }
                                    .into_any(),
                            );
                        }
                        out
                    }}
                </div>
            </div>
        </form>
    }
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
        let l = st.locale.get();
        st.data.with(|d| groups(l, d, &q, PER_MODULE))
    });
    let summary = move || {
        let l = st.locale.get();
        let q = words.get();
        if q.trim().is_empty() {
            return t(l, "search.empty");
        }
        found.with(|f| {
            let total: usize = f.iter().map(|g| g.total).sum();
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
            {move || found.get().into_iter().map(group_view).collect_view()}
        </section>
    }
}

fn group_view(g: Group) -> impl IntoView {
    let heading_id = format!("search-{}", g.key);
    let rows = g
        .hits
        .into_iter()
        .map(|h| {
            view! {
                <li>
                    <a href=h.route.href()><bdi>{h.title}</bdi></a>
                    <bdi class="muted">{h.detail}</bdi>
                </li>
            }
        })
        .collect_view();
    let more = g
        .more
        .map(|(href, text)| view! { <p><a href=href>{text}</a></p> });
    view! {
        <section class="search-group" aria-labelledby=heading_id.clone()>
            <h2 id=heading_id.clone()>{g.heading}</h2>
            <ul class="search-hits">{rows}</ul>
            {more}
        </section>
    }
}
