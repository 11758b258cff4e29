//! Backup and restore: the whole database, and the settings this browser keeps (base
//! currency, "You are"), as one JSON file, and back. A file is checked completely
//! before anything is written; a bad one changes nothing.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::interchange::backup::{self, BackupCheck, BackupError, Location, ParsedBackup};
use crate::domain::records::release::Release;
use crate::i18n::{label, t, tn, tr, Locale};
use crate::storage::codec::decode_history_into;
use crate::ui::kit::chosen_file::file_bytes;
use crate::ui::kit::download::download_parts;
use crate::ui::kit::format::{count, percent};
use crate::ui::kit::notice::Notice;
use crate::ui::kit::state::db;
use crate::ui::kit::state::{next_tick, tk, turn, use_state};
use crate::ui::writes::actions::{mark, restore, storage_message};
use crate::ui::writes::write_queue::wait_turn;

fn iso_now() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}

fn location_text(l: Locale, loc: &Location, field_name: &dyn Fn(&str) -> String) -> String {
    match loc {
        Location::Document => String::new(),
        Location::Change { index } => tr(l, "backup.loc.change", &[("n", &count(l, index + 1))]),
        Location::Setting { key } => {
            let name = match key.as_str() {
                "base_currency" => t(l, "settings.base_currency"),
                "current_user" => t(l, "settings.current_user"),
                _ => t(l, "settings.title"),
            };
            tr(l, "backup.loc.setting", &[("name", &name)])
        }
        Location::LineColumn { line, column } => tr(
            l,
            "backup.loc.line",
            &[("line", &count(l, *line)), ("column", &count(l, *column))],
        ),
        Location::Record { index, id, field } => {
            let mut s = tr(l, "backup.loc.record", &[("n", &count(l, index + 1))]);
            if let Some(id) = id {
                s.push_str(&tr(l, "backup.loc.id", &[("id", id)]));
            }
            if let Some(f) = field {
                s.push_str(&tr(l, "backup.loc.field", &[("field", &field_name(f))]));
            }
            s
        }
    }
}

#[derive(Clone)]
enum Checked {
    Nothing,
    /// Reading and checking, this far (0–100).
    Reading(u8),
    Refused(String, BackupError),
    /// The file's name and how many records it holds; the checked backup waits aside.
    Ready(String, usize),
}

/// Records or history entries written per piece of a backup (a few milliseconds).
const EXPORT_CHUNK: usize = 2_000;

/// The backup document in pieces (JS strings), made a chunk per tick so the page
/// keeps drawing, and the time it was made. Records and history are read from
/// IndexedDB in one read transaction — never from this tab's memory, which another
/// tab's writes may have left behind — so the file is one committed moment of the
/// database and always restores.
async fn backup_pieces(
    l: Locale,
    settings: crate::domain::interchange::backup::BackupSettings,
    skip: Vec<String>,
) -> Result<(js_sys::Array, String, usize), String> {
    let failed = |detail: String| tr(l, "backup.export_failed", &[("detail", &detail)]);
    let db = db().ok_or_else(|| t(l, "error.no_database"))?;
    let mut read = db.read_backup().await.map_err(|e| storage_message(l, &e))?;
    // Marks for the benchmark: every piece asked for, records taken, file made.
    mark("crm:export-requested");
    let stamp = iso_now();
    // Each piece becomes a small Blob in its own tick: a Blob made of 30 MB of
    // strings at once would encode them all in one go.
    let pieces = js_sys::Array::new();
    let add = |text: &wasm_bindgen::JsValue| -> Result<(), String> {
        let part = js_sys::Array::of1(text);
        let blob =
            web_sys::Blob::new_with_str_sequence(&part).map_err(|e| failed(format!("{e:?}")))?;
        pieces.push(&blob);
        Ok(())
    };
    let add_text = |text: &str| add(&wasm_bindgen::JsValue::from_str(text));
    add_text(&backup::export_head(&stamp, &settings))?;
    // A stored record that could not be read at start-up stays out of the file
    // (it is listed, with its text, on every page): the file must restore.
    let unreadable: std::collections::HashSet<String> = skip.into_iter().collect();
    let mut total = 0;
    while let Some(piece) = read.next_records().await {
        let piece = piece.map_err(|e| storage_message(l, &e))?;
        let (text, taken) = piece.docs_joined(total == 0, &unreadable);
        total += taken;
        add(&text)?;
        next_tick().await;
    }
    mark("crm:export-records");
    add_text(backup::EXPORT_BETWEEN)?;
    // A stored batch of created records expands into one entry per record, so the
    // file holds the same entries as ever; a piece is cut by entries written.
    let mut changes = Vec::with_capacity(EXPORT_CHUNK);
    let mut first = true;
    while let Some(piece) = read.next_changes().await {
        let entries = piece.map_err(|e| storage_message(l, &e))?.into_entries();
        for (i, entry) in entries.iter().enumerate() {
            decode_history_into(entry, &mut changes).map_err(|e| storage_message(l, &e))?;
            if changes.len() >= EXPORT_CHUNK || (i + 1 == entries.len() && !changes.is_empty()) {
                add_text(&backup::export_items(&changes, first))?;
                first = false;
                changes.clear();
                next_tick().await;
            }
        }
    }
    add_text(backup::EXPORT_END)?;
    mark("crm:export-made");
    Ok((pieces, stamp, total))
}

