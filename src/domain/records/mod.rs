//! The record core: values, fields and module definitions (the metadata), records,
//! the in-memory record set with its indexes (search, unique values, links, duplicate
//! keys), list queries, validation, the stored record's migrations, and the calendars
//! dates are read in.

pub mod calendar_system;
pub mod change_journal;
pub mod condition;
pub mod context_fill;
pub mod date_range;
pub mod duplicates;
pub mod exchange;
pub mod field;
pub mod field_values;
pub mod filter_url;
pub mod form_read;
pub mod formula;
pub mod global_search;
pub mod history_batch;
pub mod input;
pub mod list_query;
pub mod local_days;
pub mod migrate;
pub mod module_def;
pub mod normalize;
pub mod pending_lookups;
pub mod record;
pub mod record_set;
pub mod release;
pub mod search;
pub mod sharded_map;
pub mod solar_hijri;
pub mod stage_trail;
pub mod stepped_sort;
pub mod time_zone;
pub mod typed_filter;
pub mod validate;
pub mod value;
pub mod written_formats;
