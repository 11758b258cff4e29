//! A record's timeline: its saved changes (stage moves among them), the activities
//! linked to it with one-click complete, and the records linked to it, newest first.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::activities::agenda::is_done;
use crate::domain::activities::timeline::{timeline, Item};
use crate::domain::modules::automation_modules::run_summary;
use crate::domain::records::record::{ChangeEntry, ChangeKind, FieldChange};
use crate::domain::records::record_set::Dataset;
use crate::domain::{ModuleDef, Value};
use crate::i18n::{capitalised, label, t, tr, Locale};
use crate::ui::kit::format::{timestamp, user_name, value_text};
use crate::ui::kit::notice::Notice;
use crate::ui::kit::route::Route;
use crate::ui::kit::state::{db, tk, use_state};
use crate::ui::writes::actions::{storage_message, update_fields};

fn field_line(l: Locale, d: &Dataset, m: &ModuleDef, fc: &FieldChange) -> String {
    // A merge leaves this trace on the surviving record: the other record's title.
    if fc.field == "@merged" {
        let title = fc.old.as_ref().map(Value::to_plain).unwrap_or_default();
        return tr(l, "timeline.merged", &[("title", &title)]);
    }
    let name = match m.field(&fc.field) {
        Some(f) => label(l, &f.label),
        None if fc.field == "owner" => t(l, "field.owner"),
        None => fc.field.clone(),
    };
    let show = |v: &Option<Value>| match (m.field(&fc.field), v) {
        (Some(f), Some(v)) => value_text(l, d, f, v),
        (None, Some(Value::Ref(u))) if fc.field == "owner" => user_name(l, d, u),
        (None, Some(v)) => v.to_plain(),
        (_, None) => "—".into(),
    };
    // A move of a field the record keeps a trail of (a deal's stage) reads as a move.
    let key = if m.is_trailed(&fc.field) {
        "timeline.stage_moved"
    } else {
        "history.field"
    };
    tr(
        l,
        key,
        &[
            ("field", &name),
            ("old", &show(&fc.old)),
            ("new", &show(&fc.new)),
        ],
    )
}

/// One-click complete for an activity, wherever it is listed.
pub fn complete(st: crate::ui::kit::state::AppState, id: String) {
    let l = st.locale.get_untracked();
    spawn_local(async move {
        let Some((module, done)) = st
            .data
            .with_untracked(crate::domain::activities::agenda::completion)
        else {
            return;
        };
        let module = module.as_str();
        match update_fields(st, module, &id, done).await {
            Ok(_) => st
                .notice
                .set(Some(Notice::success(t(l, "activity.completed")))),
            Err(e) => {
                let msg = st.data.with_untracked(|d| e.message(l, module, d));
                st.notice.set(Some(Notice::error(msg)));
            }
        }
    });
}

