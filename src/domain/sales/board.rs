//! The board of any module with a board definition: its records sorted into a column
//! per value of the column field (a pipeline's stages, a lead's statuses), filtered,
//! with each column's count, total and probability-weighted total in the base
//! currency when the board names an amount.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::modules::sales_modules::RATES;
use crate::domain::modules::standard_modules::MEMBERS;
use crate::domain::records::change_journal::Stamp;
use crate::domain::records::exchange::StoredRate;
use crate::domain::records::field::{FieldKind, Label};
use crate::domain::records::list_query::involves;
use crate::domain::records::module_def::{BoardDef, ModuleDef};
use crate::domain::records::record::Record;
use crate::domain::records::record_set::{Dataset, RecordSet};
use crate::domain::records::search::{record_tokens, SearchIndex, Slot};
use crate::domain::records::value::{Money, Value};
use crate::domain::sales::pipeline::{
    column_totals, ColumnTotals, ExchangeRates, Outcome, Pipeline, Stage,
};
use crate::domain::sales::pipeline_records::load_pipeline;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct BoardFilter {
    pub owner: Option<String>,
    /// Picklist field → the value it must have (the board's filters).
    pub picks: BTreeMap<String, String>,
    pub close_from: Option<NaiveDate>,
    pub close_to: Option<NaiveDate>,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The column field's value of the records in it (a stage id, a status).
    pub stage_id: String,
    pub outcome: Outcome,
    /// Record slots, soonest date first.
    pub deals: Vec<Slot>,
    pub totals: ColumnTotals,
}

/// Card moves shown before their transaction has committed, so a move is on screen
/// at once: each holds the record as its save will store it (new stage, the stage's
/// probability, a close stamp), drawn in place of the stored one. When the save
/// settles the entry goes; the store then holds either that same record (committed)
/// or the one from before (failed), so the card stays or goes back with nothing else
/// to undo.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PendingMoves(BTreeMap<String, Record>);

impl PendingMoves {
    /// Shows `planned` in place of the stored record with its id until `settle`.
    pub fn apply(&mut self, planned: Record) {
        self.0.insert(planned.id.clone(), planned);
    }

    /// The save of this record committed or failed: show what the store holds.
    pub fn settle(&mut self, id: &str) {
        self.0.remove(id);
    }

    pub fn is_pending(&self, id: &str) -> bool {
        self.0.contains_key(id)
    }

    /// The record as the board shows it: the pending move's record, else the stored one.
    pub fn shown<'a>(&'a self, stored: &'a Record) -> &'a Record {
        self.0.get(&stored.id).unwrap_or(stored)
    }
}

/// Rates into `base` from the rate records, converted through another currency where
/// they were entered in one (`ExchangeRates::from_stored`).
pub fn exchange_rates(data: &Dataset, base: &str) -> ExchangeRates {
    let mut stored = Vec::new();
    if let Some(set) = data.set(RATES) {
        for r in set.records() {
            if let (Some(Value::Text(c)), Some(Value::Text(b)), Some(Value::Number(n))) =
                (r.get("currency"), r.get("base"), r.get("rate"))
            {
                // As written (0.8, not the binary 0.80000000000000004): rates
                // multiplied through another currency then agree to the cent.
                if let Ok(rate) = n.to_string().parse::<Decimal>() {
                    stored.push(StoredRate {
                        currency: c.clone(),
                        base: b.clone(),
                        rate,
                    });
                }
            }
        }
    }
    ExchangeRates::from_stored(base, &stored)
}

/// A deal's amount (the sales figures read deals directly).
pub fn amount(r: &Record) -> Option<&Money> {
    money_in(r, Some("amount"))
}

pub fn probability(r: &Record) -> f64 {
    number_in(r, Some("probability"))
}

pub fn expected_close(r: &Record) -> Option<NaiveDate> {
    date_in(r, Some("expected_close"))
}

pub fn money_in<'a>(r: &'a Record, field: Option<&str>) -> Option<&'a Money> {
    match r.get(field?) {
        Some(Value::Money(m)) => Some(m),
        _ => None,
    }
}

