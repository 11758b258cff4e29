//! A list's saved views: choose one to apply its filters, order and search words,
//! save what the list shows now under a name (the name a view has replaces it), mark
//! one as the list's default — the one it opens with when its address says nothing —
//! and delete one, confirmed first.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::modules::view_module::{same_name, views_module, views_of, SavedView};
use crate::domain::records::list_query::{Filter, Sort};
use crate::domain::rules::saved_views::{plan_delete_view, plan_save_view};
use crate::domain::ModuleDef;
use crate::i18n::problems::field_error;
use crate::i18n::{label, tr};
use crate::ui::kit::notice::Notice;
use crate::ui::kit::state::{tk, use_state};
use crate::ui::records::list_address::{query_of, read_query};
use crate::ui::writes::actions::{commit_plan, with_context};
use crate::ui::writes::write_queue::wait_turn;

#[derive(Clone, Copy, PartialEq)]
enum Open {
    Nothing,
    Save,
    Delete,
}

#[component]
pub fn ViewPicker(
    def: ModuleDef,
    filters: RwSignal<Vec<Filter>>,
    sort: RwSignal<Option<Sort>>,
    search: RwSignal<String>,
    columns: RwSignal<Vec<String>>,
) -> impl IntoView {
    let st = use_state();
    let list = StoredValue::new(def.key.clone());
    let def = StoredValue::new(def);
    let views = Memo::new(move |_| st.data.with(|d| views_of(d, &list.get_value())));
    let current = RwSignal::new(String::new());
    let open = RwSignal::new(Open::Nothing);
    let name = RwSignal::new(String::new());
    let make_default = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let apply = move |v: Option<&SavedView>| {
        let (f, s, q, c) = match v {
            Some(v) => def.with_value(|d| read_query(&v.query, d)),
            None => (Vec::new(), None, String::new(), Vec::new()),
        };
        filters.set(f);
        sort.set(s);
        search.set(q);
        columns.set(c);
    };
    // A list whose address says nothing opens with its default view; an address that
    // is a saved view's (a reload, a bookmark) names that view. Decided once the views
    // are read (start-up reads the list's own module first, the views after), and
    // only if the list still shows what it opened with.
    let opened_with = query_of(
        &filters.get_untracked(),
        sort.get_untracked().as_ref(),
        &search.get_untracked(),
        &columns.get_untracked(),
    );
    let settled = StoredValue::new(false);
    Effect::new(move |_| {
        let vs = views.get();
        let loading = st.loading_rest.get();
        if settled.get_value() || (vs.is_empty() && loading) {
            return;
        }
        settled.set_value(true);
        let here = query_of(
            &filters.get_untracked(),
            sort.get_untracked().as_ref(),
            &search.get_untracked(),
            &columns.get_untracked(),
        );
        if here != opened_with {
            return;
        }
        let found = if here.is_empty() {
            vs.iter().find(|v| v.default)
        } else {
            vs.iter().find(|v| v.query == here)
        };
        if let Some(v) = found {
            if here.is_empty() {
                apply(Some(v));
            }
            current.set(v.id.clone());
        }
    });
    let chosen = move || views.with(|vs| vs.iter().find(|v| v.id == current.get()).cloned());
    let save = move || {
        let l = st.locale.get_untracked();
        let query = query_of(
            &filters.get_untracked(),
            sort.get_untracked().as_ref(),
            &search.get_untracked(),
            &columns.get_untracked(),
        );
        let (n, default) = (name.get_untracked(), make_default.get_untracked());
        let m = list.get_value();
        spawn_local(async move {
            let turn = wait_turn(st).await;
            let planned =
                with_context(st, |d, ctx| plan_save_view(d, &m, &n, &query, default, ctx));
            let plan = match planned {
                Ok(p) => p,
                Err(errors) => {
                    let words = st.data.with_untracked(|d| {
                        errors
                            .iter()
                            .map(|e| field_error(l, views_module(d), e))
                            .collect::<Vec<_>>()
                            .join(" ")
                    });
                    problem.set(Some(words));
                    return;
                }
            };
            match commit_plan(st, turn, plan).await {
                Ok(_) => {
                    open.set(Open::Nothing);
                    problem.set(None);
                    let saved = views
                        .get_untracked()
                        .into_iter()
                        .find(|v| same_name(&v.name, &n));
                    if let Some(v) = saved {
                        current.set(v.id);
                    }
                    st.notice.set(Some(Notice::success(tr(
                        l,
                        "views.saved",
                        &[("name", n.trim())],
                    ))));
                }
                Err(msg) => problem.set(Some(msg)),
            }
        });
    };
    let delete = move || {
        let l = st.locale.get_untracked();
        let Some(v) = chosen() else { return };
        spawn_local(async move {
            let turn = wait_turn(st).await;
            let planned = with_context(st, |d, ctx| plan_delete_view(d, &v.id, ctx));
            let result = match planned {
                Ok(plan) => commit_plan(st, turn, plan).await.map(|_| ()),
                Err(e) => Err(crate::i18n::t(l, e.key())),
            };
            match result {
                Ok(()) => {
                    open.set(Open::Nothing);
                    current.set(String::new());
                    st.notice.set(Some(Notice::success(tr(
                        l,
                        "views.deleted",
                        &[("name", &v.name)],
                    ))));
                }
                Err(msg) => st.notice.set(Some(Notice::error(msg))),
            }
        });
    };
    let all_label = move || {
        let l = st.locale.get();
        let plural = def.with_value(|d| label(l, &d.plural));
        tr(l, "views.all", &[("module", &plural)])
    };
    view! {
        <div class="views">
            <div class="field">
                <label for="list-view">{tk("views.label")}</label>
                <select
                    id="list-view"
                    on:change=move |ev| {
                        let id = event_target_value(&ev);
                        let v = views.with_untracked(|vs| vs.iter().find(|v| v.id == id).cloned());
                        apply(v.as_ref());
                        current.set(id);
                        open.set(Open::Nothing);
                    }
                >
                    <option value="" selected=move || current.get().is_empty()>{all_label}</option>
                    {move || {
                        let now = current.get();
                        views
                            .get()
                            .into_iter()
                            .map(|v| {
                                let is = v.id == now;
                                view! { <option value=v.id.clone() selected=is>{v.name}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            <button
                type="button"
                aria-expanded=move || (open.get() == Open::Save).to_string()
                on:click=move |_| {
                    let here = chosen();
                    name.set(here.as_ref().map(|v| v.name.clone()).unwrap_or_default());
                    make_default.set(here.is_some_and(|v| v.default));
                    problem.set(None);
                    open.set(if open.get_untracked() == Open::Save { Open::Nothing } else { Open::Save });
                }
            >
                {tk("views.save")}
            </button>
            <Show when=move || chosen().is_some()>
                <button
                    type="button"
                    aria-expanded=move || (open.get() == Open::Delete).to_string()
                    on:click=move |_| open.set(if open.get_untracked() == Open::Delete { Open::Nothing } else { Open::Delete })
                >
                    {tk("views.delete")}
                </button>
            </Show>
            {move || match open.get() {
                Open::Save => view! {
                    <form class="views-panel" on:submit=move |ev| { ev.prevent_default(); save(); }>
                        <div class="field">
                            <label for="view-name">{tk("views.name")}</label>
                            <input
                                id="view-name"
                                type="text"
                                maxlength="100"
                                aria-invalid=move || problem.with(Option::is_some).then_some("true")
                                prop:value=move || name.get()
                                on:input=move |ev| name.set(event_target_value(&ev))
                            />
                        </div>
                        <label class="check">
                            <input
                                type="checkbox"
                                prop:checked=move || make_default.get()
                                on:change=move |ev| make_default.set(event_target_checked(&ev))
                            />
                            {tk("views.default")}
                        </label>
                        <button type="submit" class="primary" disabled=move || st.busy.get()>{tk("views.save_button")}</button>
                        <button type="button" on:click=move |_| open.set(Open::Nothing)>{tk("action.cancel")}</button>
                        {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
                    </form>
                }.into_any(),
                Open::Delete => view! {
                    <div class="views-panel" role="alertdialog" aria-labelledby="view-delete-q">
                        <p id="view-delete-q">
                            {move || {
                                let l = st.locale.get();
                                tr(l, "views.delete_confirm", &[("name", &chosen().map(|v| v.name).unwrap_or_default())])
                            }}
                        </p>
                        <button type="button" class="danger" disabled=move || st.busy.get() on:click=move |_| delete()>
                            {tk("views.delete")}
                        </button>
                        <button type="button" on:click=move |_| open.set(Open::Nothing)>{tk("action.cancel")}</button>
                    </div>
                }.into_any(),
                Open::Nothing => ().into_any(),
            }}
        </div>
    }
}
