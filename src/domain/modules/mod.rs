//! The standard module definitions: each module's fields, sections, actions, board,
//! agenda and duplicate rule, as data.

pub mod activity_module;
pub mod analytics_modules;
pub mod automation_modules;
pub mod blueprint_module;
pub mod custom_schema;
pub mod import_names;
pub mod lead_module;
pub mod sales_modules;
pub mod standard_modules;
pub mod template_module;
pub mod view_module;
