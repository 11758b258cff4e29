//! Settings → Modules and fields: the user's own modules, and the fields of any
//! module — the standard ones listed, the user's own added (of every kind,
//! auto-number, formula and rollup included) and removed, each change one plan.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::field_editor::{FieldEditor, SectionSelect};
use super::typed_confirm::TypedConfirm;
use crate::domain::modules::custom_schema::user_modules;
use crate::domain::records::field::{Aggregate, FieldDef, FieldKind, Label, PicklistOption};
use crate::domain::records::formula::{compile, natural_result, FormulaError, ResultType};
use crate::domain::records::module_def::NavArea;
use crate::domain::rules::schema_changes::{
    fields_of, holders, plan_add_field, plan_add_module, plan_move_field, plan_remove_field,
    plan_remove_module, suggested_key, SchemaRefusal,
};
use crate::i18n::{label, t, tn, tr, Locale};
use crate::ui::kit::format::count;
use crate::ui::kit::notice::Notice;
use crate::ui::kit::route::{navigate, Route};
use crate::ui::kit::state::{tk, use_state, AppState};
use crate::ui::writes::actions::{commit_plan, with_context};
use crate::ui::writes::write_queue::wait_turn;

const RESULTS: [(ResultType, &str); 7] = [
    (ResultType::Number, "number"),
    (ResultType::Money, "money"),
    (ResultType::Percent, "percent"),
    (ResultType::Text, "text"),
    (ResultType::Date, "date"),
    (ResultType::DateTime, "date_time"),
    (ResultType::Checkbox, "checkbox"),
];

const AGGREGATES: [(Aggregate, &str); 5] = [
    (Aggregate::Count, "count"),
    (Aggregate::Sum, "sum"),
    (Aggregate::Min, "min"),
    (Aggregate::Max, "max"),
    (Aggregate::Average, "average"),
];

/// A formula's problem, with where it is.
pub fn formula_message(l: Locale, e: &FormulaError) -> String {
    let problem = crate::i18n::problems::formula_problem(l, &e.problem);
    tr(
        l,
        "schema.formula_at",
        &[("at", &count(l, e.at + 1)), ("problem", &problem)],
    )
}

