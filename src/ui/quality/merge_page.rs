//! Merging two records: every field where they differ, with a choice of whose value
//! wins (lists are joined unless a side is chosen); the merged-away record's links
//! and history move to the one kept, all in one transaction.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::quality::merge::{plan_merge, MergeChoice, Side};
use crate::i18n::{label, t, tr};
use crate::ui::kit::format::value_text;
use crate::ui::kit::notice::Notice;
use crate::ui::kit::route::{navigate, Route};
use crate::ui::kit::state::{db, new_id, now, tk, use_state};
use crate::ui::writes::actions::{commit_plan, storage_message};
use crate::ui::writes::write_queue::wait_turn;

#[component]
pub fn MergePage(module: String, master: String, other: String) -> impl IntoView {
    let st = use_state();
    let found = st.data.with_untracked(|d| {
        Some((
            d.schema.module(&module)?.clone(),
            d.get(&module, &master)?.clone(),
            d.get(&module, &other)?.clone(),
        ))
    });
    let Some((def, m_rec, o_rec)) = found else {
        return view! { <crate::ui::kit::notice::NotFound /> }.into_any();
    };
    let winners = RwSignal::new(BTreeMap::<String, Side>::new());
    let error = RwSignal::new(None::<String>);
    let (m_title, o_title) = st.data.with_untracked(|d| {
        (
            d.title(&module, &master).unwrap_or_default(),
            d.title(&module, &other).unwrap_or_default(),
        )
    });
    let fields: Vec<_> = def
        .fields
        .iter()
        .filter(|f| f.is_typed() && m_rec.get(&f.key) != o_rec.get(&f.key))
        .cloned()
        .collect();
    let choice_base = MergeChoice {
        module: module.clone(),
        master: master.clone(),
        other: other.clone(),
        winners: BTreeMap::new(),
    };
    let choice_base = StoredValue::new(choice_base);

    let merge = move |_| {
        let l = st.locale.get_untracked();
        let mut choice = choice_base.get_value();
        choice.winners = winners.get_untracked();
        let user = st.current_user.get_untracked();
        spawn_local(async move {
            let turn = wait_turn(st).await;
            let Some(db) = db() else { return };
            let history = match db.changes_for(&choice.other).await {
                Ok(h) => h,
                Err(e) => {
                    error.set(Some(storage_message(l, &e)));
                    return;
                }
            };
            let mut ids = new_id;
            let plan = st
                .data
                .with_untracked(|d| plan_merge(d, &choice, &history, now(), &user, &mut ids));
            let plan = match plan {
                Ok(p) => p,
                Err(e) => {
                    error.set(Some(t(l, e.key())));
                    return;
                }
            };
            match commit_plan(st, turn, plan.write()).await {
                Ok(_) => {
                    navigate(&Route::View(choice.module.clone(), choice.master.clone()));
                    st.notice.set(Some(Notice::success(t(l, "merge.done"))));
                }
                Err(msg) => error.set(Some(msg)),
            }
        });
    };

    let heading = {
        let (a, b) = (m_title.clone(), o_title.clone());
        move || {
            tr(
                st.locale.get(),
                "merge.title",
                &[("other", &b), ("master", &a)],
            )
        }
    };
    let rows = move || {
        let l = st.locale.get();
        st.data.with(|d| {
            fields
                .iter()
                .map(|f| {
                    let key = f.key.clone();
                    let show = |v: Option<&crate::domain::Value>| {
                        v.map(|v| value_text(l, d, f, v)).unwrap_or_else(|| "—".into())
                    };
                    let (mv, ov) = (show(m_rec.get(&f.key)), show(o_rec.get(&f.key)));
                    let joined = f.kind.is_list();
                    // Addresses and numbers read left to right in every language.
                    let dir = if matches!(
                        f.kind,
                        crate::domain::FieldKind::Email { .. }
                            | crate::domain::FieldKind::Phone { .. }
                            | crate::domain::FieldKind::Url
                    ) {
                        "ltr"
                    } else {
                        "auto"
                    };
                    let name = format!("win-{key}");
                    let (k1, k2, k3) = (key.clone(), key.clone(), key.clone());
                    view! {
                        <tr>
                            <th scope="row">{label(l, &f.label)}</th>
                            <td>
                                <label class="check">
                                    <input type="radio" name=name.clone()
                                        prop:checked=move || winners.with(|w| w.get(&k1) == Some(&Side::Master) || (!joined && w.get(&k1).is_none()))
                                        on:change=move |_| winners.update(|w| { w.insert(k2.clone(), Side::Master); }) />
                                    <span dir=dir>{mv}</span>
                                </label>
                            </td>
                            <td>
                                <label class="check">
                                    <input type="radio" name=name
                                        prop:checked=move || winners.with(|w| w.get(&k3) == Some(&Side::Other))
                                        on:change=move |_| winners.update(|w| { w.insert(key.clone(), Side::Other); }) />
                                    <span dir=dir>{ov}</span>
                                </label>
                            </td>
                            <td class="muted">{joined.then(|| t(l, "merge.joined"))}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="page merge-page">
            <h1>{heading}</h1>
            <p>{tk("merge.intro")}</p>
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <table class="merge-table">
                <caption>{tk("merge.choose")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tk("import.field")}</th>
                        <th scope="col"><bdi>{m_title.clone()}</bdi> " " {tk("merge.kept")}</th>
                        <th scope="col"><bdi>{o_title.clone()}</bdi></th>
                        <th scope="col"></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <div class="actions form-actions">
                <button type="button" class="primary" disabled=move || st.busy.get() on:click=merge>{tk("merge.action")}</button>
                <a class="button" href=Route::Merge(module.clone(), other.clone(), master.clone()).href()>{tk("merge.swap")}</a>
                <a class="button" href=Route::View(module.clone(), master.clone()).href()>{tk("action.cancel")}</a>
            </div>
        </section>
    }
    .into_any()
}
