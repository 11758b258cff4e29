//! Sales pipelines: ordered stages with default win probabilities, the rules for
//! editing them, where a deal's probability goes when it changes stage, and the
//! column totals of a board in one base currency.

use std::collections::BTreeMap;

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

/// User-maintained rates into one base currency: `rates[code]` is what one unit of
/// `code` is worth in the base currency.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExchangeRates {
    pub base: String,
    pub rates: BTreeMap<String, Decimal>,
}

impl ExchangeRates {
    /// The amount in the base currency, or `None` when no rate is known for it or
    /// the product is beyond what a decimal holds (counted as not converted, never
    /// a crash).
    pub fn to_base(&self, money: &Money) -> Option<Decimal> {
        if money.currency == self.base {
            return Some(money.amount);
        }
        self.rates
            .get(&money.currency)
            .and_then(|r| money.amount.checked_mul(*r))
    }
}

/// What a board column shows in its header.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ColumnTotals {
    pub count: usize,
    /// Sum of amounts in the base currency.
    pub total: Decimal,
    /// Sum of amount × probability.
    pub weighted: Decimal,
    /// Deals whose currency has no rate: counted, but not in the sums.
    pub without_rate: usize,
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
        let p = Decimal::from_f64_retain(probability.clamp(0.0, 100.0)).unwrap_or_default();
        // Checked: a sum beyond what a decimal holds leaves the deal out of the sums
        // (counted with those that could not be converted) instead of crashing.
        let sums = rates.to_base(money).and_then(|base| {
            let total = t.total.checked_add(base)?;
            let weighted = t
                .weighted
                .checked_add(base.checked_mul(p)? / Decimal::from(100))?;
            Some((total, weighted))
        });
        match sums {
            Some((total, weighted)) => {
                t.total = total;
                t.weighted = weighted;
            }
            None => t.without_rate += 1,
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn amounts_too_big_to_sum_are_counted_apart_instead_of_crashing() {
        let huge = Money {
            amount: Decimal::MAX,
            currency: "USD".into(),
        };
        let rates = ExchangeRates {
            base: "EUR".into(),
            rates: [("USD".to_string(), Decimal::from(2))].into(),
        };
        // The conversion itself overflows.
        assert_eq!(rates.to_base(&huge), None);
        let same = ExchangeRates {
            base: "USD".into(),
            rates: Default::default(),
        };
        let t = column_totals([(Some(&huge), 0.0), (Some(&huge), 0.0)], &same);
        assert_eq!(t.count, 2);
        assert_eq!(t.without_rate, 1, "the second no longer fits the sum");
        assert_eq!(t.total, Decimal::MAX);
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
        assert_eq!(t.total, Decimal::from(1200));
        assert_eq!(t.weighted, Decimal::from(550));
        assert_eq!(t.without_rate, 1);
        assert_eq!(column_totals([], &rates), ColumnTotals::default());
    }
}
