//! A module's list: search, filters, sortable columns, and virtual scrolling so only
//! the rows in view exist in the page, whether the module holds ten records or 100,000.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::interchange::csv_export::{self, ExportOptions};
use crate::domain::interchange::{ical, vcard};
use crate::domain::records::list_query::{ListQuery, ListWork, QueryContext, Sort};
use crate::domain::records::search::Slot;
use crate::domain::sales::board::exchange_rates;
use crate::domain::{FieldDef, FieldKind, Label};
use crate::i18n::{label, t, tn, tr};
use crate::ui::kit::download::download;
use crate::ui::kit::format::{count, value_text, week_start};
use crate::ui::kit::notice::Notice;
use crate::ui::kit::route::Route;
use crate::ui::kit::state::{in_turns, now, tk, turn, use_state, utc_offset, Generation};
use crate::ui::kit::user_select::{whose_user, WhoseFilter};
use crate::ui::records::list_address;
use crate::ui::records::list_filters::FilterBar;
use crate::ui::writes::actions::load_sample;

/// Every row has this height (CSS keeps it), so the visible slice follows from the
/// scroll position alone.
const ROW_HEIGHT: f64 = 44.0;
/// On a phone a row is its title and three named lines below it (CSS keeps it).
const PHONE_ROW_HEIGHT: f64 = 104.0;
/// Rows rendered beyond each edge of the viewport, so fast scrolling shows no gaps.
const OVERSCAN: usize = 10;