pub fn number_in(r: &Record, field: Option<&str>) -> f64 {
    match field.and_then(|f| r.get(f)) {
        Some(Value::Number(n)) => *n,
        _ => 0.0,
    }
}

pub fn date_in(r: &Record, field: Option<&str>) -> Option<NaiveDate> {
    match r.get(field?) {
        Some(Value::Date(d)) => Some(*d),
        _ => None,
    }
}

/// Open and past the board's date.
pub fn is_overdue(board: &BoardDef, r: &Record, outcome: Outcome, today: NaiveDate) -> bool {
    outcome == Outcome::Open && date_in(r, board.date.as_deref()).is_some_and(|d| d < today)
}

/// A team member's colour, marking the cards they own.
pub fn owner_colour(data: &Dataset, member: &str) -> Option<String> {
    match data.get(MEMBERS, member).and_then(|m| m.get("color")) {
        Some(Value::Text(c)) => Some(c.clone()),
        _ => None,
    }
}

/// The value a record holds in a board's column field (a stage id, a status).
pub fn column_value(board: &BoardDef, r: &Record) -> Option<String> {
    match r.get(&board.column) {
        Some(Value::Ref(v)) | Some(Value::Text(v)) => Some(v.clone()),
        _ => None,
    }
}

/// The value to store for a move into column `to`: a link for a lookup column, the
/// option itself for a picklist.
pub fn column_write(module: &ModuleDef, board: &BoardDef, to: String) -> Value {
    match module.field(&board.column).map(|f| &f.kind) {
        Some(FieldKind::Lookup { .. }) => Value::Ref(to),
        _ => Value::Text(to),
    }
}

/// The groups a board is scoped by (pipelines), by title; empty without a group.
pub fn groups(data: &Dataset, module: &ModuleDef) -> Vec<(String, String)> {
    let target = module
        .board
        .as_ref()
        .and_then(|b| b.group_by.as_ref())
        .and_then(|g| module.field(g))
        .and_then(|f| match &f.kind {
            FieldKind::Lookup { module, .. } => Some(module.as_str()),
            _ => None,
        });
    target.map(|t| data.by_title(t)).unwrap_or_default()
}

/// A board's columns in order, as a pipeline of stages: a picklist's options (all
/// open), a group's records when the board is scoped (a pipeline's stages: open by
/// position, then won, then lost), else the linked module's records by title.
pub fn lanes(data: &Dataset, module: &ModuleDef, group: &str) -> Option<Pipeline> {
    let board = module.board.as_ref()?;
    let open = |id: String, name: Label| Stage {
        id,
        name,
        probability: 0,
        outcome: Outcome::Open,
    };
    match &module.field(&board.column)?.kind {
        FieldKind::Picklist { options } => Some(Pipeline {
            id: String::new(),
            name: module.plural.clone(),
            stages: options
                .iter()
                .map(|o| open(o.value.clone(), o.label.clone()))
                .collect(),
        }),
        // Scoped columns are a pipeline's stages: the one grouping the app has.
        FieldKind::Lookup { .. } if board.group_by.is_some() => load_pipeline(data, group),
        FieldKind::Lookup { module: target, .. } => {
            let set = data.set(target)?;
            let mut stages: Vec<Stage> = set
                .records()
                .map(|r| open(r.id.clone(), Label::Text(set.module.title_of(r))))
                .collect();
            stages.sort_by(|a, b| format!("{:?}", a.name).cmp(&format!("{:?}", b.name)));
            Some(Pipeline {
                id: String::new(),
                name: module.plural.clone(),
                stages,
            })
        }
        _ => None,
    }
}

impl BoardFilter {
    fn keeps(&self, module: &ModuleDef, board: &BoardDef, r: &Record) -> bool {
        if let Some(o) = &self.owner {
            if !involves(module, r, o) {
                return false;
            }
        }
        for (field, want) in &self.picks {
            if !matches!(r.get(field), Some(Value::Text(x)) if x == want) {
                return false;
            }
        }
        let close = date_in(r, board.date.as_deref());
        if let Some(from) = self.close_from {
            if close.is_none_or(|d| d < from) {
                return false;
            }
        }
        if let Some(to) = self.close_to {
            if close.is_none_or(|d| d > to) {
                return false;
            }
        }
        true
    }
}

