//! The duplicates review of a module: groups of likely duplicates across all its
//! records, each member a link, and a way to merge any two.

use leptos::prelude::*;

use crate::domain::records::duplicates::MatchReason;
use crate::i18n::{label, t, tn, tr};
use crate::ui::kit::format::count;
use crate::ui::kit::route::Route;
use crate::ui::kit::state::{tk, use_state};

const SHOWN_GROUPS: usize = 200;

/// One reason two records match, with the value they share where there is one.
fn reason_text(l: crate::i18n::Locale, r: &MatchReason) -> String {
    match r {
        MatchReason::SameEmail(v) | MatchReason::SamePhone(v) => format!("{} ({v})", t(l, r.key())),
        _ => t(l, r.key()),
    }
}

#[component]
pub fn DuplicatesPage(module: String) -> impl IntoView {
    let st = use_state();
    let Some(def) = st
        .data
        .with_untracked(|d| d.schema.module(&module).cloned())
    else {
        return view! { <crate::ui::kit::notice::NotFound /> }.into_any();
    };
    let module = StoredValue::new(module);
    let plural = def.plural.clone();
    let groups = Memo::new(move |_| {
        st.data.with(|d| {
            d.set(&module.get_value())
                .and_then(|s| s.duplicates().map(|i| i.groups()))
                .unwrap_or_default()
        })
    });
    view! {
        <section class="page duplicates-page">
            <h1>{move || tr(st.locale.get(), "dup.title", &[("module", &label(st.locale.get(), &plural))])}</h1>
            <p role="status">
                {move || {
                    let l = st.locale.get();
                    let n = groups.with(Vec::len);
                    tn(l, "dup.groups", n, &count(l, n))
                }}
            </p>
            <ol class="dup-groups">
                {move || {
                    let l = st.locale.get();
                    let m = module.get_value();
                    groups
                        .get()
                        .into_iter()
                        .take(SHOWN_GROUPS)
                        .map(|mut g| {
                            // The oldest record is offered as the one to keep.
                            st.data.with(|d| {
                                g.sort_by_key(|id| d.get(&m, id).map(|r| (r.created_at, r.id.clone())))
                            });
                            let master = g[0].clone();
                            let items = g
                                .iter()
                                .map(|id| {
                                    let title = st.data.with(|d| d.title(&m, id)).unwrap_or_default();
                                    let merge = (id != &master).then(|| {
                                        let master_title = st.data.with(|d| d.title(&m, &master)).unwrap_or_default();
                                        let href = Route::Merge(m.clone(), master.clone(), id.clone()).href();
                                        let text = tr(l, "dup.merge_into", &[("title", &title), ("master", &master_title)]);
                                        view! { " " <a class="button small" href=href>{text}</a> }
                                    });
                                    // Why it is here, or that it is the one kept.
                                    let why = if id == &master {
                                        t(l, "dup.kept")
                                    } else {
                                        st.data.with(|d| {
                                            let set = d.set(&m)?;
                                            let (other, reasons) = set.duplicates()?.why_in_group(id, &g)?;
                                            let words: Vec<String> = reasons.iter().map(|r| reason_text(l, r)).collect();
                                            Some(tr(
                                                l,
                                                "dup.why",
                                                &[("other", &d.title(&m, &other).unwrap_or_default()), ("reasons", &words.join(", "))],
                                            ))
                                        })
                                        .unwrap_or_default()
                                    };
                                    let kept = id == &master;
                                    view! {
                                        <li>
                                            <a href=Route::View(m.clone(), id.clone()).href()><bdi>{title.clone()}</bdi></a>
                                            " "
                                            <span class="dup-why" class:badge=kept>{why}</span>
                                            {merge}
                                        </li>
                                    }
                                })
                                .collect_view();
                            view! { <li><ul class="dup-group">{items}</ul></li> }
                        })
                        .collect_view()
                }}
            </ol>
            <p>
                <a href=Route::List(module.get_value()).href()>{tk("record.back_to_list")}</a>
            </p>
            {move || groups.with(Vec::is_empty).then(|| view! { <p class="muted">{t(st.locale.get(), "dup.none")}</p> })}
        </section>
    }
    .into_any()
}
