//! The main navigation: the user's pinned views, then one collapsible group per
//! area of work (sales, work, service, marketing, insight, settings). Modules say
//! which area they belong to; the app's own pages are placed here. On a phone the
//! whole navigation is behind the header's Menu button.

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;

use super::pinned::{self, Pin};
use crate::domain::{Label, NavArea};
use crate::i18n::{label, t, tr, Locale};
use crate::ui::kit::focus::focus_id;
use crate::ui::kit::notice::Notice;
use crate::ui::kit::route::Route;
use crate::ui::kit::state::{tk, use_state, AppState};

/// The areas the user closed, remembered across visits.
const CLOSED_KEY: &str = "crm.nav_closed";

/// What a link says: a translation key, or a module's own label.
#[derive(Clone)]
enum Text {
    Key(&'static str),
    Label(Label),
}

#[derive(Clone)]
struct Link {
    href: String,
    text: Text,
    /// The name the current route's `here` has when this link's page is shown.
    here: String,
}

/// Which link a route belongs to: a module's key, or `#name` of an app page.
fn here(st: AppState, route: &Route) -> String {
    match route {
        Route::Home | Route::Drill(_) => "#home".into(),
        Route::List(m) | Route::New(m, _) | Route::View(m, _) | Route::Edit(m, _) => m.clone(),
        Route::Import(m) | Route::Duplicates(m) | Route::Merge(m, ..) => m.clone(),
        Route::Backup => "#backup".into(),
        Route::Dashboards(_) => "#dashboards".into(),
        Route::Board(..) => "#board".into(),
        // Converting belongs to the module whose action opens the page.
        Route::Convert(_) => st.data.with_untracked(|d| {
            d.schema
                .modules
                .iter()
                .find(|m| m.actions.iter().any(|a| a.page == "convert"))
                .map(|m| m.key.clone())
                .unwrap_or_default()
        }),
        Route::Work => "#work".into(),
        Route::Calendar(..) => "#calendar".into(),
        Route::Settings | Route::Pipelines(_) | Route::Schema(_) | Route::DryRun(_) => {
            "#settings".into()
        }
        Route::Reports | Route::Report(_) => "#reports".into(),
        Route::Search(_) | Route::NotFound => String::new(),
    }
}

/// The links of each area, modules first (in schema order), then the app's pages
/// that belong there; areas with no link are left out.
fn areas(st: AppState) -> Vec<(NavArea, Vec<Link>)> {
    let page = |key: &'static str, route: Route, here: &str| Link {
        href: route.href(),
        text: Text::Key(key),
        here: here.into(),
    };
    st.data.with_untracked(|d| {
        let has_board = d.schema.board_modules().next().is_some();
        NavArea::ALL
            .into_iter()
            .map(|area| {
                let mut links: Vec<Link> = d
                    .schema
                    .nav_modules_in(area)
                    .map(|m| Link {
                        href: Route::List(m.key.clone()).href(),
                        text: Text::Label(m.plural.clone()),
                        here: m.key.clone(),
                    })
                    .collect();
                match area {
                    // The boards come from the module definitions; the link opens the first.
                    NavArea::Sales if has_board => links.push(page(
                        "nav.board",
                        Route::Board(String::new(), String::new()),
                        "#board",
                    )),
                    NavArea::Work => {
                        links.push(page("nav.work", Route::Work, "#work"));
                        links.push(page(
                            "nav.calendar",
                            Route::Calendar("month".into(), String::new()),
                            "#calendar",
                        ));
                    }
                    NavArea::Insight => {
                        links.push(page(
                            "nav.dashboards",
                            Route::Dashboards(String::new()),
                            "#dashboards",
                        ));
                        links.push(page("nav.reports", Route::Reports, "#reports"));
                    }
                    NavArea::Settings => {
                        links.push(page("nav.settings", Route::Settings, "#settings"));
                        links.push(page("nav.backup", Route::Backup, "#backup"));
                    }
                    _ => {}
                }
                (area, links)
            })
            .filter(|(_, links)| !links.is_empty())
            .collect()
    })
}

fn link_view(st: AppState, link: Link) -> impl IntoView {
    let Link {
        href,
        text,
        here: mine,
    } = link;
    let current = move || (here(st, &st.route.get()) == mine).then_some("page");
    let words = move || match &text {
        Text::Key(k) => t(st.locale.get(), k),
        Text::Label(l) => label(st.locale.get(), l),
    };
    view! {
        <li>
            <a href=href aria-current=current>
                {words}
            </a>
        </li>
    }
}