/// A column's order: soonest date first, then oldest; the slot breaks ties, so a
/// column reads the same whether built at once or by moving a card into it.
fn order_key(
    board: &BoardDef,
    r: Option<&Record>,
    slot: Slot,
) -> (bool, Option<NaiveDate>, Option<i64>, Slot) {
    let close = r.and_then(|r| date_in(r, board.date.as_deref()));
    (close.is_none(), close, r.map(|r| r.created_at), slot)
}

/// The columns as stored, without pending moves. Search narrows through the index
/// first, so typing stays fast with thousands of records.
pub fn stored_columns(
    data: &Dataset,
    module: &ModuleDef,
    lanes: &Pipeline,
    filter: &BoardFilter,
    rates: &ExchangeRates,
) -> Vec<Column> {
    let (Some(set), Some(board)) = (data.set(&module.key), module.board.as_ref()) else {
        return Vec::new();
    };
    let mut cols: Vec<Column> = lanes
        .stages
        .iter()
        .map(|s| Column {
            stage_id: s.id.clone(),
            outcome: s.outcome,
            deals: Vec::new(),
            totals: ColumnTotals::default(),
        })
        .collect();
    for slot in set.search(&filter.text) {
        let Some(r) = set.at(slot) else { continue };
        if let Some(i) = column_of(module, board, lanes, filter, r) {
            cols[i].deals.push(slot);
        }
    }
    for col in &mut cols {
        // Each key once: a column can hold thousands of records.
        col.deals
            .sort_by_cached_key(|s| order_key(board, set.at(*s), *s));
        col.totals = totals(board, set, &col.deals, rates, &PendingMoves::default());
    }
    cols
}

/// A board's stored columns and what they were built from, so the next build can
/// follow the records changed since instead of going over every record.
#[derive(Clone, Debug, PartialEq)]
pub struct BuiltColumns {
    pub cols: Vec<Column>,
    stamp: Option<Stamp>,
    lanes: Pipeline,
    filter: BoardFilter,
    rates: ExchangeRates,
}

/// The stored columns now: `previous` brought up to date with the records changed
/// since it was built (`follow_changes`) when it was built from the same lanes,
/// filter and rates and the set remembers what changed since; else built anew.
pub fn columns_now(
    previous: Option<&BuiltColumns>,
    data: &Dataset,
    module: &ModuleDef,
    lanes: &Pipeline,
    filter: &BoardFilter,
    rates: &ExchangeRates,
) -> BuiltColumns {
    let set = data.set(&module.key);
    let stamp = set.map(RecordSet::stamp);
    let followed = previous
        .filter(|p| &p.lanes == lanes && &p.filter == filter && &p.rates == rates)
        .and_then(|p| {
            let changed = set?.changed_since(p.stamp?)?;
            Some(follow_changes(
                data,
                module,
                lanes,
                filter,
                rates,
                p.cols.clone(),
                &changed,
            ))
        });
    BuiltColumns {
        cols: followed.unwrap_or_else(|| stored_columns(data, module, lanes, filter, rates)),
        stamp,
        lanes: lanes.clone(),
        filter: filter.clone(),
        rates: rates.clone(),
    }
}

/// `stored` columns (built by `stored_columns` from the same lanes, filter and rates)
/// brought up to date with the records in the `changed` slots (placed, replaced or
/// removed since): each leaves the column it was in and goes, in order, into the one
/// it belongs in now, and only the columns touched are totalled again. The result is
/// what `stored_columns` would build anew; a save moves a card without the board
/// going over every record (20,000 deals in a pipeline) again.
pub fn follow_changes(
    data: &Dataset,
    module: &ModuleDef,
    lanes: &Pipeline,
    filter: &BoardFilter,
    rates: &ExchangeRates,
    mut cols: Vec<Column>,
    changed: &[Slot],
) -> Vec<Column> {
    let (Some(set), Some(board)) = (data.set(&module.key), module.board.as_ref()) else {
        return cols;
    };
    if changed.is_empty() {
        return cols;
    }
    let words = SearchIndex::words(&filter.text);
    let mut touched = vec![false; cols.len()];
    // Every changed card leaves first: the columns are then in order by what is
    // stored now, which placing each in order needs.
    let leaving: std::collections::HashSet<Slot> = changed.iter().copied().collect();
    for (col, touched) in cols.iter_mut().zip(touched.iter_mut()) {
        let before = col.deals.len();
        col.deals.retain(|s| !leaving.contains(s));
        *touched = col.deals.len() != before;
    }
    for &slot in changed {
        let Some(r) = set.at(slot) else { continue };
        if !words.is_empty() && !SearchIndex::matches(&words, &record_tokens(module, r)) {
            continue;
        }
        if let Some(to) = column_of(module, board, lanes, filter, r) {
            let key = |s: Slot| order_key(board, set.at(s), s);
            let at = cols[to].deals.partition_point(|s| key(*s) < key(slot));
            cols[to].deals.insert(at, slot);
            touched[to] = true;
        }
    }
    for (col, _) in cols.iter_mut().zip(touched).filter(|(_, t)| *t) {
        col.totals = totals(board, set, &col.deals, rates, &PendingMoves::default());
    }
    cols
}

