//! A report's result as CSV.

use crate::domain::interchange::csv_export::neutralise;
use crate::domain::records::record::Record;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::value::format_number;

use super::*;

/// The column titles of a report's CSV, for the UI to word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvHeader<'a> {
    /// A chosen column of a tabular report (a field key or pseudo-field).
    Field(&'a str),
    /// The group column of a summary or the row-label column of a matrix.
    Group,
    Count,
    /// The measure's column.
    Measure,
    /// The total column and the total row of a matrix.
    Total,
}

/// What the report shows, as CSV (UTF-8 with BOM, CRLF lines), every cell neutralised
/// against spreadsheet formulas. `cell` words a record's value of a column; `label`
/// words a group key. Measure values are written as plain numbers.
pub fn to_csv(
    data: &Dataset,
    spec: &ReportSpec,
    result: &ReportResult,
    header: &dyn Fn(CsvHeader) -> String,
    label: &dyn Fn(&GroupKey) -> String,
    cell: &dyn Fn(&Record, &str) -> String,
) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let num = |v: Option<f64>| v.map(format_number).unwrap_or_default();
    let mut line = |cells: Vec<String>| {
        // Writing into memory cannot fail.
        let _ = w.write_record(cells.iter().map(|c| neutralise(c)));
    };
    match (&spec.kind, &result.matrix) {
        (ReportKind::Matrix { .. }, Some(m)) => {
            let mut head = vec![header(CsvHeader::Group)];
            head.extend(m.col_keys.iter().map(label));
            head.push(header(CsvHeader::Total));
            line(head);
            for (i, key) in m.row_keys.iter().enumerate() {
                let mut row = vec![label(key)];
                row.extend(m.cells[i].iter().map(|c| num(c.value)));
                row.push(num(m.row_totals[i].value));
                line(row);
            }
            let mut foot = vec![header(CsvHeader::Total)];
            foot.extend(m.col_totals.iter().map(|c| num(c.value)));
            foot.push(num(m.grand_total.value));
            line(foot);
        }
        (ReportKind::Summary(_), _) => {
            let with_measure = !matches!(spec.measure, Measure::Count);
            let mut head = vec![header(CsvHeader::Group), header(CsvHeader::Count)];
            if with_measure {
                head.push(header(CsvHeader::Measure));
            }
            line(head);
            for g in &result.groups {
                let mut row = vec![label(&g.key), g.count.to_string()];
                if with_measure {
                    row.push(num(g.value));
                }
                line(row);
            }
            let mut foot = vec![header(CsvHeader::Total), result.rows.len().to_string()];
            if with_measure {
                foot.push(num(result.total));
            }
            line(foot);
        }
        _ => {
            line(
                spec.columns
                    .iter()
                    .map(|c| header(CsvHeader::Field(c)))
                    .collect(),
            );
            if let Some(set) = data.set(&spec.module) {
                for r in result.rows.iter().filter_map(|s| set.at(*s)) {
                    line(spec.columns.iter().map(|c| cell(r, c)).collect());
                }
            }
        }
    }
    let bytes = w.into_inner().unwrap_or_default();
    format!("\u{FEFF}{}", String::from_utf8(bytes).unwrap_or_default())
}
