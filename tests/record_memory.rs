//! Measuring tool, not a check (hence `#[ignore]`): what the benchmark's start-up data
//! set (100,000 contacts, 20,000 deals, 200,000 activities, the documents
//! `tests/bench/run.mjs` seeds) costs in memory once decoded into a `Dataset` with
//! every index, and how long decoding the contacts takes.
//!
//! Natively (pointers are 8 bytes, so this overstates wasm32):
//!   cargo test --release --test record_memory -- --ignored --nocapture
//! On wasm32 in Node (the real pointer size; timings there are of a debug build):
//!   cargo test --target wasm32-unknown-unknown --test record_memory -- --include-ignored --nocapture
//!
//! Bytes are those the code asked for; the allocator adds its own per allocation
//! (about 4–8 bytes and rounding to 8 with wasm32's dlmalloc), so the allocation count
//! is printed too.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};

use crm::domain::modules::standard_modules::standard_schema;
use crm::domain::records::duplicates::DuplicateIndex;
use crm::domain::records::record_set::Dataset;
use crm::domain::records::search::{record_tokens, SearchIndex};
use crm::domain::samples::scale_data::scale_contact;
use crm::domain::Record;

/// Printed natively; on wasm32 the test runner shows the console.
macro_rules! say {
    ($($t:tt)*) => {{
        #[cfg(target_arch = "wasm32")]
        wasm_bindgen_test::console_log!($($t)*);
        #[cfg(not(target_arch = "wasm32"))]
        println!($($t)*);
    }};
}

struct Counting;

