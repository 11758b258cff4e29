//! A record's page: its fields by section, related lists, timeline, edit and delete.

use crate::ui::records::compose_email::ComposeEmail;
use crate::ui::records::macros::MacroButtons;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::rules::delete::dependents;
use crate::domain::ModuleDef;
use crate::i18n::{label, t, tn, tr};
use crate::ui::kit::format::{count, timestamp, user_name, value_text, value_view};
use crate::ui::kit::notice::Notice;
use crate::ui::kit::route::{navigate, Route};
use crate::ui::kit::state::{tk, use_state};
use crate::ui::records::record_form::RETURN_TO;
use crate::ui::records::timeline_view::Timeline;
use crate::ui::writes::actions::delete_record;

#[component]
pub fn RecordPage(module: String, id: String) -> impl IntoView {
    let st = use_state();
    let def: Option<ModuleDef> = st
        .data
        .with_untracked(|d| d.schema.module(&module).cloned());
    let Some(def) = def else {
        return view! { <crate::ui::kit::notice::NotFound /> }.into_any();
    };
    let def = StoredValue::new(def);
    let id = StoredValue::new(id);
    let record = Memo::new(move |_| {
        st.data.with(|d| {
            d.get(&def.with_value(|m| m.key.clone()), &id.get_value())
                .cloned()
        })
    });
    let title = move || {
        let l = st.locale.get();
        record
            .get()
            .and_then(|r| st.data.with(|d| d.title(&r.module, &r.id)))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| t(l, "record.untitled"))
    };
    let confirming = RwSignal::new(false);
    // Offered again by the search before a word is typed.
    Effect::new(move |_| {
        if let Some((m, i)) = record.with(|r| r.as_ref().map(|r| (r.module.clone(), r.id.clone())))
        {
            crate::ui::kit::recent::remember(&m, &i);
        }
    });

    view! {
        <Show
            when=move || record.with(Option::is_some)
            fallback=move || {
                view! {
                    <section class="page">
                        <h1>{tk("record.not_found")}</h1>
                        <p>
                            <a href=def
                                .with_value(|m| Route::List(m.key.clone()).href())>{tk("record.back_to_list")}</a>
                        </p>
                    </section>
                }
            }
        >
            <article class="page record-page">
                <div class="page-head">
                    <h1>
                        <bdi>{title}</bdi>
                    </h1>
                    <div class="actions">
                        {move || {
                            // The definition's actions offered on this record (a lead's Convert).
                            let offered: Vec<(String, Route)> = record.with(|r| {
                                let Some(r) = r.as_ref() else { return Vec::new() };
                                def.with_value(|m| {
                                    m.actions
                                        .iter()
                                        .filter(|a| a.offered(r))
                                        .filter_map(|a| {
                                            action_route(&a.page, &r.id).map(|to| (a.label.clone(), to))
                                        })
                                        .collect()
                                })
                            });
                            offered
                                .into_iter()
                                .map(|(label, to)| {
                                    view! {
                                        <a class="button primary" href=to.href()>
                                            {move || t(st.locale.get(), &label)}
                                        </a>
                                    }
                                })
                                .collect_view()
                        }}
                        <MacroButtons module=def.with_value(|m| m.key.clone()) ids=move || vec![id.get_value()] />
                        <a
                            class="button"
                            hidden=move || def.with_value(|m| m.kept_by_app)
                            href=move || Route::Edit(def.with_value(|m| m.key.clone()), id.get_value()).href()
                        >
                            {tk("action.edit")}
                        </a>
                        <button
                            type="button"
                            class="danger"
                            aria-expanded=move || confirming.get().to_string()
                            on:click=move |_| confirming.set(true)
                        >
                            {tk("action.delete")}
                        </button>
                    </div>
                </div>
                <Show when=move || confirming.get()>
                    <DeleteConfirm def=def id=id title=Signal::derive(title) confirming=confirming />
                </Show>
                <p class="record-meta">
                    {move || {
                        let l = st.locale.get();
                        record
                            .get()
                            .map(|r| {
                                tr(
                                    l,
                                    "record.meta",
                                    &[
                                        ("created", &timestamp(l, r.created_at)),
                                        ("updated", &timestamp(l, r.updated_at)),
                                        (
                                            "owner",
                                            &r.owner.as_deref().map(|o| st.data.with(|d| user_name(l, d, o))).unwrap_or_default(),
                                        ),
                                    ],
                                )
                            })
                    }}
                </p>
                {move || {
                    let l = st.locale.get();
                    let Some(r) = record.get() else {
                        return Vec::new();
                    };
                    st.data
                        .with(|d| {
                            def.with_value(|m| {
                                m.sections
                                    .iter()
                                    .map(|section| {
                                        let rows = m
                                            .fields_in(&section.key)
                                            .map(|f| {
                                                let shown = r
                                                    .get(&f.key)
                                                    .map(|v| value_view(l, d, f, v))
                                                    .unwrap_or_else(|| "—".into_any());
                                                view! {
                                                    <div class="field-row">
                                                        <dt>{label(l, &f.label)}</dt>
                                                        <dd>
                                                            <bdi>{shown}</bdi>
                                                        </dd>
                                                    </div>
                                                }
                                            })
                                            .collect_view();
                                        view! {
                                            <section class="record-section">
                                                <h2>{label(l, &section.label)}</h2>
                                                <dl>{rows}</dl>
                                            </section>
                                        }
                                    })
                                    .collect::<Vec<_>>()
                            })
                        })
                }}
                <RelatedLists def=def id=id />
                <ComposeEmail module=def.with_value(|m| m.key.clone()) id=id.get_value() />
                <Timeline
                    def=def
                    id=id
                    record_revision=Signal::derive(move || {
                        record.get().map(|r| r.revision).unwrap_or(0)
                    })
                />
            </article>
        </Show>
    }
    .into_any()
}

