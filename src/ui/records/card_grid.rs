//! A list shown as cards ("business cards"): the record's initials, its title as a
//! link, and the list's other columns as named lines. As many cards to a row as the
//! width holds; only the rows scrolled into view exist, so 100,000 records cost what
//! a screenful does.

use leptos::prelude::*;

use crate::domain::records::normalize::initials;
use crate::domain::records::search::Slot;
use crate::domain::FieldDef;
use crate::i18n::{label, t, tr};
use crate::ui::kit::format::value_text;
use crate::ui::kit::route::Route;
use crate::ui::kit::state::use_state;

const CARD_HEIGHT: f64 = 168.0;
const CARD_MIN_WIDTH: f64 = 300.0;
const GAP: f64 = 12.0;
/// Rows drawn beyond the view on each side.
const OVERSCAN_ROWS: usize = 2;
/// Lines under a card's title.
const LINES: usize = 4;

#[component]
pub fn CardGrid(
    module: String,
    rows: RwSignal<Vec<Slot>>,
    columns: Memo<Vec<FieldDef>>,
) -> impl IntoView {
    let st = use_state();
    let module = StoredValue::new(module);
    let scroller = NodeRef::<leptos::html::Section>::new();
    let scroll_top = RwSignal::new(0.0_f64);
    let height = RwSignal::new(640.0_f64);
    let width = RwSignal::new(960.0_f64);
    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            height.set(el.client_height().max(200) as f64);
            width.set(el.client_width().max(200) as f64);
        }
    };
    Effect::new(move |_| {
        if scroller.get().is_some() {
            measure();
        }
    });
    let resized = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resized.remove());
    // A new query starts at the top.
    Effect::new(move |_| {
        rows.track();
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top(0);
        }
        scroll_top.set(0.0);
    });
    let per_row = Memo::new(move |_| {
        (((width.get() + GAP) / (CARD_MIN_WIDTH + GAP)).floor() as usize).max(1)
    });
    let step = CARD_HEIGHT + GAP;
    let window = Memo::new(move |_| {
        let n = rows.with(Vec::len);
        let per = per_row.get();
        let total_rows = n.div_ceil(per);
        let first = ((scroll_top.get() / step) as usize).saturating_sub(OVERSCAN_ROWS);
        let shown = (height.get() / step) as usize + 2 * OVERSCAN_ROWS + 1;
        let last = (first + shown).min(total_rows);
        (first.min(last), last, total_rows, per)
    });
    let visible = Memo::new(move |_| {
        let (first, last, _, per) = window.get();
        rows.with(|all| all[(first * per).min(all.len())..(last * per).min(all.len())].to_vec())
    });
    let top = move || format!("{}px", window.get().0 as f64 * step);
    let bottom = move || {
        let (_, last, total, _) = window.get();
        format!("{}px", (total - last) as f64 * step)
    };
    let card = move |slot: Slot| {
        let body = move || {
            let l = st.locale.get();
            st.data.with(|d| {
                let set = d.set(&module.get_value())?;
                let r = set.at(slot)?;
                let title = d
                    .title(&r.module, &r.id)
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| t(l, "record.untitled"));
                let href = Route::View(r.module.clone(), r.id.clone()).href();
                let lines = columns.with(|cols| {
                    cols.iter()
                        .skip(1)
                        .filter_map(|f| {
                            let text = r.get(&f.key).map(|v| value_text(l, d, f, v))?;
                            (!text.is_empty()).then(|| (label(l, &f.label), text))
                        })
                        .take(LINES)
                        .map(|(name, text)| {
                            view! {
                                <dt>{name}</dt>
                                <dd><bdi>{text}</bdi></dd>
                            }
                        })
                        .collect_view()
                });
                let heading_id = format!("card-{slot}");
                Some(view! {
                    <article class="record-card" aria-labelledby=heading_id.clone()>
                        <span class="initials" aria-hidden="true">{initials(&title)}</span>
                        <h3 id=heading_id.clone()>
                            <a href=href><bdi>{title}</bdi></a>
                        </h3>
                        <dl>{lines}</dl>
                    </article>
                })
            })
        };
        view! { <div class="card-cell" data-slot=slot.to_string()>{body}</div> }
    };
    let name = move || {
        let l = st.locale.get();
        let plural = st
            .data
            .with(|d| {
                d.schema
                    .module(&module.get_value())
                    .map(|m| label(l, &m.plural))
            })
            .unwrap_or_default();
        tr(l, "list.cards_of", &[("module", &plural)])
    };
    view! {
        // A labelled section is a region landmark.
        <section
            class="card-scroll"
            aria-label=name
            node_ref=scroller
            on:scroll=move |_| {
                if let Some(el) = scroller.get_untracked() {
                    scroll_top.set(el.scroll_top() as f64);
                }
                measure();
            }
        >
            <div aria-hidden="true" style:height=top></div>
            <div
                class="card-grid"
                style:grid-template-columns=move || format!("repeat({}, minmax(0, 1fr))", per_row.get())
            >
                <For each=move || visible.get() key=|slot| *slot children=card />
            </div>
            <div aria-hidden="true" style:height=bottom></div>
        </section>
    }
}
