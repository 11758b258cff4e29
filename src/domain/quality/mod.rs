//! Data quality: merging duplicates (the duplicate keys themselves are kept by the
//! record set, in `records::duplicates`).

pub mod merge;