#[component]
fn DeleteConfirm(
    def: StoredValue<ModuleDef>,
    id: StoredValue<String>,
    title: Signal<String>,
    confirming: RwSignal<bool>,
) -> impl IntoView {
    let st = use_state();
    let cancel_ref = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(b) = cancel_ref.get() {
            let _ = b.focus();
        }
    });
    let linked = move || {
        st.data
            .with(|d| def.with_value(|m| dependents(d, &m.key, &id.get_value()).len()))
    };
    let delete = move |_| {
        let l = st.locale.get_untracked();
        let module = def.with_value(|m| m.key.clone());
        let record_id = id.get_value();
        let name = title.get_untracked();
        spawn_local(async move {
            match delete_record(st, &module, &record_id).await {
                Ok(()) => {
                    navigate(&Route::List(module));
                    st.notice.set(Some(Notice::success(tr(
                        l,
                        "record.deleted",
                        &[("title", &name)],
                    ))));
                }
                Err(msg) => {
                    confirming.set(false);
                    st.notice.set(Some(Notice::error(msg)));
                }
            }
        });
    };
    view! {
        <div
            class="confirm"
            role="alertdialog"
            aria-labelledby="confirm-title"
            aria-describedby="confirm-text"
        >
            <h2 id="confirm-title">
                {move || tr(st.locale.get(), "delete.title", &[("title", &title.get())])}
            </h2>
            <p id="confirm-text">
                {tk("delete.cannot_undo")}
                " "
                {move || {
                    let l = st.locale.get();
                    let n = linked();
                    (n > 0).then(|| tn(l, "delete.links", n, &count(l, n)))
                }}
            </p>
            <div class="actions">
                <button type="button" class="danger" disabled=move || st.busy.get() on:click=delete>
                    {tk("action.delete_confirm")}
                </button>
                <button type="button" node_ref=cancel_ref on:click=move |_| confirming.set(false)>
                    {tk("action.cancel")}
                </button>
            </div>
        </div>
    }
}

/// Records of other modules that link here, each list with a way to add one in place.
#[component]
fn RelatedLists(def: StoredValue<ModuleDef>, id: StoredValue<String>) -> impl IntoView {
    let st = use_state();
    move || {
        let l = st.locale.get();
        st.data.with(|d| {
            let module = def.with_value(|m| m.key.clone());
            d.related(&module, &id.get_value())
                .into_iter()
                .filter_map(|(other, field, mut records)| {
                    let other_def = d.schema.module(&other)?;
                    records.sort_by_key(|r| other_def.title_of(r).to_lowercase());
                    let heading = label(l, &other_def.plural);
                    let add_href =
                        Route::New(
                        other.clone(),
                        vec![
                            (field.clone(), id.get_value()),
                            (RETURN_TO.into(), field.clone()),
                        ],
                    )
                    .href();
                    let add_text = tr(l, "action.new_record", &[("module", &label(l, &other_def.singular))]);
                    let n = records.len();
                    // Title fields are already in the link; the linking field is this record.
                    let columns: Vec<_> = other_def
                        .list_fields()
                        .filter(|f| f.key != field && !other_def.title_fields.contains(&f.key))
                        .take(3)
                        .cloned()
                        .collect();
                    let items = records
                        .into_iter()
                        .take(200)
                        .map(|r| {
                            let href = Route::View(other.clone(), r.id.clone()).href();
                            let name = d.title(&other, &r.id).unwrap_or_default();
                            let name = if name.is_empty() { t(l, "record.untitled") } else { name };
                            let extra: Vec<String> = columns
                                .iter()
                                .filter_map(|f| r.get(&f.key).map(|v| value_text(l, d, f, v)))
                                .filter(|s| !s.is_empty())
                                .collect();
                            view! {
                                <li>
                                    <a href=href dir="auto">{name}</a>
                                    <span class="muted" dir="auto">{extra.join(" · ")}</span>
                                </li>
                            }
                        })
                        .collect_view();
                    Some(view! {
                        <section class="record-section related">
                            <div class="section-head">
                                <h2>{heading} " (" {count(l, n)} ")"</h2>
                                <a class="button" href=add_href>{add_text}</a>
                            </div>
                            {(n == 0).then(|| view! { <p class="muted">{t(l, "related.none")}</p> })}
                            <ul class="related-list">{items}</ul>
                        </section>
                    })
                })
                .collect::<Vec<_>>()
        })
    }
}

/// The page a record action opens: the shell's pages by name, so a definition can
/// offer one without the page knowing the module.
fn action_route(page: &str, id: &str) -> Option<Route> {
    match page {
        "convert" => Some(Route::Convert(id.to_string())),
        "dry_run" => Some(Route::DryRun(id.to_string())),
        _ => None,
    }
}
