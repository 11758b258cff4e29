//! Sales pipelines: ordered stages with default win probabilities, the rules for
//! editing them, where a deal's probability goes when it changes stage, and the
//! column totals of a board in one base currency.

use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::records::field::Label;
use crate::domain::records::value::Money;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Open,
    Won,
    Lost,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    pub id: String,
    pub name: Label,
    /// Default win probability in percent, taken by a deal entering the stage.
    pub probability: u8,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pipeline {
    pub id: String,
    pub name: Label,
    /// Open stages in order, then the terminal won and lost stages.
    pub stages: Vec<Stage>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PipelineError {
    EmptyName,
    DuplicateStage(String),
    UnknownStage(String),
    ProbabilityOver100,
    /// Won and lost stages are fixed; only open stages can be moved or removed.
    TerminalStage,
    /// The stage still holds deals and no stage to move them to was given.
    StageHasDeals(usize),
    /// Deals cannot be moved into the stage that is being removed.
    TargetIsRemoved,
    /// A pipeline keeps at least one open stage.
    LastOpenStage,
}

impl PipelineError {
    pub fn key(&self) -> &'static str {
        match self {
            PipelineError::EmptyName => "pipeline.err.empty_name",
            PipelineError::DuplicateStage(_) => "pipeline.err.duplicate_stage",
            PipelineError::UnknownStage(_) => "pipeline.err.unknown_stage",
            PipelineError::ProbabilityOver100 => "pipeline.err.probability",
            PipelineError::TerminalStage => "pipeline.err.terminal",
            PipelineError::StageHasDeals(_) => "pipeline.err.has_deals",
            PipelineError::TargetIsRemoved => "pipeline.err.target_removed",
            PipelineError::LastOpenStage => "pipeline.err.last_open",
        }
    }
}

fn stage(id: &str, probability: u8, outcome: Outcome) -> Stage {
    Stage {
        id: id.to_string(),
        name: Label::Key(format!("stage.{id}")),
        probability,
        outcome,
    }
}

impl Pipeline {
    /// The pipeline a new database starts with.
    pub fn new_business() -> Pipeline {
        Pipeline {
            id: "new_business".into(),
            name: Label::key("pipeline.new_business"),
            stages: vec![
                stage("qualification", 10, Outcome::Open),
                stage("needs_analysis", 25, Outcome::Open),
                stage("proposal", 50, Outcome::Open),
                stage("negotiation", 75, Outcome::Open),
                stage("won", 100, Outcome::Won),
                stage("lost", 0, Outcome::Lost),
            ],
        }
    }

    pub fn renewals() -> Pipeline {
        Pipeline {
            id: "renewals".into(),
            name: Label::key("pipeline.renewals"),
            stages: vec![
                stage("renewal_due", 60, Outcome::Open),
                stage("renewal_quote", 80, Outcome::Open),
                stage("won", 100, Outcome::Won),
                stage("lost", 0, Outcome::Lost),
            ],
        }
    }

    pub fn stage(&self, id: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }

    fn open_count(&self) -> usize {
        self.stages
            .iter()
            .filter(|s| s.outcome == Outcome::Open)
            .count()
    }

    fn position(&self, id: &str) -> Result<usize, PipelineError> {
        self.stages
            .iter()
            .position(|s| s.id == id)
            .ok_or_else(|| PipelineError::UnknownStage(id.to_string()))
    }

    /// Adds an open stage at `index` among the open stages (clamped to their end),
    /// so won and lost always stay last.
    pub fn add_stage(
        &mut self,
        id: &str,
        name: &str,
        probability: u8,
        index: usize,
    ) -> Result<(), PipelineError> {
        if name.trim().is_empty() {
            return Err(PipelineError::EmptyName);
        }
        if probability > 100 {
            return Err(PipelineError::ProbabilityOver100);
        }
        if self.stage(id).is_some() {
            return Err(PipelineError::DuplicateStage(id.to_string()));
        }
        let at = index.min(self.open_count());
        self.stages.insert(
            at,
            Stage {
                id: id.to_string(),
                name: Label::Text(name.trim().to_string()),
                probability,
                outcome: Outcome::Open,
            },
        );
        Ok(())
    }

