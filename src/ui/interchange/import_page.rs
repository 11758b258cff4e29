//! CSV import into any module: choose a file, check the column mapping (guessed,
//! editable, remembered per module), preview, choose what to do with duplicates,
//! check every row — in chunks, with progress, the page stays responsive — then
//! confirm, and everything accepted is written in one transaction.

use std::collections::BTreeMap;
use std::rc::Rc;

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::domain::interchange::csv_columns::targets;
use crate::domain::interchange::csv_import::{
    check_size, guess_mapping, megabytes, rejects_csv, CsvError, DuplicatePolicy, ImportPlan,
    Importer, LayeredFinder, MissingLinks, Table, TableReader, MAX_COLUMNS,
};
use crate::domain::interchange::file_formats::{detect_formats, Seen};
use crate::domain::interchange::ical::{self, read_calendar, IcalError, IcalProblem};
use crate::domain::interchange::text_encoding::{detect, to_utf8, DecodeError, TextEncoding};
use crate::domain::interchange::vcard::{read_vcards, VcardProblem};
use crate::domain::records::calendar_system::CalendarSystem;
use crate::domain::records::duplicates::DuplicateIndex;
use crate::domain::records::release::Release;
use crate::domain::records::written_formats::{DateOrder, DecimalMark};
use crate::domain::Label;
use crate::i18n::{field_error, label, t, tn, tr, Locale};
use crate::ui::kit::chosen_file::file_bytes;
use crate::ui::kit::download::download;
use crate::ui::kit::format::count;
use crate::ui::kit::notice::Notice;
use crate::ui::kit::route::{navigate, Route};
use crate::ui::kit::state::{new_id, next_tick, now, tk, try_turn, turn, use_state};
use crate::ui::kit::time_zone::zone;
use crate::ui::writes::actions::{commit_plan, mark};
use crate::ui::writes::write_queue::{turns_served, wait_turn};

/// Rows read or checked per step.
const CHUNK: usize = 200;
const PREVIEW_ROWS: usize = 5;
const SHOWN_REJECTS: usize = 200;

/// A label in every language the app speaks: a file may come from any of them.
fn every_language(lb: &Label) -> Vec<String> {
    Locale::ALL.iter().map(|l| label(*l, lb)).collect()
}

fn mapping_key(module: &str) -> String {
    format!("crm.import_mapping.{module}")
}

#[derive(Clone, Default)]
struct Summary {
    inserts: usize,
    /// Linked records to make for lookup cells naming none stored.
    linked: usize,
    updates: usize,
    skipped: usize,
    rejects: Vec<(usize, String)>,
    rejected: usize,
}

