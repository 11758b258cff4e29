//! What a list does with its selected records: a new owner, one field set or cleared,
//! or a delete — confirmed with the count first, planned by `rules::bulk` (each record
//! through the same rules as its own save or delete) and written in one transaction.
//! A change some records cannot take is refused whole, naming them.

use crate::ui::records::macros::MacroButtons;
use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::records::field::{FieldDef, FieldKind};
use crate::domain::records::input::{parse_input, to_input, FieldInput};
use crate::domain::rules::bulk::{plan_bulk_delete, plan_bulk_edit, BulkChange, BulkRefusal};
use crate::i18n::problems::{field_error, field_name, problem_text};
use crate::i18n::{t, tn, tr, Locale};
use crate::ui::kit::field_input::FieldControl;
use crate::ui::kit::format::count;
use crate::ui::kit::notice::Notice;
use crate::ui::kit::state::{tk, use_state, AppState};
use crate::ui::kit::user_select::user_options;
use crate::ui::writes::actions::{commit_plan, with_context};
use crate::ui::writes::write_queue::wait_turn;

/// Refused records listed by name; the rest are counted.
const LISTED: usize = 20;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Closed,
    Owner,
    Field,
    Delete,
}

/// Fields a bulk edit may set: those a person types (not the ones the app keeps).
fn editable(f: &FieldDef) -> bool {
    f.is_typed() && !matches!(f.kind, FieldKind::Trail { .. })
}

