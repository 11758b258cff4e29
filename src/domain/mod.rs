//! The pure domain core: the metadata-driven record model and every rule over it.
//! Nothing here touches web APIs, so all of it is tested natively with `cargo test`.

pub mod backup;
pub mod csv_export;
pub mod field;
pub mod input;
pub mod list_query;
pub mod migrate;
pub mod module_def;
pub mod normalize;
pub mod pipeline;
pub mod record;
pub mod record_set;
pub mod recurrence;
pub mod sample;
pub mod search;
pub mod standard_modules;
pub mod validate;
pub mod value;

pub use field::{FieldDef, FieldKind, Label, PicklistOption};
pub use module_def::{ModuleDef, Schema, Section};
pub use record::{Record, RecordId, Timestamp};
pub use value::{Money, Value};