fn refusal_message(l: Locale, r: &SchemaRefusal) -> String {
    match r {
        SchemaRefusal::NoName => t(l, "schema.err.no_name"),
        SchemaRefusal::KeyForm(k) => tr(l, "schema.err.key_form", &[("key", k)]),
        SchemaRefusal::KeyTaken(k) => tr(l, "schema.err.key_taken", &[("key", k)]),
        SchemaRefusal::KeyReserved(k) => tr(l, "schema.err.key_reserved", &[("key", k)]),
        SchemaRefusal::Options => t(l, "schema.err.options"),
        SchemaRefusal::UnknownModule(m) => tr(l, "schema.err.unknown_module", &[("module", m)]),
        SchemaRefusal::UnknownField(f) => tr(l, "schema.err.unknown_field", &[("key", f)]),
        SchemaRefusal::NotALink(f) => tr(l, "schema.err.not_a_link", &[("key", f)]),
        SchemaRefusal::Numbering => t(l, "schema.err.numbering"),
        SchemaRefusal::Formula(e) | SchemaRefusal::Condition(e) => formula_message(l, e),
        SchemaRefusal::Cycle(path) => tr(l, "schema.err.cycle", &[("path", &path.join(" → "))]),
        SchemaRefusal::ReadBy(f) => tr(l, "schema.err.read_by", &[("key", f)]),
        SchemaRefusal::NeededBy(f) => tr(l, "schema.err.needed_by", &[("key", f)]),
        SchemaRefusal::NotUnique(n) => tn(l, "schema.err.not_unique", *n, &count(l, *n)),
        SchemaRefusal::Invalid(errors) => errors
            .iter()
            .map(|e| crate::i18n::problems::field_error(l, None, e))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// Commits what `planner` plans, in the write queue's turn; the refusal or the
/// failure in the user's words.
pub(super) async fn change(
    st: AppState,
    planner: impl FnOnce(
        &crate::domain::records::record_set::Dataset,
        &mut crate::domain::writes::WriteContext,
    ) -> Result<crate::domain::writes::WritePlan, SchemaRefusal>,
) -> Result<(), String> {
    let l = st.locale.get_untracked();
    let turn = wait_turn(st).await;
    let plan = with_context(st, planner).map_err(|r| refusal_message(l, &r))?;
    commit_plan(st, turn, plan).await.map(|_| ())
}

fn kind_from(
    kind: &str,
    options: &str,
    target: &str,
    (prefix, pad): (&str, u8),
    (expression, result): (&str, ResultType),
    rollup: (&str, Aggregate, &str, &str),
) -> FieldKind {
    let opts = || -> Vec<PicklistOption> {
        options
            .lines()
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(|o| PicklistOption {
                value: o.to_string(),
                label: Label::Text(o.to_string()),
            })
            .collect()
    };
    let template = FieldKind::addable()
        .into_iter()
        .find(|k| k.name() == kind)
        .unwrap_or(FieldKind::SingleLine);
    match template {
        FieldKind::Picklist { .. } => FieldKind::Picklist { options: opts() },
        FieldKind::MultiSelect { open, .. } => FieldKind::MultiSelect {
            options: opts(),
            open,
        },
        FieldKind::Lookup { within, .. } => FieldKind::Lookup {
            module: target.to_string(),
            within,
        },
        FieldKind::AutoNumber { .. } => FieldKind::AutoNumber {
            prefix: prefix.trim().to_string(),
            pad,
        },
        FieldKind::Formula { .. } => FieldKind::Formula {
            expression: expression.to_string(),
            result,
        },
        FieldKind::Rollup { .. } => {
            let (link, aggregate, field, condition) = rollup;
            let (module, via) = link.split_once('.').unwrap_or(("", ""));
            FieldKind::Rollup {
                module: module.to_string(),
                via: via.to_string(),
                aggregate,
                field: (aggregate != Aggregate::Count && !field.is_empty())
                    .then(|| field.to_string()),
                condition: (!condition.trim().is_empty()).then(|| condition.to_string()),
            }
        }
        plain => plain,
    }
}

#[component]
pub fn SchemaPage(module: String) -> impl IntoView {
    let st = use_state();
    let module = StoredValue::new(if module.is_empty() {
        st.data.with_untracked(|d| {
            d.schema
                .nav_modules()
                .next()
                .map(|m| m.key.clone())
                .unwrap_or_default()
        })
    } else {
        module
    });
    let problem = RwSignal::new(None::<String>);
    // The new field.
    let name = RwSignal::new(String::new());
    let key = RwSignal::new(String::new());
    let key_typed = RwSignal::new(false);
    let kind = RwSignal::new("single_line".to_string());
    let options = RwSignal::new(String::new());
    let target = RwSignal::new(String::new());
    let prefix = RwSignal::new(String::new());
    let pad = RwSignal::new("4".to_string());
    let start = RwSignal::new("1".to_string());
    let expression = RwSignal::new(String::new());
    let result = RwSignal::new("number".to_string());
    // Until the user picks a result type, it follows what the formula gives.
    let result_chosen = RwSignal::new(false);
    let link = RwSignal::new(String::new());
    let aggregate = RwSignal::new("count".to_string());
    let rolled = RwSignal::new(String::new());
    let condition = RwSignal::new(String::new());
    let required = RwSignal::new(false);
    let in_list = RwSignal::new(true);
    let unique = RwSignal::new(false);
    let help = RwSignal::new(String::new());
    // The form's section the new field goes in ("": the first).
    let section = RwSignal::new(String::new());
    // The new module.
    let singular = RwSignal::new(String::new());
    let plural = RwSignal::new(String::new());
    let module_problem = RwSignal::new(None::<String>);
    // Removing a field: its key, and the name typed to confirm.
    let removing = RwSignal::new(None::<(String, String, usize)>);
    // Removing a module: its key, its name and how many records it holds.
    let removing_module = RwSignal::new(None::<(String, String, usize)>);
    let module_typed = RwSignal::new(String::new());
    // Editing a field: its key.
    let editing = RwSignal::new(None::<String>);
    let typed = RwSignal::new(String::new());

    let def = Memo::new(move |_| {
        st.data
            .with(|d| d.schema.module(&module.get_value()).cloned())
    });
    let result_type = move || {
        RESULTS
            .iter()
            .find(|(_, n)| *n == result.get())
            .map(|(r, _)| *r)
            .unwrap_or(ResultType::Number)
    };
    // The formula checked while it is typed: the position of the first problem.
    let formula_check = move || {
        let src = expression.get();
        if kind.get() != "formula" || src.trim().is_empty() {
            return None;
        }
        let l = st.locale.get();
        let r = result_type();
        let outcome = st.data.with(|d| {
            let m = d.schema.module(&module.get_value())?;
            Some(compile(&src, m, &d.schema, r).map(|_| ()))
        })?;
        Some(match outcome {
            Ok(()) => (false, t(l, "schema.formula_ok")),
            Err(e) => (true, formula_message(l, &e)),
        })
    };
    let draft = move || {
        let aggregate = AGGREGATES
            .iter()
            .find(|(_, n)| *n == aggregate.get_untracked())
            .map(|(a, _)| *a)
            .unwrap_or(Aggregate::Count);
        let kind = kind_from(
            &kind.get_untracked(),
            &options.get_untracked(),
            &target.get_untracked(),
            (
                &prefix.get_untracked(),
                pad.get_untracked().trim().parse().unwrap_or(u8::MAX),
            ),
            (&expression.get_untracked(), untrack(result_type)),
            (
                &link.get_untracked(),
                aggregate,
                &rolled.get_untracked(),
                &condition.get_untracked(),
            ),
        );
        let mut f = FieldDef::new(key.get_untracked().trim(), kind);
        f.label = Label::Text(name.get_untracked().trim().to_string());
        f.required = required.get_untracked() && !f.kind.is_computed();
        f.in_list = in_list.get_untracked();
        f.section = section.get_untracked();
        f.unique = unique.get_untracked() && f.is_typed();
        let help = help.get_untracked();
        f.help = (!help.trim().is_empty()).then(|| Label::Text(help.trim().to_string()));
        f.searchable = matches!(
            f.kind,
            FieldKind::SingleLine | FieldKind::AutoNumber { .. } | FieldKind::Email { .. }
        );
        f
    };
    let add_field = move || {
        let l = st.locale.get_untracked();
        let field = draft();
        let first: u64 = start.get_untracked().trim().parse().unwrap_or(0);
        let m = module.get_value();
        let shown = field.label.clone();
        spawn_local(async move {
            match change(st, |d, ctx| plan_add_field(d, &m, field, first, ctx)).await {
                Ok(()) => {
                    problem.set(None);
                    name.set(String::new());
                    key.set(String::new());
                    key_typed.set(false);
                    expression.set(String::new());
                    result_chosen.set(false);
                    help.set(String::new());
                    unique.set(false);
                    options.set(String::new());
                    st.notice.set(Some(Notice::success(tr(
                        l,
                        "schema.field_added",
                        &[("name", &label(l, &shown))],
                    ))));
                }
                Err(msg) => problem.set(Some(msg)),
            }
        });
    };
    let add_module = move || {
        let l = st.locale.get_untracked();
        let (one, many) = (singular.get_untracked(), plural.get_untracked());
        spawn_local(async move {
            let turn = wait_turn(st).await;
            let planned = with_context(st, |d, ctx| {
                plan_add_module(d, &one, &many, NavArea::Work, ctx)
            });
            let (plan, new_key) = match planned {
                Ok(p) => p,
                Err(r) => {
                    module_problem.set(Some(refusal_message(l, &r)));
                    return;
                }
            };
            match commit_plan(st, turn, plan).await {
                Ok(_) => {
                    module_problem.set(None);
                    singular.set(String::new());
                    plural.set(String::new());
                    st.notice.set(Some(Notice::success(tr(
                        l,
                        "schema.module_added",
                        &[("name", many.trim())],
                    ))));
                    navigate(&Route::Schema(new_key));
                }
                Err(msg) => module_problem.set(Some(msg)),
            }
        });
    };
    let remove = move || {
        let l = st.locale.get_untracked();
        let Some((k, shown, _)) = removing.get_untracked() else {
            return;
        };
        let m = module.get_value();
        spawn_local(async move {
            match change(st, |d, ctx| plan_remove_field(d, &m, &k, ctx)).await {
                Ok(()) => {
                    removing.set(None);
                    typed.set(String::new());
                    st.notice.set(Some(Notice::success(tr(
                        l,
                        "schema.field_removed",
                        &[("name", &shown)],
                    ))));
                }
                Err(msg) => st.notice.set(Some(Notice::error(msg))),
            }
        });
    };

    let remove_module = move || {
        let l = st.locale.get_untracked();
        let Some((k, shown, _)) = removing_module.get_untracked() else {
            return;
        };
        spawn_local(async move {
            match change(st, |d, _| plan_remove_module(d, &k)).await {
                Ok(()) => {
                    removing_module.set(None);
                    st.notice.set(Some(Notice::success(tr(
                        l,
                        "schema.module_removed",
                        &[("name", &shown)],
                    ))));
                    navigate(&Route::Schema(String::new()));
                }
                Err(msg) => st.notice.set(Some(Notice::error(msg))),
            }
        });
    };
    let move_field = move |k: String, shown: String, earlier: bool| {
        let l = st.locale.get_untracked();
        let m = module.get_value();
        spawn_local(async move {
            match change(st, |d, ctx| plan_move_field(d, &m, &k, earlier, ctx)).await {
                Ok(()) => st.notice.set(Some(Notice::success(tr(
                    l,
                    "schema.field_moved",
                    &[("name", &shown)],
                )))),
                Err(msg) => st.notice.set(Some(Notice::error(msg))),
            }
        });
    };

    let module_choices = move || {
        let l = st.locale.get();
        let here = module.get_value();
        st.data.with(|d| {
            d.schema
                .nav_modules()
                .map(|m| {
                    let chosen = m.key == here;
                    view! { <option value=m.key.clone() selected=chosen>{label(l, &m.plural)}</option> }
                })
                .collect_view()
        })
    };
    let field_rows = move || {
        let l = st.locale.get();
        let Some(def) = def.get() else {
            return Vec::new();
        };
        let own: Vec<String> = st.data.with(|d| {
            fields_of(d, &def.key)
                .into_iter()
                .map(|f| f.def.key)
                .collect()
        });
        let (first, last) = (own.first().cloned(), own.last().cloned());
        def.fields
            .iter()
            .filter(|f| !f.system)
            .map(|f| {
                let shown = label(l, &f.label);
                let is_own = own.contains(&f.key);
                let kind_name = t(l, &format!("schema.kind.{}", f.kind.name()));
                let k = f.key.clone();
                let for_remove = shown.clone();
                let remove_label = tr(l, "schema.remove_field", &[("name", &shown)]);
                let edit_label = tr(l, "schema.edit_field", &[("name", &shown)]);
                let up_label = tr(l, "schema.move_up", &[("name", &shown)]);
                let down_label = tr(l, "schema.move_down", &[("name", &shown)]);
                let at_top = first.as_deref() == Some(f.key.as_str());
                let at_end = last.as_deref() == Some(f.key.as_str());
                let (k_edit, k_up, k_down) = (k.clone(), k.clone(), k.clone());
                let (name_up, name_down) = (shown.clone(), shown.clone());
                view! {
                    <tr>
                        <td>{shown.clone()}</td>
                        <td>{kind_name}</td>
                        <td dir="ltr"><code>{f.key.clone()}</code></td>
                        <td class="row-actions">
                            {if is_own {
                                view! {
                                    <button type="button" class="link-button" aria-label=up_label.clone() title=up_label
                                        disabled=move || at_top || st.busy.get()
                                        on:click=move |_| move_field(k_up.clone(), name_up.clone(), true)
                                    >"↑"</button>
                                    <button type="button" class="link-button" aria-label=down_label.clone() title=down_label
                                        disabled=move || at_end || st.busy.get()
                                        on:click=move |_| move_field(k_down.clone(), name_down.clone(), false)
                                    >"↓"</button>
                                    <button type="button" class="link-button" aria-label=edit_label
                                        on:click=move |_| {
                                            removing.set(None);
                                            editing.set(Some(k_edit.clone()));
                                        }
                                    >{tk("schema.edit")}</button>
                                    <button type="button" class="link-button" aria-label=remove_label
                                        on:click=move |_| {
                                            let n = st.data.with_untracked(|d| holders(d, &module.get_value(), &k));
                                            typed.set(String::new());
                                            editing.set(None);
                                            removing.set(Some((k.clone(), for_remove.clone(), n)));
                                        }
                                    >{tk("schema.remove")}</button>
                                }.into_any()
                            } else {
                                view! { <span class="help">{tk("schema.standard")}</span> }.into_any()
                            }}
                        </td>
                    </tr>
                }
            })
            .collect::<Vec<_>>()
    };
    let target_choices = move || {
        let l = st.locale.get();
        st.data.with(|d| {
            d.schema
                .nav_modules()
                .map(|m| view! { <option value=m.key.clone()>{label(l, &m.singular)}</option> })
                .collect_view()
        })
    };
    // The lookups of other modules to this one: what a rollup can count.
    let link_choices = move || {
        let l = st.locale.get();
        let here = module.get_value();
        st.data.with(|d| {
            d.schema
                .modules
                .iter()
                .flat_map(|m| {
                    m.lookups_to(&here)
                        .map(|f| {
                            let text = format!("{} · {}", label(l, &m.plural), label(l, &f.label));
                            view! { <option value=format!("{}.{}", m.key, f.key)>{text}</option> }
                        })
                        .collect::<Vec<_>>()
                })
                .collect_view()
        })
    };
    let rolled_choices = move || {
        let l = st.locale.get();
        let (child, _) = link
            .get()
            .split_once('.')
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .unwrap_or_default();
        st.data.with(|d| {
            d.schema.module(&child).map(|m| {
                m.fields
                    .iter()
                    .filter(|f| {
                        matches!(
                            f.kind,
                            FieldKind::Number
                                | FieldKind::Currency
                                | FieldKind::Percent
                                | FieldKind::Formula { .. }
                                | FieldKind::Rollup { .. }
                        )
                    })
                    .map(|f| view! { <option value=f.key.clone()>{label(l, &f.label)}</option> })
                    .collect_view()
            })
        })
    };
    let own_modules = move || {
        st.data.with(|d| {
            user_modules(d)
                .into_iter()
                .map(|m| {
                    let href = Route::Schema(m.key.clone()).href();
                    let remove_label = tr(
                        st.locale.get(),
                        "schema.remove_module",
                        &[("name", &m.plural)],
                    );
                    let n = d.set(&m.key).map_or(0, |s| s.len());
                    let (k, shown) = (m.key.clone(), m.plural.clone());
                    view! {
                        <li>
                            <a href=href>{m.plural}</a>
                            " "
                            <button type="button" class="link-button" aria-label=remove_label
                                on:click=move |_| {
                                    module_typed.set(String::new());
                                    removing_module.set(Some((k.clone(), shown.clone(), n)));
                                }
                            >{tk("schema.remove")}</button>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let show = move |k: &'static str| move || kind.get() == k;

    view! {
        <section class="page schema-page">
            <p><a href=Route::Settings.href()>{tk("schema.back")}</a></p>
            <h1>{tk("schema.title")}</h1>
            <section class="record-section">
                <h2>{tk("schema.modules")}</h2>
                <p class="help">{tk("schema.modules_help")}</p>
                <ul>{own_modules}</ul>
                {move || removing_module.get().map(|(_, shown, n)| {
                    let l = st.locale.get();
                    let says = tr(l, "schema.remove_module_confirm", &[("name", &shown), ("n", &count(l, n))]);
                    view! {
                        <TypedConfirm id="remove-module" says=says name=shown
                            prompt="schema.type_module_name" button="schema.remove_module_for_good"
                            typed=module_typed
                            on_confirm=Callback::new(move |_| remove_module())
                            on_cancel=Callback::new(move |_| removing_module.set(None)) />
                    }
                })}
                <form class="schema-form" on:submit=move |ev| { ev.prevent_default(); add_module(); }>
                    <div class="field">
                        <label for="module-singular">{tk("schema.singular")}</label>
                        <input id="module-singular" maxlength="60" prop:value=move || singular.get()
                            on:input=move |ev| singular.set(event_target_value(&ev)) />
                    </div>
                    <div class="field">
                        <label for="module-plural">{tk("schema.plural")}</label>
                        <input id="module-plural" maxlength="60" prop:value=move || plural.get()
                            on:input=move |ev| plural.set(event_target_value(&ev)) />
                    </div>
                    <p class="field-error" role="alert">{move || module_problem.get()}</p>
                    <button type="submit" disabled=move || st.busy.get()>{tk("schema.add_module")}</button>
                </form>
            </section>
            <section class="record-section">
                <h2>{tk("schema.fields")}</h2>
                <div class="field">
                    <label for="schema-module">{tk("schema.module")}</label>
                    <select id="schema-module" on:change=move |ev| navigate(&Route::Schema(event_target_value(&ev)))>
                        {module_choices}
                    </select>
                </div>
                <div class="table-scroll">
                <table class="report-table schema-fields">
                    <thead><tr>
                        <th scope="col">{tk("schema.field_name")}</th>
                        <th scope="col">{tk("schema.field_type")}</th>
                        <th scope="col">{tk("schema.field_key")}</th>
                        <th scope="col"><span class="visually-hidden">{tk("schema.actions")}</span></th>
                    </tr></thead>
                    <tbody>{field_rows}</tbody>
                </table>
                </div>
                {move || removing.get().map(|(_, shown, n)| {
                    let l = st.locale.get();
                    let says = tr(l, "schema.remove_confirm", &[("name", &shown), ("n", &count(l, n))]);
                    view! {
                        <TypedConfirm id="remove" says=says name=shown
                            prompt="schema.type_name" button="schema.remove_for_good"
                            typed=typed
                            on_confirm=Callback::new(move |_| remove())
                            on_cancel=Callback::new(move |_| removing.set(None)) />
                    }
                })}
                {move || editing.get().map(|k| view! {
                    <FieldEditor module=module.get_value() key=k editing=editing />
                })}
                <p class="help">{tk("schema.order_help")}</p>
                <h3>{tk("schema.add_field")}</h3>
                <form class="schema-form" on:submit=move |ev| { ev.prevent_default(); add_field(); }>
                    <div class="field">
                        <label for="field-name">{tk("schema.field_name")}</label>
                        <input id="field-name" maxlength="80" prop:value=move || name.get()
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                if !key_typed.get_untracked() {
                                    let k = st.data.with_untracked(|d| suggested_key(d, &module.get_value(), &v));
                                    key.set(k);
                                }
                                name.set(v);
                            } />
                    </div>
                    <div class="field">
                        <label for="field-key">{tk("schema.field_key")}</label>
                        <input id="field-key" dir="ltr" maxlength="40" aria-describedby="field-key-help"
                            prop:value=move || key.get()
                            on:input=move |ev| { key_typed.set(true); key.set(event_target_value(&ev)); } />
                        <p class="help" id="field-key-help">{tk("schema.field_key_help")}</p>
                    </div>
                    <div class="field">
                        <label for="field-type">{tk("schema.field_type")}</label>
                        <select id="field-type" on:change=move |ev| kind.set(event_target_value(&ev))>
                            {move || {
                                let l = st.locale.get();
                                FieldKind::addable().into_iter().map(|k| k.name()).map(|k| view! {
                                    <option value=k selected=kind.get_untracked() == k>{t(l, &format!("schema.kind.{k}"))}</option>
                                }).collect_view()
                            }}
                        </select>
                    </div>
                    <Show when=move || kind.get() == "picklist" || kind.get() == "multi_select">
                        <div class="field">
                            <label for="field-options">{tk("schema.options")}</label>
                            <textarea id="field-options" rows="4" aria-describedby="field-options-help"
                                prop:value=move || options.get()
                                on:input=move |ev| options.set(event_target_value(&ev))></textarea>
                            <p class="help" id="field-options-help">{tk("schema.options_help")}</p>
                        </div>
                    </Show>
                    <Show when=show("lookup")>
                        <div class="field">
                            <label for="field-target">{tk("schema.target")}</label>
                            <select id="field-target" on:change=move |ev| target.set(event_target_value(&ev))>
                                <option value="">{tk("schema.choose")}</option>
                                {target_choices}
                            </select>
                        </div>
                    </Show>
                    <Show when=show("auto_number")>
                        <div class="field">
                            <label for="field-prefix">{tk("schema.prefix")}</label>
                            <input id="field-prefix" dir="ltr" maxlength="20" prop:value=move || prefix.get()
                                on:input=move |ev| prefix.set(event_target_value(&ev)) />
                        </div>
                        <div class="field">
                            <label for="field-pad">{tk("schema.pad")}</label>
                            <input id="field-pad" type="number" min="0" max="9" prop:value=move || pad.get()
                                on:input=move |ev| pad.set(event_target_value(&ev)) />
                        </div>
                        <div class="field">
                            <label for="field-start">{tk("schema.start")}</label>
                            <input id="field-start" type="number" min="1" prop:value=move || start.get()
                                on:input=move |ev| start.set(event_target_value(&ev)) />
                        </div>
                    </Show>
                    <Show when=show("formula")>
                        <div class="field">
                            <label for="field-expression">{tk("schema.expression")}</label>
                            <textarea id="field-expression" dir="ltr" rows="3" aria-describedby="field-expression-check"
                                prop:value=move || expression.get()
                                on:input=move |ev| {
                                    let src = event_target_value(&ev);
                                    problem.set(None);
                                    if !result_chosen.get_untracked() {
                                        let natural = st.data.with_untracked(|d| {
                                            let m = d.schema.module(&module.get_value())?;
                                            natural_result(&src, m, &d.schema)
                                        });
                                        if let Some((_, n)) = natural.and_then(|r| RESULTS.iter().find(|(x, _)| *x == r)) {
                                            result.set(n.to_string());
                                        }
                                    }
                                    expression.set(src);
                                }></textarea>
                            <p id="field-expression-check" role="status"
                                class=move || if formula_check().is_some_and(|(bad, _)| bad) { "field-error" } else { "help" }>
                                {move || formula_check().map(|(_, words)| words).unwrap_or_else(|| t(st.locale.get(), "schema.expression_help"))}
                            </p>
                        </div>
                        <div class="field">
                            <label for="field-result">{tk("schema.result")}</label>
                            <select id="field-result" prop:value=move || result.get()
                                on:change=move |ev| {
                                    result_chosen.set(true);
                                    result.set(event_target_value(&ev));
                                }>
                                {move || {
                                    let l = st.locale.get();
                                    RESULTS.iter().map(|(_, n)| view! {
                                        <option value=*n selected=result.get_untracked() == *n>{t(l, &format!("schema.result.{n}"))}</option>
                                    }).collect_view()
                                }}
                            </select>
                        </div>
                    </Show>
                    <Show when=show("rollup")>
                        <div class="field">
                            <label for="field-link">{tk("schema.rollup_of")}</label>
                            <select id="field-link" on:change=move |ev| link.set(event_target_value(&ev))>
                                <option value="">{tk("schema.choose")}</option>
                                {link_choices}
                            </select>
                        </div>
                        <div class="field">
                            <label for="field-aggregate">{tk("schema.aggregate")}</label>
                            <select id="field-aggregate" on:change=move |ev| aggregate.set(event_target_value(&ev))>
                                {move || {
                                    let l = st.locale.get();
                                    AGGREGATES.iter().map(|(_, n)| view! {
                                        <option value=*n selected=aggregate.get_untracked() == *n>{t(l, &format!("schema.aggregate.{n}"))}</option>
                                    }).collect_view()
                                }}
                            </select>
                        </div>
                        <Show when=move || aggregate.get() != "count">
                            <div class="field">
                                <label for="field-rolled">{tk("schema.rolled_field")}</label>
                                <select id="field-rolled" on:change=move |ev| rolled.set(event_target_value(&ev))>
                                    <option value="">{tk("schema.choose")}</option>
                                    {rolled_choices}
                                </select>
                            </div>
                        </Show>
                        <div class="field">
                            <label for="field-condition">{tk("schema.condition")}</label>
                            <input id="field-condition" dir="ltr" aria-describedby="field-condition-help"
                                prop:value=move || condition.get()
                                on:input=move |ev| condition.set(event_target_value(&ev)) />
                            <p class="help" id="field-condition-help">{tk("schema.condition_help")}</p>
                        </div>
                    </Show>
                    <div class="field">
                        <label for="field-help">{tk("schema.help_text")}</label>
                        <input id="field-help" maxlength="200" prop:value=move || help.get()
                            on:input=move |ev| help.set(event_target_value(&ev)) />
                    </div>
                    <SectionSelect id="field-section" section=section
                        sections=Signal::derive(move || def.get().map(|m| m.sections).unwrap_or_default()) />
                    <div class="check-group">
                        // A computed field is never typed: not asked for, and unique by how it is made.
                        <Show when=move || !matches!(kind.get().as_str(), "auto_number" | "formula" | "rollup")>
                        <label class="check">
                            <input type="checkbox" prop:checked=move || required.get()
                                on:change=move |ev| required.set(event_target_checked(&ev)) />
                            {tk("schema.required")}
                        </label>
                        <label class="check">
                            <input type="checkbox" prop:checked=move || unique.get()
                                on:change=move |ev| unique.set(event_target_checked(&ev)) />
                            {tk("schema.unique")}
                        </label>
                        </Show>
                        <label class="check">
                            <input type="checkbox" prop:checked=move || in_list.get()
                                on:change=move |ev| in_list.set(event_target_checked(&ev)) />
                            {tk("schema.in_list")}
                        </label>
                    </div>
                    <p class="field-error" role="alert">{move || problem.get()}</p>
                    <button type="submit" disabled=move || st.busy.get() || st.loading_rest.get()>{tk("schema.add_field_button")}</button>
                </form>
            </section>
        </section>
    }
}
