//! The builder's filter editor: conditions matched all or any, in a root group and
//! its sub-groups, each value asked for in the way its field's kind wants.

use leptos::prelude::*;

use crate::ui::kit::day_input::DayInput;

use super::draft::Draft;
use crate::domain::analytics::report::{FilterGroup, CREATED_AT, OWNER, UPDATED_AT};
use crate::domain::analytics::report_choices::{all_fields, OPERATORS};
use crate::domain::records::condition::Condition;
use crate::domain::FieldKind;
use crate::i18n::{label, t, tr};
use crate::ui::analytics::report_labels::field_name;
use crate::ui::kit::format::{count, user_name};
use crate::ui::kit::state::use_state;

/// Changes the root group (`None`) or one of its sub-groups, without redrawing.
fn with_group(draft: Draft, path: Option<usize>, f: impl FnOnce(&mut FilterGroup)) {
    draft.filter.update_untracked(|g| match path {
        None => f(g),
        Some(i) => {
            if let Some(sub) = g.groups.get_mut(i) {
                f(sub)
            }
        }
    });
}

fn reshape(draft: Draft, path: Option<usize>, f: impl FnOnce(&mut FilterGroup)) {
    with_group(draft, path, f);
    draft.filter_shape.update(|n| *n += 1);
}

fn new_condition() -> Condition {
    Condition {
        field: String::new(),
        operator: "is".into(),
        value: String::new(),
    }
}

#[component]
pub(super) fn FilterEditor(draft: Draft) -> impl IntoView {
    let st = use_state();
    move || {
        draft.filter_shape.get();
        let _ = draft.module.get();
        let l = st.locale.get();
        let g = draft.filter.get_untracked();
        let subs = g
            .groups
            .iter()
            .enumerate()
            .map(|(i, sub)| {
                let n = count(l, i + 1);
                view! {
                    <fieldset class="filter-group">
                        <legend>{tr(l, "report.group_n", &[("n", &n)])}</legend>
                        <GroupRows draft=draft path=Some(i) group=sub.clone() />
                        <button
                            type="button"
                            on:click=move |_| {
                                draft.filter.update_untracked(|g| {
                                    if i < g.groups.len() {
                                        g.groups.remove(i);
                                    }
                                });
                                draft.filter_shape.update(|n| *n += 1);
                            }
                        >
                            {tr(l, "report.remove_group", &[("n", &n)])}
                        </button>
                    </fieldset>
                }
            })
            .collect_view();
        view! {
            <fieldset class="form-section report-filter">
                <legend>{t(l, "report.filters")}</legend>
                <GroupRows draft=draft path=None group=g.clone() />
                {subs}
                <button
                    type="button"
                    on:click=move |_| {
                        reshape(
                            draft,
                            None,
                            |g| {
                                g.groups
                                    .push(FilterGroup {
                                        any: true,
                                        conditions: vec![new_condition()],
                                        groups: vec![],
                                    })
                            },
                        )
                    }
                >
                    {t(l, "report.add_group")}
                </button>
            </fieldset>
        }
    }
}

#[component]
fn GroupRows(draft: Draft, path: Option<usize>, group: FilterGroup) -> impl IntoView {
    let st = use_state();
    let l = st.locale.get_untracked();
    let prefix = match path {
        None => "rf-root".to_string(),
        Some(i) => format!("rf-{i}"),
    };
    let match_id = format!("{prefix}-match");
    let any = group.any;
    let rows = group
        .conditions
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            view! { <FilterRow draft=draft path=path index=i cond=c prefix=prefix.clone() /> }
        })
        .collect_view();
    view! {
        <div class="field filter-match">
            <label for=match_id.clone()>{t(l, "report.match")}</label>
            <select
                id=match_id
                on:change=move |ev| {
                    let v = event_target_value(&ev) == "any";
                    with_group(draft, path, |g| g.any = v);
                }
            >
                <option value="all" selected=!any>
                    {t(l, "report.match_all")}
                </option>
                <option value="any" selected=any>
                    {t(l, "report.match_any")}
                </option>
            </select>
        </div>
        {rows}
        <button type="button" on:click=move |_| reshape(draft, path, |g| g.conditions.push(new_condition()))>
            {t(l, "report.add_condition")}
        </button>
    }
}

