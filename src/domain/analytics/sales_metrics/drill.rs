//! The sales dashboard as the page sees it: which modules it is over (for choices,
//! titles and links) and the numbers a user can open (`Drill`), each with its
//! address, so the page names no module or field of its own.

use chrono::NaiveDate;

use crate::domain::modules::analytics_modules::QUOTAS;
use crate::domain::modules::lead_module::LEADS;
use crate::domain::modules::sales_modules::{PIPELINES, STAGES};

/// The modules (and the one field) the sales dashboard's choices and titles are of.
pub struct SalesDashboardDef {
    /// The pipeline the funnel shows is a record of this module.
    pub pipelines: &'static str,
    /// The funnel's steps are records of this module.
    pub stages: &'static str,
    /// Lead conversion is counted over this module, by the `lead_source` field.
    pub leads: &'static str,
    pub lead_source: &'static str,
    /// Quota attainment is measured against records of this module.
    pub quotas: &'static str,
}

pub const SALES_DASHBOARD: SalesDashboardDef = SalesDashboardDef {
    pipelines: PIPELINES,
    stages: STAGES,
    leads: LEADS,
    lead_source: "source",
    quotas: QUOTAS,
};

/// A number of the sales dashboard that opens the records behind it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Drill {
    Open,
    Won,
    Lost,
    /// Won and lost.
    Closed,
    /// The deals that reached a stage (its id).
    Funnel(String),
    /// The deals expected to close in a month.
    Forecast(NaiveDate),
    /// A user's activities (the user's id).
    Activities(String),
    Leads,
    Converted,
    /// The leads of a source (`None`: no source given).
    Source(Option<String>),
    /// The won deals counting towards a quota (its id).
    Quota(String),
}

impl Drill {
    /// Reads an address's key (`funnel/<stage id>`, `forecast/2026-03`…).
    pub fn parse(key: &str) -> Option<Drill> {
        let (head, arg) = key.split_once('/').unwrap_or((key, ""));
        let with_arg = |f: fn(String) -> Drill| (!arg.is_empty()).then(|| f(arg.to_string()));
        match head {
            "open" => Some(Drill::Open),
            "won" => Some(Drill::Won),
            "lost" => Some(Drill::Lost),
            "closed" => Some(Drill::Closed),
            "funnel" => with_arg(Drill::Funnel),
            "forecast" => NaiveDate::parse_from_str(&format!("{arg}-01"), "%Y-%m-%d")
                .ok()
                .map(Drill::Forecast),
            "activities" => with_arg(Drill::Activities),
            "leads" => Some(Drill::Leads),
            "converted" => Some(Drill::Converted),
            "source" => Some(Drill::Source((arg != "-").then(|| arg.to_string()))),
            "quota" => with_arg(Drill::Quota),
            _ => None,
        }
    }

    /// What each kind is called in translation keys and addresses.
    pub fn kind(&self) -> &'static str {
        match self {
            Drill::Open => "open",
            Drill::Won => "won",
            Drill::Lost => "lost",
            Drill::Closed => "closed",
            Drill::Funnel(_) => "funnel",
            Drill::Forecast(_) => "forecast",
            Drill::Activities(_) => "activities",
            Drill::Leads => "leads",
            Drill::Converted => "converted",
            Drill::Source(_) => "source",
            Drill::Quota(_) => "quota",
        }
    }

    /// The key of its address; `parse` reads it back.
    pub fn key(&self) -> String {
        let arg = match self {
            Drill::Funnel(a) | Drill::Activities(a) | Drill::Quota(a) => a.clone(),
            Drill::Forecast(m) => m.format("%Y-%m").to_string(),
            Drill::Source(s) => s.clone().unwrap_or_else(|| "-".into()),
            _ => return self.kind().to_string(),
        };
        format!("{}/{arg}", self.kind())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_drill_reads_back_from_its_key() {
        let march = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        for d in [
            Drill::Open,
            Drill::Won,
            Drill::Lost,
            Drill::Closed,
            Drill::Funnel("stage-x".into()),
            Drill::Forecast(march),
            Drill::Activities("member-1".into()),
            Drill::Leads,
            Drill::Converted,
            Drill::Source(Some("web site".into())),
            Drill::Source(None),
            Drill::Quota("quota-1".into()),
        ] {
            assert_eq!(Drill::parse(&d.key()), Some(d.clone()), "{}", d.key());
        }
        assert_eq!(
            Drill::parse("forecast/2026-03").unwrap().key(),
            "forecast/2026-03"
        );
    }

    #[test]
    fn keys_of_no_number_are_refused() {
        for k in [
            "",
            "nothing",
            "funnel",
            "funnel/",
            "forecast/March",
            "quota/",
        ] {
            assert_eq!(Drill::parse(k), None, "{k:?}");
        }
    }
}