    pub fn rename_stage(&mut self, id: &str, name: &str) -> Result<(), PipelineError> {
        if name.trim().is_empty() {
            return Err(PipelineError::EmptyName);
        }
        let at = self.position(id)?;
        self.stages[at].name = Label::Text(name.trim().to_string());
        Ok(())
    }

    pub fn set_probability(&mut self, id: &str, probability: u8) -> Result<(), PipelineError> {
        if probability > 100 {
            return Err(PipelineError::ProbabilityOver100);
        }
        let at = self.position(id)?;
        self.stages[at].probability = probability;
        Ok(())
    }

    /// Moves an open stage to `index` among the open stages.
    pub fn move_stage(&mut self, id: &str, index: usize) -> Result<(), PipelineError> {
        let from = self.position(id)?;
        if self.stages[from].outcome != Outcome::Open {
            return Err(PipelineError::TerminalStage);
        }
        let moved = self.stages.remove(from);
        let at = index.min(self.open_count());
        self.stages.insert(at, moved);
        Ok(())
    }

    /// Removes an open stage. A stage that still holds deals needs `move_to`, the
    /// stage its deals go to, so no deal is left without a stage; the caller moves
    /// them in the same transaction that saves the pipeline.
    pub fn remove_stage(
        &mut self,
        id: &str,
        deals_in_stage: usize,
        move_to: Option<&str>,
    ) -> Result<Option<String>, PipelineError> {
        let at = self.position(id)?;
        if self.stages[at].outcome != Outcome::Open {
            return Err(PipelineError::TerminalStage);
        }
        if self.open_count() == 1 {
            return Err(PipelineError::LastOpenStage);
        }
        let target = match (deals_in_stage, move_to) {
            (0, _) => None,
            (n, None) => return Err(PipelineError::StageHasDeals(n)),
            (_, Some(t)) if t == id => return Err(PipelineError::TargetIsRemoved),
            (_, Some(t)) => {
                self.position(t)?;
                Some(t.to_string())
            }
        };
        self.stages.remove(at);
        Ok(target)
    }
}

/// A deal's probability after it enters `to`: the stage's default, unless the user
/// set the deal's own (then it stays) — except that won and lost always set 100 and 0.
pub fn probability_on_entering(to: &Stage, current: f64, set_by_user: bool) -> f64 {
    match to.outcome {
        Outcome::Won => 100.0,
        Outcome::Lost => 0.0,
        Outcome::Open if set_by_user => current,
        Outcome::Open => to.probability as f64,
    }
}

// The rates live with the records' values, so lists can compare money too.
pub use crate::domain::records::exchange::{ExchangeRates, InBase};

/// A percentage as a factor (50 → 0.5): exact for whole percentages (nearly all),
/// else the shortest decimal for it (12.5 %, not 12.4999…). Weighting by a factor
/// of at most one never makes an amount larger, so it cannot overflow.
pub fn weight(percent: f64) -> Decimal {
    let p = percent.clamp(0.0, 100.0);
    if p.fract() == 0.0 {
        return Decimal::new(p as i64, 2);
    }
    Decimal::from_f64(p).unwrap_or_default() / Decimal::ONE_HUNDRED
}

/// `sum + value`, where a sum of `None` is one already beyond what a decimal holds
/// (and stays so: the exact sum is unknown from then on).
pub fn add_checked(sum: Option<Decimal>, value: Decimal) -> Option<Decimal> {
    sum?.checked_add(value)
}

/// What a board column shows in its header.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnTotals {
    pub count: usize,
    /// Sum of amounts in the base currency; `None` when it is beyond what a decimal
    /// holds (shown as a total that could not be computed, never a wrong one).
    pub total: Option<Decimal>,
    /// Sum of amount × probability; `None` likewise.
    pub weighted: Option<Decimal>,
    /// Deals whose currency has no rate: counted, but not in the sums.
    pub without_rate: usize,
}

