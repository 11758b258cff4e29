//! The pipeline board: a column per stage with its count, total and weighted total in
//! the base currency; cards move by drag and drop or, from the keyboard, by each
//! card's "Move to" select. A moved card shows in its new column at once, marked as
//! saving until its transaction commits. Each column renders only the cards scrolled
//! into view.

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::task::spawn_local;
use rust_decimal::Decimal;

// Marks (`crm:move…`) let the benchmark time a move inside the page.
use super::actions::{mark, update_fields_shown_first};
use super::format::{count, date, money, percent, user_name};
use super::notice::Notice;
use super::route::{navigate, Route};
use super::state::{tk, use_state, utc_offset, AppState};
use super::user_select::{whose_user, WhoseFilter};
use crate::domain::board::{
    self, exchange_rates, stored_columns, with_pending, BoardFilter, Column, PendingMoves,
};
use crate::domain::pipeline::Outcome;
use crate::domain::pipeline_records::{load_pipeline, pipeline_list};
use crate::domain::sales_modules::{DEALS, LOSS_REASONS, STAGES};
use crate::domain::standard_modules::MEMBERS;
use crate::domain::{Label, Money, Value};
use crate::i18n::{t, tr, Locale};

const CARD_HEIGHT: f64 = 112.0;
const COLUMN_HEIGHT: f64 = 560.0;
const OVERSCAN: usize = 3;

fn stage_name(l: Locale, name: &Label) -> String {
    match name {
        Label::Text(s) => s.clone(),
        Label::Key(k) => t(l, k),
    }
}

fn today() -> NaiveDate {
    let now = chrono::DateTime::from_timestamp_millis(super::state::now()).unwrap_or_default();
    crate::domain::activity_rules::local_date(now, utc_offset())
}

/// The id of the focused element, if any.
fn focused_id() -> Option<String> {
    web_sys::window()?
        .document()?
        .active_element()
        .map(|e| e.id())
}