#[component]
pub fn ListView(module: String) -> impl IntoView {
    let st = use_state();
    let Some(def) = st
        .data
        .with_untracked(|d| d.schema.module(&module).cloned())
    else {
        return view! { <crate::ui::kit::notice::NotFound /> }.into_any();
    };
    // The columns shown: the module's usual ones, or those chosen (kept in the address,
    // so a saved view keeps them); the first usual one stays, as it opens the record.
    let chosen_columns = RwSignal::new(list_address::initial_columns(&def));
    let all_fields = StoredValue::new(def.fields.clone());
    let columns = Memo::new(move |_| {
        let keys = chosen_columns.get();
        all_fields.with_value(|fs| {
            let first = fs.iter().find(|f| f.in_list).map(|f| f.key.clone());
            fs.iter()
                .filter(|f| {
                    if keys.is_empty() {
                        f.in_list
                    } else {
                        keys.contains(&f.key) || Some(&f.key) == first.as_ref()
                    }
                })
                .cloned()
                .collect::<Vec<FieldDef>>()
        })
    });
    let view_def = StoredValue::new(def.clone());
    // Rows or cards, as the user last chose for this list (on this device).
    let as_cards_key = format!("crm.list_as_cards.{}", def.key);
    let as_cards = RwSignal::new(
        <gloo_storage::LocalStorage as gloo_storage::Storage>::get::<bool>(&as_cards_key)
            .unwrap_or(false),
    );
    Effect::new(move |_| {
        let _ = <gloo_storage::LocalStorage as gloo_storage::Storage>::set(
            &as_cards_key,
            as_cards.get(),
        );
    });
    let (initial_filters, initial_sort) = list_address::initial(&def);
    let search = RwSignal::new(list_address::initial_search(&def));
    let sort = RwSignal::new(initial_sort);
    let filters = RwSignal::new(initial_filters);
    list_address::follow(def.clone(), filters, sort, search, chosen_columns);
    // "" everyone, "@me" the current user, or a user's id.
    let whose = RwSignal::new(String::new());
    let module_key = StoredValue::new(module.clone());
    // The rows in order, worked out in turns: most queries finish in the first, and
    // 200,000 rows never hold the page. The last rows stay until newer ones are ready.
    let rows = RwSignal::new(Vec::<Slot>::new());
    // The cell edited in place: (row, field).
    let editing = RwSignal::new(None::<(Slot, String)>);
    // The records ticked for a bulk change, by id (slots change with a restore).
    let selected = RwSignal::new(std::collections::BTreeSet::<String>::new());
    // The row a shift-click selects from.
    let anchor = StoredValue::new(None::<usize>);
    let working = RwSignal::new(false);
    let generation = Generation::new();
    Effect::new(move |_| {
        let q = ListQuery {
            search: search.get(),
            filters: filters.get(),
            sort: sort.get(),
            involving: whose_user(st, &whose.get()),
        };
        st.data.track();
        let l = st.locale.get();
        let base = st.base_currency.get();
        let mine = generation.start();
        let mut work = st.data.with_untracked(|d| {
            let ctx =
                QueryContext::at(now(), utc_offset(), week_start(l), exchange_rates(d, &base))
                    .in_calendar(crate::ui::kit::time_zone::calendar_for(l));
            ListWork::new(d, &module_key.get_value(), q, ctx)
        });
        // Only a real change notifies: an equal result must not scroll to the top.
        let show = move |work: ListWork| {
            let new = work.finish();
            if rows.with_untracked(|r| *r != new) {
                rows.set(new);
            }
            working.set(false);
        };
        let one_turn = move |w: &mut ListWork| {
            st.data
                .with_untracked(|d| turn(|| w.step(d, ListWork::SLICE)))
        };
        if one_turn(&mut work) {
            show(work);
        } else {
            working.set(true);
            in_turns(generation, mine, work, one_turn, show);
        }
    });
    let module_size = move || {
        st.data
            .with(|d| d.set(&module_key.get_value()).map(|s| s.len()).unwrap_or(0))
    };

    let row_h = move || {
        if st.narrow.get() {
            PHONE_ROW_HEIGHT
        } else {
            ROW_HEIGHT
        }
    };
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(640.0_f64);
    let scroller = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = scroller.get() {
            viewport.set(el.client_height().max(200) as f64);
        }
    });
    // A new query starts at the top.
    Effect::new(move |_| {
        rows.track();
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top(0);
        }
        scroll_top.set(0.0);
    });

    let plural = def.plural.clone();
    let singular = def.singular.clone();
    let plural = StoredValue::new(plural);
    let title = move || plural.with_value(|p| label(st.locale.get(), p));
    let new_href = Route::New(module.clone(), vec![]).href();
    let kept_by_app = def.kept_by_app;
    let search_label = move || {
        let l = st.locale.get();
        plural.with_value(|p| tr(l, "list.search_label", &[("module", &label(l, p))]))
    };
    let new_label = move || {
        let l = st.locale.get();
        tr(l, "action.new_record", &[("module", &label(l, &singular))])
    };
    let ncols = move || columns.with(Vec::len) + 1;
    let ids_of = move |slots: &[Slot]| -> Vec<String> {
        st.data.with_untracked(|d| {
            let Some(set) = d.set(&module_key.get_value()) else {
                return Vec::new();
            };
            slots
                .iter()
                .filter_map(|s| set.at(*s).map(|r| r.id.clone()))
                .collect()
        })
    };
    let all_shown = Signal::derive(move || rows.with(|r| ids_of(r)));
    let all_ticked = move || {
        let n = rows.with(Vec::len);
        n > 0
            && selected.with(|s| s.len()) >= n
            && all_shown.with(|ids| selected.with(|s| ids.iter().all(|i| s.contains(i))))
    };
    let select_all_cell = view! {
        <th scope="col" class="select-col">
            <input
                type="checkbox"
                aria-label=move || {
                    let l = st.locale.get();
                    let n = rows.with(Vec::len);
                    tn(l, "list.select_all", n, &count(l, n))
                }
                prop:checked=all_ticked
                on:change=move |ev| {
                    if event_target_checked(&ev) {
                        selected.set(all_shown.get_untracked().into_iter().collect());
                    } else {
                        selected.set(Default::default());
                    }
                }
            />
        </th>
    };
    let header_cells = move || {
        columns
            .get()
            .iter()
            .map(|f| {
                let key = f.key.clone();
                let key2 = f.key.clone();
                let field_label = f.label.clone();
                let aria_sort = move || match sort.get() {
                    Some(s) if s.field == key => {
                        if s.descending {
                            "descending"
                        } else {
                            "ascending"
                        }
                    }
                    _ => "none",
                };
                let toggle = move |_| {
                    sort.update(|s| {
                        *s = match s.take() {
                            Some(cur) if cur.field == key2 && !cur.descending => Some(Sort {
                                field: key2.clone(),
                                descending: true,
                            }),
                            Some(cur) if cur.field == key2 => None,
                            _ => Some(Sort {
                                field: key2.clone(),
                                descending: false,
                            }),
                        }
                    })
                };
                let aria_sort2 = aria_sort.clone();
                let arrow = move || match aria_sort2() {
                    "ascending" => "▲",
                    "descending" => "▼",
                    _ => "",
                };
                view! {
                    <th scope="col" aria-sort=aria_sort>
                        <button type="button" class="sort-button" on:click=toggle>
                            {move || label(st.locale.get(), &field_label)}
                            <span class="sort-mark" aria-hidden="true">{arrow}</span>
                        </button>
                    </th>
                }
            })
            .collect_view()
    };

    // Which rows are in view, and the spacer heights that stand for the rest.
    let window = Memo::new(move |_| {
        let total = rows.with(Vec::len);
        let first = ((scroll_top.get() / row_h()) as usize).saturating_sub(OVERSCAN);
        let shown = (viewport.get() / row_h()) as usize + 2 * OVERSCAN;
        let last = (first + shown).min(total);
        (first.min(last), last, total)
    });
    let visible: Memo<Vec<Slot>> = Memo::new(move |_| {
        let (first, last, _) = window.get();
        rows.with(|all| all[first..last].to_vec())
    });
    let top = move || format!("{}px", window.get().0 as f64 * row_h());
    let bottom = move || {
        let (_, last, total) = window.get();
        format!("{}px", (total - last) as f64 * row_h())
    };
    // One row, keyed by its slot: rows that stay in view keep their elements (and
    // keyboard focus) while the list scrolls.
    let row = move |slot: Slot| {
        let cells = move || {
            let l = st.locale.get();
            st.data.with(|d| {
                let set = d.set(&module_key.get_value())?;
                let record = set.at(slot)?;
                let href = Route::View(record.module.clone(), record.id.clone()).href();
                Some(columns.with(|cols| {
                    cols.iter()
                        .enumerate()
                        .map(|(i, f)| {
                            let text = record
                                .get(&f.key)
                                .map(|v| value_text(l, d, f, v))
                                .unwrap_or_default();
                            if i == 0 {
                                let text = if text.is_empty() {
                                    let title = set.module.title_of(record);
                                    if title.is_empty() {
                                        t(l, "record.untitled")
                                    } else {
                                        title
                                    }
                                } else {
                                    text
                                };
                                view! {
                                    <th scope="row">
                                        <a href=href.clone()>
                                            <bdi>{text}</bdi>
                                        </a>
                                    </th>
                                }
                                .into_any()
                            } else {
                                // A phone shows the row as stacked lines, each named.
                                // A field a person types is edited in place.
                                let editable = f.is_typed()
                                    && !kept_by_app
                                    && !matches!(f.kind, FieldKind::Trail { .. });
                                let here = (slot, f.key.clone());
                                let is_editing = {
                                    let here = here.clone();
                                    move || editing.with(|e| e.as_ref() == Some(&here))
                                };
                                let start = {
                                    let here = here.clone();
                                    move || {
                                        if editable {
                                            editing.set(Some(here.clone()));
                                        }
                                    }
                                };
                                let start2 = start.clone();
                                let is_editing2 = is_editing.clone();
                                let is_editing3 = is_editing.clone();
                                let field = f.clone();
                                let rid = record.id.clone();
                                let key = f.key.clone();
                                let done = Callback::new(move |_saved: bool| {
                                    editing.set(None);
                                    focus_cell(slot, &key);
                                });
                                view! {
                                    <td
                                        data-label=label(l, &f.label)
                                        data-field=f.key.clone()
                                        tabindex=editable.then_some("-1")
                                        class:editable=editable
                                        class:editing=is_editing
                                        on:dblclick=move |_| start()
                                        on:keydown=move |ev| {
                                            let on_cell = ev
                                                .target()
                                                .zip(ev.current_target())
                                                .is_some_and(|(t, c)| t == c);
                                            let key = ev.key();
                                            if on_cell && (key == "Enter" || key == "F2") && !is_editing2() {
                                                ev.prevent_default();
                                                start2();
                                            }
                                        }
                                    >
                                        {move || {
                                            if is_editing3() {
                                                view! {
                                                    <crate::ui::records::inline_cell::InlineCell
                                                        module=module_key.get_value()
                                                        id=rid.clone()
                                                        field=field.clone()
                                                        on_done=done
                                                    />
                                                }
                                                    .into_any()
                                            } else {
                                                view! { <bdi>{text.clone()}</bdi> }.into_any()
                                            }
                                        }}
                                    </td>
                                }
                                .into_any()
                            }
                        })
                        .collect_view()
                }))
            })
        };
        let id = st.data.with_untracked(|d| {
            d.set(&module_key.get_value())
                .and_then(|s| s.at(slot))
                .map(|r| r.id.clone())
                .unwrap_or_default()
        });
        let id = StoredValue::new(id);
        let row_title = move || {
            let l = st.locale.get();
            let title = st
                .data
                .with(|d| d.title(&module_key.get_value(), &id.get_value()))
                .unwrap_or_default();
            tr(l, "list.select_row", &[("title", &title)])
        };
        let ticked = move || selected.with(|s| s.contains(&id.get_value()));
        let on_tick = move |ev: leptos::ev::MouseEvent| {
            let on = event_target_checked(&ev);
            let here = rows.with_untracked(|all| all.iter().position(|s| *s == slot));
            // Shift-click ticks (or unticks) every row from the last one clicked.
            let range: Vec<Slot> = match (ev.shift_key(), anchor.get_value(), here) {
                (true, Some(a), Some(h)) => rows.with_untracked(|all| {
                    let (lo, hi) = (a.min(h), a.max(h).min(all.len().saturating_sub(1)));
                    all[lo..=hi].to_vec()
                }),
                _ => vec![slot],
            };
            let ids = ids_of(&range);
            selected.update(|s| {
                for i in ids {
                    if on {
                        s.insert(i);
                    } else {
                        s.remove(&i);
                    }
                }
            });
            anchor.set_value(here);
        };
        view! {
            <tr data-slot=slot.to_string() class:ticked=ticked>
                <td class="select-cell">
                    <input type="checkbox" aria-label=row_title prop:checked=ticked on:click=on_tick />
                </td>
                {cells}
            </tr>
        }
    };

    // Arrow keys, Page Up/Down, Home and End move between rows, also to rows not
    // rendered yet: the list scrolls them into view, then the row's link takes focus.
    let pending = StoredValue::new(None::<Slot>);
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        use wasm_bindgen::JsCast;
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        let page = (viewport.get_untracked() / row_h()).max(1.0) as isize;
        if matches!(ev.key().as_str(), "ArrowLeft" | "ArrowRight") {
            // Between the cells of a row: its link and the cells edited in place.
            let forward = (ev.key() == "ArrowRight") != st.locale.get_untracked().is_rtl();
            if move_in_row(forward) {
                ev.prevent_default();
            }
            return;
        }
        // Up and down keep to the column of a cell.
        let column = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .and_then(|a| a.closest("td[data-field]").ok().flatten())
            .and_then(|td| td.get_attribute("data-field"));
        let step: isize = match ev.key().as_str() {
            "ArrowDown" => 1,
            "ArrowUp" => -1,
            "PageDown" => page,
            "PageUp" => -page,
            "Home" if ev.ctrl_key() => isize::MIN / 2,
            "End" if ev.ctrl_key() => isize::MAX / 2,
            _ => return,
        };
        // A move still waiting for its row to render counts as where focus is, so
        // fast repeated keys are not lost.
        let current = pending.get_value().or_else(|| {
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .and_then(|a| a.closest("tr[data-slot]").ok().flatten())
                .and_then(|tr| tr.get_attribute("data-slot"))
                .and_then(|s| s.parse::<Slot>().ok())
        });
        let Some(current) = current else {
            return;
        };
        ev.prevent_default();
        let Some((target_index, target)) = rows.with_untracked(|all| {
            let pos = all.iter().position(|s| *s == current)? as isize;
            let to = (pos.saturating_add(step)).clamp(0, all.len() as isize - 1) as usize;
            Some((to, all[to]))
        }) else {
            return;
        };
        let row_top = target_index as f64 * row_h();
        let height = el.client_height() as f64;
        let header = row_h();
        let top = el.scroll_top() as f64;
        if row_top < top || row_top + row_h() > top + height - header {
            let new_top = (row_top - height / 2.0).max(0.0);
            el.set_scroll_top(new_top as i32);
            scroll_top.set(new_top);
        }
        let focus_row = move || -> bool {
            let link = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| {
                    let selector = match &column {
                        Some(c) => {
                            format!("tr[data-slot=\"{target}\"] td[data-field=\"{c}\"][tabindex]")
                        }
                        None => format!("tr[data-slot=\"{target}\"] a"),
                    };
                    d.query_selector(&selector).ok().flatten()
                })
                .and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok());
            link.map(|l| l.focus().is_ok()).unwrap_or(false)
        };
        if !focus_row() {
            pending.set_value(Some(target));
            request_animation_frame(move || {
                focus_row();
                pending.set_value(None);
            });
        }
    };

    // The export's choices: choices as keys rather than labels, and the trail fields
    // (offered only where the module has one) as readable text.
    let as_keys = RwSignal::new(false);
    let with_trails = RwSignal::new(false);
    let trail_label = def
        .fields
        .iter()
        .find(|f| matches!(f.kind, FieldKind::Trail { .. }))
        .map(|f| f.label.clone());

    // Exactly the rows the list shows (search, filters, order), every field, from
    // memory as it is now in one go: never while the rows are still being worked out
    // (they would be an older picture's slots over newer memory). The same rows go
    // out as a table, as an address book's cards or as calendar events.
    let export = move |file: ExportFile| {
        if st.loading_rest.get_untracked() || working.get_untracked() {
            return;
        }
        let l = st.locale.get_untracked();
        let module = module_key.get_value();
        let (text, n) = st.data.with_untracked(|d| {
            rows.with_untracked(|slots| match file {
                ExportFile::Csv => {
                    let words = move |lb: &Label| label(l, lb);
                    let opts = ExportOptions {
                        label: &words,
                        values_as_keys: as_keys.get_untracked(),
                        trails: with_trails.get_untracked(),
                        zone: crate::ui::kit::time_zone::zone(),
                    };
                    (csv_export::export(d, &module, slots, &opts), slots.len())
                }
                ExportFile::Vcard => (vcard::export(d, &module, slots), slots.len()),
                ExportFile::Ical => {
                    let now_utc = chrono::DateTime::from_timestamp_millis(now())
                        .unwrap_or_default()
                        .naive_utc();
                    ical::export(
                        d,
                        &module,
                        slots,
                        &crate::ui::kit::time_zone::zone(),
                        now_utc,
                    )
                }
            })
        });
        let (ext, mime) = file.kind();
        let date = String::from(js_sys::Date::new_0().to_iso_string());
        let name = format!("{module}-{}.{ext}", &date[..10]);
        match download(&name, mime, &text) {
            Ok(()) => st.notice.set(Some(Notice::success(tr(
                l,
                "list.exported",
                &[("n", &count(l, n)), ("file", &name)],
            )))),
            Err(e) => st.notice.set(Some(Notice::error(tr(
                l,
                "backup.export_failed",
                &[("detail", &e)],
            )))),
        }
    };
    let exports: Vec<ExportFile> = [
        Some(ExportFile::Csv),
        def.vcard.then_some(ExportFile::Vcard),
        def.agenda.is_some().then_some(ExportFile::Ical),
    ]
    .into_iter()
    .flatten()
    .collect();

    let result_count = move || {
        let l = st.locale.get();
        let n = rows.with(Vec::len);
        tn(l, "count.records", n, &count(l, n))
    };
    let is_empty_module = move || module_size() == 0;
    let no_matches = move || module_size() > 0 && rows.with(Vec::is_empty);
    let db_empty = move || st.data.with(|d| !d.has_user_records());

    view! {
        <section class="page list-page">
            <div class="page-head">
                <h1>{title}</h1>
                <div class="actions">
                    <div class="export-options check-group" role="group" aria-label=tk("list.export_options") hidden=is_empty_module>
                        <span class="check">
                            <input
                                type="checkbox"
                                id="export-keys"
                                prop:checked=move || as_keys.get()
                                on:change=move |ev| as_keys.set(event_target_checked(&ev))
                            />
                            <label for="export-keys">{tk("list.export_keys")}</label>
                        </span>
                        {trail_label.map(|lb| view! {
                            <span class="check">
                                <input
                                    type="checkbox"
                                    id="export-trails"
                                    prop:checked=move || with_trails.get()
                                    on:change=move |ev| with_trails.set(event_target_checked(&ev))
                                />
                                <label for="export-trails">
                                    {move || tr(st.locale.get(), "list.export_trail", &[("field", &label(st.locale.get(), &lb))])}
                                </label>
                            </span>
                        })}
                    </div>
                    {exports.into_iter().map(|file| view! {
                        <button
                            type="button"
                            hidden=is_empty_module
                            disabled=move || st.loading_rest.get() || working.get()
                            on:click=move |_| export(file)
                        >
                            {tk(file.button())}
                        </button>
                    }).collect_view()}
                    // Records only the app writes (a run log) are not made by hand.
                    <a class="button" hidden=kept_by_app href=Route::Import(module_key.get_value()).href()>
                        {tk("list.import_csv")}
                    </a>
                    {move || {
                        let has = st
                            .data
                            .with(|d| d.set(&module_key.get_value()).is_some_and(|s| s.duplicates().is_some() && !s.is_empty()));
                        has.then(|| view! {
                            <a class="button" href=Route::Duplicates(module_key.get_value()).href()>
                                {tk("list.find_duplicates")}
                            </a>
                        })
                    }}
                    <a class="button primary" hidden=kept_by_app href=new_href.clone()>
                        {new_label}
                    </a>
                </div>
            </div>
            <Show
                when=is_empty_module
                fallback=move || {
                    view! {
                        <div class="list-tools">
                            <crate::ui::records::saved_views::ViewPicker
                                def=view_def.get_value()
                                filters=filters
                                sort=sort
                                search=search
                                columns=chosen_columns
                            />
                            <div class="field search-field">
                                <label for="list-search">{search_label}</label>
                                <input
                                    id="list-search"
                                    type="search"
                                    autocomplete="off"
                                    prop:value=move || search.get()
                                    on:input=move |ev| search.set(event_target_value(&ev))
                                />
                            </div>
                            <WhoseFilter id="list-whose" label_key="filter.owner" whose=whose />
                            <FilterBar module=module_key.get_value() filters=filters />
                            <ColumnChooser fields=all_fields.get_value() columns=columns chosen=chosen_columns />
                            <div class="list-as" role="group" aria-label=move || t(st.locale.get(), "list.as_label")>
                                <button type="button" aria-pressed=move || (!as_cards.get()).to_string() on:click=move |_| as_cards.set(false)>
                                    {tk("list.as_table")}
                                </button>
                                <button type="button" aria-pressed=move || as_cards.get().to_string() on:click=move |_| as_cards.set(true)>
                                    {tk("list.as_cards")}
                                </button>
                            </div>
                            <p class="result-count" role="status">{result_count}</p>
                        </div>
                    }
                }
            >
                <div class="empty-state">
                    // Records only the app writes have no button to make one.
                    <p>
                        {move || {
                            let key = if kept_by_app { "list.empty_kept" } else { "list.empty" };
                            t(st.locale.get(), key)
                        }}
                    </p>
                    <Show when=db_empty>
                        <button
                            type="button"
                            disabled=move || st.busy.get()
                            on:click=move |_| spawn_local(load_sample(st))
                        >
                            {tk("action.load_sample")}
                        </button>
                    </Show>
                </div>
            </Show>
            <Show when=no_matches>
                <p class="empty-state">{tk("list.no_matches")}</p>
            </Show>
            <crate::ui::records::bulk_actions::BulkActions
                module=module_key.get_value()
                selected=selected
                all=all_shown
            />
            <Show when=move || as_cards.get() && !is_empty_module()>
                <crate::ui::records::card_grid::CardGrid
                    module=module_key.get_value()
                    rows=rows
                    columns=columns
                />
            </Show>
            <div hidden=move || is_empty_module() || as_cards.get()>
                <div
                    class="list-scroll"
                    aria-busy=move || working.get().to_string()
                    node_ref=scroller
                    on:scroll=move |_| {
                        if let Some(el) = scroller.get_untracked() {
                            scroll_top.set(el.scroll_top() as f64);
                            viewport.set(el.client_height().max(200) as f64);
                        }
                    }
                    on:keydown=on_key
                >
                    <table class="records">
                        <caption class="visually-hidden">{title}</caption>
                        <thead>
                            <tr>{select_all_cell} {header_cells}</tr>
                        </thead>
                        <tbody>
                            <tr class="spacer" aria-hidden="true" style:height=top>
                                <td colspan=ncols></td>
                            </tr>
                            <For each=move || visible.get() key=|slot| *slot children=row />
                            <tr class="spacer" aria-hidden="true" style:height=bottom>
                                <td colspan=ncols></td>
                            </tr>
                        </tbody>
                    </table>
                </div>
            </div>
        </section>
    }
    .into_any()
}

