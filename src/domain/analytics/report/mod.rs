//! Reports: a saved definition (module, filter, columns, sort, grouping, measure) and
//! the engine that runs it over the in-memory records. One pass over the module per
//! run, keys computed once per record, groups found by hashing: it stays fast at
//! 100,000 records.

mod export;
mod fields;
mod filter;
mod group;
mod measure;
mod run;
mod spec;
#[cfg(test)]
mod tests;

pub use export::*;
use fields::*;
use filter::*;
use group::*;
use measure::*;
pub use run::*;
pub use spec::*;
