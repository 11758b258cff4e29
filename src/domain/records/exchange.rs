//! Exchange rates into the user's base currency, and amounts converted with them.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::records::value::Money;

/// User-maintained rates into one base currency: `rates[code]` is what one unit of
/// `code` is worth in the base currency.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExchangeRates {
    pub base: String,
    pub rates: BTreeMap<String, Decimal>,
}

/// An amount in the base currency, or why there is none.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum InBase {
    Value(Decimal),
    /// No rate is known for its currency.
    NoRate,
    /// Converted, it is beyond what a decimal holds (≈ 7.9 × 10^28): no sum it is in
    /// can be computed. Validation bounds amounts and rates, but their product (or a
    /// record stored before the bound) can still get there.
    TooLarge,
}

impl ExchangeRates {
    /// The amount in the base currency (checked: never a crash).
    pub fn in_base(&self, money: &Money) -> InBase {
        if money.currency == self.base {
            return InBase::Value(money.amount);
        }
        match self.rates.get(&money.currency) {
            None => InBase::NoRate,
            Some(r) => money
                .amount
                .checked_mul(*r)
                .map_or(InBase::TooLarge, InBase::Value),
        }
    }
}