#[component]
pub fn ImportPage(module: String) -> impl IntoView {
    let st = use_state();
    let Some(def) = st
        .data
        .with_untracked(|d| d.schema.module(&module).cloned())
    else {
        return view! { <crate::ui::kit::notice::NotFound /> }.into_any();
    };
    let def = StoredValue::new(def);
    // Shared, not copied: a 100,000-row table is read by the check across ticks.
    let table = StoredValue::new_local(None::<Rc<Table>>);
    let file_name = RwSignal::new(String::new());
    let headers = RwSignal::new(Vec::<String>::new());
    let mapping = RwSignal::new(Vec::<Option<String>>::new());
    // (field, text) set for every row without its own value, and the pair being chosen.
    let every = RwSignal::new(Vec::<(String, String)>::new());
    let every_field = RwSignal::new(String::new());
    let every_value = RwSignal::new(String::new());
    let policy = RwSignal::new("skip".to_string());
    // The way the file writes dates and numbers, when the user chose one.
    let date_choice = RwSignal::new(None::<DateOrder>);
    let number_choice = RwSignal::new(None::<DecimalMark>);
    let missing = RwSignal::new("create".to_string());
    let error = RwSignal::new(None::<String>);
    let progress = RwSignal::new(None::<(usize, usize)>);
    let summary = RwSignal::new(None::<Summary>);
    let plan = StoredValue::new(None::<ImportPlan>);
    // The queue's count of turns let go when the check began (`turns_served`).
    let checked_at = StoredValue::new(0u64);
    let rows_total = RwSignal::new(0usize);
    let reading = StoredValue::new(0u32);
    // The file as read, kept to read again in another encoding the user chooses.
    let raw = StoredValue::new_local(None::<Rc<Vec<u8>>>);
    let encoding = RwSignal::new(None::<TextEncoding>);
    // Cards of a vCard file, or events of a calendar, left out or read in part, and why.
    let file_problems = RwSignal::new(Vec::<FileProblem>::new());
    let takes_vcards = def.with_value(|m| m.vcard);
    let takes_calendars = def.with_value(|m| m.agenda.is_some());
    let writing = RwSignal::new(false);

    // Read again whenever the mapping changes: a column mapped to a date field is
    // what shows how the file writes dates.
    let detected = Memo::new(move |_| {
        let lang = st.locale.get().code();
        mapping.with(|map| {
            table.with_value(|t| {
                t.as_ref()
                    .map(|t| def.with_value(|m| detect_formats(m, t, map, lang)))
            })
        })
    });
    let formats = move || {
        detected.get().map(|f| {
            (
                date_choice.get().unwrap_or(f.date_order),
                number_choice.get().unwrap_or(f.decimal_mark),
                f.calendar,
            )
        })
    };

    let refuse = move |reason: &str| {
        table.set_value(None);
        headers.set(Vec::new());
        error.set(Some(tr(
            st.locale.get_untracked(),
            "import.refused",
            &[("file", &file_name.get_untracked()), ("reason", reason)],
        )));
    };
    // Reads the kept file in `enc`; a newer reading abandons an older one.
    let read_as = move |enc: TextEncoding| {
        let Some(bytes) = raw.get_value() else { return };
        summary.set(None);
        plan.set_value(None);
        error.set(None);
        file_problems.set(Vec::new());
        reading.update_value(|r| *r += 1);
        let mine = reading.get_value();
        spawn_local(async move {
            let l = st.locale.get_untracked();
            let text = match to_utf8(bytes.as_ref().clone(), enc) {
                Ok(text) => text,
                Err(e) => {
                    refuse(&decode_error_text(l, &e));
                    return;
                }
            };
            let name = file_name.get_untracked().to_lowercase();
            let is_vcard =
                takes_vcards && (name.ends_with(".vcf") || starts_with(&text, "BEGIN:VCARD"));
            let is_calendar = takes_calendars
                && (name.ends_with(".ics") || starts_with(&text, "BEGIN:VCALENDAR"));
            // Read a few hundred rows at a time for a turn, then the page draws.
            let read = async {
                if is_vcard {
                    let cards = read_vcards(&text).map_err(|e| csv_error_text(l, &e))?;
                    file_problems.set(cards.problems.into_iter().map(FileProblem::Card).collect());
                    return Ok(cards.table);
                }
                if is_calendar {
                    let cal = read_calendar(&text).map_err(|e| ical_error_text(l, &e))?;
                    file_problems.set(cal.problems.into_iter().map(FileProblem::Event).collect());
                    return Ok(def.with_value(|m| {
                        ical::to_table(m, &cal.events, &zone(), &|lb| label(l, lb))
                    }));
                }
                let mut reader = TableReader::new(text).map_err(|e| csv_error_text(l, &e))?;
                loop {
                    let done =
                        try_turn(|| reader.step(CHUNK)).map_err(|e| csv_error_text(l, &e))?;
                    if done || reading.get_value() != mine {
                        return Ok(reader.finish());
                    }
                    next_tick().await;
                }
            };
            let outcome: Result<Table, String> = read.await;
            mark("crm:csv-read");
            if reading.get_value() != mine {
                return;
            }
            match outcome {
                Ok(t) => {
                    let mut guess =
                        def.with_value(|m| guess_mapping(m, &t.headers, &every_language));
                    // A mapping the user fixed before for the same headers wins.
                    let saved: BTreeMap<String, String> =
                        LocalStorage::get(mapping_key(&def.with_value(|m| m.key.clone())))
                            .unwrap_or_default();
                    for (i, h) in t.headers.iter().enumerate() {
                        if let Some(f) = saved.get(h) {
                            guess[i] = (!f.is_empty()).then(|| f.clone());
                        }
                    }
                    headers.set(t.headers.clone());
                    rows_total.set(t.rows.len());
                    mapping.set(guess);
                    table.set_value(Some(Rc::new(t)));
                }
                Err(reason) => refuse(&reason),
            }
        });
    };

    let choose = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        summary.set(None);
        plan.set_value(None);
        error.set(None);
        file_name.set(file.name());
        raw.set_value(None);
        encoding.set(None);
        date_choice.set(None);
        number_choice.set(None);
        // Judged by the size the browser reports, before a byte is read into memory.
        if let Err(e) = check_size(file.size() as u64) {
            reading.update_value(|r| *r += 1);
            refuse(&csv_error_text(st.locale.get_untracked(), &e));
            return;
        }
        reading.update_value(|r| *r += 1);
        let mine = reading.get_value();
        spawn_local(async move {
            let l = st.locale.get_untracked();
            let bytes = match file_bytes(&file).await {
                Ok(bytes) => bytes,
                Err(e) => {
                    error.set(Some(tr(l, "import.err.read", &[("detail", &e)])));
                    return;
                }
            };
            if reading.get_value() != mine {
                return;
            }
            let found = detect(&bytes);
            raw.set_value(Some(Rc::new(bytes)));
            encoding.set(Some(found));
            read_as(found);
        });
    };

    let check = move |_| {
        if st.loading_rest.get_untracked() {
            return;
        }
        let l = st.locale.get_untracked();
        let module = def.with_value(|m| m.key.clone());
        let map = mapping.get_untracked();
        // Remember the mapping for the next file of this module.
        let remembered: BTreeMap<String, String> = headers
            .get_untracked()
            .into_iter()
            .zip(map.iter())
            .map(|(h, f)| (h, f.clone().unwrap_or_default()))
            .collect();
        let _ = LocalStorage::set(mapping_key(&module), &remembered);
        if map.iter().all(Option::is_none) {
            error.set(Some(t(l, "import.err.no_columns")));
            return;
        }
        error.set(None);
        summary.set(None);
        let pol = match policy.get_untracked().as_str() {
            "update" => DuplicatePolicy::Update,
            "create" => DuplicatePolicy::Create,
            _ => DuplicatePolicy::Skip,
        };
        let owner = st.current_user.get_untracked();
        let mut ctx = st.parse_context();
        // The file's own ways, not the user's: a Persian user's file may count
        // Gregorian years.
        ctx.calendar = CalendarSystem::Gregorian;
        if let Some((dates, numbers, calendar)) = untrack(formats) {
            ctx.date_order = dates;
            ctx.decimal_mark = numbers;
            ctx.calendar = calendar;
        }
        ctx.date_time_calendar = ctx.calendar;
        checked_at.set_value(turns_served());
        spawn_local(async move {
            let Some(t) = table.get_value() else { return };
            let m = def.get_value();
            // Keys of the rows accepted so far; the stored records' keys are read in place.
            let mut file_keys = DuplicateIndex::new(&m);
            let mut imp = Importer::new(&m, &t, map, pol, ctx, owner, now());
            imp.read_choice_labels(&every_language);
            for (field, text) in every.get_untracked() {
                imp.set_for_every_row(&field, &text);
            }
            imp.set_missing_links(match missing.get_untracked().as_str() {
                "empty" => MissingLinks::LeaveEmpty,
                "create" => MissingLinks::Create,
                _ => MissingLinks::Refuse,
            });
            let mut ids = new_id;
            // A few hundred rows at a time for a turn, then the page draws.
            loop {
                let done = turn(|| {
                    st.data.with_untracked(|d| {
                        let mut finder = LayeredFinder {
                            stored: d.set(&m.key).and_then(|s| s.duplicates()),
                            file: &mut file_keys,
                        };
                        imp.step(d, &mut finder, &mut ids, CHUNK)
                    })
                });
                progress.set(Some(imp.progress()));
                if done {
                    break;
                }
                next_tick().await;
            }
            let p = st.data.with_untracked(|d| imp.finish(d, &mut ids));
            mark("crm:csv-checked");
            let reason = |f: &str, pr: &crate::domain::records::validate::Problem| {
                def.with_value(|m| reason_text(l, f, pr, Some(m)))
            };
            summary.set(Some(Summary {
                inserts: p.created,
                linked: p.linked_created,
                updates: p.updated,
                skipped: p.skipped.len(),
                rejected: p.rejects.len(),
                rejects: p
                    .rejects
                    .iter()
                    .take(SHOWN_REJECTS)
                    .map(|r| {
                        let why: Vec<String> =
                            r.problems.iter().map(|(f, pr)| reason(f, pr)).collect();
                        (r.row, why.join("; "))
                    })
                    .collect(),
            }));
            progress.set(None);
            plan.set_value(Some(p));
            // The file's duplicate keys (one per row) are freed a slice per tick.
            while !file_keys.release(&mut 5_000) {
                next_tick().await;
            }
        });
    };

    let download_rejects = move |_| {
        let l = st.locale.get_untracked();
        let Some(t) = table.get_value() else {
            return;
        };
        let Some(text) = plan.with_value(|p| {
            p.as_ref().map(|p| {
                rejects_csv(&t, &p.rejects, &t_reason(l), &|f, pr| {
                    def.with_value(|m| reason_text(l, f, pr, Some(m)))
                })
            })
        }) else {
            return;
        };
        let name = format!("{}-rejected.csv", def.with_value(|m| m.key.clone()));
        if let Err(e) = download(&name, "text/csv;charset=utf-8", &text) {
            st.notice.set(Some(Notice::error(e)));
        }
    };

    let confirm = move |_| {
        let l = st.locale.get_untracked();
        // Taken, not copied (it may hold 100,000 records). If the write fails, the
        // rows are checked again before another try: the data may have changed.
        let Some(p) = plan.try_update_value(Option::take).flatten() else {
            return;
        };
        let n = p.created + p.updated;
        let module = def.with_value(|m| m.key.clone());
        writing.set(true);
        spawn_local(async move {
            // The plan was decided over memory as the check found it: a write since
            // (another tab's read back, say) may have taken a unique value or
            // changed a record it updates, so the rows are checked again first.
            let turn = wait_turn(st).await;
            let outcome = if turn.first_since(checked_at.get_value()) {
                commit_plan(st, turn, p.write).await
            } else {
                drop(turn);
                Err(t(l, "import.err.changed"))
            };
            match outcome {
                Ok(_) => {
                    plan.set_value(None);
                    raw.set_value(None);
                    // The file's rows (100,000 of them) are freed a slice per tick, not
                    // all at once when the page goes.
                    let rows = table
                        .try_update_value(Option::take)
                        .flatten()
                        .and_then(|t| Rc::try_unwrap(t).ok());
                    if let Some(mut rows) = rows {
                        spawn_local(async move {
                            while !rows.release(&mut 5_000) {
                                next_tick().await;
                            }
                        });
                    }
                    navigate(&Route::List(module));
                    st.notice
                        .set(Some(Notice::success(tn(l, "import.done", n, &count(l, n)))));
                }
                Err(msg) => {
                    summary.set(None);
                    error.set(Some(msg));
                }
            }
            writing.set(false);
        });
    };

    let title = move || {
        let l = st.locale.get();
        def.with_value(|m| tr(l, "import.title", &[("module", &label(l, &m.plural))]))
    };
    let field_options = move || {
        let l = st.locale.get();
        def.with_value(|m| {
            m.fields
                .iter()
                .filter(|f| f.is_typed())
                .map(|f| (f.key.clone(), label(l, &f.label)))
                .collect::<Vec<_>>()
        })
    };
    // What a column may fill: a field, or a money field's currency or a lookup's id
    // beside it (the columns the list's export writes).
    let column_targets = move || {
        let l = st.locale.get();
        let words = |lb: &Label| label(l, lb);
        def.with_value(|m| {
            m.fields
                .iter()
                .filter(|f| f.is_typed())
                .flat_map(|f| targets(f, &label(l, &f.label), &words))
                .collect::<Vec<_>>()
        })
    };

    view! {
        <section class="page import-page">
            <h1>{title}</h1>
            <p>{tk("import.intro")}</p>
            <div class="field">
                <label for="import-file">{tk(if takes_vcards {
                    "import.file_cards"
                } else if takes_calendars {
                    "import.file_calendar"
                } else {
                    "import.file"
                })}</label>
                <input
                    id="import-file"
                    type="file"
                    accept=accepted(takes_vcards, takes_calendars)
                    aria-describedby=(takes_vcards || takes_calendars).then_some("import-file-hint")
                    on:change=choose
                />
                {takes_vcards.then(|| view! { <p class="help" id="import-file-hint">{tk("import.vcard_hint")}</p> })}
                {takes_calendars.then(|| view! { <p class="help" id="import-file-hint">{tk("import.ical_hint")}</p> })}
            </div>
            {move || encoding.get().map(|chosen| {
                let l = st.locale.get();
                view! {
                    <div class="field">
                        <label for="import-encoding">{t(l, "import.encoding")}</label>
                        <select
                            id="import-encoding"
                            aria-describedby="import-encoding-help"
                            on:change=move |ev| {
                                if let Some(e) = TextEncoding::from_key(&event_target_value(&ev)) {
                                    encoding.set(Some(e));
                                    read_as(e);
                                }
                            }
                        >
                            {TextEncoding::ALL.into_iter().map(|e| view! {
                                <option value=e.key() selected=e == chosen>{t(l, e.name_key())}</option>
                            }).collect_view()}
                        </select>
                        <p class="help" id="import-encoding-help">{t(l, "import.encoding_help")}</p>
                    </div>
                }
            })}
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            {move || (!file_problems.with(Vec::is_empty)).then(|| {
                let l = st.locale.get();
                view! {
                    <section class="record-section" aria-labelledby="file-problems">
                        <h2 id="file-problems">{t(l, "import.file_problems")}</h2>
                        <ul class="rejects">
                            {file_problems.get().iter().map(|p| view! {
                                <li>{p.text(l)}</li>
                            }).collect_view()}
                        </ul>
                    </section>
                }
            })}
            <Show when=move || !headers.get().is_empty()>
                <p>
                    {move || {
                        let l = st.locale.get();
                        tn(l, "import.rows", rows_total.get(), &count(l, rows_total.get()))
                    }}
                </p>
                <table class="mapping">
                    <caption>{tk("import.mapping")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{tk("import.column")}</th>
                            <th scope="col">{tk("import.field")}</th>
                            <th scope="col">{tk("import.sample")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            let opts = column_targets();
                            // The reader never gives more; one select per column.
                            headers
                                .get()
                                .into_iter()
                                .take(MAX_COLUMNS)
                                .enumerate()
                                .map(|(i, h)| {
                                    let current = mapping.with(|m| m.get(i).cloned().flatten()).unwrap_or_default();
                                    let sel_id = format!("map-{i}");
                                    let samples: Vec<String> = table.with_value(|t| {
                                        t.as_ref()
                                            .map(|t| t.rows.iter().take(PREVIEW_ROWS).map(|r| r.cells.get(i).cloned().unwrap_or_default()).collect())
                                            .unwrap_or_default()
                                    });
                                    let l = st.locale.get_untracked();
                                    view! {
                                        <tr>
                                            <th scope="row"><label for=sel_id.clone() dir="auto">{h.clone()}</label></th>
                                            <td>
                                                <select id=sel_id on:change=move |ev| {
                                                    let v = event_target_value(&ev);
                                                    mapping.update(|m| {
                                                        if let Some(slot) = m.get_mut(i) {
                                                            *slot = (!v.is_empty()).then_some(v);
                                                        }
                                                    });
                                                    summary.set(None);
                                                }>
                                                    <option value="" selected=current.is_empty()>{t(l, "import.skip_column")}</option>
                                                    {opts.iter().map(|(k, name)| {
                                                        let selected = *k == current;
                                                        view! { <option value=k.clone() selected=selected>{name.clone()}</option> }
                                                    }).collect_view()}
                                                </select>
                                            </td>
                                            <td class="muted" dir="auto">{samples.join(" · ")}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
                <fieldset class="form-section file-formats" hidden=move || detected.get().is_none_or(|f| f.dates == Seen::Absent && f.numbers == Seen::Absent)>
                    <legend>{tk("import.formats")}</legend>
                    {move || detected.get().filter(|f| f.dates != Seen::Absent).map(|f| {
                        let l = st.locale.get();
                        let chosen = date_choice.get().unwrap_or(f.date_order);
                        let help = if f.dates == Seen::Assumed && date_choice.get().is_none() { "import.dates_assumed" } else { "import.format_found" };
                        view! {
                            <div class="field">
                                <label for="import-dates">{t(l, "import.dates")}</label>
                                <select id="import-dates" aria-describedby="import-dates-help" on:change=move |ev| {
                                    date_choice.set(DateOrder::from_key(&event_target_value(&ev)));
                                    summary.set(None);
                                }>
                                    {DateOrder::ALL.into_iter().map(|o| view! {
                                        <option value=o.key() selected=o == chosen>{t(l, o.name_key())}</option>
                                    }).collect_view()}
                                </select>
                                <p class="help" id="import-dates-help" role="status">
                                    {t(l, help)}
                                    {(f.calendar != CalendarSystem::Gregorian).then(|| {
                                        format!(" {}", tr(l, "import.calendar_found", &[("calendar", &t(l, f.calendar.name_key()))]))
                                    })}
                                </p>
                            </div>
                        }
                    })}
                    {move || detected.get().filter(|f| f.numbers != Seen::Absent).map(|f| {
                        let l = st.locale.get();
                        let chosen = number_choice.get().unwrap_or(f.decimal_mark);
                        let help = if f.numbers == Seen::Assumed && number_choice.get().is_none() { "import.numbers_assumed" } else { "import.format_found" };
                        view! {
                            <div class="field">
                                <label for="import-numbers">{t(l, "import.numbers")}</label>
                                <select id="import-numbers" aria-describedby="import-numbers-help" on:change=move |ev| {
                                    number_choice.set(DecimalMark::from_key(&event_target_value(&ev)));
                                    summary.set(None);
                                }>
                                    {DecimalMark::ALL.into_iter().map(|o| view! {
                                        <option value=o.key() selected=o == chosen>{t(l, o.name_key())}</option>
                                    }).collect_view()}
                                </select>
                                <p class="help" id="import-numbers-help" role="status">{t(l, help)}</p>
                            </div>
                        }
                    })}
                </fieldset>
                <fieldset class="form-section every-row">
                    <legend>{tk("import.every_row")}</legend>
                    <p class="help" id="every-help">{tk("import.every_help")}</p>
                    <div class="every-row-pick">
                        <div class="field">
                            <label for="every-field">{tk("import.every_field")}</label>
                            <select id="every-field" on:change=move |ev| every_field.set(event_target_value(&ev))>
                                <option value="" selected=move || every_field.get().is_empty()>{tk("form.choose")}</option>
                                {move || field_options().into_iter().map(|(k, name)| {
                                    let key = k.clone();
                                    view! { <option value=k selected=move || every_field.get() == key>{name}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="every-value">{tk("import.every_value")}</label>
                            <input
                                id="every-value"
                                aria-describedby="every-help"
                                prop:value=move || every_value.get()
                                on:input=move |ev| every_value.set(event_target_value(&ev))
                            />
                        </div>
                        <button
                            type="button"
                            disabled=move || every_field.get().is_empty() || every_value.get().trim().is_empty()
                            on:click=move |_| {
                                let (f, v) = (every_field.get_untracked(), every_value.get_untracked());
                                every.update(|e| {
                                    e.retain(|(k, _)| *k != f);
                                    e.push((f, v.trim().to_string()));
                                });
                                every_field.set(String::new());
                                every_value.set(String::new());
                                summary.set(None);
                            }
                        >
                            {tk("import.every_add")}
                        </button>
                    </div>
                    <ul class="every-row-list">
                        {move || {
                            let l = st.locale.get();
                            let names = field_options();
                            every.get().into_iter().map(|(f, v)| {
                                let name = names.iter().find(|(k, _)| *k == f).map(|(_, n)| n.clone()).unwrap_or_default();
                                let remove_name = tr(l, "import.every_remove", &[("field", &name)]);
                                view! {
                                    <li>
                                        <span dir="auto">{format!("{name}: {v}")}</span>
                                        " "
                                        <button type="button" class="link-button" aria-label=remove_name on:click=move |_| {
                                            every.update(|e| e.retain(|(k, _)| *k != f));
                                            summary.set(None);
                                        }>
                                            {t(l, "action.remove")}
                                        </button>
                                    </li>
                                }
                            }).collect_view()
                        }}
                    </ul>
                </fieldset>
                <fieldset class="form-section">
                    <legend>{tk("import.missing_links")}</legend>
                    {[("create", "import.missing_create"), ("empty", "import.missing_empty"), ("refuse", "import.missing_refuse")]
                        .into_iter()
                        .map(|(v, key)| view! {
                            <label class="check">
                                <input type="radio" name="missing-links" value=v
                                    prop:checked=move || missing.get() == v
                                    on:change=move |_| { missing.set(v.to_string()); summary.set(None); } />
                                {move || t(st.locale.get(), key)}
                            </label>
                        })
                        .collect_view()}
                </fieldset>
                <fieldset class="form-section">
                    <legend>{tk("import.duplicates")}</legend>
                    {[("skip", "import.dup_skip"), ("update", "import.dup_update"), ("create", "import.dup_create")]
                        .into_iter()
                        .map(|(v, key)| view! {
                            <label class="check">
                                <input type="radio" name="dup-policy" value=v
                                    prop:checked=move || policy.get() == v
                                    on:change=move |_| { policy.set(v.to_string()); summary.set(None); } />
                                {move || t(st.locale.get(), key)}
                            </label>
                        })
                        .collect_view()}
                </fieldset>
                <div class="actions">
                    <button
                        type="button"
                        on:click=check
                        // Rows are checked against every record, so not before all are read.
                        disabled=move || progress.get().is_some() || st.loading_rest.get() || writing.get()
                    >
                        {tk("import.check")}
                    </button>
                </div>
            </Show>
            {move || progress.get().map(|(done, total)| {
                let l = st.locale.get();
                view! {
                    <p role="status">
                        <progress max=total value=done></progress>
                        " "
                        {tr(l, "import.progress", &[("done", &count(l, done)), ("total", &count(l, total))])}
                    </p>
                }
            })}
            {move || summary.get().map(|s| {
                let l = st.locale.get();
                let n = s.inserts + s.updates;
                view! {
                    <section class="record-section" aria-labelledby="import-summary">
                        <h2 id="import-summary">{t(l, "import.summary")}</h2>
                        <ul>
                            <li>{tn(l, "import.will_create", s.inserts, &count(l, s.inserts))}</li>
                            {(s.linked > 0).then(|| view! {
                                <li>{tn(l, "import.will_link", s.linked, &count(l, s.linked))}</li>
                            })}
                            <li>{tn(l, "import.will_update", s.updates, &count(l, s.updates))}</li>
                            <li>{tn(l, "import.will_skip", s.skipped, &count(l, s.skipped))}</li>
                            <li>{tn(l, "import.will_reject", s.rejected, &count(l, s.rejected))}</li>
                        </ul>
                        {(s.rejected > 0).then(|| view! {
                            <h3>{t(l, "import.rejected_rows")}</h3>
                            <ul class="rejects">
                                {s.rejects.iter().map(|(row, why)| view! {
                                    <li>{tr(l, "import.reject_line", &[("row", &count(l, *row)), ("reason", why)])}</li>
                                }).collect_view()}
                            </ul>
                            <button type="button" on:click=download_rejects>{t(l, "import.download_rejects")}</button>
                        })}
                        <div class="actions form-actions">
                            <button type="button" class="primary" disabled=move || n == 0 || st.busy.get() on:click=confirm>
                                {tn(l, "import.confirm", n, &count(l, n))}
                            </button>
                        </div>
                        {move || writing.get().then(|| view! { <p role="status">{t(l, "import.writing")}</p> })}
                    </section>
                }
            })}
        </section>
    }
    .into_any()
}

/// Whether a file's text begins (after blank space) with `word`, as an address
/// book's cards or a calendar does, rather than a table.
fn starts_with(text: &[u8], word: &str) -> bool {
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    text[start..]
        .get(..word.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(word.as_bytes()))
}

/// The file picker's kinds: tables always, cards and calendars where the module
/// takes them.
fn accepted(cards: bool, calendars: bool) -> String {
    let mut kinds = String::from(".csv,.tsv,.txt,text/csv");
    if cards {
        kinds.push_str(",.vcf,text/vcard");
    }
    if calendars {
        kinds.push_str(",.ics,text/calendar");
    }
    kinds
}

/// Part of a card or calendar file that was not read, or read only in part.
#[derive(Clone)]
enum FileProblem {
    Card(VcardProblem),
    Event(IcalProblem),
}

impl FileProblem {
    fn text(&self, l: Locale) -> String {
        match self {
            FileProblem::Card(p) => tr(
                l,
                "import.vcard_problem",
                &[
                    ("card", &count(l, p.card)),
                    ("line", &count(l, p.line)),
                    ("reason", &t(l, p.message_key)),
                    ("detail", &isolated(&p.detail)),
                ],
            ),
            FileProblem::Event(p) => tr(
                l,
                "import.ical_problem",
                &[
                    ("event", &isolated(&p.summary)),
                    ("line", &count(l, p.line)),
                    ("reason", &tr(l, p.key, &[("detail", &isolated(&p.detail))])),
                ],
            ),
        }
    }
}

/// Text from the file set apart in a sentence of another direction (first-strong
/// isolate … pop isolate), so a Latin event name does not reorder a Persian line.
fn isolated(text: &str) -> String {
    format!("\u{2068}{text}\u{2069}")
}

/// A size in whole megabytes, in the locale's digits.
fn mb(l: Locale, bytes: u64) -> String {
    count(l, usize::try_from(megabytes(bytes)).unwrap_or(usize::MAX))
}

/// Why a calendar file is refused.
fn ical_error_text(l: Locale, e: &IcalError) -> String {
    match e {
        IcalError::TooLarge { limit, found } => {
            let (limit, found) = (*limit as u64, *found as u64);
            tr(
                l,
                e.key(),
                &[("limit", &mb(l, limit)), ("found", &mb(l, found))],
            )
        }
        _ => t(l, e.key()),
    }
}

/// Why a file's bytes are not text in the encoding chosen, naming it and the line.
fn decode_error_text(l: Locale, e: &DecodeError) -> String {
    tr(
        l,
        "import.err.encoding",
        &[
            ("encoding", &t(l, e.encoding.name_key())),
            ("line", &count(l, e.line)),
        ],
    )
}

/// Why a file is refused, with its limits and sizes in the locale's digits.
fn csv_error_text(l: Locale, e: &CsvError) -> String {
    match e {
        CsvError::TooManyColumns { limit, found } => tr(
            l,
            e.key(),
            &[("limit", &count(l, *limit)), ("found", &count(l, *found))],
        ),
        CsvError::TooLarge { limit, found } => tr(
            l,
            e.key(),
            &[("limit", &mb(l, *limit)), ("found", &mb(l, *found))],
        ),
        _ => tr(l, e.key(), &[("detail", &e.detail())]),
    }
}

fn t_reason(l: Locale) -> String {
    t(l, "import.reason")
}

/// Why a row was refused, naming the field unless the message already does.
fn reason_text(
    l: Locale,
    field: &str,
    problem: &crate::domain::records::validate::Problem,
    def: Option<&crate::domain::ModuleDef>,
) -> String {
    let e = crate::domain::records::validate::FieldError {
        field: field.to_string(),
        problem: problem.clone(),
    };
    field_error(l, def, &e)
}
