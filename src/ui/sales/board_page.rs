//! The board of any module whose definition names one (deals by stage within a
//! pipeline, leads by status): a column per value with its count and, where the board
//! names an amount, its total and weighted total in the base currency; cards move by drag and drop or, from the keyboard, by each
//! card's "Move to" select. A moved card shows in its new column at once, marked as
//! saving until its transaction commits. Each column renders only the cards scrolled
//! into view.

use chrono::NaiveDate;
use leptos::prelude::*;

use crate::ui::kit::day_input::DayInput;
use leptos::task::spawn_local;
use rust_decimal::Decimal;

// Marks (`crm:move…`) let the benchmark time a move inside the page.
use crate::domain::records::module_def::BoardDef;
use crate::domain::sales::board::{
    self, column_value, column_write, columns_now, exchange_rates, groups, lanes,
    new_record_values, with_pending, BoardFilter, BuiltColumns, Column, PendingMoves,
};
use crate::domain::sales::pipeline::Outcome;
use crate::domain::{Label, ModuleDef, Money, Value};
use crate::i18n::{t, tr, Locale};
use crate::ui::kit::format::{count, date, money, percent, user_name};
use crate::ui::kit::notice::Notice;
use crate::ui::kit::route::{navigate, Route};
use crate::ui::kit::state::{tk, use_state, utc_offset, AppState};
use crate::ui::kit::user_select::{whose_user, WhoseFilter};
use crate::ui::writes::actions::{mark, update_fields_shown_first};

/// A board filter: the picklist field, its label, and its options.
type PickFilter = (String, Label, Vec<(String, Label)>);

/// Room for a title in two lines, four lines of detail and the move controls.
const CARD_HEIGHT: f64 = 174.0;
const COLUMN_HEIGHT: f64 = 640.0;
const OVERSCAN: usize = 3;

fn stage_name(l: Locale, name: &Label) -> String {
    match name {
        Label::Text(s) => s.clone(),
        Label::Key(k) => t(l, k),
    }
}

fn today() -> NaiveDate {
    let now =
        chrono::DateTime::from_timestamp_millis(crate::ui::kit::state::now()).unwrap_or_default();
    crate::domain::activities::activity_rules::local_date(now, utc_offset())
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
        crate::ui::kit::focus::focus_id(&select_id);
    });
}