/// The text of the page's main heading, which names the page (and the record).
pub fn page_heading() -> Option<String> {
    let doc = web_sys::window()?.document()?;
    let h1 = doc.query_selector("main h1").ok()??;
    let text = h1.text_content()?;
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

#[component]
pub fn Nav(
    /// On a phone: whether the Menu button has opened the navigation.
    open: RwSignal<bool>,
) -> impl IntoView {
    let st = use_state();
    // The links are rebuilt only when what they show changes: a module added,
    // renamed or moved by the schema page, not every time a record is saved.
    let shape = Memo::new(move |_| {
        st.data.with(|d| {
            let mut sig: Vec<String> = d
                .schema
                .nav_modules()
                .map(|m| format!("{}|{:?}|{:?}", m.key, m.area, m.plural))
                .collect();
            sig.push(d.schema.board_modules().next().is_some().to_string());
            sig
        })
    });
    let closed: Vec<String> = LocalStorage::get(CLOSED_KEY).unwrap_or_default();
    let closed = RwSignal::new(closed);
    let pins = RwSignal::new(pinned::load());
    // Leaving a page on a phone folds the menu away again: the content comes first.
    Effect::new(move |_| {
        st.route.track();
        open.set(false);
    });

    let group =
        move |key: &'static str, name: Signal<String>, items: AnyView, current: Signal<bool>| {
            let expanded = move || !closed.with(|c| c.iter().any(|k| k == key));
            let toggle = move |_| {
                closed.update(|c| {
                    if let Some(i) = c.iter().position(|k| k == key) {
                        c.remove(i);
                    } else {
                        c.push(key.to_string());
                    }
                });
                let _ = LocalStorage::set(CLOSED_KEY, closed.get_untracked());
            };
            let list_id = format!("nav-{key}");
            view! {
                <li class="nav-group" class:current=move || current.get()>
                    <button
                        type="button"
                        class="nav-group-button"
                        aria-expanded=move || expanded().to_string()
                        aria-controls=list_id.clone()
                        on:click=toggle
                    >
                        <span class="nav-caret" aria-hidden="true"></span>
                        {move || name.get()}
                    </button>
                    <ul id=list_id class="nav-links" hidden=move || !expanded()>
                        {items}
                    </ul>
                </li>
            }
        };

    let area_groups = move || {
        // Read, not only tracked: a memo that is never read never computes.
        shape.with(|_| ());
        areas(st)
            .into_iter()
            .map(|(area, links)| {
                let heres: Vec<String> = links.iter().map(|l| l.here.clone()).collect();
                let current = Signal::derive(move || {
                    let h = here(st, &st.route.get());
                    heres.contains(&h)
                });
                let items = links
                    .into_iter()
                    .map(|l| link_view(st, l))
                    .collect_view()
                    .into_any();
                let name = Signal::derive(move || t(st.locale.get(), area.label_key()));
                group(area.key(), name, items, current)
            })
            .collect_view()
    };

    // Pinning: the name starts as the page's heading and can be changed first.
    let naming = RwSignal::new(None::<String>);
    let pin_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if naming.with(Option::is_some) {
            if let Some(i) = pin_input.get() {
                let _ = i.focus();
                i.select();
            }
        }
    });
    let here_href = move || st.route.get().href();
    let current_href = move || {
        web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .filter(|h| h.starts_with("#/"))
            .unwrap_or_else(|| st.route.get_untracked().href())
    };
    let pin_now = move || {
        let l = st.locale.get_untracked();
        let name = naming.get_untracked().unwrap_or_default();
        match pinned::with_pin(&pins.get_untracked(), &name, &current_href()) {
            Some(next) => {
                pinned::save(&next);
                pins.set(next);
                naming.set(None);
                let shown: String = name.trim().chars().take(pinned::MAX_NAME).collect();
                st.notice.set(Some(Notice::success(tr(
                    l,
                    "nav.pinned_done",
                    &[("name", &shown)],
                ))));
            }
            None => {
                let key = if name.trim().is_empty() {
                    "nav.pin_name_needed"
                } else {
                    "nav.pins_full"
                };
                st.notice.set(Some(Notice::error(t(l, key))));
            }
        }
    };
    let unpin = move |href: String| {
        let l = st.locale.get_untracked();
        let mut next = pins.get_untracked();
        let name = next
            .iter()
            .find(|p| p.href == href)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        next.retain(|p| p.href != href);
        pinned::save(&next);
        pins.set(next);
        st.notice.set(Some(Notice::success(tr(
            l,
            "nav.unpinned",
            &[("name", &name)],
        ))));
    };
    let pinned_items = move || {
        let l = st.locale.get();
        let here_now = here_href();
        let hash_now = current_href();
        pins.get()
            .into_iter()
            .map(|Pin { name, href }| {
                let current = (href == hash_now || href == here_now).then_some("page");
                let remove_name = tr(l, "nav.unpin", &[("name", &name)]);
                let h = href.clone();
                view! {
                    <li class="pin">
                        <a href=href aria-current=current>
                            <bdi>{name}</bdi>
                        </a>
                        <button
                            type="button"
                            class="pin-remove"
                            aria-label=remove_name.clone()
                            title=remove_name
                            on:click=move |_| unpin(h.clone())
                        >
                            "×"
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    let pin_form = move || {
        naming.get().map(|_| {
            view! {
                <li>
                    <form
                        class="pin-form"
                        on:submit=move |ev| {
                            ev.prevent_default();
                            pin_now();
                        }
                    >
                        <label for="pin-name">{tk("nav.pin_name")}</label>
                        <input
                            id="pin-name"
                            node_ref=pin_input
                            maxlength=pinned::MAX_NAME.to_string()
                            prop:value=move || naming.get().unwrap_or_default()
                            on:input=move |ev| naming.set(Some(event_target_value(&ev)))
                            on:keydown=move |ev| {
                                if ev.key() == "Escape" {
                                    naming.set(None);
                                }
                            }
                        />
                        <div class="actions">
                            <button type="submit" class="small primary">{tk("nav.pin")}</button>
                            <button type="button" class="small" on:click=move |_| naming.set(None)>
                                {tk("action.cancel")}
                            </button>
                        </div>
                    </form>
                </li>
            }
        })
    };
    let pinned_group = {
        let items = view! {
            {pinned_items}
            {pin_form}
            <li>
                <button
                    type="button"
                    class="link-button pin-this"
                    hidden=move || naming.with(Option::is_some)
                    on:click=move |_| {
                        let l = st.locale.get_untracked();
                        naming.set(Some(page_heading().unwrap_or_else(|| t(l, "app.name"))));
                    }
                >
                    {tk("nav.pin_this")}
                </button>
            </li>
        }
        .into_any();
        let name = Signal::derive(move || t(st.locale.get(), "nav.pinned"));
        let current = Signal::derive(move || {
            let h = current_href();
            st.route.track();
            pins.with(|p| p.iter().any(|p| p.href == h))
        });
        group("pinned", name, items, current)
    };

    view! {
        <nav
            id="main-nav"
            class="main-nav"
            class:open=move || open.get()
            aria-label=tk("nav.label")
            on:keydown=move |ev| {
                if ev.key() == "Escape" && open.get_untracked() {
                    open.set(false);
                    focus_menu_button();
                }
            }
        >
            <ul class="nav-areas">
                <li class="nav-home">
                    <a
                        href="#/"
                        aria-current=move || {
                            matches!(st.route.get(), Route::Home | Route::Drill(_)).then_some("page")
                        }
                    >
                        {tk("nav.home")}
                    </a>
                </li>
                {pinned_group}
                {area_groups}
                {move || st.narrow.get().then(|| view! { <li class="nav-language"><LanguagePicker /></li> })}
            </ul>
        </nav>
    }
}

fn focus_menu_button() {
    focus_id("menu-button");
}

/// The header's button that opens the navigation on a phone (hidden on wider screens).
#[component]
pub fn MenuButton(open: RwSignal<bool>) -> impl IntoView {
    view! {
        <button
            type="button"
            id="menu-button"
            class="menu-button"
            aria-controls="main-nav"
            aria-expanded=move || open.get().to_string()
            on:click=move |_| {
                open.update(|o| *o = !*o);
                if open.get_untracked() {
                    // Like a menu: the keyboard starts at its first link.
                    request_animation_frame(|| {
                        use wasm_bindgen::JsCast;
                        if let Some(a) = web_sys::window()
                            .and_then(|w| w.document())
                            .and_then(|d| d.query_selector("#main-nav a").ok().flatten())
                            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                        {
                            let _ = a.focus();
                        }
                    });
                }
            }
        >
            <span class="menu-icon" aria-hidden="true"></span>
            {tk("nav.menu")}
        </button>
    }
}

/// The first thing a keyboard reaches: straight to the page's content.
#[component]
pub fn SkipLink() -> impl IntoView {
    view! {
        <a
            class="skip-link"
            href="#main"
            on:click=move |ev| {
                // The address holds the route: focus the content without changing it.
                ev.prevent_default();
                focus_id("main");
            }
        >
            {tk("nav.skip")}
        </a>
    }
}

/// The choice of language, in the header (in the menu on a phone).
#[component]
pub fn LanguagePicker() -> impl IntoView {
    let st = use_state();
    view! {
        <div class="language">
            <label for="language-select">{tk("settings.language")}</label>
            <select
                id="language-select"
                on:change=move |ev| {
                    if let Some(l) = Locale::from_code(&event_target_value(&ev)) {
                        st.locale.set(l);
                    }
                }
            >
                {Locale::ALL
                    .into_iter()
                    .map(|l| {
                        view! {
                            <option value=l.code() selected=move || st.locale.get() == l lang=l.code()>
                                {l.native_name()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
