//! The app shell: header with navigation and language, the notice region, and the
//! page for the current route.

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::{label, t, tn, tr, Locale};
use crate::ui::activities::reminders::Reminders;
use crate::ui::analytics::home::HomePage;
use crate::ui::kit::download::download;
use crate::ui::kit::format::count;
use crate::ui::kit::notice::NotFound;
use crate::ui::kit::notice::Notice;
use crate::ui::kit::notice::{clear_stale, NoticeBar};
use crate::ui::kit::route::{current, Route};
use crate::ui::kit::state::{tk, use_state, AppState, LoadState};
use crate::ui::shell::alerts::AlertsButton;
use crate::ui::shell::deferred_pages::{self as later, when_loaded};
use crate::ui::shell::global_search::{follow_shortcuts, HeaderSearch};
use crate::ui::shell::nav::{LanguagePicker, MenuButton, Nav, SkipLink};
use crate::ui::writes::actions::load_everything;

const LOCALE_KEY: &str = "crm.locale";

fn initial_locale() -> Locale {
    let member = crate::ui::kit::personal::current_member();
    let saved: Option<String> = crate::ui::kit::personal::of(&member)
        .language
        .or_else(|| LocalStorage::get(LOCALE_KEY).ok());
    let browser = web_sys::window().and_then(|w| w.navigator().language());
    saved
        .or(browser)
        .and_then(|c| Locale::from_code(&c))
        .unwrap_or(Locale::En)
}

#[component]
pub fn App() -> impl IntoView {
    let st = AppState::new(initial_locale());
    provide_context(st);

    // Typed changes are not dropped by a stray click: leaving a form with unsaved
    // changes asks first, and going back restores the form's address.
    let listener = window_event_listener(leptos::ev::hashchange, move |ev| {
        let target = current();
        if target == st.route.get_untracked() {
            return;
        }
        if st.unsaved.get_untracked() {
            let l = st.locale.get_untracked();
            let leave = web_sys::window()
                .and_then(|w| w.confirm_with_message(&t(l, "form.leave_unsaved")).ok())
                .unwrap_or(true);
            if !leave {
                if let Some(w) = web_sys::window() {
                    let _ = w.location().replace(&ev.old_url());
                }
                return;
            }
            st.unsaved.set(false);
        }
        clear_stale(st.notice);
        // A form remembers the page it was opened from (Save and Cancel go back).
        let is_form = |r: &Route| matches!(r, Route::New(..) | Route::Edit(..));
        if is_form(&target) {
            let from = st.route.get_untracked();
            if !is_form(&from) {
                st.came_from.set(Some(from));
            }
        } else {
            st.came_from.set(None);
        }
        st.route.set(target);
        // Like a page load: keyboard and screen-reader users start at the new content.
        request_animation_frame(|| {
            crate::ui::kit::focus::focus_id("main");
            if let Some(w) = web_sys::window() {
                w.scroll_to_with_x_and_y(0.0, 0.0);
            }
        });
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        let narrow = crate::ui::kit::state::is_narrow();
        if st.narrow.get_untracked() != narrow {
            st.narrow.set(narrow);
        }
    });
    let unload = window_event_listener(leptos::ev::beforeunload, move |ev| {
        if st.unsaved.get_untracked() {
            ev.prevent_default();
        }
    });
    on_cleanup(move || {
        listener.remove();
        unload.remove();
        resize.remove();
    });

    // The whole document follows the language: lang and direction (the title
    // follows the page, below).
    Effect::new(move |_| {
        let l = st.locale.get();
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            if let Some(root) = doc.document_element() {
                let _ = root.set_attribute("lang", l.code());
                let _ = root.set_attribute("dir", l.dir());
            }
        }
        let _ = LocalStorage::set(LOCALE_KEY, l.code());
        // The member's own language, brought back when they are "You" again.
        crate::ui::kit::personal::update(|p| p.language = Some(l.code().to_string()));
    });

    crate::ui::shell::page_title::follow_the_page(st);
    crate::ui::writes::other_tabs::connect(st);
    spawn_local(load_everything(st));

    let menu_open = RwSignal::new(false);
    follow_shortcuts();
    // Only a change to or from the search page redraws the header's search.
    let on_search_page = Memo::new(move |_| matches!(st.route.get(), Route::Search(_)));
    view! {
        <SkipLink />
        <header class="app-header">
            <MenuButton open=menu_open />
            <a class="brand" href="#/">
                {tk("app.name")}
            </a>
            // On a phone a link to the search page, which has the field.
            {move || {
                // The search page has the field itself: one field of that name.
                if on_search_page.get() {
                    ().into_any()
                } else if st.narrow.get() {
                    view! {
                        <a class="header-search-link" href=Route::Search(String::new()).href()>
                            {tk("search.title")}
                        </a>
                    }
                        .into_any()
                } else {
                    view! { <HeaderSearch /> }.into_any()
                }
            }}
            // On a phone the language is chosen in the menu.
            {move || (!st.narrow.get()).then(|| view! { <LanguagePicker /> })}
            <AlertsButton />
        </header>
        <div class="app-body">
        <Nav open=menu_open />
        <div class="app-content">
        <NoticeBar />
        <ReplacedWarning />
        <UnreadableRecords />
        {move || {
            st.loading_rest
                .get()
                .then(|| view! { <p class="loading-rest" role="status">{tk("app.loading_rest")}</p> })
        }}
        <main id="main" tabindex="-1">
            {move || match st.load.get() {
                LoadState::Loading => {
                    view! { <p class="loading" role="status">{tk("app.loading")}</p> }.into_any()
                }
                LoadState::Failed(why) => {
                    view! {
                        <section class="page">
                            <h1>{tk("error.open_title")}</h1>
                            <p role="alert">{why}</p>
                            <p>{tk("error.open_hint")}</p>
                        </section>
                    }
                        .into_any()
                }
                LoadState::TooNew(detail) => {
                    view! {
                        <section class="page">
                            <h1>{tk("error.too_new_title")}</h1>
                            <p role="alert">{tk("error.too_new")}</p>
                            <p>{tk("error.too_new_hint")}</p>
                            <p class="muted">{detail}</p>
                            <p>
                                <button type="button" on:click=move |_| reload()>
                                    {tk("error.reload")}
                                </button>
                            </p>
                        </section>
                    }
                        .into_any()
                }
                LoadState::Ready => view! { <Page /> <Reminders /> }.into_any(),
            }}
        </main>
        </div>
        </div>
    }
}

fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// Shown on every page once another tab opened a newer version of the database:
/// this tab's connection is closed, so nothing it writes could be saved until reloaded.
#[component]
fn ReplacedWarning() -> impl IntoView {
    let st = use_state();
    move || {
        st.replaced.get().then(|| {
            view! {
                <div class="notice-region">
                    <div class="notice notice-error" role="alert">
                        <span>{tk("error.replaced")}</span>
                        <button type="button" on:click=move |_| reload()>
                            {tk("error.reload")}
                        </button>
                    </div>
                </div>
            }
        })
    }
}

/// Rows of the unreadable list shown on the page; the download holds all of them.
const UNREADABLE_SHOWN: usize = 50;

/// Names the stored records start-up could not read, on every page, with their
/// stored text to download: the rest of the data is open and can be backed up.
#[component]
fn UnreadableRecords() -> impl IntoView {
    let st = use_state();
    let download_raw = move |_| {
        let l = st.locale.get_untracked();
        let text = st.unreadable.with_untracked(|all| {
            let items: Vec<serde_json::Value> = all
                .iter()
                .map(|u| {
                    serde_json::json!({
                        "module": u.module, "id": u.id, "cause": u.cause, "stored_text": u.raw,
                    })
                })
                .collect();
            serde_json::to_string_pretty(&items).unwrap_or_default()
        });
        if let Err(e) = download("crm-unreadable-records.json", "application/json", &text) {
            st.notice.set(Some(Notice::error(tr(
                l,
                "backup.export_failed",
                &[("detail", &e)],
            ))));
        }
    };
    move || {
        let n = st.unreadable.with(Vec::len);
        (n > 0).then(|| {
            let l = st.locale.get();
            let rows = st.unreadable.with(|all| {
                all.iter()
                    .take(UNREADABLE_SHOWN)
                    .map(|u| {
                        let module = st.data.with_untracked(|d| {
                            d.schema
                                .module(&u.module)
                                .map(|m| label(l, &m.plural))
                                .unwrap_or_else(|| u.module.clone())
                        });
                        let line = tr(
                            l,
                            "unreadable.item",
                            &[("module", &module), ("id", &u.id), ("cause", &u.cause)],
                        );
                        view! { <li>{line}</li> }
                    })
                    .collect_view()
            });
            let more = (n > UNREADABLE_SHOWN).then(|| {
                view! {
                    <p>{tr(l, "unreadable.more", &[("n", &count(l, n - UNREADABLE_SHOWN))])}</p>
                }
            });
            view! {
                <div class="notice-region">
                    <section class="unreadable" role="alert" aria-labelledby="unreadable-title">
                        <h2 id="unreadable-title">{tn(l, "unreadable.title", n, &count(l, n))}</h2>
                        <p>{t(l, "unreadable.hint")}</p>
                        <ul>{rows}</ul>
                        {more}
                        <p class="actions">
                            <button type="button" on:click=download_raw>
                                {t(l, "unreadable.download")}
                            </button>
                            <a href=Route::Backup.href()>{t(l, "unreadable.to_backup")}</a>
                        </p>
                    </section>
                </div>
            }
        })
    }
}

#[component]
fn Page() -> impl IntoView {
    let st = use_state();
    move || {
        let route = st.route.get();
        let known = |m: &str| st.data.with_untracked(|d| d.schema.module(m).is_some());
        match route {
            Route::Home => view! { <HomePage /> }.into_any(),
            Route::Backup => when_loaded(later::backup()),
            Route::Board(m, p) => when_loaded(later::board(m, p)),
            Route::Work => when_loaded(later::my_work()),
            Route::Calendar(v, d) => when_loaded(later::calendar(v, d)),
            Route::Settings => when_loaded(later::settings()),
            Route::Schema(m) => when_loaded(later::schema(m)),
            Route::Search(q) => when_loaded(later::search(q)),
            Route::Drill(key) => when_loaded(later::drill(key)),
            Route::Dashboards(id) => when_loaded(later::dashboards(id)),
            Route::Convert(id) => when_loaded(later::convert(id)),
            Route::DryRun(rule) => when_loaded(later::dry_run(rule)),
            Route::Import(m) if known(&m) => when_loaded(later::import(m)),
            Route::Duplicates(m) if known(&m) => when_loaded(later::duplicates(m)),
            Route::Merge(m, a, b) if known(&m) => when_loaded(later::merge(m, a, b)),
            Route::Pipelines(p) => when_loaded(later::pipelines(p)),
            Route::Reports => when_loaded(later::reports()),
            Route::Report(id) => when_loaded(later::report(id)),
            Route::List(m) if known(&m) => when_loaded(later::list(m)),
            Route::New(m, prefill) if known(&m) => when_loaded(later::new_record(m, prefill)),
            Route::View(m, id) if known(&m) => when_loaded(later::record(m, id)),
            Route::Edit(m, id) if known(&m) => when_loaded(later::edit_record(m, id)),
            _ => view! { <NotFound /> }.into_any(),
        }
    }
}