/// The files a list exports to: a table always, cards and calendar events where the
/// module says it holds contacts or an agenda.
#[derive(Clone, Copy)]
enum ExportFile {
    Csv,
    Vcard,
    Ical,
}

impl ExportFile {
    /// The file's extension and media type.
    fn kind(self) -> (&'static str, &'static str) {
        match self {
            ExportFile::Csv => ("csv", "text/csv"),
            ExportFile::Vcard => ("vcf", "text/vcard"),
            ExportFile::Ical => ("ics", "text/calendar"),
        }
    }

    fn button(self) -> &'static str {
        match self {
            ExportFile::Csv => "list.export_csv",
            ExportFile::Vcard => "list.export_vcard",
            ExportFile::Ical => "list.export_ical",
        }
    }
}

/// Which fields the list shows as columns: every field the module has, the first
/// usual column always (it opens the record). The usual set again clears the choice.
#[component]
fn ColumnChooser(
    fields: Vec<FieldDef>,
    columns: Memo<Vec<FieldDef>>,
    chosen: RwSignal<Vec<String>>,
) -> impl IntoView {
    let st = use_state();
    let usual: Vec<String> = fields
        .iter()
        .filter(|f| f.in_list)
        .map(|f| f.key.clone())
        .collect();
    let first = usual.first().cloned();
    let usual = StoredValue::new(usual);
    let boxes = fields
        .into_iter()
        .filter(|f| !matches!(f.kind, FieldKind::Trail { .. }))
        .map(|f| {
            let key = StoredValue::new(f.key.clone());
            let fixed = Some(&f.key) == first.as_ref();
            let shown = move || columns.with(|cs| cs.iter().any(|c| c.key == key.get_value()));
            let field_label = f.label.clone();
            view! {
                <label class="check">
                    <input
                        type="checkbox"
                        disabled=fixed
                        prop:checked=shown
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            let mut keys: Vec<String> = columns
                                .get_untracked()
                                .into_iter()
                                .map(|c| c.key)
                                .filter(|k| *k != key.get_value())
                                .collect();
                            if on {
                                keys.push(key.get_value());
                            }
                            let same = usual.with_value(|u| {
                                u.len() == keys.len() && u.iter().all(|k| keys.contains(k))
                            });
                            chosen.set(if same { Vec::new() } else { keys });
                        }
                    />
                    {move || label(st.locale.get(), &field_label)}
                </label>
            }
        })
        .collect_view();
    view! {
        <details class="column-chooser">
            <summary>{tk("list.columns")}</summary>
            <fieldset>
                <legend class="visually-hidden">{tk("list.columns")}</legend>
                {boxes}
            </fieldset>
        </details>
    }
}

