//! Backup and restore: the whole database as one JSON file, and back. A file is
//! checked completely before anything is written; a bad one changes nothing.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen_futures::JsFuture;

use super::actions::{restore, storage_message};
use super::download::download;
use super::format::count;
use super::notice::Notice;
use super::state::db;
use super::state::{tk, use_state};
use crate::domain::backup::{self, BackupError, Location};
use crate::domain::record::ChangeEntry;
use crate::domain::Record;
use crate::i18n::{label, t, tn, tr, Locale};

fn iso_now() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}

fn location_text(l: Locale, loc: &Location, field_name: &dyn Fn(&str) -> String) -> String {
    match loc {
        Location::Document => String::new(),
        Location::Change { index } => tr(l, "backup.loc.change", &[("n", &count(l, index + 1))]),
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
    Reading,
    Refused(String, BackupError),
    Ready(String, Vec<Record>, Vec<ChangeEntry>),
}

#[component]
pub fn BackupPage() -> impl IntoView {
    let st = use_state();
    let checked = RwSignal::new(Checked::Nothing);

    let export = move |_| {
        if st.loading_rest.get_untracked() {
            return;
        }
        spawn_local(async move {
            let l = st.locale.get_untracked();
            let Some(db) = db() else {
                st.notice
                    .set(Some(Notice::error(t(l, "error.no_database"))));
                return;
            };
            // History lives only in storage; records are read from memory, which
            // always matches what was committed.
            let changes = match db.load_all_changes().await {
                Ok(c) => c,
                Err(e) => {
                    st.notice.set(Some(Notice::error(storage_message(l, &e))));
                    return;
                }
            };
            let stamp = iso_now();
            let text = st
                .data
                .with_untracked(|d| backup::export(&d.all_records(), &changes, &stamp));
            let n = st.data.with_untracked(|d| d.total());
            let name = format!("crm-backup-{}.json", &stamp[..10]);
            match download(&name, "application/json", &text) {
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

    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            checked.set(Checked::Nothing);
            return;
        };
        let name = file.name();
        checked.set(Checked::Reading);
        spawn_local(async move {
            let text = JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|v| v.as_string());
            let schema = st.data.with_untracked(|d| d.schema.clone());
            let outcome = match text {
                // Binary data is not valid UTF-8 text: report it as "not JSON".
                None => Err(BackupError {
                    issues: vec![backup::BackupIssue {
                        location: Location::Document,
                        problem: backup::BackupProblem::NotJson(String::new()),
                    }],
                    total: 1,
                }),
                Some(text) => backup::parse(&text, &schema).map(|p| (p.records, p.changes)),
            };
            checked.set(match outcome {
                Ok((records, changes)) => Checked::Ready(name, records, changes),
                Err(e) => Checked::Refused(name, e),
            });
        });
    };

    let confirm = move |_| {
        let Checked::Ready(_, records, changes) = checked.get_untracked() else {
            return;
        };
        let l = st.locale.get_untracked();
        let n = records.len();
        spawn_local(async move {
            match restore(st, records, changes).await {
                Ok(()) => {
                    checked.set(Checked::Nothing);
                    st.notice.set(Some(Notice::success(tr(
                        l,
                        "backup.restored",
                        &[("n", &count(l, n))],
                    ))));
                }
                Err(msg) => st.notice.set(Some(Notice::error(msg))),
            }
        });
    };

    let report = move || {
        let l = st.locale.get();
        match checked.get() {
            Checked::Nothing => ().into_any(),
            Checked::Reading => view! { <p role="status">{t(l, "backup.reading")}</p> }.into_any(),
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
                        let what = tr(
                            l,
                            issue.problem.key(),
                            &[("value", &issue.problem.detail()), ("field", "")],
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
            Checked::Ready(name, records, _) => {
                let incoming = records.len();
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
                            <button type="button" on:click=move |_| checked.set(Checked::Nothing)>
                                {t(l, "action.cancel")}
                            </button>
                        </div>
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
                    disabled=move || st.loading_rest.get()
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
                    <input id="backup-file" type="file" accept=".json,application/json" on:change=on_file />
                </div>
                {report}
            </section>
        </section>
    }
}
