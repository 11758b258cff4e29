//! The one shape of every change to stored data. Planners (a form save, a board
//! move, a delete with its guards and cascades, an import, a restore, a conversion,
//! a merge, a pipeline edit) are pure functions that return a `WritePlan`; the
//! storage layer commits a plan in one transaction, memory follows it only after the
//! commit, and the committed plan is then announced once (`CommitListeners`) to
//! whatever reacts to changes. The rules a planner runs are in `domain::rules`.

pub mod event;
pub mod plan;

pub use event::CommitListeners;
pub use plan::{WriteContext, WritePlan};