/// Moves the keyboard to the next (or previous) cell of the focused row that takes
/// it; false when there is none that way.
fn move_in_row(forward: bool) -> bool {
    use wasm_bindgen::JsCast;
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let Some(active) = doc.active_element() else {
        return false;
    };
    let Some(row) = active.closest("tr[data-slot]").ok().flatten() else {
        return false;
    };
    let Ok(cells) = row.query_selector_all("th a, td[tabindex]") else {
        return false;
    };
    let all: Vec<web_sys::HtmlElement> = (0..cells.length())
        .filter_map(|i| cells.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect();
    let here = all.iter().position(|c| {
        let el: &web_sys::Element = c.as_ref();
        el == &active || el.contains(Some(active.as_ref()))
    });
    let to = match (here, forward) {
        (Some(i), true) => i + 1,
        (Some(i), false) if i > 0 => i - 1,
        _ => return false,
    };
    all.get(to).is_some_and(|c| c.focus().is_ok())
}

/// Gives the keyboard back to a cell after its edit, once it is drawn again.
fn focus_cell(slot: Slot, field: &str) {
    use wasm_bindgen::JsCast;
    let selector = format!("tr[data-slot=\"{slot}\"] td[data-field=\"{field}\"]");
    request_animation_frame(move || {
        let cell = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(&selector).ok().flatten())
            .and_then(|c| c.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(c) = cell {
            let _ = c.focus();
        }
    });
}