#[component]
fn FilterRow(
    draft: Draft,
    path: Option<usize>,
    index: usize,
    cond: Condition,
    prefix: String,
) -> impl IntoView {
    let st = use_state();
    let l = st.locale.get_untracked();
    let field = RwSignal::new(cond.field.clone());
    let value = StoredValue::new(cond.value.clone());
    let field_id = format!("{prefix}-{index}-field");
    let op_id = format!("{prefix}-{index}-op");
    let value_id = format!("{prefix}-{index}-value");
    let def = st.data.with_untracked(|d| draft.def(d));
    let Some(def) = def else {
        return ().into_any();
    };
    let def = StoredValue::new(def);
    let fields = all_fields(&def.get_value());
    let write = move |v: String| {
        value.set_value(v.clone());
        with_group(draft, path, |g| {
            if let Some(c) = g.conditions.get_mut(index) {
                c.value = v;
            }
        });
    };
    let value_id2 = value_id.clone();
    let value_widget = move || {
        let f = field.get();
        let id = value_id2.clone();
        let current = value.get_value();
        let kind = def.with_value(|d| d.field(&f).map(|x| x.kind.clone()));
        let select = |choices: Vec<(String, String)>| {
            let current = current.clone();
            view! {
                <select id=id.clone() on:change=move |ev| write(event_target_value(&ev))>
                    <option value="" selected=current.is_empty()>
                        {t(l, "report.choose")}
                    </option>
                    {choices
                        .into_iter()
                        .map(|(v, text)| {
                            let selected = v == current;
                            view! {
                                <option value=v selected=selected>
                                    {text}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            }
            .into_any()
        };
        let users = || {
            st.data.with_untracked(|d| {
                d.user_ids()
                    .into_iter()
                    .map(|u| {
                        let n = user_name(l, d, &u);
                        (u, n)
                    })
                    .collect::<Vec<_>>()
            })
        };
        let input = |ty: &'static str| {
            view! {
                <input
                    id=id.clone()
                    type=ty
                    dir="auto"
                    prop:value=current.clone()
                    on:input=move |ev| write(event_target_value(&ev))
                />
            }
            .into_any()
        };
        if f == OWNER {
            return select(users());
        }
        // A day in the user's calendar, handed on as YYYY-MM-DD.
        let day = || {
            view! { <DayInput id=id.clone() value=current.clone() on_day=Callback::new(write) /> }
                .into_any()
        };
        if f == CREATED_AT || f == UPDATED_AT {
            return day();
        }
        match kind {
            Some(FieldKind::Picklist { options } | FieldKind::MultiSelect { options, .. }) => {
                select(
                    options
                        .iter()
                        .map(|o| (o.value.clone(), label(l, &o.label)))
                        .collect(),
                )
            }
            Some(FieldKind::Lookup { module, .. }) => {
                select(st.data.with_untracked(|d| d.choices(&module, None)))
            }
            Some(FieldKind::User | FieldKind::Users) => select(users()),
            Some(FieldKind::Checkbox) => select(vec![
                ("true".into(), t(l, "value.yes")),
                ("false".into(), t(l, "value.no")),
            ]),
            Some(FieldKind::Date | FieldKind::DateTime) => day(),
            _ => input("text"),
        }
    };
    let current_field = cond.field.clone();
    let current_op = cond.operator.clone();
    view! {
        <div class="filter-row report-filter-row">
            <div class="field">
                <label for=field_id.clone()>{t(l, "report.field")}</label>
                <select
                    id=field_id
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        value.set_value(String::new());
                        with_group(
                            draft,
                            path,
                            |g| {
                                if let Some(c) = g.conditions.get_mut(index) {
                                    c.field = v.clone();
                                    c.value.clear();
                                }
                            },
                        );
                        field.set(v);
                    }
                >
                    <option value="" selected=current_field.is_empty()>
                        {t(l, "report.choose")}
                    </option>
                    {fields
                        .into_iter()
                        .map(|k| {
                            let selected = k == current_field;
                            let name = def.with_value(|d| field_name(l, d, &k));
                            view! {
                                <option value=k selected=selected>
                                    {name}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for=op_id.clone()>{t(l, "report.operator")}</label>
                <select
                    id=op_id
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        with_group(
                            draft,
                            path,
                            |g| {
                                if let Some(c) = g.conditions.get_mut(index) {
                                    c.operator = v;
                                }
                            },
                        );
                    }
                >
                    {OPERATORS
                        .into_iter()
                        .map(|o| {
                            view! {
                                <option value=o selected=o == current_op>
                                    {t(l, &format!("option.operator.{o}"))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for=value_id>{t(l, "report.value")}</label>
                {value_widget}
            </div>
            <button
                type="button"
                on:click=move |_| {
                    reshape(
                        draft,
                        path,
                        |g| {
                            if index < g.conditions.len() {
                                g.conditions.remove(index);
                            }
                        },
                    )
                }
            >
                {t(l, "report.remove_condition")}
            </button>
        </div>
    }
    .into_any()
}