impl Default for ColumnTotals {
    fn default() -> Self {
        ColumnTotals {
            count: 0,
            total: Some(Decimal::ZERO),
            weighted: Some(Decimal::ZERO),
            without_rate: 0,
        }
    }
}

/// Totals over deals given as (amount, probability in percent). Deals without an
/// amount count but add nothing.
pub fn column_totals<'a>(
    deals: impl IntoIterator<Item = (Option<&'a Money>, f64)>,
    rates: &ExchangeRates,
) -> ColumnTotals {
    let mut t = ColumnTotals::default();
    for (amount, probability) in deals {
        t.count += 1;
        let Some(money) = amount else { continue };
        match rates.in_base(money) {
            InBase::Value(base) => {
                t.total = add_checked(t.total, base);
                t.weighted = base
                    .checked_mul(weight(probability))
                    .and_then(|w| add_checked(t.weighted, w));
            }
            InBase::NoRate => t.without_rate += 1,
            InBase::TooLarge => (t.total, t.weighted) = (None, None),
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn totals_beyond_a_decimal_are_not_computable_and_apart_from_those_without_a_rate() {
        let huge = money("79228162514264337593543950335", "USD");
        let rates = ExchangeRates {
            base: "EUR".into(),
            rates: [("USD".to_string(), Decimal::from(2))].into(),
        };
        // The conversion itself overflows: too large, not "no rate".
        assert_eq!(rates.in_base(&huge), InBase::TooLarge);
        assert_eq!(rates.in_base(&money("1", "JPY")), InBase::NoRate);
        let t = column_totals(
            [(Some(&huge), 10.0), (Some(&money("1", "JPY")), 0.0)],
            &rates,
        );
        assert_eq!((t.count, t.total, t.weighted), (2, None, None));
        assert_eq!(t.without_rate, 1, "only the JPY deal lacks a rate");

        // Two such deals in the base currency at 10 %: their sum does not fit, their
        // weighted sum does (and is exact).
        let same = ExchangeRates {
            base: "USD".into(),
            rates: Default::default(),
        };
        let t = column_totals([(Some(&huge), 10.0), (Some(&huge), 10.0)], &same);
        assert_eq!((t.count, t.without_rate), (2, 0));
        assert_eq!(t.total, None);
        assert_eq!(
            t.weighted,
            Some(Decimal::from_str("15845632502852867518708790067").unwrap())
        );
        // Once past the limit a total stays unknown, even if a negative amount follows.
        let minus = money("-79228162514264337593543950335", "USD");
        let t = column_totals(
            [
                (Some(&huge), 100.0),
                (Some(&huge), 100.0),
                (Some(&minus), 100.0),
            ],
            &same,
        );
        assert_eq!((t.total, t.weighted), (None, None));
    }

    #[test]
    fn weights_are_exact_percentages() {
        assert_eq!(weight(50.0), Decimal::from_str("0.5").unwrap());
        assert_eq!(weight(12.5), Decimal::from_str("0.125").unwrap());
        assert_eq!(weight(250.0), Decimal::ONE);
        assert_eq!(weight(-3.0), Decimal::ZERO);
    }

    fn ids(p: &Pipeline) -> Vec<&str> {
        p.stages.iter().map(|s| s.id.as_str()).collect()
    }

    fn money(amount: &str, currency: &str) -> Money {
        Money {
            amount: Decimal::from_str(amount).unwrap(),
            currency: currency.into(),
        }
    }

    #[test]
    fn new_stages_go_before_won_and_lost() {
        let mut p = Pipeline::renewals();
        p.add_stage("legal", "Legal review", 90, 99).unwrap();
        assert_eq!(
            ids(&p),
            vec!["renewal_due", "renewal_quote", "legal", "won", "lost"]
        );
        p.add_stage("intro", "Intro", 5, 0).unwrap();
        assert_eq!(ids(&p)[0], "intro");
        assert_eq!(
            p.add_stage("intro", "Again", 5, 0),
            Err(PipelineError::DuplicateStage("intro".into()))
        );
        assert_eq!(p.add_stage("x", "  ", 5, 0), Err(PipelineError::EmptyName));
        assert_eq!(
            p.add_stage("y", "Y", 101, 0),
            Err(PipelineError::ProbabilityOver100)
        );
    }

    #[test]
    fn reordering_moves_open_stages_only() {
        let mut p = Pipeline::new_business();
        p.move_stage("negotiation", 0).unwrap();
        assert_eq!(ids(&p)[..2], ["negotiation", "qualification"]);
        p.move_stage("qualification", 50).unwrap();
        assert_eq!(ids(&p)[3..], ["qualification", "won", "lost"]);
        assert_eq!(p.move_stage("won", 0), Err(PipelineError::TerminalStage));
        p.rename_stage("proposal", "Quote sent").unwrap();
        assert_eq!(
            p.stage("proposal").unwrap().name,
            Label::Text("Quote sent".into())
        );
    }

    #[test]
    fn removing_a_stage_with_deals_needs_somewhere_to_put_them() {
        let mut p = Pipeline::new_business();
        assert_eq!(
            p.remove_stage("proposal", 3, None),
            Err(PipelineError::StageHasDeals(3))
        );
        assert_eq!(
            p.remove_stage("proposal", 3, Some("proposal")),
            Err(PipelineError::TargetIsRemoved)
        );
        assert_eq!(
            p.remove_stage("proposal", 3, Some("nowhere")),
            Err(PipelineError::UnknownStage("nowhere".into()))
        );
        assert!(
            p.stage("proposal").is_some(),
            "a refused removal changes nothing"
        );
        assert_eq!(
            p.remove_stage("proposal", 3, Some("negotiation")),
            Ok(Some("negotiation".into()))
        );
        assert_eq!(p.remove_stage("needs_analysis", 0, None), Ok(None));
        assert_eq!(ids(&p), vec!["qualification", "negotiation", "won", "lost"]);
        assert_eq!(
            p.remove_stage("lost", 0, None),
            Err(PipelineError::TerminalStage)
        );
        p.remove_stage("qualification", 0, None).unwrap();
        assert_eq!(
            p.remove_stage("negotiation", 0, None),
            Err(PipelineError::LastOpenStage)
        );
    }

    #[test]
    fn probability_follows_the_stage_unless_the_user_set_it() {
        let p = Pipeline::new_business();
        let proposal = p.stage("proposal").unwrap();
        assert_eq!(probability_on_entering(proposal, 10.0, false), 50.0);
        assert_eq!(probability_on_entering(proposal, 35.0, true), 35.0);
        assert_eq!(
            probability_on_entering(p.stage("won").unwrap(), 35.0, true),
            100.0
        );
        assert_eq!(
            probability_on_entering(p.stage("lost").unwrap(), 35.0, true),
            0.0
        );
    }

    #[test]
    fn column_totals_convert_currencies_and_weight_by_probability() {
        let rates = ExchangeRates {
            base: "EUR".into(),
            rates: [("USD".to_string(), Decimal::from_str("0.5").unwrap())].into(),
        };
        let a = money("1000", "EUR");
        let b = money("400", "USD");
        let c = money("999", "JPY");
        let t = column_totals(
            [
                (Some(&a), 50.0),
                (Some(&b), 25.0),
                (None, 80.0),
                (Some(&c), 100.0),
            ],
            &rates,
        );
        assert_eq!(t.count, 4);
        assert_eq!(t.total, Some(Decimal::from(1200)));
        assert_eq!(t.weighted, Some(Decimal::from(550)));
        assert_eq!(t.without_rate, 1);
        assert_eq!(column_totals([], &rates), ColumnTotals::default());
    }
}
