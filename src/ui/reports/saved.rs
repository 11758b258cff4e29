//! A report kept as a record: opened into the builder, and saved (a new record, or
//! the same one changed).

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::draft::{default_spec, Draft};
use super::reports_module;
use crate::domain::analytics::report::ReportSpec;
use crate::domain::modules::analytics_modules::{
    definition_name, definition_values, saved_definition,
};
use crate::domain::records::record_set::Dataset;
use crate::domain::FieldValues;
use crate::i18n::{t, tr};
use crate::ui::kit::notice::Notice;
use crate::ui::kit::route::{navigate, Route};
use crate::ui::kit::state::AppState;
use crate::ui::writes::actions::{save_record, update_fields};

/// A report as the builder opens it.
pub(super) struct Opened {
    /// The record it is saved in; none for a new report.
    pub(super) id: Option<String>,
    pub(super) name: String,
    pub(super) spec: ReportSpec,
    /// Why the saved definition could not be read: the builder starts from a new one.
    pub(super) problem: Option<String>,
}

/// Opens the report saved as record `id`, or a new one (of `first_module`) when `id`
/// is empty; none when no report has that id.
pub(super) fn open(data: &Dataset, id: &str, first_module: &str) -> Option<Opened> {
    if id.is_empty() {
        return Some(Opened {
            id: None,
            name: String::new(),
            spec: default_spec(data, first_module),
            problem: None,
        });
    }
    let r = data.get(&reports_module(data), id)?;
    let name = definition_name(r);
    let spec = match saved_definition(r) {
        Some(json) => serde_json::from_str::<ReportSpec>(json).map_err(|e| e.to_string()),
        None => Err(String::new()),
    };
    let (spec, problem) = match spec {
        Ok(s) => (s, None),
        Err(e) => (default_spec(data, first_module), Some(e)),
    };
    Some(Opened {
        id: Some(r.id.clone()),
        name,
        spec,
        problem,
    })
}

/// Saves the draft into its record (`record`), or as a new record the page then
/// moves to.
pub(super) fn save(st: AppState, draft: Draft, record: StoredValue<Option<String>>) {
    let l = st.locale.get_untracked();
    let spec = match draft.spec() {
        Ok(s) => s,
        Err(k) => {
            st.notice.set(Some(Notice::error(t(l, k))));
            return;
        }
    };
    let json = serde_json::to_string(&spec).unwrap_or_default();
    let name = draft.name.get_untracked().trim().to_string();
    let existing = record.get_value();
    let module = st.data.with_untracked(reports_module);
    spawn_local(async move {
        let result = match &existing {
            Some(id) => update_fields(st, &module, id, definition_values(Some(name), json)).await,
            None => {
                // An empty name is left out: the name is required, so the save is refused.
                let name = (!name.is_empty()).then_some(name);
                let values: FieldValues = definition_values(name, json).into_iter().collect();
                let owner = Some(st.current_user.get_untracked());
                save_record(st, &module, None, values, owner).await
            }
        };
        match result {
            Ok(saved) => {
                st.notice.set(Some(Notice::success(t(l, "report.saved"))));
                if existing.is_none() {
                    if let Some(r) = saved {
                        record.set_value(Some(r.id.clone()));
                        navigate(&Route::Report(r.id));
                    }
                }
            }
            Err(e) => {
                let why = st.data.with_untracked(|d| e.message(l, &module, d));
                st.notice.set(Some(Notice::error(tr(
                    l,
                    "report.save_failed",
                    &[("detail", &why)],
                ))));
            }
        }
    });
}