/// The column a record belongs in, if the board shows it.
fn column_of(
    module: &ModuleDef,
    board: &BoardDef,
    lanes: &Pipeline,
    filter: &BoardFilter,
    r: &Record,
) -> Option<usize> {
    if let Some(g) = &board.group_by {
        if !matches!(r.get(g), Some(Value::Ref(p)) if p == &lanes.id) {
            return None;
        }
    }
    let value = column_value(board, r)?;
    let i = lanes.stages.iter().position(|s| s.id == value)?;
    filter.keeps(module, board, r).then_some(i)
}

fn totals(
    board: &BoardDef,
    set: &RecordSet,
    slots: &[Slot],
    rates: &ExchangeRates,
    pending: &PendingMoves,
) -> ColumnTotals {
    column_totals(
        slots
            .iter()
            .filter_map(|s| set.at(*s))
            .map(|r| pending.shown(r))
            .map(|r| {
                (
                    money_in(r, board.amount.as_deref()),
                    number_in(r, board.probability.as_deref()),
                )
            }),
        rates,
    )
}

/// `stored` columns with the pending moves applied: each moving card leaves its column
/// and is placed in order in the one it goes to, and only those columns are totalled
/// again, so a move shows without going over every record. A card moves only if the
/// board shows it (the search matched it as stored).
pub fn with_pending(
    data: &Dataset,
    module: &ModuleDef,
    lanes: &Pipeline,
    filter: &BoardFilter,
    rates: &ExchangeRates,
    mut cols: Vec<Column>,
    pending: &PendingMoves,
) -> Vec<Column> {
    let (Some(set), Some(board)) = (data.set(&module.key), module.board.as_ref()) else {
        return cols;
    };
    let mut touched = vec![false; cols.len()];
    for planned in pending.0.values() {
        let Some(slot) = set.slot_of(&planned.id) else {
            continue;
        };
        let Some((from, pos)) = cols
            .iter()
            .enumerate()
            .find_map(|(i, c)| c.deals.iter().position(|s| *s == slot).map(|p| (i, p)))
        else {
            continue;
        };
        cols[from].deals.remove(pos);
        touched[from] = true;
        if let Some(to) = column_of(module, board, lanes, filter, planned) {
            let key = |s: Slot| order_key(board, set.at(s).map(|r| pending.shown(r)), s);
            let at = cols[to].deals.partition_point(|s| key(*s) < key(slot));
            cols[to].deals.insert(at, slot);
            touched[to] = true;
        }
    }
    for (col, _) in cols.iter_mut().zip(touched).filter(|(_, t)| *t) {
        col.totals = totals(board, set, &col.deals, rates, pending);
    }
    cols
}