/// The bar above a list while records are selected. `all` is every record the list
/// shows (its search and filters), for "select all".
#[component]
pub fn BulkActions(
    module: String,
    selected: RwSignal<BTreeSet<String>>,
    all: Signal<Vec<String>>,
) -> impl IntoView {
    let st = use_state();
    let module = StoredValue::new(module);
    let mode = RwSignal::new(Mode::Closed);
    let refusal = RwSignal::new(None::<Vec<String>>);
    let n = move || selected.with(BTreeSet::len);
    // Leaving the selection empty closes what was open.
    Effect::new(move |_| {
        if n() == 0 {
            mode.set(Mode::Closed);
            refusal.set(None);
        }
    });
    let fields: Vec<FieldDef> = st.data.with_untracked(|d| {
        d.schema
            .module(&module.get_value())
            .map(|m| m.fields.iter().filter(|f| editable(f)).cloned().collect())
            .unwrap_or_default()
    });
    let fields = StoredValue::new(fields);
    let owner = RwSignal::new(st.current_user.get_untracked());
    let field_key =
        RwSignal::new(fields.with_value(|f| f.first().map(|f| f.key.clone()).unwrap_or_default()));
    let value = RwSignal::new(FieldInput::Text(String::new()));
    let value_error = RwSignal::new(None::<String>);
    // A new field starts from its empty input.
    Effect::new(move |_| {
        let key = field_key.get();
        let ctx = st.parse_context();
        if let Some(f) = fields.with_value(|fs| fs.iter().find(|f| f.key == key).cloned()) {
            value.set(to_input(&f.kind, None, &ctx));
        }
        value_error.set(None);
    });
    let run = move |what: Mode| {
        let l = st.locale.get_untracked();
        let ids: Vec<String> = selected.get_untracked().into_iter().collect();
        let m = module.get_value();
        let change = match what {
            Mode::Owner => Some(BulkChange::Owner(owner.get_untracked())),
            Mode::Field => {
                let key = field_key.get_untracked();
                let Some(f) = fields.with_value(|fs| fs.iter().find(|f| f.key == key).cloned())
                else {
                    return;
                };
                match parse_input(&f.kind, &value.get_untracked(), &st.parse_context()) {
                    Ok(v) => Some(BulkChange::Set {
                        field: key,
                        value: v,
                    }),
                    Err(p) => {
                        let name = crate::i18n::label(l, &f.label);
                        value_error.set(Some(problem_text(l, &name, &p)));
                        return;
                    }
                }
            }
            Mode::Delete => None,
            Mode::Closed => return,
        };
        spawn_local(async move {
            let turn = wait_turn(st).await;
            let planned = with_context(st, |d, ctx| match &change {
                Some(c) => plan_bulk_edit(d, &m, &ids, c, ctx),
                None => plan_bulk_delete(d, &m, &ids, ctx),
            });
            let plan = match planned {
                Ok(p) => p,
                Err(why) => {
                    refusal.set(Some(refusal_lines(st, l, &m, &why)));
                    return;
                }
            };
            // The records of this module written: those already as asked are not.
            let done = if change.is_some() {
                plan.updates.iter().filter(|(b, _)| b.module == m).count()
            } else {
                plan.deletes.iter().filter(|r| r.module == m).count()
            };
            match commit_plan(st, turn, plan).await {
                Ok(_) => {
                    let key = if change.is_some() {
                        "bulk.updated"
                    } else {
                        "bulk.deleted"
                    };
                    st.notice
                        .set(Some(Notice::success(tn(l, key, done, &count(l, done)))));
                    selected.set(BTreeSet::new());
                }
                Err(msg) => st.notice.set(Some(Notice::error(msg))),
            }
        });
    };
    let open = move |m: Mode| {
        refusal.set(None);
        mode.set(if mode.get_untracked() == m {
            Mode::Closed
        } else {
            m
        });
    };
    let apply_label = move || {
        let l = st.locale.get();
        tn(l, "bulk.apply", n(), &count(l, n()))
    };
    let field_control = move || {
        let key = field_key.get();
        fields
            .with_value(|fs| fs.iter().find(|f| f.key == key).cloned())
            .map(|mut f| {
                // Set for every record here: a required field is not required of the bar.
                f.required = false;
                view! {
                    <FieldControl field=f input=value error=Signal::derive(move || value_error.get()) id_prefix="bulk-".into() />
                }
            })
    };
    view! {
        <Show when=move || { n() > 0 }>
            <section class="bulk-bar" aria-labelledby="bulk-heading">
                <h2 id="bulk-heading" class="bulk-count">
                    {move || {
                        let l = st.locale.get();
                        tn(l, "bulk.selected", n(), &count(l, n()))
                    }}
                </h2>
                <div class="bulk-buttons">
                    {move || {
                        let total = all.with(Vec::len);
                        (total > n()).then(|| {
                            let l = st.locale.get();
                            view! {
                                <button type="button" class="link-button" on:click=move |_| selected.set(all.get_untracked().into_iter().collect())>
                                    {tn(l, "bulk.select_all", total, &count(l, total))}
                                </button>
                            }
                        })
                    }}
                    <button type="button" class="link-button" on:click=move |_| selected.set(BTreeSet::new())>
                        {tk("bulk.clear")}
                    </button>
                    <button type="button" aria-expanded=move || (mode.get() == Mode::Owner).to_string() on:click=move |_| open(Mode::Owner)>
                        {tk("bulk.owner")}
                    </button>
                    <button type="button" aria-expanded=move || (mode.get() == Mode::Field).to_string() on:click=move |_| open(Mode::Field)>
                        {tk("bulk.edit")}
                    </button>
                    <MacroButtons module=module.get_value() ids=move || selected.with(|s| s.iter().cloned().collect()) />
                    <button type="button" class="danger" aria-expanded=move || (mode.get() == Mode::Delete).to_string() on:click=move |_| open(Mode::Delete)>
                        {tk("action.delete")}
                    </button>
                </div>
                {move || match mode.get() {
                    Mode::Owner => view! {
                        <form class="bulk-panel" on:submit=move |ev| { ev.prevent_default(); run(Mode::Owner); }>
                            <div class="field">
                                <label for="bulk-owner">{tk("bulk.new_owner")}</label>
                                <select id="bulk-owner" on:change=move |ev| owner.set(event_target_value(&ev))>
                                    {user_options(st, move || owner.get())}
                                </select>
                            </div>
                            <button type="submit" class="primary" disabled=move || st.busy.get()>{apply_label}</button>
                            <button type="button" on:click=move |_| mode.set(Mode::Closed)>{tk("action.cancel")}</button>
                        </form>
                    }.into_any(),
                    Mode::Field => view! {
                        <form class="bulk-panel" on:submit=move |ev| { ev.prevent_default(); run(Mode::Field); }>
                            <div class="field">
                                <label for="bulk-field">{tk("bulk.field")}</label>
                                <select id="bulk-field" on:change=move |ev| field_key.set(event_target_value(&ev))>
                                    {move || {
                                        let l = st.locale.get();
                                        let current = field_key.get();
                                        fields.with_value(|fs| fs.iter().map(|f| {
                                            let is = f.key == current;
                                            view! { <option value=f.key.clone() selected=is>{crate::i18n::label(l, &f.label)}</option> }
                                        }).collect_view())
                                    }}
                                </select>
                            </div>
                            {field_control}
                            <p class="help">{tk("bulk.empty_clears")}</p>
                            <button type="submit" class="primary" disabled=move || st.busy.get()>{apply_label}</button>
                            <button type="button" on:click=move |_| mode.set(Mode::Closed)>{tk("action.cancel")}</button>
                        </form>
                    }.into_any(),
                    Mode::Delete => view! {
                        <div class="bulk-panel" role="alertdialog" aria-labelledby="bulk-delete-q">
                            <p id="bulk-delete-q">
                                {move || {
                                    let l = st.locale.get();
                                    tn(l, "bulk.delete_confirm", n(), &count(l, n()))
                                }}
                            </p>
                            <button type="button" class="danger" disabled=move || st.busy.get() on:click=move |_| run(Mode::Delete)>
                                {move || {
                                    let l = st.locale.get();
                                    tn(l, "bulk.delete_button", n(), &count(l, n()))
                                }}
                            </button>
                            <button type="button" on:click=move |_| mode.set(Mode::Closed)>{tk("action.cancel")}</button>
                        </div>
                    }.into_any(),
                    Mode::Closed => ().into_any(),
                }}
                {move || refusal.get().map(|lines| {
                    let (head, rest) = lines.split_first().map(|(h, r)| (h.clone(), r.to_vec())).unwrap_or_default();
                    view! {
                        <div class="notice notice-error" role="alert">
                            <p>{head}</p>
                            <ul>{rest.into_iter().map(|line| view! { <li><bdi>{line}</bdi></li> }).collect_view()}</ul>
                        </div>
                    }
                })}
            </section>
        </Show>
    }
}

