//! The rows a form edits inside its record (a deal's contacts with their roles),
//! for any module whose definition says it is `edited_in` another: one group of
//! controls per row, "Add" and "Remove", saved with the record in one plan.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::domain::records::form_read::read_form;
use crate::domain::records::input::{to_input, FieldInput, ParseContext};
use crate::domain::records::module_def::InlineEdit;
use crate::domain::records::validate::Problem;
use crate::domain::rules::inline_rows::{row_error_key, rows_error_key, RowEdit, RowsEdit};
use crate::domain::{FieldDef, Label, ModuleDef, Record, Value};
use crate::i18n::{capitalised, field_name, label, t, tr};
use crate::ui::kit::field_input::{FieldControl, FormInputs};
use crate::ui::kit::format::count;
use crate::ui::kit::state::use_state;

#[derive(Clone)]
struct Row {
    /// Stable while rows come and go: it names the row's control ids.
    key: usize,
    existing: Option<Record>,
    inputs: BTreeMap<String, RwSignal<FieldInput>>,
}

/// One child module's rows while the form is open.
#[derive(Clone, Copy)]
pub struct RowsState {
    def: StoredValue<ModuleDef>,
    /// What one row and the rows are called (a deal's "Contacts").
    names: StoredValue<(Label, Label)>,
    parent: StoredValue<String>,
    rows: RwSignal<Vec<Row>>,
    removed: RwSignal<Vec<Record>>,
    next_key: StoredValue<usize>,
}

/// The fields a row shows: all but the link to the parent and those the app keeps.
fn row_fields<'a>(def: &'a ModuleDef, parent: &'a str) -> impl Iterator<Item = &'a FieldDef> {
    def.fields
        .iter()
        .filter(move |f| f.is_typed() && f.key != parent)
}

/// A row's controls, each starting from `start(field)`.
fn row_inputs(
    def: &ModuleDef,
    parent: &str,
    start: impl Fn(&FieldDef) -> Option<Value>,
    ctx: &ParseContext,
) -> BTreeMap<String, RwSignal<FieldInput>> {
    row_fields(def, parent)
        .map(|f| {
            let input = to_input(&f.kind, start(f).as_ref(), ctx);
            (f.key.clone(), RwSignal::new(input))
        })
        .collect()
}

impl RowsState {
    /// The rows of `def` stored under the record being edited (none for a new one),
    /// in the order given.
    pub fn new(
        def: ModuleDef,
        inline: &InlineEdit,
        names: (Label, Label),
        stored: Vec<Record>,
        ctx: &ParseContext,
    ) -> Self {
        let rows: Vec<Row> = stored
            .into_iter()
            .enumerate()
            .map(|(key, r)| Row {
                key,
                inputs: row_inputs(&def, &inline.parent, |f| r.get(&f.key).cloned(), ctx),
                existing: Some(r),
            })
            .collect();
        let next = rows.len();
        RowsState {
            def: StoredValue::new(def),
            names: StoredValue::new(names),
            parent: StoredValue::new(inline.parent.clone()),
            rows: RwSignal::new(rows),
            removed: RwSignal::new(Vec::new()),
            next_key: StoredValue::new(next),
        }
    }

    pub fn module(&self) -> String {
        self.def.with_value(|d| d.key.clone())
    }

    fn control_prefix(&self, key: usize) -> String {
        format!("{}-{key}-", self.module())
    }

    /// The id of the control of `field` in the row now at `index`.
    pub fn control_id(&self, index: usize, field: &str) -> Option<String> {
        let key = self
            .rows
            .with_untracked(|rs| rs.get(index).map(|r| r.key))?;
        Some(format!("f-{}{field}", self.control_prefix(key)))
    }

    /// Whether `key` is an error key of these rows: (row index, field), or `None`
    /// for the rows as a whole.
    pub fn owns_error(&self, key: &str) -> Option<Option<(usize, String)>> {
        let module = self.module();
        if key == rows_error_key(&module) {
            return Some(None);
        }
        let rest = key.strip_prefix(&module)?.strip_prefix('.')?;
        let (index, field) = rest.split_once('.')?;
        Some(Some((index.parse().ok()?, field.to_string())))
    }

    fn add(&self, ctx: &ParseContext) -> usize {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        let inputs = self
            .def
            .with_value(|d| row_inputs(d, &self.parent.get_value(), |f| f.default.clone(), ctx));
        self.rows.update(|rs| {
            rs.push(Row {
                key,
                existing: None,
                inputs,
            })
        });
        key
    }

    fn remove(&self, key: usize) {
        let mut gone = None;
        self.rows.update(|rs| {
            if let Some(i) = rs.iter().position(|r| r.key == key) {
                gone = rs.remove(i).existing;
            }
        });
        if let Some(r) = gone {
            self.removed.update(|list| list.push(r));
        }
    }