/// A card is drawn anew when it changes column or stops saving; a keyboard user
/// working its "Move to" select keeps focus on it across that.
fn refocus_later(select_id: String) {
    request_animation_frame(move || {
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&select_id))
        {
            use wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}

/// Changes the pending moves, keeping a keyboard user's focus on the deal's select.
fn update_pending(pending: RwSignal<PendingMoves>, deal: &str, f: impl FnOnce(&mut PendingMoves)) {
    let select_id = format!("move-{deal}");
    let had_focus = focused_id().as_deref() == Some(select_id.as_str());
    // The board may be gone by the time a save settles (the user moved on).
    if pending.try_update(f).is_some() && had_focus {
        refocus_later(select_id);
    }
}

/// Moves a deal to another stage through its save rules, in one transaction; a move
/// to a lost stage carries its reason. The card shows in its new column at once,
/// marked as saving; "moved" is said only once the transaction committed, and a failed
/// save puts the card back where the store has it and says why.
fn move_deal(
    st: AppState,
    pending: RwSignal<PendingMoves>,
    deal: String,
    stage: String,
    reason: Option<String>,
) {
    let l = st.locale.get_untracked();
    mark("crm:move");
    spawn_local(async move {
        let mut set = vec![("stage".to_string(), Value::Ref(stage))];
        if let Some(r) = reason {
            set.push(("loss_reason".into(), Value::Text(r)));
        }
        let saved = update_fields_shown_first(st, DEALS, &deal, set, |planned| {
            update_pending(pending, &deal, |p| p.apply(planned.clone()));
            mark("crm:move-shown");
        })
        .await;
        if saved.is_ok() {
            mark("crm:move-saved");
        }
        update_pending(pending, &deal, |p| p.settle(&deal));
        let title = st
            .data
            .with_untracked(|d| d.title(DEALS, &deal))
            .unwrap_or_default();
        match saved {
            Ok(Some(_)) => {
                st.notice.set(Some(Notice::success(tr(
                    l,
                    "board.moved",
                    &[("title", &title)],
                ))));
            }
            Ok(None) => {}
            Err(e) => {
                let (cause, stays_in) = st.data.with_untracked(|d| {
                    let stays_in = match d.get(DEALS, &deal).and_then(|r| r.get("stage")) {
                        Some(Value::Ref(s)) => d.title(STAGES, s),
                        _ => None,
                    };
                    (e.message(l, DEALS, d), stays_in.unwrap_or_default())
                });
                st.notice.set(Some(Notice::error(tr(
                    l,
                    "board.not_moved",
                    &[("title", &title), ("stage", &stays_in), ("reason", &cause)],
                ))));
            }
        }
    });
}

#[component]
pub fn BoardPage(pipeline: String) -> impl IntoView {
    let st = use_state();
    let pipelines = Memo::new(move |_| st.data.with(pipeline_list));
    let chosen = Memo::new(move |_| {
        let all = pipelines.get();
        if all.iter().any(|(id, _)| id == &pipeline) {
            pipeline.clone()
        } else {
            all.first().map(|(id, _)| id.clone()).unwrap_or_default()
        }
    });
    let owner = RwSignal::new(String::new());
    let priority = RwSignal::new(String::new());
    let close_from = RwSignal::new(String::new());
    let close_to = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let pending_lost = RwSignal::new(None::<(String, String)>);
    let pending = RwSignal::new(PendingMoves::default());

    let filter = Memo::new(move |_| BoardFilter {
        owner: whose_user(st, &owner.get()),
        priority: Some(priority.get()).filter(|p| !p.is_empty()),
        close_from: close_from.get().parse().ok(),
        close_to: close_to.get().parse().ok(),
        text: text.get(),
    });
    let model = Memo::new(move |_| st.data.with(|d| load_pipeline(d, &chosen.get())));
    let rates = Memo::new(move |_| st.data.with(|d| exchange_rates(d, &st.base_currency.get())));
    let stored = Memo::new(move |_| {
        let Some(p) = model.get() else {
            return Vec::new();
        };
        rates.with(|rates| {
            st.data
                .with(|d| stored_columns(d, &p, &filter.get(), rates))
        })
    });
    // Pending moves are laid over the stored columns, so a move shows without the
    // board going over every deal again.
    let cols = Memo::new(move |_| {
        let Some(p) = model.get() else {
            return Vec::new();
        };
        let base = stored.get();
        pending.with(|moving| {
            rates.with(|rates| {
                st.data
                    .with(|d| with_pending(d, &p, &filter.get(), rates, base, moving))
            })
        })
    });

    let request_move = move |deal: String, stage: String| {
        let lost = model.with_untracked(|p| {
            p.as_ref()
                .and_then(|p| p.stage(&stage))
                .is_some_and(|s| s.outcome == Outcome::Lost)
        });
        let already = st.data.with_untracked(|d| {
            matches!(d.get(DEALS, &deal).and_then(|r| r.get("stage")), Some(Value::Ref(s)) if s == &stage)
        });
        // A card still saving its last move takes no other until that settles.
        if already || pending.with_untracked(|p| p.is_pending(&deal)) {
            return;
        }
        if lost {
            pending_lost.set(Some((deal, stage)));
        } else {
            move_deal(st, pending, deal, stage, None);
        }
    };

    view! {
        <section class="page board-page">
            <div class="page-head">
                <h1>{tk("board.title")}</h1>
                <div class="actions">
                    <a
                        class="button primary"
                        href=move || {
                            Route::New(DEALS.into(), vec![("pipeline".into(), chosen.get())]).href()
                        }
                    >
                        {tk("board.new_deal")}
                    </a>
                    <a class="button" href=move || Route::Pipelines(chosen.get()).href()>
                        {tk("board.edit_stages")}
                    </a>
                </div>
            </div>
            <div class="board-filters" role="search">
                <div class="field">
                    <label for="board-pipeline">{tk("field.pipeline")}</label>
                    <select
                        id="board-pipeline"
                        on:change=move |ev| navigate(&Route::Board(event_target_value(&ev)))
                    >
                        {move || {
                            let current = chosen.get();
                            pipelines
                                .get()
                                .into_iter()
                                .map(|(id, name)| {
                                    let selected = id == current;
                                    view! { <option value=id selected=selected>{name}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
                <WhoseFilter id="board-owner" label_key="filter.owner" whose=owner />
                <div class="field">
                    <label for="board-priority">{tk("field.priority")}</label>
                    <select id="board-priority" on:change=move |ev| priority.set(event_target_value(&ev))>
                        <option value="">{tk("filter.any")}</option>
                        {["low", "medium", "high"]
                            .into_iter()
                            .map(|p| {
                                let key = format!("option.priority.{p}");
                                view! { <option value=p>{move || t(st.locale.get(), &key)}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="board-from">{tk("board.close_from")}</label>
                    <input id="board-from" type="date" on:change=move |ev| close_from.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="board-to">{tk("board.close_to")}</label>
                    <input id="board-to" type="date" on:change=move |ev| close_to.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="board-search">{tk("board.search")}</label>
                    <input id="board-search" type="search" on:input=move |ev| text.set(event_target_value(&ev)) />
                </div>
            </div>
            <p class="muted">
                {move || {
                    let l = st.locale.get();
                    tr(l, "board.totals_in", &[("currency", &st.base_currency.get())])
                }}
            </p>
            <Show when=move || pending_lost.get().is_some()>
                <LossReason pending=pending_lost on_confirm=move |deal, stage, reason| {
                    move_deal(st, pending, deal, stage, Some(reason))
                } />
            </Show>
            <div class="board">
                <For
                    each=move || {
                        let p = model.get();
                        cols.get()
                            .into_iter()
                            .map(|c| {
                                let name = p
                                    .as_ref()
                                    .and_then(|p| p.stage(&c.stage_id))
                                    .map(|s| s.name.clone())
                                    .unwrap_or(Label::Text(String::new()));
                                (c, name)
                            })
                            .collect::<Vec<_>>()
                    }
                    key=|(c, name)| (c.stage_id.clone(), format!("{name:?}"), c.deals.clone(), c.totals.total, c.totals.weighted)
                    children=move |(col, name)| {
                        view! {
                            <BoardColumn
                                col=col
                                name=name
                                stages=Signal::derive(move || {
                                    model
                                        .get()
                                        .map(|p| p.stages.iter().map(|s| (s.id.clone(), s.name.clone())).collect())
                                        .unwrap_or_default()
                                })
                                pending=pending
                                on_move=request_move
                            />
                        }
                    }
                />
            </div>
        </section>
    }
}

fn base_money(amount: Decimal, currency: &str) -> Money {
    Money {
        amount: amount.round_dp(2),
        currency: currency.to_string(),
    }
}

#[component]
fn BoardColumn(
    col: Column,
    name: Label,
    stages: Signal<Vec<(String, Label)>>,
    pending: RwSignal<PendingMoves>,
    on_move: impl Fn(String, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let st = use_state();
    let scroll_top = RwSignal::new(0.0_f64);
    let over = RwSignal::new(false);
    let heading_id = format!("col-{}", col.stage_id);
    let heading_id2 = heading_id.clone();
    let stage_id = StoredValue::new(col.stage_id.clone());
    let outcome = col.outcome;
    let deals = StoredValue::new(col.deals.clone());
    let totals = col.totals.clone();
    let n = col.deals.len();
    let window = move || {
        let first = ((scroll_top.get() / CARD_HEIGHT) as usize).saturating_sub(OVERSCAN);
        let shown = (COLUMN_HEIGHT / CARD_HEIGHT) as usize + 2 * OVERSCAN;
        (first, (first + shown).min(n))
    };
    let name = StoredValue::new(name);
    let header = move || {
        let l = st.locale.get();
        let base = st.base_currency.get();
        let mut parts = vec![
            tn_deals(l, totals.count),
            money(l, &base_money(totals.total, &base)),
        ];
        if outcome == Outcome::Open {
            parts.push(tr(
                l,
                "board.weighted",
                &[("amount", &money(l, &base_money(totals.weighted, &base)))],
            ));
        }
        if totals.without_rate > 0 {
            parts.push(tr(
                l,
                "board.without_rate",
                &[("n", &count(l, totals.without_rate))],
            ));
        }
        parts.join(" · ")
    };
    let today = today();
    view! {
        <section
            class="board-column"
            class:drop-target=move || over.get()
            class:won={outcome == Outcome::Won}
            class:lost={outcome == Outcome::Lost}
            aria-labelledby=heading_id.clone()
            on:dragover=move |ev| {
                ev.prevent_default();
                over.set(true);
            }
            on:dragleave=move |_| over.set(false)
            on:drop=move |ev| {
                ev.prevent_default();
                over.set(false);
                if let Some(id) = ev.data_transfer().and_then(|dt| dt.get_data("text/plain").ok()) {
                    if !id.is_empty() {
                        on_move(id, stage_id.get_value());
                    }
                }
            }
        >
            <header class="board-column-head">
                <h2 id=heading_id2>{move || name.with_value(|n| stage_name(st.locale.get(), n))}</h2>
                <p class="muted">{header}</p>
            </header>
            <div
                class="board-cards"
                style=format!("height:{COLUMN_HEIGHT}px")
                on:scroll=move |ev| {
                    use wasm_bindgen::JsCast;
                    if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                        scroll_top.set(el.scroll_top() as f64);
                    }
                }
            >
                <div class="board-spacer" style=format!("height:{}px", n as f64 * CARD_HEIGHT)>
                    {move || {
                        let (a, b) = window();
                        let l = st.locale.get();
                        deals
                            .with_value(|slots| slots[a..b].to_vec())
                            .into_iter()
                            .enumerate()
                            .filter_map(|(i, slot)| {
                                let stored = st.data.with(|d| d.set(DEALS).and_then(|s| s.at(slot).cloned()))?;
                                let (r, saving) = pending
                                    .with(|p| (p.shown(&stored).clone(), p.is_pending(&stored.id)));
                                let top = (a + i) as f64 * CARD_HEIGHT;
                                Some(view! {
                                    <DealCard
                                        record=r
                                        top=top
                                        locale=l
                                        overdue_today=today
                                        outcome=outcome
                                        saving=saving
                                        stages=stages
                                        on_move=on_move
                                    />
                                })
                            })
                            .collect_view()
                    }}
                </div>
            </div>
        </section>
    }
}

fn tn_deals(l: Locale, n: usize) -> String {
    crate::i18n::tn(l, "board.deals", n, &count(l, n))
}

#[component]
fn DealCard(
    record: crate::domain::Record,
    top: f64,
    locale: Locale,
    overdue_today: NaiveDate,
    outcome: Outcome,
    /// Shown in this column before its move has committed.
    saving: bool,
    stages: Signal<Vec<(String, Label)>>,
    on_move: impl Fn(String, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let st = use_state();
    let l = locale;
    let id = record.id.clone();
    let title = st
        .data
        .with_untracked(|d| d.title(DEALS, &id))
        .unwrap_or_default();
    let company = st.data.with_untracked(|d| match record.get("company") {
        Some(Value::Ref(c)) => d.title("companies", c),
        _ => None,
    });
    let amount = board::amount(&record).map(|m| money(l, m));
    let close = board::expected_close(&record).map(|d| date(l, d));
    let overdue = board::is_overdue(&record, outcome, overdue_today);
    let owner = record
        .owner
        .as_deref()
        .map(|o| st.data.with_untracked(|d| user_name(l, d, o)))
        .unwrap_or_default();
    // The owner's colour, when the team member has one, marks the card.
    let colour = record.owner.as_deref().and_then(|o| {
        st.data
            .with_untracked(|d| match d.get(MEMBERS, o).and_then(|m| m.get("color")) {
                Some(Value::Text(c)) => Some(c.clone()),
                _ => None,
            })
    });
    let probability = percent(l, board::probability(&record));
    let current_stage = match record.get("stage") {
        Some(Value::Ref(s)) => s.clone(),
        _ => String::new(),
    };
    let select_id = format!("move-{id}");
    let href = Route::View(DEALS.into(), id.clone()).href();
    let drag_id = id.clone();
    let move_id = StoredValue::new(id.clone());
    let move_label = tr(l, "board.move_named", &[("title", &title)]);
    view! {
        <article
            class="deal-card"
            class:overdue=overdue
            class:saving=saving
            aria-busy=saving.then_some("true")
            draggable=if saving { "false" } else { "true" }
            style=format!("top:{top}px;height:{}px", CARD_HEIGHT - 8.0)
            aria-label=title.clone()
            on:dragstart=move |ev| {
                if let Some(dt) = ev.data_transfer() {
                    let _ = dt.set_data("text/plain", &drag_id);
                    dt.set_effect_allowed("move");
                }
            }
        >
            <h3>
                <a href=href dir="auto">{title.clone()}</a>
            </h3>
            <p class="deal-meta">
                {company.map(|c| view! { <span dir="auto">{c}</span> })}
                {amount.map(|a| view! { <span class="amount">{a}</span> })}
                <span>{probability}</span>
            </p>
            <p class="deal-meta">
                {close.map(|c| view! { <span>{c}</span> })}
                {overdue.then(|| view! { <span class="overdue-mark">{t(l, "board.overdue")}</span> })}
                <span class="muted owner" dir="auto">
                    {colour.map(|c| view! { <span class="colour-dot" aria-hidden="true" style=format!("background:{c}")></span> })}
                    {owner}
                </span>
            </p>
            <div class="deal-move">
                <label class="visually-hidden" for=select_id.clone()>{move_label}</label>
                <select
                    id=select_id
                    on:change=move |ev| {
                        let to = event_target_value(&ev);
                        if !to.is_empty() {
                            on_move(move_id.get_value(), to);
                        }
                    }
                >
                    {stages
                        .get_untracked()
                        .into_iter()
                        .map(|(sid, name)| {
                            let selected = sid == current_stage;
                            view! { <option value=sid selected=selected>{stage_name(l, &name)}</option> }
                        })
                        .collect_view()}
                </select>
                {saving.then(|| view! { <span class="saving-mark">{t(l, "board.saving")}</span> })}
            </div>
        </article>
    }
}

/// Asks why a deal was lost before moving it to a lost stage.
#[component]
fn LossReason(
    pending: RwSignal<Option<(String, String)>>,
    on_confirm: impl Fn(String, String, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let st = use_state();
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(false);
    let select_ref = NodeRef::<leptos::html::Select>::new();
    Effect::new(move |_| {
        if let Some(s) = select_ref.get() {
            let _ = s.focus();
        }
    });
    view! {
        <div class="confirm" role="alertdialog" aria-labelledby="loss-title">
            <h2 id="loss-title">{tk("board.loss_title")}</h2>
            <div class="field" class:field-invalid=move || error.get()>
                <label for="loss-reason">{tk("field.loss_reason")}</label>
                <select
                    id="loss-reason"
                    node_ref=select_ref
                    aria-describedby=move || error.get().then_some("loss-error")
                    on:change=move |ev| {
                        reason.set(event_target_value(&ev));
                        error.set(false);
                    }
                >
                    <option value="">{tk("form.choose")}</option>
                    {LOSS_REASONS
                        .iter()
                        .map(|r| {
                            let key = format!("option.loss_reason.{r}");
                            view! { <option value=*r>{move || t(st.locale.get(), &key)}</option> }
                        })
                        .collect_view()}
                </select>
                <p class="error" id="loss-error" hidden=move || !error.get()>
                    {tk("problem.loss_reason_required_short")}
                </p>
            </div>
            <div class="actions">
                <button
                    type="button"
                    class="primary"
                    on:click=move |_| {
                        let r = reason.get_untracked();
                        if r.is_empty() {
                            error.set(true);
                            return;
                        }
                        if let Some((deal, stage)) = pending.get_untracked() {
                            pending.set(None);
                            on_confirm(deal, stage, r);
                        }
                    }
                >
                    {tk("board.mark_lost")}
                </button>
                <button type="button" on:click=move |_| pending.set(None)>
                    {tk("action.cancel")}
                </button>
            </div>
        </div>
    }
}
