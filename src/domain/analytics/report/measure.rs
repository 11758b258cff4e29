//! What a summary or matrix cell adds up: a count, a sum or an average, money
//! converted to the base currency with checked arithmetic.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::domain::records::field::FieldKind;
use crate::domain::records::module_def::ModuleDef;
use crate::domain::records::record::Record;
use crate::domain::records::search::Slot;
use crate::domain::records::value::Value;
use crate::domain::sales::pipeline::{ExchangeRates, InBase};

use super::*;

#[derive(Clone, Copy)]
pub(super) enum Amount {
    None,
    Number(f64),
    Money(Decimal),
    Unconverted,
    /// Money that, converted, is beyond what a decimal holds.
    TooLarge,
}

pub(super) struct Measurer<'s> {
    pub(super) field: Option<&'s str>,
    pub(super) avg: bool,
}

impl<'s> Measurer<'s> {
    pub(super) fn compile(module: &ModuleDef, m: &'s Measure) -> Result<Self, ReportError> {
        let (field, avg) = match m {
            Measure::Count => {
                return Ok(Measurer {
                    field: None,
                    avg: false,
                })
            }
            Measure::Sum(f) => (f, false),
            Measure::Avg(f) => (f, true),
        };
        let def = module
            .field(field)
            .ok_or_else(|| ReportError::UnknownField(field.clone()))?;
        match def.kind {
            FieldKind::Number | FieldKind::Currency | FieldKind::Percent => Ok(Measurer {
                field: Some(field),
                avg,
            }),
            _ => Err(ReportError::NotANumber(field.clone())),
        }
    }

    pub(super) fn amount(&self, r: &Record, rates: &ExchangeRates) -> Amount {
        let Some(f) = self.field else {
            return Amount::None;
        };
        match r.get(f) {
            Some(Value::Number(n)) => Amount::Number(*n),
            Some(Value::Money(m)) => match rates.in_base(m) {
                InBase::Value(d) => Amount::Money(d),
                InBase::NoRate => Amount::Unconverted,
                InBase::TooLarge => Amount::TooLarge,
            },
            _ => Amount::None,
        }
    }
}

#[derive(Clone, Default)]
pub(super) struct Acc {
    pub(super) count: usize,
    pub(super) with_value: usize,
    pub(super) number: f64,
    pub(super) money: Decimal,
    /// The money summed went beyond what a decimal holds: `money` is meaningless.
    pub(super) too_large: bool,
    pub(super) records: Vec<Slot>,
}

impl Acc {
    pub(super) fn add(&mut self, slot: Slot, a: Amount) {
        self.records.push(slot);
        self.count_in(a);
    }

    /// Counts and measures without keeping the record.
    pub(super) fn count_in(&mut self, a: Amount) {
        self.count += 1;
        match a {
            Amount::Number(n) => {
                self.with_value += 1;
                self.number += n;
            }
            Amount::Money(d) => {
                // Checked: past what a decimal holds the sum cannot be computed
                // (and stays so), never a crash or a number at the limit.
                self.with_value += 1;
                match self.money.checked_add(d) {
                    Some(sum) => self.money = sum,
                    None => self.too_large = true,
                }
            }
            Amount::TooLarge => {
                self.with_value += 1;
                self.too_large = true;
            }
            Amount::None | Amount::Unconverted => {}
        }
    }

    pub(super) fn value(&self, m: &Measurer) -> Option<f64> {
        if m.field.is_none() {
            return Some(self.count as f64);
        }
        if self.with_value == 0 || self.too_large {
            return None;
        }
        let sum = self.number + self.money.to_f64().unwrap_or(0.0);
        Some(if m.avg {
            sum / self.with_value as f64
        } else {
            sum
        })
    }

    pub(super) fn cell(self, m: &Measurer) -> Cell {
        Cell {
            value: self.value(m),
            too_large: self.too_large,
            count: self.count,
            records: self.records,
        }
    }
}