#[component]
pub fn BackupPage() -> impl IntoView {
    let st = use_state();
    let checked = RwSignal::new(Checked::Nothing);
    // Emptied once a file is done with, so choosing the same file again is a change.
    let file_input = NodeRef::<leptos::html::Input>::new();
    let forget_file = move || {
        if let Some(input) = file_input.get_untracked() {
            input.set_value("");
        }
    };

    let export = move |_| {
        if st.loading_rest.get_untracked() || st.busy.get_untracked() {
            return;
        }
        spawn_local(async move {
            let l = st.locale.get_untracked();
            // One read transaction makes it one moment; the turn keeps this tab's own
            // writes from queueing behind a half-read file meanwhile.
            let turn = wait_turn(st).await;
            let result = backup_pieces(
                l,
                st.backup_settings(),
                st.unreadable
                    .with_untracked(|u| u.iter().map(|x| x.id.clone()).collect()),
            )
            .await;
            drop(turn);
            let (pieces, stamp, n) = match result {
                Ok(made) => made,
                Err(message) => {
                    st.notice.set(Some(Notice::error(message)));
                    return;
                }
            };
            let name = format!("crm-backup-{}.json", &stamp[..10]);
            match download_parts(&name, "application/json", &pieces) {
                Ok(()) => st.notice.set(Some(Notice::success(tr(
                    l,
                    "backup.exported",
                    &[("n", &count(l, n)), ("file", &name)],
                )))),
                Err(e) => st.notice.set(Some(Notice::error(tr(
                    l,
                    "backup.export_failed",
                    &[("detail", &e)],
                )))),
            }
        });
    };

    // The checked backup, kept out of the signal (it holds every record).
    let parsed = StoredValue::new_local(None::<ParsedBackup>);
    // A checked backup that is not wanted is freed a slice per tick: 100,000 records
    // dropped at once would hold the page.
    let discard = move || {
        if let Some(backup) = parsed.try_update_value(Option::take).flatten() {
            spawn_local(async move {
                let mut data = backup.data;
                while !data.release(&mut 5_000) {
                    next_tick().await;
                }
            });
        }
    };
    on_cleanup(discard);
    // A newer file choice abandons the check of an older one.
    let run = StoredValue::new(0u32);
    let writing = RwSignal::new(false);

    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        run.update_value(|r| *r += 1);
        let mine = run.get_value();
        discard();
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            checked.set(Checked::Nothing);
            return;
        };
        let name = file.name();
        checked.set(Checked::Reading(0));
        spawn_local(async move {
            let schema = st.data.with_untracked(|d| d.schema.clone());
            let bytes = match file_bytes(&file).await {
                Ok(bytes) => bytes,
                Err(detail) => {
                    checked.set(Checked::Refused(
                        name,
                        BackupError {
                            issues: vec![backup::BackupIssue {
                                location: Location::Document,
                                problem: backup::BackupProblem::Unreadable(detail),
                            }],
                            total: 1,
                        },
                    ));
                    return;
                }
            };
            mark("crm:backup-read");
            let mut check = BackupCheck::new(bytes, schema);
            loop {
                let done = turn(|| check.step());
                if run.get_value() != mine {
                    return;
                }
                if done {
                    break;
                }
                checked.set(Checked::Reading(check.percent()));
                next_tick().await;
            }
            mark("crm:backup-checked");
            checked.set(match check.finish() {
                Ok(p) => {
                    let n = p.len();
                    parsed.set_value(Some(p));
                    Checked::Ready(name, n)
                }
                Err(e) => Checked::Refused(name, e),
            });
        });
    };

    let confirm = move |_| {
        let Checked::Ready(_, n) = checked.get_untracked() else {
            return;
        };
        let Some(backup) = parsed.try_update_value(Option::take).flatten() else {
            return;
        };
        let l = st.locale.get_untracked();
        writing.set(true);
        let settings = backup.settings.clone();
        spawn_local(async move {
            let outcome = restore(st, backup).await;
            writing.set(false);
            match outcome {
                Ok(()) => {
                    // Only once the records are in: "You are" names a restored member.
                    st.restore_settings(settings);
                    checked.set(Checked::Nothing);
                    forget_file();
                    st.notice.set(Some(Notice::success(tr(
                        l,
                        "backup.restored",
                        &[("n", &count(l, n))],
                    ))));
                }
                Err((msg, backup)) => {
                    // Still checked and still wanted: the user may try again.
                    parsed.set_value(Some(backup));
                    st.notice.set(Some(Notice::error(msg)));
                }
            }
        });
    };

    let report = move || {
        let l = st.locale.get();
        match checked.get() {
            Checked::Nothing => ().into_any(),
            Checked::Reading(done) => view! {
                <p role="status">
                    <progress max="100" value=done aria-labelledby="backup-progress"></progress>
                    " "
                    <span id="backup-progress">
                        {tr(l, "backup.reading_done", &[("percent", &percent(l, f64::from(done)))])}
                    </span>
                </p>
            }
            .into_any(),
            Checked::Refused(name, err) => {
                let field_name = |key: &str| {
                    st.data.with_untracked(|d| {
                        d.schema
                            .modules
                            .iter()
                            .find_map(|m| m.field(key))
                            .map(|f| label(l, &f.label))
                            .unwrap_or_else(|| key.to_string())
                    })
                };
                let items = err
                    .issues
                    .iter()
                    .map(|issue| {
                        let place = location_text(l, &issue.location, &field_name);
                        // Messages that start with the field name it too.
                        let field = match &issue.location {
                            Location::Record { field: Some(f), .. } => field_name(f),
                            _ => String::new(),
                        };
                        let what = tr(
                            l,
                            issue.problem.key(),
                            &[("value", &issue.problem.detail()), ("field", &field)],
                        );
                        view! {
                            <li>
                                {(!place.is_empty()).then(|| view! { <strong>{place}": "</strong> })}
                                {what}
                            </li>
                        }
                    })
                    .collect_view();
                let more = err.total.saturating_sub(err.issues.len());
                view! {
                    <div class="backup-report refused" role="alert">
                        <h3>{tr(l, "backup.refused", &[("file", &name)])}</h3>
                        <p>{t(l, "backup.nothing_changed")}</p>
                        <ul>{items}</ul>
                        {(more > 0).then(|| view! { <p>{tn(l, "backup.more_problems", more, &count(l, more))}</p> })}
                    </div>
                }
                .into_any()
            }
            Checked::Ready(name, incoming) => {
                let current = st.data.with(|d| d.total());
                view! {
                    <div class="backup-report ready">
                        <h3>{tr(l, "backup.ready", &[("file", &name)])}</h3>
                        <p>
                            {tr(
                                l,
                                "backup.replace_summary",
                                &[("incoming", &count(l, incoming)), ("current", &count(l, current))],
                            )}
                        </p>
                        <div class="actions">
                            <button type="button" class="danger" disabled=move || st.busy.get() on:click=confirm>
                                {t(l, "backup.confirm_replace")}
                            </button>
                            <button
                                type="button"
                                disabled=move || writing.get()
                                on:click=move |_| {
                                    discard();
                                    forget_file();
                                    checked.set(Checked::Nothing);
                                }
                            >
                                {t(l, "action.cancel")}
                            </button>
                        </div>
                        {move || writing.get().then(|| view! { <p role="status">{t(l, "backup.writing")}</p> })}
                    </div>
                }
                .into_any()
            }
        }
    };

    view! {
        <section class="page backup-page">
            <h1>{tk("backup.title")}</h1>
            <p>{tk("backup.intro")}</p>
            <section class="card">
                <h2>{tk("backup.export_title")}</h2>
                <p>{tk("backup.export_hint")}</p>
                // A backup made before every record is read would leave some out.
                <button
                    type="button"
                    class="primary"
                    disabled=move || st.loading_rest.get() || st.busy.get()
                    on:click=export
                >
                    {tk("backup.export_button")}
                </button>
            </section>
            <section class="card">
                <h2>{tk("backup.import_title")}</h2>
                <p>{tk("backup.import_hint")}</p>
                <div class="field">
                    <label for="backup-file">{tk("backup.file_label")}</label>
                    <input
                        id="backup-file"
                        type="file"
                        accept=".json,application/json"
                        node_ref=file_input
                        on:change=on_file
                    />
                </div>
                {report}
            </section>
        </section>
    }
}
