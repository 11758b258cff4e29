//! The pure domain core: the metadata-driven record model and every rule over it.
//! Nothing here touches web APIs, so all of it is tested natively with `cargo test`.
//!
//! Folders by capability, each depending only on those listed before it
//! (`tests/tidy.rs` checks there is no cycle between folders):
//! `records` (the record core and metadata) → `modules` (standard definitions) →
//! `writes` (the one shape of a change) → `sales`, `leads`, `activities` (their rules
//! and planners) → `rules` (every record made through the same rules) → `quality`,
//! `interchange`, `automation` → `analytics` → `samples`.

pub mod activities;
pub mod analytics;
pub mod automation;
pub mod interchange;
pub mod leads;
pub mod modules;
pub mod quality;
pub mod records;
pub mod rules;
pub mod sales;
pub mod samples;
pub mod writes;

pub use records::field::{FieldDef, FieldKind, Label, PicklistOption};
pub use records::field_values::{FieldName, FieldValues};
pub use records::module_def::{ModuleDef, NavArea, Schema, Section};
pub use records::record::{Record, RecordId, Timestamp};
pub use records::value::{Money, Value};
