//! The pure domain core: the metadata-driven record model and every rule over it.
//! Nothing here touches web APIs, so all of it is tested natively with `cargo test`.

pub mod activity_module;
pub mod activity_rules;
pub mod agenda;
pub mod analytics_modules;
pub mod assignment;
pub mod backup;
pub mod board;
pub mod chart_scale;
pub mod condition;
pub mod conversion;
pub mod csv_export;
pub mod csv_import;
pub mod dashboard_layout;
pub mod deal_rules;
pub mod duplicates;
pub mod field;
pub mod field_values;
pub mod history_batch;
pub mod input;
pub mod json_outline;
pub mod lead_module;
pub mod lead_rules;
pub mod list_query;
pub mod merge;
pub mod migrate;
pub mod module_def;
pub mod module_rules;
pub mod normalize;
pub mod pipeline;
pub mod pipeline_records;
pub mod record;
pub mod record_set;
pub mod recurrence;
pub mod release;
pub mod report;
pub mod report_choices;
pub mod sales_metrics;
pub mod sales_modules;
pub mod sample;
pub mod sample_leads;
pub mod sample_sales;
pub mod save_plan;
// Benchmark and profiling data only: never in a release build.
#[cfg(any(test, feature = "bench"))]
pub mod scale_data;
pub mod scoring;
pub mod search;
pub mod sharded_map;
pub mod stage_trail;
pub mod standard_modules;
pub mod stepped_sort;
pub mod timeline;
pub mod validate;
pub mod value;
pub mod writes;

pub use field::{FieldDef, FieldKind, Label, PicklistOption};
pub use field_values::{FieldName, FieldValues};
pub use module_def::{ModuleDef, Schema, Section};
pub use record::{Record, RecordId, Timestamp};
pub use value::{Money, Value};