static BYTES: AtomicIsize = AtomicIsize::new(0);
static BLOCKS: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        BYTES.fetch_add(layout.size() as isize, Relaxed);
        BLOCKS.fetch_add(1, Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        BYTES.fetch_sub(layout.size() as isize, Relaxed);
        BLOCKS.fetch_sub(1, Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        BYTES.fetch_add(new_size as isize - layout.size() as isize, Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> (isize, isize) {
    (BYTES.load(Relaxed), BLOCKS.load(Relaxed))
}

const CONTACTS: u32 = 100_000;
const DEALS: u32 = 20_000;
const ACTIVITIES: u32 = 200_000;

/// The stored documents of the benchmark's memory figure, as `run.mjs` seeds them.
fn documents() -> Vec<(&'static str, Vec<String>)> {
    let contacts = (0..CONTACTS)
        .map(|i| serde_json::to_string(&scale_contact(i)).unwrap())
        .collect();
    let stages = ["qualification", "needs_analysis", "proposal", "negotiation"];
    let deals = (0..DEALS)
        .map(|i| {
            let open = i < 5000;
            let stage = if open {
                stages[(i % 4) as usize]
            } else if i % 2 == 1 {
                "won"
            } else {
                "lost"
            };
            let probability = if open {
                25
            } else if stage == "won" {
                100
            } else {
                0
            };
            let mut values = serde_json::json!({
                "title": { "text": format!("Deal {i}") },
                "pipeline": { "ref": "pipeline-new_business" },
                "stage": { "ref": format!("stage-new_business-{stage}") },
                "probability": { "number": probability },
                "amount": { "money": { "amount": (1000 + i).to_string(), "currency": "USD" } },
                "expected_close": { "date": "2026-12-01" },
            });
            if stage == "lost" {
                values["loss_reason"] = serde_json::json!({ "text": "price" });
            }
            serde_json::json!({
                "id": format!("bench-deal-{i}"), "module": "deals", "created_at": i,
                "updated_at": i, "owner": "local-user", "revision": 1, "values": values,
            })
            .to_string()
        })
        .collect();
    let activities = (0..ACTIVITIES)
        .map(|i| {
            serde_json::json!({
                "id": format!("bench-act-{i}"), "module": "activities", "created_at": i,
                "updated_at": i, "owner": "local-user", "revision": 1,
                "values": {
                    "subject": { "text": format!("Call {i}") },
                    "kind": { "text": "call" },
                    "done": { "bool": i % 3 == 0 },
                    "contact": { "ref": format!("bench-{}", i % 100_000) },
                },
            })
            .to_string()
        })
        .collect();
    vec![
        ("contacts", contacts),
        ("deals", deals),
        ("activities", activities),
    ]
}

fn decode(doc: &str) -> Record {
    serde_json::from_str(doc).unwrap()
}

fn report(what: &str, before: (isize, isize), after: (isize, isize), records: usize) {
    let (bytes, blocks) = (after.0 - before.0, after.1 - before.1);
    say!(
        "{what}: {:.1} MB in {blocks} allocations; per record {:.0} bytes, {:.1} allocations",
        bytes as f64 / 1e6,
        bytes as f64 / records as f64,
        blocks as f64 / records as f64,
    );
}

fn measure() {
    let docs = documents();
    let total: usize = docs.iter().map(|(_, d)| d.len()).sum();
    say!(
        "pointer size {} bytes; size_of Record {}, Value {}",
        std::mem::size_of::<usize>(),
        std::mem::size_of::<Record>(),
        std::mem::size_of::<crm::domain::Value>(),
    );

    // The records alone, each module in a vector of exactly its length.
    let start = live();
    let decoded: Vec<(&str, Vec<Record>)> = docs
        .iter()
        .map(|(m, d)| (*m, d.iter().map(|s| decode(s)).collect()))
        .collect();
    let records_only = live();
    for (m, records) in &decoded {
        let n = records.len();
        let bytes: isize = records
            .iter()
            .map(|r| serde_json::to_string(r).unwrap().len() as isize)
            .sum();
        say!(
            "{m}: {n} records, {:.0} bytes of JSON each",
            bytes as f64 / n as f64
        );
    }
    report("records alone", start, records_only, total);
    // The search and duplicate keys on their own, to tell them apart.
    let schema = standard_schema();
    let before = live();
    let search: Vec<SearchIndex> = decoded
        .iter()
        .map(|(m, records)| {
            let def = schema.module(m).unwrap();
            let mut index = SearchIndex::default();
            for (slot, r) in records.iter().enumerate() {
                index.insert(slot as u32, &record_tokens(def, r));
            }
            index
        })
        .collect();
    let searched = live();
    report("search keys", before, searched, total);
    let dups: Vec<DuplicateIndex> = decoded
        .iter()
        .filter_map(|(m, records)| {
            let def = schema.module(m).unwrap();
            DuplicateIndex::applies_to(def).then(|| DuplicateIndex::build(def, records))
        })
        .collect();
    report("duplicate keys", searched, live(), total);
    drop((search, dups, decoded));

    // As start-up holds them: decoded straight into the sets, then indexed.
    let start = live();
    let mut data = Dataset::new(standard_schema());
    let empty = live();
    for (m, d) in &docs {
        data.reserve(m, d.len());
        for s in d {
            data.upsert_deferred(decode(s));
        }
    }
    let deferred = live();
    while !data.index_pending(10_000) {}
    let indexed = live();
    report(
        "dataset before search/duplicate keys",
        empty,
        deferred,
        total,
    );
    report("search and duplicate keys", deferred, indexed, total);
    report("dataset in all", start, indexed, total);
    drop(data);
}

/// Median milliseconds of decoding the 100,000 contact documents.
#[cfg(not(target_arch = "wasm32"))]
fn time_decoding() {
    let docs: Vec<String> = (0..CONTACTS)
        .map(|i| serde_json::to_string(&scale_contact(i)).unwrap())
        .collect();
    let mut runs: Vec<f64> = (0..9)
        .map(|_| {
            let t0 = std::time::Instant::now();
            let records: Vec<Record> = docs.iter().map(|s| decode(s)).collect();
            let ms = t0.elapsed().as_secs_f64() * 1000.0;
            drop(std::hint::black_box(records));
            ms
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    say!(
        "decoding {CONTACTS} contacts: median {:.1} ms (min {:.1}, max {:.1}, 9 runs)",
        runs[4],
        runs[0],
        runs[8]
    );
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
#[ignore]
fn memory_and_decoding_of_the_benchmark_data() {
    measure();
    time_decoding();
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
#[ignore]
fn memory_of_the_benchmark_data() {
    measure();
}
