//! Where every record is made: the module rules in one order (`prepare`: defaults,
//! the module's rules, validation), and the planners that run them — a form save or
//! board move (`save_plan`), a delete with its guards and cascades, a lead conversion,
//! one change to many selected records (`bulk`).

pub mod bulk;
pub mod computed_fields;
pub mod conversion;
pub mod delete;
pub mod inline_rows;
pub mod module_rules;
pub mod prepare;
pub mod save_plan;
pub mod saved_views;
pub mod schema_changes;

pub use delete::{plan_delete, DeleteError};
pub use prepare::{prepare, Prepared, RuleInput};