/// Changes the pending moves, keeping a keyboard user's focus on the deal's select
/// (from the select or its "Move" button: the button is disabled while saving).
fn update_pending(pending: RwSignal<PendingMoves>, deal: &str, f: impl FnOnce(&mut PendingMoves)) {
    let select_id = format!("move-{deal}");
    let focused = focused_id();
    let had_focus = focused.as_deref() == Some(select_id.as_str())
        || focused.as_deref() == Some(format!("move-go-{deal}").as_str());
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
    def: StoredValue<ModuleDef>,
    pending: RwSignal<PendingMoves>,
    undo: RwSignal<Option<(String, String)>>,
    deal: String,
    stage: String,
    reason: Option<String>,
) {
    let l = st.locale.get_untracked();
    let (module, board) = def.with_value(|m| (m.clone(), m.board.clone()));
    let Some(board) = board else { return };
    let key = module.key.clone();
    // Where the card was, for the announcement's Undo.
    let previous = st
        .data
        .with_untracked(|d| d.get(&key, &deal).and_then(|r| column_value(&board, r)));
    mark("crm:move");
    spawn_local(async move {
        let mut set = vec![(board.column.clone(), column_write(&module, &board, stage))];
        if let (Some(r), Some(field)) = (reason, &board.lost_asks) {
            set.push((field.clone(), Value::Text(r)));
        }
        let saved = update_fields_shown_first(st, &key, &deal, set, |planned| {
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
            .with_untracked(|d| d.title(&key, &deal))
            .unwrap_or_default();
        match saved {
            Ok(Some(_)) => {
                let moved = Notice::success(tr(l, "board.moved", &[("title", &title)]));
                let deal = deal.clone();
                st.notice.set(Some(match previous {
                    // Undo moves it back the same way (asking a loss reason again if
                    // it came from a lost column).
                    Some(stage) => moved.with_action(t(l, "action.undo"), move || {
                        undo.set(Some((deal.clone(), stage.clone())));
                    }),
                    None => moved,
                }));
            }
            Ok(None) => {}
            Err(e) => {
                let (cause, stays_in) = st.data.with_untracked(|d| {
                    let field = module.field(&board.column);
                    let stays_in =
                        match (d.get(&key, &deal).and_then(|r| r.get(&board.column)), field) {
                            (Some(v), Some(f)) => {
                                Some(crate::ui::kit::format::value_text(l, d, f, v))
                            }
                            _ => None,
                        };
                    (e.message(l, &key, d), stays_in.unwrap_or_default())
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

/// The board of `module` (empty: the first module with a board) within a group (a
/// pipeline id; empty or unknown: the first).
#[component]
pub fn BoardPage(module: String, pipeline: String) -> impl IntoView {
    let st = use_state();
    let found = st.data.with_untracked(|d| {
        d.schema
            .module(&module)
            .filter(|m| m.board.is_some())
            .or_else(|| d.schema.board_modules().next())
            .cloned()
    });
    let Some(found) = found else {
        return view! { <section class="page"><h1>{tk("page.not_found")}</h1></section> }
            .into_any();
    };
    let board_def: BoardDef = found.board.clone().unwrap_or_else(|| unreachable!());
    let module_key = found.key.clone();
    let def = StoredValue::new(found);
    let bd = StoredValue::new(board_def.clone());
    let grouped = board_def.group_by.is_some();
    let pipelines = Memo::new(move |_| st.data.with(|d| def.with_value(|m| groups(d, m))));
    let chosen = Memo::new(move |_| {
        let all = pipelines.get();
        if all.iter().any(|(id, _)| id == &pipeline) {
            pipeline.clone()
        } else {
            all.first().map(|(id, _)| id.clone()).unwrap_or_default()
        }
    });
    let owner = RwSignal::new(String::new());
    let picks = RwSignal::new(std::collections::BTreeMap::<String, String>::new());
    let close_from = RwSignal::new(String::new());
    let close_to = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let pending_lost = RwSignal::new(None::<(String, String)>);
    let pending = RwSignal::new(PendingMoves::default());
    // An Undo asked for from a move's announcement: (record, column to go back to).
    let undo = RwSignal::new(None::<(String, String)>);

    let filter = Memo::new(move |_| BoardFilter {
        owner: whose_user(st, &owner.get()),
        picks: picks.get(),
        close_from: close_from.get().parse().ok(),
        close_to: close_to.get().parse().ok(),
        text: text.get(),
    });
    let model = Memo::new(move |_| {
        st.data
            .with(|d| def.with_value(|m| lanes(d, m, &chosen.get())))
    });
    let rates = Memo::new(move |_| st.data.with(|d| exchange_rates(d, &st.base_currency.get())));
    // After a save the columns follow the records it wrote (a card move is one
    // record) instead of sorting every record of the pipeline again.
    let built = Memo::new(move |previous: Option<&Option<BuiltColumns>>| {
        let p = model.get()?;
        let previous = previous.and_then(Option::as_ref);
        Some(rates.with(|rates| {
            st.data
                .with(|d| def.with_value(|m| columns_now(previous, d, m, &p, &filter.get(), rates)))
        }))
    });
    let stored = Memo::new(move |_| {
        built
            .with(|b| b.as_ref().map(|b| b.cols.clone()))
            .unwrap_or_default()
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
                st.data.with(|d| {
                    def.with_value(|m| with_pending(d, m, &p, &filter.get(), rates, base, moving))
                })
            })
        })
    });

    let request_move = move |deal: String, stage: String| {
        let asks = bd.with_value(|b| b.lost_asks.is_some());
        let lost = asks
            && model.with_untracked(|p| {
                p.as_ref()
                    .and_then(|p| p.stage(&stage))
                    .is_some_and(|s| s.outcome == Outcome::Lost)
            });
        let already = st.data.with_untracked(|d| {
            let key = def.with_value(|m| m.key.clone());
            d.get(&key, &deal)
                .and_then(|r| bd.with_value(|b| column_value(b, r)))
                .is_some_and(|s| s == stage)
        });
        // A card still saving its last move takes no other until that settles.
        if already || pending.with_untracked(|p| p.is_pending(&deal)) {
            return;
        }
        if lost {
            pending_lost.set(Some((deal, stage)));
        } else {
            move_deal(st, def, pending, undo, deal, stage, None);
        }
    };
    Effect::new(move |_| {
        if let Some((deal, stage)) = undo.get() {
            undo.set(None);
            request_move(deal, stage);
        }
    });
    let labels = board_def.labels.clone();
    let new_key = labels.new_record.clone();
    let title_key = labels.title.clone();
    let search_key = labels.search.clone();
    let has_amount = board_def.amount.is_some();
    let date_field = board_def.date.clone();
    // The board's picklist filters, with their options, from the definition.
    let pick_filters: Vec<PickFilter> = board_def
        .filters
        .iter()
        .filter_map(|f| def.with_value(|m| m.field(f).cloned()))
        .map(|f| {
            let options = f
                .kind
                .options()
                .iter()
                .map(|o| (o.value.clone(), o.label.clone()))
                .collect();
            (f.key.clone(), f.label.clone(), options)
        })
        .collect();
    let lost_field = board_def
        .lost_asks
        .as_ref()
        .and_then(|f| def.with_value(|m| m.field(f).cloned()));
    let module_for_new = module_key.clone();

    view! {
        <section class="page board-page">
            <div class="page-head">
                <h1>{move || t(st.locale.get(), &title_key)}</h1>
                <div class="actions">
                    <a
                        class="button primary"
                        href=move || {
                            // In the group looked at and its first column: a deal from
                            // the board starts in this pipeline's first stage.
                            let first = model.with(|p| {
                                p.as_ref().and_then(|p| p.stages.first()).map(|s| s.id.clone())
                            });
                            let prefill = bd.with_value(|b| match first {
                                Some(col) => new_record_values(b, &chosen.get(), &col),
                                None => b.group_by.iter().map(|g| (g.clone(), chosen.get())).collect(),
                            });
                            Route::New(module_for_new.clone(), prefill).href()
                        }
                    >
                        {move || t(st.locale.get(), &new_key)}
                    </a>
                    // A scoped board's columns are a pipeline's stages, edited there.
                    {grouped.then(|| view! {
                        <a class="button" href=move || Route::Pipelines(chosen.get()).href()>
                            {tk("board.edit_stages")}
                        </a>
                    })}
                </div>
            </div>
            <BoardSwitch current=module_key.clone() />
            <div class="board-filters" role="search">
                <div class="field" hidden=!grouped>
                    <label for="board-pipeline">{move || {
                        let l = st.locale.get();
                        bd.with_value(|b| b.group_by.clone())
                            .and_then(|g| def.with_value(|m| m.field(&g).map(|f| stage_name(l, &f.label))))
                            .unwrap_or_default()
                    }}</label>
                    <select
                        id="board-pipeline"
                        on:change=move |ev| {
                            let m = def.with_value(|m| m.key.clone());
                            navigate(&Route::Board(m, event_target_value(&ev)))
                        }
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
                {pick_filters
                    .into_iter()
                    .map(|(key, label, options)| {
                        let id = format!("board-{key}");
                        let field = key.clone();
                        view! {
                            <div class="field">
                                <label for=id.clone()>{move || stage_name(st.locale.get(), &label)}</label>
                                <select
                                    id=id
                                    on:change=move |ev| {
                                        let v = event_target_value(&ev);
                                        picks.update(|p| {
                                            if v.is_empty() {
                                                p.remove(&field);
                                            } else {
                                                p.insert(field.clone(), v);
                                            }
                                        });
                                    }
                                >
                                    <option value="">{tk("filter.any")}</option>
                                    {options
                                        .into_iter()
                                        .map(|(v, name)| {
                                            view! { <option value=v>{move || stage_name(st.locale.get(), &name)}</option> }
                                        })
                                        .collect_view()}
                                </select>
                            </div>
                        }
                    })
                    .collect_view()}
                {date_field.is_some().then(|| view! {
                    <div class="field">
                        <label for="board-from">{tk("board.close_from")}</label>
                        <DayInput id="board-from" value=close_from on_day=Callback::new(move |v| close_from.set(v)) />
                    </div>
                    <div class="field">
                        <label for="board-to">{tk("board.close_to")}</label>
                        <DayInput id="board-to" value=close_to on_day=Callback::new(move |v| close_to.set(v)) />
                    </div>
                })}
                <div class="field">
                    <label for="board-search">{move || t(st.locale.get(), &search_key)}</label>
                    <input id="board-search" type="search" on:input=move |ev| text.set(event_target_value(&ev)) />
                </div>
                <div class="field board-goto">
                    <label for="board-goto">{tk("board.goto")}</label>
                    <select id="board-goto" on:change=move |ev| show_column(&event_target_value(&ev))>
                        {move || {
                            let l = st.locale.get();
                            model
                                .get()
                                .map(|p| {
                                    p.stages
                                        .iter()
                                        .map(|s| view! { <option value=s.id.clone()>{stage_name(l, &s.name)}</option> })
                                        .collect_view()
                                })
                        }}
                    </select>
                </div>
            </div>
            {has_amount.then(|| view! {
                <p class="muted">
                    {move || {
                        let l = st.locale.get();
                        tr(l, "board.totals_in", &[("currency", &st.base_currency.get())])
                    }}
                </p>
            })}
            {lost_field.map(|field| {
                let field = StoredValue::new(field);
                view! {
                    <Show when=move || pending_lost.get().is_some()>
                        <LossReason field=field.get_value() pending=pending_lost on_confirm=move |deal, stage, reason| {
                            // Focus goes back to the card, in the column it moves to.
                            refocus_later(format!("move-{deal}"));
                            move_deal(st, def, pending, undo, deal, stage, Some(reason))
                        } />
                    </Show>
                }
            })}
            <div class="board" on:dragover=scroll_while_dragging>
                <For
                    each=move || {
                        let p = model.get();
                        cols.with(|cols| {
                            cols.iter()
                                .map(|c| {
                                    let name = p
                                        .as_ref()
                                        .and_then(|p| p.stage(&c.stage_id))
                                        .map(|s| s.name.clone())
                                        .unwrap_or(Label::Text(String::new()));
                                    (c.stage_id.clone(), c.outcome, name)
                                })
                                .collect::<Vec<_>>()
                        })
                    }
                    key=|(id, outcome, name)| (id.clone(), format!("{outcome:?} {name:?}"))
                    children=move |(id, outcome, name)| {
                        let col = Memo::new({
                            let id = id.clone();
                            move |_| {
                                cols.with(|cols| cols.iter().find(|c| c.stage_id == id).cloned())
                                    .unwrap_or_else(|| Column {
                                        stage_id: id.clone(),
                                        outcome,
                                        deals: Vec::new(),
                                        totals: Default::default(),
                                    })
                            }
                        });
                        view! {
                            <BoardColumn
                                def=def
                                group=chosen
                                col=col
                                stage_id=id
                                outcome=outcome
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
    .into_any()
}

/// Brings a column into view (the board is wider than the screen, and a phone shows
/// one column at a time) and moves the keyboard there.
fn show_column(stage_id: &str) {
    let id = format!("column-{stage_id}");
    let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&id))
    else {
        return;
    };
    let opts = web_sys::ScrollIntoViewOptions::new();
    opts.set_block(web_sys::ScrollLogicalPosition::Nearest);
    opts.set_inline(web_sys::ScrollLogicalPosition::Start);
    el.scroll_into_view_with_scroll_into_view_options(&opts);
    crate::ui::kit::focus::focus_id(&id);
}

/// While a card is dragged near the board's edge, the board scrolls that way, so a
/// column out of view can be reached without letting go.
fn scroll_while_dragging(ev: leptos::ev::DragEvent) {
    use wasm_bindgen::JsCast;
    let Some(board) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    const EDGE: f64 = 64.0;
    const STEP: f64 = 24.0;
    let rect = board.get_bounding_client_rect();
    let x = ev.client_x() as f64;
    if x > rect.right() - EDGE {
        board.scroll_by_with_x_and_y(STEP, 0.0);
    } else if x < rect.left() + EDGE {
        board.scroll_by_with_x_and_y(-STEP, 0.0);
    }
}

/// Links to every board the definitions name, when there is more than one.
#[component]
fn BoardSwitch(current: String) -> impl IntoView {
    let st = use_state();
    let boards: Vec<(String, Label)> = st.data.with_untracked(|d| {
        d.schema
            .board_modules()
            .map(|m| (m.key.clone(), m.plural.clone()))
            .collect()
    });
    (boards.len() > 1).then(|| {
        view! {
            <nav class="board-switch" aria-label=tk("board.switch")>
                {boards
                    .into_iter()
                    .map(|(key, plural)| {
                        let here = (key == current).then_some("page");
                        let href = Route::Board(key, String::new()).href();
                        view! {
                            <a href=href aria-current=here>{move || stage_name(st.locale.get(), &plural)}</a>
                        }
                    })
                    .collect_view()}
            </nav>
        }
    })
}

fn base_money(amount: Decimal, currency: &str) -> Money {
    Money {
        amount: amount.round_dp(2),
        currency: currency.to_string(),
    }
}

#[component]
fn BoardColumn(
    def: StoredValue<ModuleDef>,
    group: Memo<String>,
    /// The column as it is now: it stays on screen across moves (keeping its scroll
    /// position), and only the cards whose content changed are drawn again.
    col: Memo<Column>,
    stage_id: String,
    outcome: Outcome,
    name: Label,
    stages: Signal<Vec<(String, Label)>>,
    pending: RwSignal<PendingMoves>,
    on_move: impl Fn(String, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let st = use_state();
    let scroll_top = RwSignal::new(0.0_f64);
    let over = RwSignal::new(false);
    let heading_id = format!("col-{stage_id}");
    let heading_id2 = heading_id.clone();
    let stage_id = StoredValue::new(stage_id);
    let n = move || col.with(|c| c.deals.len());
    let window = move || {
        let first = ((scroll_top.get() / CARD_HEIGHT) as usize).saturating_sub(OVERSCAN);
        let shown = (COLUMN_HEIGHT / CARD_HEIGHT) as usize + 2 * OVERSCAN;
        let n = n();
        (first.min(n), (first + shown).min(n))
    };
    let name = StoredValue::new(name);
    let header = move || {
        let l = st.locale.get();
        let base = st.base_currency.get();
        let totals = col.with(|c| c.totals.clone());
        let (count_key, has_amount) = def.with_value(|m| {
            m.board
                .as_ref()
                .map(|b| (b.labels.count.clone(), b.amount.is_some()))
                .unwrap_or_default()
        });
        let mut parts = vec![crate::i18n::tn(
            l,
            &count_key,
            totals.count,
            &count(l, totals.count),
        )];
        if !has_amount {
            return parts.join(" · ");
        }
        // A total beyond what a decimal holds says so instead of showing a number.
        let shown = |total: Option<Decimal>| match total {
            Some(v) => money(l, &base_money(v, &base)),
            None => t(l, "money.too_large"),
        };
        parts.push(shown(totals.total));
        if outcome == Outcome::Open {
            parts.push(tr(
                l,
                "board.weighted",
                &[("amount", &shown(totals.weighted))],
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
            id=format!("column-{}", stage_id.get_value())
            tabindex="-1"
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
                // A record started here has this column's value (and the board's group).
                <a
                    class="button small"
                    href=move || {
                        def.with_value(|m| {
                            let values = m
                                .board
                                .as_ref()
                                .map(|b| new_record_values(b, &group.get(), &stage_id.get_value()))
                                .unwrap_or_default();
                            Route::New(m.key.clone(), values).href()
                        })
                    }
                >
                    {move || {
                        let l = st.locale.get();
                        let column = name.with_value(|n| stage_name(l, n));
                        tr(l, "board.new_in", &[("column", &column)])
                    }}
                </a>
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
                <div class="board-spacer" style=move || format!("height:{}px", n() as f64 * CARD_HEIGHT)>
                    // The cards in view, each keyed by its place and record: scrolling or
                    // a move draws only the cards that came into view or changed place.
                    <For
                        each=move || {
                            let (a, b) = window();
                            col.with(|c| {
                                c.deals[a..b]
                                    .iter()
                                    .enumerate()
                                    .map(|(i, s)| (a + i, *s))
                                    .collect::<Vec<_>>()
                            })
                        }
                        key=|place| *place
                        children=move |(at, slot)| {
                            // What the card shows, recomputed on any change of the records
                            // but drawn again only when it differs.
                            let content = Memo::new(move |_| {
                                let l = st.locale.get();
                                let options = stages.with(|s| {
                                    s.iter().map(|(id, n)| (id.clone(), stage_name(l, n))).collect()
                                });
                                st.data.with(|d| {
                                    def.with_value(|m| {
                                        let stored = d.set(&m.key)?.at(slot)?;
                                        pending.with(|p| {
                                            Some(card_content(
                                                d,
                                                m,
                                                p.shown(stored),
                                                p.is_pending(&stored.id),
                                                CardContext { l, outcome, today, options },
                                            ))
                                        })
                                    })
                                })
                            });
                            let top = at as f64 * CARD_HEIGHT;
                            move || content.get().map(|c| view! { <DealCard content=c top=top on_move=on_move /> })
                        }
                    />
                </div>
            </div>
        </section>
    }
}

/// What a card shows besides its record: the language, its column's outcome, the
/// day overdue is counted from, and the "Move to" choices.
struct CardContext {
    l: Locale,
    outcome: Outcome,
    today: NaiveDate,
    options: Vec<(String, String)>,
}

/// Everything a card shows, as text: comparing two tells whether it must be drawn
/// again.
#[derive(Clone, PartialEq)]
struct CardContent {
    id: String,
    href: String,
    title: String,
    /// The definition's card fields, each as its list shows it.
    fields: Vec<String>,
    amount: Option<String>,
    probability: Option<String>,
    close: Option<String>,
    overdue: Option<String>,
    owner: String,
    colour: Option<String>,
    current: String,
    options: Vec<(String, String)>,
    move_label: String,
    /// The "Move" button's text, and its name (with the record's title).
    move_text: String,
    move_name: String,
    /// "Saving…" while its move has not committed.
    saving: Option<String>,
}

fn card_content(
    d: &crate::domain::records::record_set::Dataset,
    module: &ModuleDef,
    record: &crate::domain::Record,
    saving: bool,
    cx: CardContext,
) -> CardContent {
    let l = cx.l;
    let board = module.board.clone().unwrap_or_else(|| unreachable!());
    let title = d.title(&module.key, &record.id).unwrap_or_default();
    let fields = board
        .card_fields
        .iter()
        .filter_map(|f| {
            let field = module.field(f)?;
            let v = record.get(f).filter(|v| !v.is_empty())?;
            Some(crate::ui::kit::format::value_text(l, d, field, v))
        })
        .collect();
    let owner = record.owner.as_deref();
    CardContent {
        id: record.id.clone(),
        href: Route::View(module.key.clone(), record.id.clone()).href(),
        move_label: tr(l, &board.labels.move_to, &[("title", &title)]),
        move_text: t(l, "board.move_go"),
        move_name: tr(l, "board.move_go_named", &[("title", &title)]),
        title,
        fields,
        amount: board::money_in(record, board.amount.as_deref()).map(|m| money(l, m)),
        probability: board
            .probability
            .as_deref()
            .map(|p| percent(l, board::number_in(record, Some(p)))),
        close: board::date_in(record, board.date.as_deref()).map(|day| date(l, day)),
        overdue: board::is_overdue(&board, record, cx.outcome, cx.today)
            .then(|| t(l, "board.overdue")),
        owner: owner.map(|o| user_name(l, d, o)).unwrap_or_default(),
        // The owner's colour, when the team member has one, marks the card.
        colour: owner.and_then(|o| board::owner_colour(d, o)),
        current: board::column_value(&board, record).unwrap_or_default(),
        options: cx.options,
        saving: saving.then(|| t(l, "board.saving")),
    }
}

#[component]
fn DealCard(
    content: CardContent,
    top: f64,
    on_move: impl Fn(String, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let c = content;
    let saving = c.saving.is_some();
    let select_id = format!("move-{}", c.id);
    let drag_id = c.id.clone();
    let move_id = StoredValue::new(c.id.clone());
    let current = c.current.clone();
    let overdue = c.overdue.is_some();
    let button_id = format!("move-go-{}", c.id);
    let chosen = RwSignal::new(current.clone());
    let stays = StoredValue::new(current.clone());
    let unchanged = move || chosen.with(|c| stays.with_value(|s| c == s));
    let commit = move || {
        if !saving && !unchanged() {
            on_move(move_id.get_value(), chosen.get_untracked());
        }
    };
    view! {
        <article
            class="deal-card"
            class:overdue=overdue
            class:saving=saving
            aria-busy=saving.then_some("true")
            draggable=if saving { "false" } else { "true" }
            style=format!("top:{top}px;height:{}px", CARD_HEIGHT - 8.0)
            aria-label=c.title.clone()
            on:dragstart=move |ev| {
                if let Some(dt) = ev.data_transfer() {
                    let _ = dt.set_data("text/plain", &drag_id);
                    dt.set_effect_allowed("move");
                }
            }
        >
            // Each part is isolated, so a Persian title beside a Latin company name
            // keeps both in their own order.
            <h3 title=c.title.clone()>
                <a href=c.href>
                    <bdi>{c.title.clone()}</bdi>
                </a>
            </h3>
            <p class="deal-meta deal-fields">
                {c.fields.into_iter().map(|f| { let tip = f.clone(); view! { <bdi title=tip>{f}</bdi> } }).collect_view()}
            </p>
            <p class="deal-meta">
                {c.amount.map(|a| view! { <bdi class="amount">{a}</bdi> })}
                {c.probability.map(|p| view! { <bdi class="pct">{p}</bdi> })}
            </p>
            <p class="deal-meta">
                {c.close.map(|d| view! { <bdi class="close">{d}</bdi> })}
                {c.overdue.map(|o| view! { <span class="overdue-mark">{o}</span> })}
            </p>
            <p class="deal-meta">
                <span class="muted owner">
                    {c.colour.map(|col| view! { <span class="colour-dot" aria-hidden="true" style=format!("background:{col}")></span> })}
                    <bdi>{c.owner}</bdi>
                </span>
            </p>
            // Choosing in the select moves nothing (arrow keys on a closed select change
            // it): the move is made by the button, or by Enter in the select.
            <div class="deal-move">
                <label class="visually-hidden" for=select_id.clone()>{c.move_label}</label>
                <select
                    id=select_id
                    on:change=move |ev| chosen.set(event_target_value(&ev))
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" {
                            ev.prevent_default();
                            commit();
                        }
                    }
                >
                    {c.options
                        .into_iter()
                        .map(|(sid, name)| {
                            let selected = sid == current;
                            view! { <option value=sid selected=selected>{name}</option> }
                        })
                        .collect_view()}
                </select>
                <button
                    type="button"
                    class="small"
                    id=button_id
                    aria-label=c.move_name
                    disabled=move || saving || unchanged()
                    on:click=move |_| commit()
                >
                    {c.move_text}
                </button>
                {c.saving.map(|s| view! { <span class="saving-mark">{s}</span> })}
            </div>
        </article>
    }
}

/// Asks why a deal was lost before moving it to a lost stage.
#[component]
fn LossReason(
    /// The picklist the board asks for (a deal's loss reason).
    field: crate::domain::FieldDef,
    pending: RwSignal<Option<(String, String)>>,
    on_confirm: impl Fn(String, String, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let st = use_state();
    let label = field.label.clone();
    let options: Vec<(String, Label)> = field
        .kind
        .options()
        .iter()
        .map(|o| (o.value.clone(), o.label.clone()))
        .collect();
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
                <label for="loss-reason">{move || stage_name(st.locale.get(), &label)}</label>
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
                    {options
                        .into_iter()
                        .map(|(v, name)| {
                            view! { <option value=v>{move || stage_name(st.locale.get(), &name)}</option> }
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
                <button
                    type="button"
                    on:click=move |_| {
                        // Focus goes back to the card the dialog was opened from.
                        if let Some((deal, _)) = pending.get_untracked() {
                            refocus_later(format!("move-{deal}"));
                        }
                        pending.set(None);
                    }
                >
                    {tk("action.cancel")}
                </button>
            </div>
        </div>
    }
}
