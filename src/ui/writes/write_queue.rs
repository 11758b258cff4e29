//! One queue for every write and for the work that must not interleave with one
//! (start-up reading, indexing after a restore or an import, a backup being read):
//! each takes a turn, in the order asked, and holds it until its guard is dropped.
//! `AppState::busy` is true while anyone holds a turn, so buttons that write are
//! disabled meanwhile; no single save can clear it while other work still runs.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::task::{Poll, Waker};

use leptos::prelude::*;

use crate::ui::kit::state::AppState;

#[derive(Default)]
struct Queue {
    next_ticket: u64,
    serving: u64,
    waiting: VecDeque<(u64, Waker)>,
}

thread_local! {
    static QUEUE: RefCell<Queue> = RefCell::new(Queue::default());
}

/// A held turn; the next in line goes when it is dropped.
pub struct Turn {
    busy: RwSignal<bool>,
    ticket: u64,
}

impl Turn {
    /// True when no other turn was taken since `turns_served` said `served`: work
    /// decided over memory then (an import's check) still sees memory as it is.
    pub fn first_since(&self, served: u64) -> bool {
        self.ticket == served
    }
}

/// How many turns have been let go so far. Read before work done outside a turn and
/// compared by `Turn::first_since` once in one: any write in between (this tab's, or
/// another tab's commit read back) took a turn, and one held at the time counts too.
pub fn turns_served() -> u64 {
    QUEUE.with(|q| q.borrow().serving)
}

impl Drop for Turn {
    fn drop(&mut self) {
        let (idle, wake) = QUEUE.with(|q| {
            let mut q = q.borrow_mut();
            q.serving += 1;
            let serving = q.serving;
            let wake: Vec<Waker> = q
                .waiting
                .iter()
                .filter(|(t, _)| *t == serving)
                .map(|(_, w)| w.clone())
                .collect();
            (serving == q.next_ticket, wake)
        });
        if idle {
            // The app may be gone (a test unmounting): nothing to show then.
            let _ = self.busy.try_set(false);
        }
        for w in wake {
            w.wake();
        }
    }
}

/// Waits for this caller's turn. The place in line is taken when this is called,
/// not when the future is first awaited, so a holder can line up its own next turn
/// before it lets go. Callers are served in the order they asked; a waiting future
/// must be awaited to the end (every caller here does), or the line stops behind it.
pub fn wait_turn(st: AppState) -> impl std::future::Future<Output = Turn> {
    line_up(st.busy)
}

/// `wait_turn`, with `busy` the signal held true while anyone holds or waits for a
/// turn (the app's `AppState::busy`; a test's own).
pub fn line_up(busy: RwSignal<bool>) -> impl std::future::Future<Output = Turn> {
    let ticket = QUEUE.with(|q| {
        let mut q = q.borrow_mut();
        let t = q.next_ticket;
        q.next_ticket += 1;
        t
    });
    busy.set(true);
    let ready = std::future::poll_fn(move |cx| {
        QUEUE.with(|q| {
            let mut q = q.borrow_mut();
            if q.serving == ticket {
                q.waiting.retain(|(t, _)| *t != ticket);
                Poll::Ready(())
            } else {
                match q.waiting.iter_mut().find(|(t, _)| *t == ticket) {
                    Some(entry) => entry.1 = cx.waker().clone(),
                    None => q.waiting.push_back((ticket, cx.waker().clone())),
                }
                Poll::Pending
            }
        })
    });
    async move {
        ready.await;
        Turn { busy, ticket }
    }
}
