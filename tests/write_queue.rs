//! The write queue in the browser (wasm-bindgen-test, headless Chromium): every write
//! and every long job takes a turn, in the order asked, holds it until done, and
//! `busy` stays true until the last one lets go. The old lock was one boolean any
//! save reset, so a board move during background loading re-enabled Delete.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use crm::ui::writes::write_queue::{line_up, turns_served};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A task turn of the browser (a zero-delay timer): spawned work runs meanwhile.
async fn tick() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let window: web_sys::Window = js_sys::global().unchecked_into();
        window.set_timeout_with_callback(&resolve).expect("a timer");
    });
    JsFuture::from(promise).await.expect("the timer fires");
}

async fn ticks(n: usize) {
    for _ in 0..n {
        tick().await;
    }
}

type Log = Rc<RefCell<Vec<String>>>;

/// A write that lines up now, then, in its turn, logs its start, works over
/// `steps` browser turns (as a commit or an indexing job does) and logs its end.
fn write(busy: RwSignal<bool>, log: &Log, name: &'static str, steps: usize) {
    let log = log.clone();
    let turn = line_up(busy);
    spawn_local(async move {
        let held = turn.await;
        log.borrow_mut().push(format!("{name} start"));
        ticks(steps).await;
        log.borrow_mut().push(format!("{name} end"));
        drop(held);
    });
}

async fn until(log: &Log, n: usize) {
    for _ in 0..1_000 {
        if log.borrow().len() >= n {
            return;
        }
        tick().await;
    }
    panic!("only {:?} after 1,000 turns", log.borrow());
}

#[wasm_bindgen_test]
async fn a_long_job_holds_every_write_back_and_busy_stays_until_the_last_lets_go() {
    let busy = RwSignal::new(false);
    let log: Log = Rc::default();
    // Background loading (or a restore's indexing) holds the queue.
    let loading = line_up(busy).await;
    assert!(busy.get_untracked());
    // A board move, then a save, ask meanwhile: neither runs while the job holds.
    write(busy, &log, "move", 3);
    write(busy, &log, "save", 1);
    ticks(10).await;
    assert!(
        log.borrow().is_empty(),
        "{:?} ran during the job",
        log.borrow()
    );
    assert!(busy.get_untracked(), "still busy: Delete stays disabled");

    drop(loading);
    until(&log, 4).await;
    // Whole turns, in the order asked: nothing interleaves with the move's commit.
    assert_eq!(
        *log.borrow(),
        ["move start", "move end", "save start", "save end"]
    );
    assert!(!busy.get_untracked(), "idle once the last write let go");
}

#[wasm_bindgen_test]
async fn the_end_of_one_write_does_not_clear_busy_while_another_waits() {
    let busy = RwSignal::new(false);
    let log: Log = Rc::default();
    write(busy, &log, "first", 2);
    write(busy, &log, "second", 5);
    until(&log, 3).await;
    assert_eq!(*log.borrow(), ["first start", "first end", "second start"]);
    // The first let go while the second works: the old flag read false here.
    assert!(busy.get_untracked());
    until(&log, 4).await;
    ticks(1).await;
    assert!(!busy.get_untracked());
}

#[wasm_bindgen_test]
async fn a_holder_lines_up_its_next_turn_before_letting_go_and_keeps_its_place() {
    // A restore: its commit's turn, then the indexing's, with no write in between.
    let busy = RwSignal::new(false);
    let log: Log = Rc::default();
    let commit = line_up(busy).await;
    let indexing = line_up(busy);
    write(busy, &log, "save", 1);
    drop(commit);
    let indexing = indexing.await;
    ticks(5).await;
    assert!(log.borrow().is_empty(), "the save waits for the indexing");
    drop(indexing);
    until(&log, 2).await;
    assert!(!busy.get_untracked());
}

#[wasm_bindgen_test]
async fn a_turn_says_whether_any_write_came_since_a_check_began() {
    let busy = RwSignal::new(false);
    let log: Log = Rc::default();
    // Nothing in between: the import's check still holds.
    let checked = turns_served();
    let turn = line_up(busy).await;
    assert!(turn.first_since(checked));
    drop(turn);

    // A write between the check and the confirm.
    let checked = turns_served();
    write(busy, &log, "other tab's commit read back", 1);
    until(&log, 2).await;
    let turn = line_up(busy).await;
    assert!(!turn.first_since(checked));
    drop(turn);

    // A write held while the check began counts too (it may change memory during it).
    let held = line_up(busy).await;
    let checked = turns_served();
    drop(held);
    let turn = line_up(busy).await;
    assert!(!turn.first_since(checked));
}
