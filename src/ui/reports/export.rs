//! Taking a report away: as a CSV file of the whole result, or printed (the print
//! style shows the title and the result only).

use leptos::prelude::*;

use super::draft::Draft;
use super::results::cell_text;
use super::run::{Outcome, Runner};
use crate::domain::analytics::report::{self, CsvHeader, GroupKey, ReportKind};
use crate::domain::Record;
use crate::i18n::{t, tr, Locale};
use crate::ui::analytics::report_labels::{field_name, group_label, grouping_title, measure_title};
use crate::ui::kit::download::download;
use crate::ui::kit::notice::Notice;
use crate::ui::kit::state::AppState;

/// Runs the draft, then downloads the result as CSV: a report small enough to run
/// in its first turn exports what the draft says now, a bigger one the last result.
pub(super) fn export_csv(st: AppState, draft: Draft, runner: Runner) {
    let l = st.locale.get_untracked();
    runner.run(st, draft);
    let text = runner.outcome.with_untracked(|o| {
        let Some(Outcome::Ran(spec, result)) = o else {
            return None;
        };
        st.data.with_untracked(|d| {
            let def = d.schema.module(&spec.module)?;
            let group = match &spec.kind {
                ReportKind::Summary(g) | ReportKind::Matrix { rows: g, .. } => {
                    grouping_title(l, def, g)
                }
                ReportKind::Tabular => String::new(),
            };
            let header = |h: CsvHeader| match h {
                CsvHeader::Field(k) => field_name(l, def, k),
                CsvHeader::Group => group.clone(),
                CsvHeader::Count => t(l, "report.count"),
                CsvHeader::Measure => measure_title(l, def, &spec.measure),
                CsvHeader::Total => t(l, "report.total"),
            };
            let key = |k: &GroupKey| group_label(l, d, &def.key, k);
            let cell = |r: &Record, k: &str| cell_text(l, d, def, r, k);
            Some(report::to_csv(d, spec, result, &header, &key, &cell))
        })
    });
    let Some(text) = text else { return };
    let stem = file_stem(l, &draft.name.get_untracked());
    if let Err(e) = download(&format!("{stem}.csv"), "text/csv;charset=utf-8", &text) {
        st.notice.set(Some(Notice::error(tr(
            l,
            "report.export_failed",
            &[("detail", &e)],
        ))));
    }
}

/// The file's name from the report's: letters, digits, `-` and `_` kept, anything
/// else a `-`; a name of nothing else is the word for a report.
fn file_stem(l: Locale, name: &str) -> String {
    let stem: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if stem.trim_matches('-').is_empty() {
        t(l, "report.file_name")
    } else {
        stem
    }
}

pub(super) fn print() {
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}
