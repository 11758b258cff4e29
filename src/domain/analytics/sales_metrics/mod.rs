//! The sales dashboard's figures: pipeline value, wins and losses, deal size, cycle
//! length, velocity, the funnel with time in stage, the forecast by month, activity
//! per user, lead conversion by source and quota attainment. They are computed over
//! the in-memory records a slice at a time (`SalesDashboardWork`; the one-shot
//! functions run it to the end), so a page never holds for the whole computation.
//! Every figure keeps the records it counts, so the dashboard can open them.

mod drill;
mod figures;
mod one_shot;
mod scope;
mod stages;
mod sum;
#[cfg(test)]
mod tests;
mod work;

pub use drill::*;
pub use figures::*;
pub use one_shot::*;
pub use scope::*;
use stages::*;
pub use sum::*;
pub use work::*;
