//! Duplicates and merging them.

pub mod duplicates_page;
pub mod merge_page;