/// The refusal in words: a headline, then one line per record named (at most
/// `LISTED`, the rest counted).
fn refusal_lines(st: AppState, l: Locale, module: &str, why: &BulkRefusal) -> Vec<String> {
    st.data.with_untracked(|d| {
        let def = d.schema.module(module);
        let title = |id: &str| {
            d.title(module, id)
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| t(l, "record.untitled"))
        };
        let mut lines = Vec::new();
        let mut per_record: Vec<String> = match why {
            BulkRefusal::Invalid(bad) => {
                lines.push(tn(l, why.key(), bad.len(), &count(l, bad.len())));
                bad.iter()
                    .map(|(id, errors)| {
                        let words: Vec<String> =
                            errors.iter().map(|e| field_error(l, def, e)).collect();
                        format!("{}: {}", title(id), words.join(" "))
                    })
                    .collect()
            }
            BulkRefusal::Kept(kept) => {
                lines.push(tn(l, why.key(), kept.len(), &count(l, kept.len())));
                kept.iter()
                    .map(|(id, key)| format!("{}: {}", title(id), t(l, key)))
                    .collect()
            }
            BulkRefusal::SharedUnique(field) => {
                lines.push(tr(l, why.key(), &[("field", &field_name(l, def, field))]));
                Vec::new()
            }
            BulkRefusal::Overlap | BulkRefusal::Nothing => {
                lines.push(t(l, why.key()));
                Vec::new()
            }
        };
        let more = per_record.len().saturating_sub(LISTED);
        per_record.truncate(LISTED);
        lines.extend(per_record);
        if more > 0 {
            lines.push(tn(l, "bulk.and_more", more, &count(l, more)));
        }
        lines
    })
}
