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

/// One stored rate: one unit of `currency` is worth `rate` units of `base`.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredRate {
    pub currency: String,
    pub base: String,
    pub rate: Decimal,
}

impl ExchangeRates {
    /// Rates into `base` from the user's stored rates, whatever base each was entered
    /// in: a rate into `base` is used as it is; others are converted through the
    /// fewest steps (a rate into USD and USD's own rate give a rate into IRR), so
    /// changing the base currency, or a sample kept in dollars, still totals. Nearer
    /// rates win over longer paths; at one distance a rate entered into `base` wins
    /// over the inverse of one entered from it.
    pub fn from_stored(base: &str, stored: &[StoredRate]) -> ExchangeRates {
        let mut worth: BTreeMap<String, Decimal> = BTreeMap::new();
        worth.insert(base.to_string(), Decimal::ONE);
        let mut frontier = vec![base.to_string()];
        while !frontier.is_empty() {
            let mut next = Vec::new();
            // Entered into a known currency first, then inverses: the preference above.
            for direct in [true, false] {
                for s in stored {
                    let (from, to) = if direct {
                        (&s.currency, &s.base)
                    } else {
                        (&s.base, &s.currency)
                    };
                    if worth.contains_key(from) || !frontier.contains(to) {
                        continue;
                    }
                    let step = if direct {
                        Some(s.rate)
                    } else {
                        Decimal::ONE.checked_div(s.rate)
                    };
                    let value = step.and_then(|f| f.checked_mul(worth[to]));
                    if let Some(v) = value.filter(|v| *v > Decimal::ZERO) {
                        worth.insert(from.clone(), v);
                        next.push(from.clone());
                    }
                }
            }
            frontier = next;
        }
        worth.remove(base);
        ExchangeRates {
            base: base.to_string(),
            rates: worth,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn stored(c: &str, b: &str, r: &str) -> StoredRate {
        StoredRate {
            currency: c.into(),
            base: b.into(),
            rate: Decimal::from_str(r).unwrap(),
        }
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn rates_entered_in_another_base_are_converted_through_it() {
        // The sample's rates are into dollars; a Persian user's base is the rial.
        let all = [
            stored("EUR", "USD", "1.08"),
            stored("IRR", "USD", "0.00002"),
            stored("THB", "USD", "0.028"),
        ];
        let irr = ExchangeRates::from_stored("IRR", &all);
        assert_eq!(irr.rates["USD"], dec("50000"), "the inverse of IRR's rate");
        assert_eq!(irr.rates["EUR"], dec("54000"), "through USD");
        assert_eq!(irr.rates["THB"], dec("1400"));
        let m = Money {
            amount: dec("10"),
            currency: "EUR".into(),
        };
        assert_eq!(irr.in_base(&m), InBase::Value(dec("540000")));
        // In the stored base nothing is derived: the rates are the stored ones.
        let usd = ExchangeRates::from_stored("USD", &all);
        assert_eq!(usd.rates.len(), 3);
        assert_eq!(usd.rates["EUR"], dec("1.08"));
    }

    #[test]
    fn a_rate_entered_into_the_base_wins_over_a_longer_or_inverse_path() {
        let all = [
            stored("EUR", "USD", "1.25"),
            stored("GBP", "USD", "1.5"),
            // Entered directly: 1 GBP = 1.1 EUR, not 1.5 / 1.25 = 1.2.
            stored("GBP", "EUR", "1.1"),
            // And its inverse, entered the other way, disagreeing: the direct one wins.
            stored("EUR", "GBP", "0.5"),
        ];
        let eur = ExchangeRates::from_stored("EUR", &all);
        assert_eq!(eur.rates["GBP"], dec("1.1"));
        assert_eq!(eur.rates["USD"], dec("0.8"));
    }

    #[test]
    fn unconnected_zero_and_huge_rates_give_no_rate_and_never_a_crash() {
        let all = [
            stored("JPY", "CNY", "20"),
            stored("NOK", "USD", "0"),
            stored("XAU", "USD", "79228162514264337593543950335"),
            stored("USD", "EUR", "2"),
        ];
        let eur = ExchangeRates::from_stored("EUR", &all);
        assert!(!eur.rates.contains_key("JPY"), "no path from yen to euros");
        assert!(
            !eur.rates.contains_key("NOK"),
            "a zero rate converts nothing"
        );
        assert!(!eur.rates.contains_key("XAU"), "beyond a decimal: no rate");
        assert_eq!(eur.rates["USD"], dec("2"));
        let m = Money {
            amount: dec("1"),
            currency: "JPY".into(),
        };
        assert_eq!(eur.in_base(&m), InBase::NoRate);
    }
}