#[component]
pub fn Timeline(
    def: StoredValue<ModuleDef>,
    id: StoredValue<String>,
    record_revision: Signal<u64>,
) -> impl IntoView {
    let st = use_state();
    let changes = RwSignal::new(Vec::<ChangeEntry>::new());
    let failed = RwSignal::new(None::<String>);
    // Re-read the history whenever the record gets a new revision.
    Effect::new(move |_| {
        record_revision.track();
        let record_id = id.get_value();
        spawn_local(async move {
            if let Some(db) = db() {
                match db.changes_for(&record_id).await {
                    Ok(list) => changes.set(list),
                    Err(e) => failed.set(Some(storage_message(st.locale.get_untracked(), &e))),
                }
            }
        });
    });
    let rows = move || {
        let l = st.locale.get();
        let module = def.with_value(|m| m.key.clone());
        changes.with(|cs| {
            st.data.with(|d| {
                def.with_value(|m| {
                    timeline(d, &module, &id.get_value(), cs)
                        .into_iter()
                        .take(300)
                        .map(|e| {
                            let when = timestamp(l, e.at);
                            match e.item {
                                Item::Change(c) => {
                                    let what = match c.kind {
                                        ChangeKind::Created => t(l, "history.created"),
                                        ChangeKind::Updated => t(l, "history.updated"),
                                    };
                                    let who = c
                                        .user
                                        .as_deref()
                                        .map(|u| user_name(l, d, u))
                                        .unwrap_or_default();
                                    let lines = c
                                        .fields
                                        .iter()
                                        .map(|fc| view! { <li>{field_line(l, d, m, fc)}</li> })
                                        .collect_view();
                                    view! {
                                        <li class="tl-change">
                                            <span class="history-when">{when}</span>
                                            " "
                                            <strong>{what}</strong>
                                            " "
                                            <span class="muted">{who}</span>
                                            <ul class="history-fields">{lines}</ul>
                                        </li>
                                    }
                                    .into_any()
                                }
                                Item::Activity(r) => {
                                    // The badge: the kind of work, as the agenda names it.
                                    let kind = d
                                        .schema
                                        .module(&r.module)
                                        .and_then(|am| {
                                            let key = am.agenda.as_ref()?.kind.as_ref()?;
                                            let f = am.field(key)?;
                                            r.get(key).map(|v| value_text(l, d, f, v))
                                        })
                                        .unwrap_or_default();
                                    let href = Route::View(r.module.clone(), r.id.clone()).href();
                                    let subject = d.title(&r.module, &r.id).unwrap_or_default();
                                    let done = is_done(r);
                                    let rid = r.id.clone();
                                    let button_label = tr(l, "activity.complete_named", &[("title", &subject)]);
                                    view! {
                                        <li class="tl-activity" class:done=done>
                                            <span class="history-when">{when}</span>
                                            " "
                                            <span class="badge">{kind}</span>
                                            " "
                                            <a href=href dir="auto">{subject}</a>
                                            " "
                                            {if done {
                                                view! { <span class="muted">{t(l, "activity.done")}</span> }.into_any()
                                            } else {
                                                view! {
                                                    <button
                                                        type="button"
                                                        class="small"
                                                        aria-label=button_label
                                                        disabled=move || st.busy.get()
                                                        on:click=move |_| complete(st, rid.clone())
                                                    >
                                                        {t(l, "activity.complete")}
                                                    </button>
                                                }
                                                    .into_any()
                                            }}
                                        </li>
                                    }
                                    .into_any()
                                }
                                Item::RuleRun(run) => {
                                    let sum = run_summary(d, run);
                                    let href = Route::View(run.module.clone(), run.id.clone()).href();
                                    let line = tr(l, "timeline.rule_ran", &[("rule", &sum.rule), ("outcome", &t(l, &sum.outcome_key))]);
                                    view! {
                                        <li class="tl-linked">
                                            <span class="history-when">{when}</span>
                                            " "
                                            <a href=href dir="auto">{line}</a>
                                            " "
                                            <span class="muted" dir="auto">{sum.detail}</span>
                                        </li>
                                    }
                                    .into_any()
                                }
                                Item::Linked { record, field } => {
                                    let other = d.schema.module(&record.module);
                                    let what = other.map(|o| capitalised(l, &label(l, &o.singular))).unwrap_or_default();
                                    let via = other
                                        .and_then(|o| o.field(&field))
                                        .map(|f| label(l, &f.label))
                                        .unwrap_or_default();
                                    let href = Route::View(record.module.clone(), record.id.clone()).href();
                                    let name = d.title(&record.module, &record.id).unwrap_or_default();
                                    view! {
                                        <li class="tl-linked">
                                            <span class="history-when">{when}</span>
                                            " "
                                            {tr(l, "timeline.linked", &[("module", &what), ("field", &via)])}
                                            " "
                                            <a href=href dir="auto">{name}</a>
                                        </li>
                                    }
                                    .into_any()
                                }
                            }
                        })
                        .collect_view()
                })
            })
        })
    };
    view! {
        <section class="record-section">
            <h2>{tk("timeline.title")}</h2>
            {move || failed.get().map(|m| view! { <p role="alert">{m}</p> })}
            <ul class="history timeline">{rows}</ul>
        </section>
    }
}
