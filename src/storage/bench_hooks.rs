//! Entry points for the performance benchmark (`bash .ci/bench`): it drives the real
//! storage layer from the page through `window.wasmBindings`. Compiled only with the
//! `bench` feature (the release build has none of them), and they only ever touch
//! databases whose name the benchmark gives: the app's own name is refused, as these
//! writes skip history and validation.

use wasm_bindgen::prelude::*;

use super::db::Db;
use super::schema::{DB_NAME, DB_VERSION};
use crate::domain::samples::scale_data::scale_contact;
use crate::domain::writes::WritePlan;
use crate::domain::Record;

fn js_err(e: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&e.to_string())
}

/// Writes `n` contacts into database `name` through `Db::commit` (encoding included)
/// in one transaction; returns the milliseconds from the start of the write to its
/// commit. Building the records is not timed.
#[wasm_bindgen]
pub async fn bench_app_insert(name: String, n: u32) -> Result<f64, JsValue> {
    if name == DB_NAME {
        return Err(JsValue::from_str(&format!(
            "bench_app_insert writes records with no history or validation: it never writes into the app's own database ({DB_NAME})"
        )));
    }
    let records: Vec<Record> = (0..n).map(scale_contact).collect();
    let db = Db::open_named(&name, DB_VERSION).await.map_err(js_err)?;
    let perf = web_sys::window().and_then(|w| w.performance());
    let now = || {
        perf.as_ref()
            .map(|p| p.now())
            .unwrap_or_else(js_sys::Date::now)
    };
    let t0 = now();
    db.commit(&WritePlan {
        inserts: records,
        ..Default::default()
    })
    .await
    .map_err(js_err)?;
    let ms = now() - t0;
    db.close();
    Ok(ms)
}

/// The contact document `bench_app_insert` stores as number `i`, as JSON, so the
/// baseline writes byte-identical documents.
#[wasm_bindgen]
pub fn bench_contact_json(i: u32) -> String {
    serde_json::to_string(&scale_contact(i)).unwrap_or_default()
}

/// Bytes of the wasm linear memory.
#[wasm_bindgen]
pub fn bench_wasm_memory() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|m| {
            m.buffer()
                .dyn_into::<js_sys::ArrayBuffer>()
                .map(|b| b.byte_length() as f64)
                .unwrap_or(0.0)
        })
        .unwrap_or(0.0)
}

/// Times the whole sales dashboard's recomputation `runs` times over
/// `scale_dataset(deals, activities)`, for the default period (this quarter) or,
/// with `year`, this year, computed as the page computes it: steps of
/// `SalesDashboardWork::SLICE` records in turns of `TURN_MS`, with a tick for the
/// browser between turns. Returns `{ total_ms, longest_turn_ms, longest_step_ms,
/// turns }`, one entry per run: the whole computation, ticks included; the longest
/// time the page was held; the longest single step. Building the data is not timed.
#[wasm_bindgen]
pub async fn bench_dashboard(deals: u32, activities: u32, runs: u32, year: bool) -> JsValue {
    use crate::domain::analytics::sales_metrics::{Parts, SalesDashboardWork};
    use crate::domain::samples::scale_data::{scale_dataset, scale_scope_parts};
    use crate::ui::kit::state::{next_tick, TURN_MS};
    let now = js_sys::Date::now() as i64;
    let data = scale_dataset(deals, activities, now);
    let kind = if year {
        crate::domain::analytics::sales_metrics::PeriodKind::Year
    } else {
        crate::domain::analytics::sales_metrics::PeriodKind::Quarter
    };
    let (rates, start, end) = scale_scope_parts(now, kind);
    let scope = crate::domain::analytics::sales_metrics::Scope {
        start,
        end,
        owner: None,
        now,
        utc_offset_minutes: 0,
        rates: &rates,
    };
    let perf = web_sys::window().and_then(|w| w.performance());
    let clock = || {
        perf.as_ref()
            .map(|p| p.now())
            .unwrap_or_else(js_sys::Date::now)
    };
    let (totals, turns_held, steps_held, turn_counts) = (
        js_sys::Array::new(),
        js_sys::Array::new(),
        js_sys::Array::new(),
        js_sys::Array::new(),
    );
    for _ in 0..runs {
        let t0 = clock();
        let (mut longest_turn, mut longest_step, mut turns) = (0.0f64, 0.0f64, 0u32);
        let mut work = SalesDashboardWork::new(&data, &scope, "pipeline-new_business", Parts::ALL);
        let figures = loop {
            // `state::turn`, with each step timed.
            let turn_start = clock();
            let done = loop {
                let step_start = clock();
                let done = work.step(&data, &scope, SalesDashboardWork::SLICE);
                let end = clock();
                longest_step = longest_step.max(end - step_start);
                if done {
                    break true;
                }
                if end - turn_start >= TURN_MS {
                    break false;
                }
            };
            turns += 1;
            if done {
                // The page finishes in the last turn.
                let figures = work.finish();
                longest_turn = longest_turn.max(clock() - turn_start);
                break figures;
            }
            longest_turn = longest_turn.max(clock() - turn_start);
            next_tick().await;
        };
        totals.push(&JsValue::from(clock() - t0));
        // Keep the result alive until timed, so nothing is optimised away.
        std::hint::black_box(figures);
        turns_held.push(&JsValue::from(longest_turn));
        steps_held.push(&JsValue::from(longest_step));
        turn_counts.push(&JsValue::from(turns));
    }
    let out = js_sys::Object::new();
    for (k, v) in [
        ("total_ms", totals),
        ("longest_turn_ms", turns_held),
        ("longest_step_ms", steps_held),
        ("turns", turn_counts),
    ] {
        let _ = js_sys::Reflect::set(&out, &JsValue::from_str(k), &v);
    }
    out.into()
}