    /// The rows as typed, and the values that could not be read, by error key.
    pub fn collect(&self, ctx: &ParseContext) -> (RowsEdit, BTreeMap<String, Problem>) {
        let module = self.module();
        let parent = self.parent.get_value();
        let mut found = BTreeMap::new();
        let rows = self.rows.with_untracked(|rs| {
            self.def.with_value(|d| {
                rs.iter()
                    .enumerate()
                    .map(|(i, row)| {
                        let (values, bad) = read_form(
                            &d.fields,
                            Some(&parent),
                            |k| row.inputs[k].get_untracked(),
                            row.existing.as_ref(),
                            ctx,
                        );
                        for (field, p) in bad {
                            found.insert(row_error_key(&module, i, &field), p);
                        }
                        RowEdit {
                            existing: row.existing.clone(),
                            values,
                        }
                    })
                    .collect()
            })
        });
        let edit = RowsEdit {
            module,
            rows,
            removed: self.removed.get_untracked(),
        };
        (edit, found)
    }
}

/// The rows of one child module, as a section of the form.
#[component]
pub fn InlineRows(state: RowsState, errors: RwSignal<BTreeMap<String, Problem>>) -> impl IntoView {
    let st = use_state();
    let module = state.module();
    let heading_id = format!("rows-{module}");
    let add_id = format!("rows-{module}-add");
    let singular = move || {
        state
            .names
            .with_value(|(one, _)| label(st.locale.get(), one))
    };
    let forget_errors = move || {
        errors.update(|e| e.retain(|k, _| state.owns_error(k).is_none()));
    };
    let add = move |_| {
        let key = state.add(&st.parse_context());
        st.unsaved.set(true);
        forget_errors();
        // The new row's first control takes the focus, as a typed row would.
        let first = state.def.with_value(|d| {
            row_fields(d, &state.parent.get_value())
                .next()
                .map(|f| f.key.clone())
        });
        if let Some(field) = first {
            let id = format!("f-{}{field}", state.control_prefix(key));
            request_animation_frame(move || {
                crate::ui::kit::focus::focus_id(&id);
            });
        }
    };
    let whole_error = {
        let key = rows_error_key(&module);
        move || {
            let l = st.locale.get();
            errors.with(|e| e.get(&key).map(|p| crate::i18n::problem_text(l, "", p)))
        }
    };
    let add_focus = add_id.clone();
    view! {
        <fieldset class="form-section inline-rows">
            <legend id=heading_id>
                {move || state.names.with_value(|(_, many)| label(st.locale.get(), many))}
            </legend>
            <p class="muted" hidden=move || state.rows.with(|r| !r.is_empty())>
                {move || t(st.locale.get(), "rows.none")}
            </p>
            <For
                each=move || state.rows.get()
                key=|row| row.key
                children=move |row| {
                    let add_focus = add_focus.clone();
                    view! { <InlineRow state=state row=row errors=errors add_focus=add_focus /> }
                }
            />
            {move || whole_error().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            <button type="button" id=add_id on:click=add>
                {move || tr(st.locale.get(), "rows.add", &[("module", &singular())])}
            </button>
        </fieldset>
    }
}

#[component]
fn InlineRow(
    state: RowsState,
    row: Row,
    errors: RwSignal<BTreeMap<String, Problem>>,
    add_focus: String,
) -> impl IntoView {
    let st = use_state();
    let key = row.key;
    // A row's controls follow each other, not the parent form's.
    provide_context(FormInputs(row.inputs.clone()));
    let position = move || {
        state
            .rows
            .with(|rs| rs.iter().position(|r| r.key == key))
            .unwrap_or_default()
    };
    let module = state.module();
    for sig in row.inputs.values() {
        let sig = *sig;
        Effect::new(move |prev: Option<()>| {
            sig.track();
            if prev.is_some() {
                st.unsaved.set(true);
            }
        });
    }
    let name = move || {
        let l = st.locale.get();
        let singular = state.names.with_value(|(one, _)| label(l, one));
        capitalised(
            l,
            &tr(
                l,
                "rows.row",
                &[("module", &singular), ("n", &count(l, position() + 1))],
            ),
        )
    };
    let remove_name = move || {
        let l = st.locale.get();
        let singular = state.names.with_value(|(one, _)| label(l, one));
        tr(
            l,
            "rows.remove",
            &[("module", &singular), ("n", &count(l, position() + 1))],
        )
    };
    let prefix = state.control_prefix(key);
    let controls = state.def.with_value(|d| {
        row_fields(d, &state.parent.get_value())
            .map(|f| {
                let field = f.key.clone();
                let module = module.clone();
                let error = Signal::derive(move || {
                    let l = st.locale.get();
                    let k = row_error_key(&module, position(), &field);
                    errors.with(|e| {
                        e.get(&k).map(|p| {
                            state.def.with_value(|d| {
                                crate::i18n::problem_text(l, &field_name(l, Some(d), &field), p)
                            })
                        })
                    })
                });
                let input = row.inputs[&f.key];
                view! { <FieldControl field=f.clone() input=input error=error id_prefix=prefix.clone() /> }
            })
            .collect_view()
    });
    let remove = move |_| {
        state.remove(key);
        st.unsaved.set(true);
        // Positions moved: the messages of the rows no longer fit them.
        errors.update(|e| e.retain(|k, _| state.owns_error(k).is_none()));
        crate::ui::kit::focus::focus_id(&add_focus);
    };
    view! {
        <div class="inline-row" role="group" aria-label=name>
            <div class="form-grid">{controls}</div>
            <button type="button" class="inline-row-remove" aria-label=remove_name on:click=remove>
                {move || t(st.locale.get(), "action.remove")}
            </button>
        </div>
    }
}
