//! Money added up with checked arithmetic, in the base currency.

use rust_decimal::Decimal;

use crate::domain::records::value::Money;
use crate::domain::sales::pipeline::{add_checked, InBase};

/// A sum in the base currency with the records it could not include.
#[derive(Clone, Debug, PartialEq)]
pub struct Sum {
    /// `None` when the sum (or an amount in it, converted) is beyond what a decimal
    /// holds: a figure that cannot be computed, shown as such (never a wrong one).
    pub value: Option<Decimal>,
    /// Records with an amount in a currency that has no rate.
    pub unconverted: usize,
    /// Records without an amount.
    pub missing: usize,
}

impl Default for Sum {
    fn default() -> Self {
        Sum {
            value: Some(Decimal::ZERO),
            unconverted: 0,
            missing: 0,
        }
    }
}

impl Sum {
    /// Adds a record's amount (`None`: it has none) times `weight` (at most one).
    /// True when the amount is part of the sum, even one too large to compute.
    pub(super) fn add(&mut self, a: Option<InBase>, weight: Decimal) -> bool {
        match a {
            Some(InBase::Value(v)) => {
                // Checked: past what a decimal holds the sum is unknown, never a crash.
                self.value = v
                    .checked_mul(weight)
                    .and_then(|w| add_checked(self.value, w));
                true
            }
            Some(InBase::TooLarge) => {
                self.value = None;
                true
            }
            Some(InBase::NoRate) => {
                self.unconverted += 1;
                false
            }
            None => {
                self.missing += 1;
                false
            }
        }
    }

    /// The sum as money in `base`; `None` when it cannot be computed.
    pub fn money(&self, base: &str) -> Option<Money> {
        self.value.map(|v| Money {
            amount: v.round_dp(2),
            currency: base.to_string(),
        })
    }
}

/// A money figure worked out from sums (an average, a velocity).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Figure {
    /// Nothing to work it out from (no deal won, no time passed).
    #[default]
    Undefined,
    Value(Decimal),
    /// It, or a sum it comes from, is beyond what a decimal holds.
    TooLarge,
}

impl Figure {
    pub fn value(self) -> Option<Decimal> {
        match self {
            Figure::Value(v) => Some(v),
            _ => None,
        }
    }
}
