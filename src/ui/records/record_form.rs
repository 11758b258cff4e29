//! The create/edit form of any module, generated from its field definitions, with
//! inline validation that names each problem.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::records::form_read::read_form;
use crate::domain::records::input::{to_input, FieldInput};
use crate::domain::records::validate::Problem;
use crate::domain::{FieldDef, FieldKind, ModuleDef, Record};
use crate::i18n::{field_name, label, t, tn, tr, Locale};
use crate::ui::kit::field_input::FieldControl;
use crate::ui::kit::format::count;
use crate::ui::kit::notice::Notice;
use crate::ui::kit::route::{navigate, Route};
use crate::ui::kit::state::{tk, use_state};
use crate::ui::kit::user_select::user_options;
use crate::ui::records::inline_rows::{InlineRows, RowsState};
use crate::ui::writes::actions::{save_record_with_rows, SaveError};

fn problem_text(l: Locale, def: &ModuleDef, field: &str, p: &Problem) -> String {
    crate::i18n::problem_text(l, &field_name(l, Some(def), field), p)
}

/// A prefill entry naming the lookup field whose record the form returns to after
/// saving (set by "add" on a related list).
pub const RETURN_TO: &str = "return_to";

#[component]
pub fn RecordForm(
    module: String,
    id: Option<String>,
    prefill: Vec<(String, String)>,
) -> impl IntoView {
    let st = use_state();
    let Some(def) = st
        .data
        .with_untracked(|d| d.schema.module(&module).cloned())
    else {
        return view! { <crate::ui::kit::notice::NotFound /> }.into_any();
    };
    let existing: Option<Record> = id
        .as_ref()
        .and_then(|id| st.data.with_untracked(|d| d.get(&module, id).cloned()));
    if id.is_some() && existing.is_none() {
        return view! { <crate::ui::kit::notice::NotFound /> }.into_any();
    }
    let ctx = st.parse_context();
    // A new record takes what the place it was started from says (the deal's
    // company for a task added on the deal's page, the user as its assignee).
    let prefill = if existing.is_none() {
        let me = st.current_user.get_untracked();
        st.data.with_untracked(|d| {
            crate::domain::records::context_fill::fill_from_context(d, &def, &prefill, &me)
        })
    } else {
        prefill
    };
    let inputs: BTreeMap<String, RwSignal<FieldInput>> = def
        .fields
        .iter()
        .map(|f| {
            // Prefilled values arrive as typed text (a record id, a local date-time).
            let prefilled = prefill
                .iter()
                .find(|(k, _)| k == &f.key)
                .map(|(_, v)| FieldInput::Text(v.clone()));
            let current = existing
                .as_ref()
                .and_then(|r| r.get(&f.key).cloned())
                .or_else(|| {
                    if existing.is_none() {
                        f.default.clone()
                    } else {
                        None
                    }
                });
            let input = match prefilled {
                Some(p) if existing.is_none() => p,
                _ => to_input(&f.kind, current.as_ref(), &ctx),
            };
            (f.key.clone(), RwSignal::new(input))
        })
        .collect();
    // The rows edited inside this form (a deal's contacts with their roles).
    let row_states: Vec<RowsState> = st.data.with_untracked(|d| {
        d.schema
            .inline_children(&def.key)
            .map(|(child, inline)| {
                let mut stored: Vec<Record> = existing
                    .as_ref()
                    .and_then(|r| {
                        d.related(&def.key, &r.id)
                            .into_iter()
                            .find(|(m, f, _)| *m == child.key && *f == inline.parent)
                    })
                    .map(|(_, _, rs)| rs.into_iter().cloned().collect())
                    .unwrap_or_default();
                // Oldest first; rows saved together by their titles (a deal's
                // contacts by name), so the order is the same at every opening.
                stored.sort_by_cached_key(|r| {
                    let title = d.title(&child.key, &r.id).unwrap_or_default();
                    (r.created_at, title, r.id.clone())
                });
                let (one, many) = d.schema.row_names(child);
                RowsState::new(
                    child.clone(),
                    inline,
                    (one.clone(), many.clone()),
                    stored,
                    &ctx,
                )
            })
            .collect()
    });
    let row_states = StoredValue::new(row_states);
    let owner = RwSignal::new(
        existing
            .as_ref()
            .and_then(|r| r.owner.clone())
            .unwrap_or_else(|| st.current_user.get_untracked()),
    );
    // Saving a record added from another record's page goes back to that page.
    let return_to = prefill
        .iter()
        .find(|(k, _)| k == RETURN_TO)
        .map(|(_, v)| v.clone());
    let came_from: Option<Route> = return_to
        .and_then(|field| {
            let (_, id) = prefill.iter().find(|(k, _)| *k == field)?;
            match def.field(&field) {
                Some(FieldDef {
                    kind: FieldKind::Lookup { module, .. },
                    ..
                }) => Some(Route::View(module.clone(), id.clone())),
                _ => None,
            }
        })
        // Otherwise the page the form was opened from (the board, the calendar…).
        .or_else(|| st.came_from.get_untracked());
    let errors = RwSignal::new(BTreeMap::<String, Problem>::new());
    let dup_warning = RwSignal::new(Vec::<(String, String, Vec<String>)>::new());
    let dup_confirmed = RwSignal::new(false);
    let form_error = RwSignal::new(None::<String>);
    // Editing a field clears its message (the others stay until the next submit)
    // and marks the form as holding unsaved changes.
    st.unsaved.set(false);
    on_cleanup(move || st.unsaved.set(false));
    for (key, sig) in &inputs {
        let (key, sig) = (key.clone(), *sig);
        Effect::new(move |prev: Option<()>| {
            sig.track();
            if prev.is_some() {
                st.unsaved.set(true);
                errors.update(|e| {
                    e.remove(&key);
                });
            }
        });
    }
    provide_context(crate::ui::kit::field_input::FormInputs(inputs.clone()));
    let def = StoredValue::new(def);
    let existing = StoredValue::new(existing);
    let inputs = StoredValue::new(inputs);

    let heading = move || {
        let l = st.locale.get();
        def.with_value(|m| match existing.get_value() {
            Some(r) => tr(l, "form.edit_title", &[("title", &m.title_of(&r))]),
            None => tr(
                l,
                "action.new_record",
                &[("module", &label(l, &m.singular))],
            ),
        })
    };
    // Cancel goes back where the form was opened from.
    let cancel_href = match &came_from {
        Some(r) => r.href(),
        None => def.with_value(|m| match existing.get_value() {
            Some(r) => Route::View(m.key.clone(), r.id).href(),
            None => Route::List(m.key.clone()).href(),
        }),
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if st.busy.get_untracked() {
            return;
        }
        let l = st.locale.get_untracked();
        let ctx = st.parse_context();
        let (values, mut found) = def.with_value(|m| {
            inputs.with_value(|ins| {
                read_form(
                    &m.fields,
                    None,
                    |k| ins[k].get_untracked(),
                    existing.get_value().as_ref(),
                    &ctx,
                )
            })
        });
        let mut rows = Vec::new();
        row_states.with_value(|states| {
            for s in states {
                let (edit, bad) = s.collect(&ctx);
                rows.push(edit);
                found.extend(bad);
            }
        });
        let show_errors = move |found: BTreeMap<String, Problem>| {
            let l = st.locale.get_untracked();
            // The first problem in the order shown: the record's fields, then the rows.
            let first = def
                .with_value(|m| {
                    m.fields
                        .iter()
                        .find(|f| found.contains_key(&f.key))
                        .map(|f| format!("f-{}", f.key))
                })
                .or_else(|| {
                    row_states.with_value(|states| {
                        states.iter().find_map(|s| {
                            found
                                .keys()
                                .filter_map(|k| s.owns_error(k).flatten())
                                .min()
                                .and_then(|(i, field)| s.control_id(i, &field))
                        })
                    })
                });
            let n = found.len();
            errors.set(found);
            form_error.set(Some(tn(l, "form.fix_errors", n, &count(l, n))));
            if let Some(id) = first {
                focus(&id);
            }
        };
        if !found.is_empty() {
            show_errors(found);
            return;
        }
        errors.set(BTreeMap::new());
        form_error.set(None);
        let module = def.with_value(|m| m.key.clone());
        let before = existing.get_value();
        // Likely duplicates are shown before saving; "Save anyway" goes on.
        if !dup_confirmed.get_untracked() {
            let own = before.as_ref().map(|r| r.id.clone());
            let found: Vec<(String, String, Vec<String>)> = st.data.with_untracked(|d| {
                d.set(&module)
                    .and_then(|s| s.duplicates())
                    .map(|idx| idx.candidates(&values, own.as_deref()))
                    .unwrap_or_default()
                    .into_iter()
                    .take(5)
                    .map(|m| {
                        let title = d.title(&module, &m.id).unwrap_or_default();
                        let why = m.reasons.iter().map(|r| r.key().to_string()).collect();
                        (m.id, title, why)
                    })
                    .collect()
            });
            if !found.is_empty() {
                dup_warning.set(found);
                return;
            }
        }
        dup_confirmed.set(false);
        dup_warning.set(Vec::new());
        let back = came_from.clone();
        spawn_local(async move {
            match save_record_with_rows(
                st,
                &module,
                before.clone(),
                values,
                Some(owner.get_untracked()),
                rows,
            )
            .await
            {
                Ok(saved) => {
                    st.unsaved.set(false);
                    let record_id = saved
                        .record
                        .as_ref()
                        .map(|r| r.id.clone())
                        .or(before.map(|r| r.id))
                        .unwrap_or_default();
                    let key = if saved.wrote {
                        "form.saved"
                    } else {
                        "form.unchanged"
                    };
                    let own = Route::View(module.clone(), record_id.clone());
                    // Started on a board, the calendar, My work or another record: back
                    // there, with the record a click away. Otherwise the record is shown.
                    let works_there = |b: &Route| match b {
                        Route::Board(..) | Route::Calendar(..) | Route::Work => true,
                        Route::View(..) => *b != own,
                        _ => false,
                    };
                    match back.filter(works_there) {
                        Some(back) => {
                            navigate(&back);
                            let title = st
                                .data
                                .with_untracked(|d| d.title(&module, &record_id))
                                .unwrap_or_default();
                            let open = tr(l, "form.open_saved", &[("title", &title)]);
                            st.notice.set(Some(
                                Notice::success(t(l, key))
                                    .with_action(open, move || navigate(&own)),
                            ));
                        }
                        None => {
                            navigate(&own);
                            st.notice.set(Some(Notice::success(t(l, key))));
                        }
                    }
                }
                Err(SaveError::Invalid(list)) => {
                    show_errors(list.into_iter().map(|e| (e.field, e.problem)).collect())
                }
                // The form keeps what was typed, so nothing is lost on a failed save.
                Err(SaveError::Storage(msg)) => form_error.set(Some(msg)),
            }
        });
    };

    let sections = move || {
        let l = st.locale.get();
        def.with_value(|m| {
            m.sections
                .iter()
                .map(|section| {
                    let controls = m
                        .fields_in(&section.key)
                        .filter(|f| f.is_typed())
                        .map(|f| {
                            let key = f.key.clone();
                            let error = Signal::derive(move || {
                                let l = st.locale.get();
                                errors.with(|e| {
                                    e.get(&key)
                                        .map(|p| def.with_value(|m| problem_text(l, m, &key, p)))
                                })
                            });
                            let input = inputs.with_value(|ins| ins[&f.key]);
                            view! { <FieldControl field=f.clone() input=input error=error /> }
                        })
                        .collect_view();
                    let owner_control = (section.key == m.sections[0].key).then(|| {
                        let error = Signal::derive(move || {
                            let l = st.locale.get();
                            errors.with(|e| {
                                e.get("owner").map(|p| {
                                    crate::i18n::problem_text(l, &field_name(l, None, "owner"), p)
                                })
                            })
                        });
                        view! { <OwnerControl owner=owner error=error /> }
                    });
                    view! {
                        <fieldset class="form-section">
                            <legend>{label(l, &section.label)}</legend>
                            <div class="form-grid">{controls} {owner_control}</div>
                        </fieldset>
                    }
                })
                .collect::<Vec<_>>()
        })
    };

    view! {
        <section class="page form-page">
            <h1>{heading}</h1>
            <form novalidate on:submit=submit>
                <p class="muted">{tk("form.required_hint")}</p>
                {move || {
                    let found = dup_warning.get();
                    (!found.is_empty())
                        .then(|| {
                            let l = st.locale.get();
                            let module = def.with_value(|m| m.key.clone());
                            view! {
                                <div class="dup-warning" role="alert">
                                    <p>{t(l, "dup.before_save")}</p>
                                    <ul>
                                        {found
                                            .into_iter()
                                            .map(|(id, title, why)| {
                                                let reasons: Vec<String> = why.iter().map(|k| t(l, k)).collect();
                                                view! {
                                                    <li>
                                                        <a href=Route::View(module.clone(), id).href() target="_blank" dir="auto">{title}</a>
                                                        " — "
                                                        {reasons.join(", ")}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                    <button type="submit" on:click=move |_| dup_confirmed.set(true)>
                                        {t(l, "dup.save_anyway")}
                                    </button>
                                </div>
                            }
                        })
                }}
                {move || {
                    form_error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })
                }}
                // Rebuilt only when the language changes; typing never re-renders the form.
                {sections}
                {row_states
                    .get_value()
                    .into_iter()
                    .map(|state| view! { <InlineRows state=state errors=errors /> })
                    .collect_view()}
                <div class="actions form-actions">
                    <button type="submit" class="primary" disabled=move || st.busy.get()>
                        {move || {
                            let l = st.locale.get();
                            if st.loading_rest.get() {
                                t(l, "app.loading_short")
                            } else if st.busy.get() {
                                t(l, "form.saving")
                            } else {
                                t(l, "action.save")
                            }
                        }}
                    </button>
                    <a class="button" href=cancel_href>
                        {tk("action.cancel")}
                    </a>
                </div>
            </form>
        </section>
    }
    .into_any()
}

/// Who owns the record: any team member or this browser's own user.
#[component]
fn OwnerControl(owner: RwSignal<String>, error: Signal<Option<String>>) -> impl IntoView {
    let st = use_state();
    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            <label for="f-owner">{tk("field.owner")}</label>
            <select
                id="f-owner"
                aria-describedby=move || error.with(Option::is_some).then_some("f-owner-error")
                on:change=move |ev| owner.set(event_target_value(&ev))
            >
                {user_options(st, move || owner.get())}
            </select>
            <p class="error" id="f-owner-error" hidden=move || error.with(Option::is_none)>
                {move || error.get()}
            </p>
        </div>
    }
}

fn focus(element_id: &str) {
    crate::ui::kit::focus::focus_id(element_id);
}