/// The values a record started from a column takes: the column's value and the
/// board's group (a new deal from a stage column is in that stage and pipeline).
pub fn new_record_values(board: &BoardDef, group: &str, column: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(g) = &board.group_by {
        if !group.is_empty() {
            out.push((g.clone(), group.to_string()));
        }
    }
    out.push((board.column.clone(), column.to_string()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::lead_module::LEADS;
    use crate::domain::modules::sales_modules::DEALS;

    /// The board as the page shows it: the stored columns with pending moves laid
    /// over them (totals included, so a column's figures match its cards).
    fn columns(
        data: &Dataset,
        pipeline: &Pipeline,
        filter: &BoardFilter,
        rates: &ExchangeRates,
        pending: &PendingMoves,
    ) -> Vec<Column> {
        let deals = data.schema.module(DEALS).unwrap();
        let stored = stored_columns(data, deals, pipeline, filter, rates);
        with_pending(data, deals, pipeline, filter, rates, stored, pending)
    }
    use crate::domain::modules::standard_modules::standard_schema;
    use crate::domain::records::record_set::LOCAL_USER;
    use crate::domain::sales::pipeline_records::{default_pipeline_records, load_pipeline};
    use std::str::FromStr;

    fn deal(id: &str, stage: &str, amount: &str, currency: &str, close: Option<&str>) -> Record {
        let mut v: crate::domain::FieldValues = [
            ("title".to_string(), Value::Text(format!("Deal {id}"))),
            (
                "pipeline".to_string(),
                Value::Ref("pipeline-new_business".into()),
            ),
            (
                "stage".to_string(),
                Value::Ref(format!("stage-new_business-{stage}")),
            ),
            ("probability".to_string(), Value::Number(50.0)),
            (
                "amount".to_string(),
                Value::Money(Box::new(Money {
                    amount: Decimal::from_str(amount).unwrap(),
                    currency: currency.into(),
                })),
            ),
        ]
        .into();
        if let Some(c) = close {
            v.insert("expected_close", Value::Date(c.parse().unwrap()));
        }
        Record::new(id.into(), DEALS, 1, Some(LOCAL_USER.into()), v)
    }

    fn rate(id: &str, c: &str, b: &str, n: f64) -> Record {
        let v = [
            ("currency".to_string(), Value::Text(c.into())),
            ("base".to_string(), Value::Text(b.into())),
            ("rate".to_string(), Value::Number(n)),
        ]
        .into();
        Record::new(id.into(), RATES, 1, None, v)
    }

    fn data() -> Dataset {
        let mut d = Dataset::new(standard_schema());
        for r in default_pipeline_records(1, &|k| k.to_string()) {
            d.upsert(r);
        }
        d.upsert(deal("a", "proposal", "1000", "EUR", Some("2026-03-01")));
        d.upsert(deal("b", "proposal", "200", "USD", Some("2026-01-15")));
        d.upsert(deal("c", "negotiation", "50", "EUR", None));
        d.upsert(rate("r1", "USD", "EUR", 0.5));
        d.upsert(rate("r2", "USD", "GBP", 0.8));
        d
    }

    #[test]
    fn columns_follow_stages_and_total_in_the_base_currency() {
        let d = data();
        let p = load_pipeline(&d, "pipeline-new_business").unwrap();
        let rates = exchange_rates(&d, "EUR");
        // Into euros: the dollar's own rate, and the pound's through the dollar.
        assert_eq!(rates.rates.len(), 2);
        assert_eq!(rates.rates["GBP"], Decimal::from_str("0.625").unwrap());
        let cols = columns(
            &d,
            &p,
            &BoardFilter::default(),
            &rates,
            &PendingMoves::default(),
        );
        assert_eq!(cols.len(), 6);
        let proposal = &cols[2];
        let set = d.set(DEALS).unwrap();
        let ids: Vec<_> = proposal
            .deals
            .iter()
            .map(|s| set.at(*s).unwrap().id.as_str())
            .collect();
        assert_eq!(ids, vec!["b", "a"], "soonest close first");
        assert_eq!(proposal.totals.count, 2);
        assert_eq!(proposal.totals.total, Some(Decimal::from(1100)));
        assert_eq!(proposal.totals.weighted, Some(Decimal::from(550)));
        assert_eq!(cols[3].totals.count, 1);
    }

    #[test]
    fn a_column_of_amounts_beyond_a_decimal_says_its_total_cannot_be_computed() {
        // Two deals as a record stored before amounts were bounded holds them, in a
        // 10 % stage: the board once panicked multiplying them.
        let mut d = data();
        for id in ["h1", "h2"] {
            let mut r = deal(
                id,
                "qualification",
                "79228162514264337593543950335",
                "EUR",
                None,
            );
            r.values.insert("probability", Value::Number(10.0));
            d.upsert(r);
        }
        let p = load_pipeline(&d, "pipeline-new_business").unwrap();
        let rates = exchange_rates(&d, "EUR");
        let cols = columns(
            &d,
            &p,
            &BoardFilter::default(),
            &rates,
            &PendingMoves::default(),
        );
        let q = &cols[0].totals;
        assert_eq!((q.count, q.without_rate), (2, 0));
        assert_eq!(q.total, None, "the total is beyond a decimal");
        assert!(q.weighted.is_some(), "10 % of each still fits");
        // Other columns are untouched.
        assert_eq!(cols[2].totals.total, Some(Decimal::from(1100)));
        // In another base the conversion itself overflows: still "too large", and
        // not counted as lacking a rate.
        d.upsert(rate("r3", "EUR", "USD", 2.0));
        let usd = exchange_rates(&d, "USD");
        let cols = columns(
            &d,
            &p,
            &BoardFilter::default(),
            &usd,
            &PendingMoves::default(),
        );
        let q = &cols[0].totals;
        assert_eq!((q.total, q.weighted, q.without_rate), (None, None, 0));
    }

    #[test]
    fn filters_narrow_by_text_close_date_and_owner() {
        let d = data();
        let p = load_pipeline(&d, "pipeline-new_business").unwrap();
        let rates = exchange_rates(&d, "EUR");
        let count = |f: &BoardFilter| -> usize {
            columns(&d, &p, f, &rates, &PendingMoves::default())
                .iter()
                .map(|c| c.deals.len())
                .sum()
        };
        assert_eq!(count(&BoardFilter::default()), 3);
        let text = BoardFilter {
            text: "deal b".into(),
            ..Default::default()
        };
        assert_eq!(count(&text), 1);
        let range = BoardFilter {
            close_from: Some("2026-02-01".parse().unwrap()),
            ..Default::default()
        };
        assert_eq!(count(&range), 1);
        let someone_else = BoardFilter {
            owner: Some("member-x".into()),
            ..Default::default()
        };
        assert_eq!(count(&someone_else), 0);
    }

    /// Deal "a" (proposal, 1,000 EUR at 50 %) moved to negotiation through the save
    /// rules, as the board plans a move before writing it.
    fn planned_move(d: &Dataset) -> Record {
        use crate::domain::rules::save_plan::{plan_save, SaveContext};
        let before = d.get(DEALS, "a").unwrap().clone();
        let mut values = before.values.clone();
        values.insert("stage", Value::Ref("stage-new_business-negotiation".into()));
        let mut ids = || "change-1".to_string();
        let plan = plan_save(
            d,
            DEALS,
            Some(&before),
            values,
            None,
            &mut SaveContext {
                now: 2,
                zone: crate::domain::records::time_zone::Zone::default(),
                user: LOCAL_USER,
                new_id: &mut ids,
            },
        )
        .unwrap();
        plan.saved.unwrap()
    }

    /// Which column holds each deal, and the columns' (count, total, weighted).
    #[allow(clippy::type_complexity)]
    fn board(
        d: &Dataset,
        pending: &PendingMoves,
    ) -> Vec<(Vec<String>, usize, Option<Decimal>, Option<Decimal>)> {
        let p = load_pipeline(d, "pipeline-new_business").unwrap();
        let set = d.set(DEALS).unwrap();
        columns(
            d,
            &p,
            &BoardFilter::default(),
            &exchange_rates(d, "EUR"),
            pending,
        )
        .into_iter()
        .map(|c| {
            let ids = c
                .deals
                .iter()
                .map(|s| set.at(*s).unwrap().id.clone())
                .collect();
            (ids, c.totals.count, c.totals.total, c.totals.weighted)
        })
        .collect()
    }

    #[test]
    fn a_pending_move_shows_in_its_new_column_with_its_new_totals() {
        let d = data();
        let before = board(&d, &PendingMoves::default());
        let mut pending = PendingMoves::default();
        pending.apply(planned_move(&d));
        assert!(pending.is_pending("a"));
        let shown = board(&d, &pending);
        assert_eq!(shown[2].0, vec!["b"], "gone from proposal at once");
        assert_eq!(
            shown[3].0,
            vec!["a", "c"],
            "in negotiation, soonest close first"
        );
        // The stage's probability (75 %) counts in the weighted total already.
        assert_eq!(shown[3].1, 2);
        assert_eq!(shown[3].2, Some(Decimal::from(1050)));
        assert_eq!(shown[3].3, Some(Decimal::from(775)));
        assert_eq!(shown[2].2, Some(Decimal::from(100)));
        assert_eq!(shown[..2], before[..2], "other columns unchanged");
        assert_eq!(shown[4..], before[4..]);
    }

    #[test]
    fn a_committed_move_stays_and_a_failed_one_goes_back() {
        let d = data();
        let before = board(&d, &PendingMoves::default());
        let planned = planned_move(&d);
        let mut pending = PendingMoves::default();
        pending.apply(planned.clone());
        let while_saving = board(&d, &pending);

        // Committed: the store takes the planned deal, then the move settles.
        let mut committed = d.clone();
        committed.upsert(planned);
        assert_eq!(board(&committed, &pending), while_saving);
        let mut done = pending.clone();
        done.settle("a");
        assert!(!done.is_pending("a"));
        assert_eq!(board(&committed, &done), while_saving, "nothing jumps");

        // Failed: the store is unchanged; settling shows the stored deal again.
        pending.settle("a");
        assert_eq!(board(&d, &pending), before);
        assert_eq!(pending, PendingMoves::default());
    }

    /// Random saves, new deals and deletes (slots freed and taken again), each
    /// followed by the columns from the records changed: always what a rebuild gives,
    /// under a search, a close-date range and a picklist filter too.
    #[test]
    fn columns_that_follow_changes_equal_columns_built_anew() {
        let stages = [
            "qualification",
            "needs",
            "proposal",
            "negotiation",
            "won",
            "lost",
        ];
        let filters = [
            BoardFilter::default(),
            BoardFilter {
                text: "deal 1".into(),
                ..Default::default()
            },
            BoardFilter {
                close_from: Some("2026-02-01".parse().unwrap()),
                close_to: Some("2026-06-30".parse().unwrap()),
                ..Default::default()
            },
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for filter in &filters {
            let mut d = data();
            let p = load_pipeline(&d, "pipeline-new_business").unwrap();
            let rates = exchange_rates(&d, "EUR");
            let deals = d.schema.module(DEALS).unwrap().clone();
            let mut cols = stored_columns(&d, &deals, &p, filter, &rates);
            let mut stamp = d.set(DEALS).unwrap().stamp();
            for step in 0..300 {
                for _ in 0..=next(3) {
                    let id = format!("{}", next(40));
                    if next(5) == 0 {
                        d.remove(DEALS, &id);
                    } else {
                        let stage = stages[next(6) as usize];
                        let amount = format!("{}", next(5000));
                        let close = format!("2026-{:02}-{:02}", 1 + next(12), 1 + next(28));
                        let close = (next(4) > 0).then_some(close.as_str());
                        d.upsert(deal(&id, stage, &amount, "EUR", close));
                    }
                }
                let set = d.set(DEALS).unwrap();
                let changed = set
                    .changed_since(stamp)
                    .expect("a few changes are remembered");
                stamp = set.stamp();
                cols = follow_changes(&d, &deals, &p, filter, &rates, cols, &changed);
                assert_eq!(
                    cols,
                    stored_columns(&d, &deals, &p, filter, &rates),
                    "step {step} with {filter:?}"
                );
            }
        }
    }

    #[test]
    fn columns_now_follow_a_save_and_are_built_anew_when_the_filter_or_rates_change() {
        let mut d = data();
        let p = load_pipeline(&d, "pipeline-new_business").unwrap();
        let deals = d.schema.module(DEALS).unwrap().clone();
        let eur = exchange_rates(&d, "EUR");
        let all = BoardFilter::default();
        let first = columns_now(None, &d, &deals, &p, &all, &eur);
        assert_eq!(first.cols, stored_columns(&d, &deals, &p, &all, &eur));
        let moved = planned_move(&d);
        d.upsert(moved);
        let after = columns_now(Some(&first), &d, &deals, &p, &all, &eur);
        assert_eq!(after.cols, stored_columns(&d, &deals, &p, &all, &eur));
        assert_ne!(after.cols, first.cols, "the move shows");
        // Another filter or base currency: the previous columns say nothing of it.
        let narrow = BoardFilter {
            text: "deal b".into(),
            ..Default::default()
        };
        let searched = columns_now(Some(&after), &d, &deals, &p, &narrow, &eur);
        assert_eq!(searched.cols, stored_columns(&d, &deals, &p, &narrow, &eur));
        let usd = exchange_rates(&d, "USD");
        let in_usd = columns_now(Some(&after), &d, &deals, &p, &all, &usd);
        assert_eq!(in_usd.cols, stored_columns(&d, &deals, &p, &all, &usd));
        // A dataset built anew (a restore) is not followed from the old one's stamp.
        let mut fresh = data();
        fresh.remove(DEALS, "a");
        let restored = columns_now(Some(&after), &fresh, &deals, &p, &all, &eur);
        assert_eq!(
            restored.cols,
            stored_columns(&fresh, &deals, &p, &all, &eur)
        );
    }

    #[test]
    fn overdue_means_open_and_past_close() {
        let d = data();
        let a = d.get(DEALS, "a").unwrap();
        let today = "2026-04-01".parse().unwrap();
        let board = d.schema.module(DEALS).unwrap().board.clone().unwrap();
        assert!(is_overdue(&board, a, Outcome::Open, today));
        assert!(!is_overdue(&board, a, Outcome::Won, today));
        assert!(!is_overdue(
            &board,
            d.get(DEALS, "c").unwrap(),
            Outcome::Open,
            today
        ));
    }

    #[test]
    fn leads_sort_into_a_column_per_status_and_move_between_them() {
        let mut d = Dataset::new(standard_schema());
        let lead = |id: &str, status: &str| {
            let v = [
                ("last_name".to_string(), Value::Text(format!("Lead {id}"))),
                ("status".to_string(), Value::Text(status.into())),
            ]
            .into();
            Record::new(id.into(), LEADS, 1, None, v)
        };
        d.upsert(lead("x", "new"));
        d.upsert(lead("y", "mql"));
        d.upsert(lead("z", "new"));
        let leads = d.schema.module(LEADS).unwrap().clone();
        let lanes = lanes(&d, &leads, "").unwrap();
        let names: Vec<_> = lanes.stages.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(names[..3], ["new", "mql", "mal"]);
        let rates = exchange_rates(&d, "EUR");
        let cols = stored_columns(&d, &leads, &lanes, &BoardFilter::default(), &rates);
        let counts: Vec<_> = cols.iter().map(|c| c.totals.count).collect();
        assert_eq!(counts[..3], [2, 1, 0]);
        assert_eq!(
            cols[0].totals.total,
            Some(Decimal::ZERO),
            "no amount, no total"
        );

        let board = leads.board.as_ref().unwrap();
        let mut moved = d.get(LEADS, "x").unwrap().clone();
        moved
            .values
            .insert("status", column_write(&leads, board, "mal".into()));
        let mut pending = PendingMoves::default();
        pending.apply(moved);
        let shown = with_pending(
            &d,
            &leads,
            &lanes,
            &BoardFilter::default(),
            &rates,
            cols,
            &pending,
        );
        let counts: Vec<_> = shown.iter().map(|c| c.totals.count).collect();
        assert_eq!(counts[..3], [1, 1, 1]);
    }

    #[test]
    fn a_record_started_from_a_column_takes_its_value_and_group() {
        let schema = standard_schema();
        let deals = schema.module(DEALS).unwrap().board.clone().unwrap();
        assert_eq!(
            new_record_values(&deals, "pipeline-1", "stage-2"),
            vec![
                ("pipeline".to_string(), "pipeline-1".to_string()),
                ("stage".to_string(), "stage-2".to_string())
            ]
        );
        let leads = schema.module(LEADS).unwrap().board.clone().unwrap();
        assert_eq!(
            new_record_values(&leads, "", "mql"),
            vec![("status".to_string(), "mql".to_string())]
        );
    }
}
