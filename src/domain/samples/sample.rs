//! Deterministic sample data for a quick trial: companies and contacts from the
//! markets the product is made for, so every script and direction shows up.

use crate::domain::records::field_values::FieldValues;
use crate::domain::writes::{WriteContext, WritePlan};
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::domain::modules::standard_modules::{COMPANIES, CONTACTS, INDUSTRIES, LEAD_SOURCES};
use crate::domain::records::record::{Record, Timestamp};
use crate::domain::records::record_set::{Dataset, LOCAL_USER};
use crate::domain::records::validate::validate_values;
use crate::domain::records::value::{Money, Value};

/// (company name, city, country, currency, email domain)
const COMPANIES_SEED: &[(&str, &str, &str, &str, &str)] = &[
    (
        "Northwind Traders",
        "Seattle",
        "United States",
        "USD",
        "northwind.example",
    ),
    (
        "Contoso Pharma",
        "Boston",
        "United States",
        "USD",
        "contoso.example",
    ),
    (
        "Fabrikam Logistics",
        "Rotterdam",
        "Netherlands",
        "EUR",
        "fabrikam.example",
    ),
    (
        "Adventure Works",
        "Denver",
        "United States",
        "USD",
        "adventure-works.example",
    ),
    ("Lumen Optics", "Lyon", "France", "EUR", "lumen.example"),
    (
        "Nordlicht Energie",
        "Hamburg",
        "Germany",
        "EUR",
        "nordlicht.example",
    ),
    (
        "صنایع غذایی البرز",
        "تهران",
        "ایران",
        "IRR",
        "alborzfood.example",
    ),
    (
        "شرکت نرم‌افزاری پارسیان",
        "اصفهان",
        "ایران",
        "IRR",
        "parsian-soft.example",
    ),
    ("بازرگانی خلیج", "شیراز", "ایران", "IRR", "khalij.example"),
    (
        "ООО Северсталь Трейд",
        "Москва",
        "Россия",
        "RUB",
        "seversteel.example",
    ),
    (
        "Уральские Машины",
        "Екатеринбург",
        "Россия",
        "RUB",
        "uralmash.example",
    ),
    (
        "Балтик Логистик",
        "Санкт-Петербург",
        "Россия",
        "RUB",
        "baltlog.example",
    ),
    (
        "Anadolu Tekstil A.Ş.",
        "İstanbul",
        "Türkiye",
        "TRY",
        "anadolutekstil.example",
    ),
    (
        "Ege Zeytin Ltd.",
        "İzmir",
        "Türkiye",
        "TRY",
        "egezeytin.example",
    ),
    (
        "Kapadokya Turizm",
        "Nevşehir",
        "Türkiye",
        "TRY",
        "kapadokya.example",
    ),
    (
        "สยามฟู้ดส์ จำกัด",
        "กรุงเทพมหานคร",
        "ประเทศไทย",
        "THB",
        "siamfoods.example",
    ),
    (
        "เชียงใหม่ คราฟท์",
        "เชียงใหม่",
        "ประเทศไทย",
        "THB",
        "cmcraft.example",
    ),
    (
        "Andaman Resorts",
        "Phuket",
        "Thailand",
        "THB",
        "andaman.example",
    ),
    (
        "Blue Fjord Seafood",
        "Bergen",
        "Norway",
        "NOK",
        "bluefjord.example",
    ),
    ("Helios Solar", "Athens", "Greece", "EUR", "helios.example"),
    (
        "Maple Leaf Builders",
        "Toronto",
        "Canada",
        "CAD",
        "mapleleaf.example",
    ),
    (
        "Kiwi Agritech",
        "Auckland",
        "New Zealand",
        "NZD",
        "kiwiagri.example",
    ),
    (
        "Sakura Robotics",
        "Osaka",
        "Japan",
        "JPY",
        "sakura-robotics.example",
    ),
    (
        "Patagonia Wines",
        "Mendoza",
        "Argentina",
        "USD",
        "patagoniawines.example",
    ),
];

/// (first name, last name) per market, matched to the companies above by script.
const PEOPLE_LATIN: &[(&str, &str)] = &[
    ("Anna", "Berg"),
    ("James", "Carter"),
    ("Sofia", "Rossi"),
    ("Liam", "Murphy"),
    ("Emma", "Dubois"),
    ("Noah", "Schmidt"),
    ("Olivia", "Jensen"),
    ("Lucas", "Martin"),
    ("Mia", "Novak"),
    ("Ethan", "Walsh"),
    ("Chloé", "Lefèvre"),
    ("Jonas", "Müller"),
];
const PEOPLE_PERSIAN: &[(&str, &str)] = &[
    ("علی", "کریمی"),
    ("مریم", "احمدی"),
    ("رضا", "حسینی"),
    ("سارا", "محمدی"),
    ("امیر", "رضایی"),
    ("نگار", "موسوی"),
    ("حسین", "جعفری"),
    ("زهرا", "صادقی"),
];
const PEOPLE_RUSSIAN: &[(&str, &str)] = &[
    ("Сергей", "Иванов"),
    ("Анна", "Петрова"),
    ("Дмитрий", "Смирнов"),
    ("Ольга", "Кузнецова"),
    ("Алексей", "Попов"),
    ("Екатерина", "Соколова"),
    ("Пётр", "Волков"),
    ("Наталья", "Фёдорова"),
];
const PEOPLE_TURKISH: &[(&str, &str)] = &[
    ("Çağrı", "Öztürk"),
    ("Ayşe", "Yılmaz"),
    ("Mehmet", "Kaya"),
    ("Elif", "Demir"),
    ("Emre", "Şahin"),
    ("Zeynep", "Çelik"),
    ("Burak", "Aydın"),
    ("Gül", "Arslan"),
];
const PEOPLE_THAI: &[(&str, &str)] = &[
    ("สมชาย", "ใจดี"),
    ("สุดา", "แสงทอง"),
    ("ประยุทธ", "ศรีสุข"),
    ("วิภา", "บุญมา"),
    ("อนันต์", "รุ่งเรือง"),
    ("กมล", "สุขใจ"),
    ("นภา", "ทองดี"),
    ("ชัยวัฒน์", "พงษ์ไทย"),
];
const JOB_TITLES: &[&str] = &[
    "CEO",
    "CFO",
    "Head of Purchasing",
    "Sales Manager",
    "Operations Director",
    "IT Manager",
    "Marketing Lead",
    "Office Manager",
    "Procurement Specialist",
];
const TAGS: &[&str] = &["vip", "newsletter", "trade-fair", "referral", "key-account"];
/// A small deterministic generator, so the sample is the same in every browser.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick(&mut self, items: &[&'static str]) -> &'static str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn people_for(country_currency: &str) -> &'static [(&'static str, &'static str)] {
    match country_currency {
        "IRR" => PEOPLE_PERSIAN,
        "RUB" => PEOPLE_RUSSIAN,
        "TRY" => PEOPLE_TURKISH,
        "THB" => PEOPLE_THAI,
        _ => PEOPLE_LATIN,
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

/// Every sample record; contacts per company vary from two to eight. Ids are fixed so
/// loading the sample twice does not duplicate it.
/// The sample in English (what tests compare against).
pub fn sample_records(now: Timestamp) -> Vec<Record> {
    sample_records_in(now, &|k| crate::i18n::t(crate::i18n::Locale::En, k))
}

/// The sample, its own words (deal names, activity subjects) given by `words` from
/// their translation keys: in the language of the user who loads it.
pub fn sample_records_in(now: Timestamp, words: &dyn Fn(&str) -> String) -> Vec<Record> {
    let mut rng = Lcg(20_261_122);
    let mut out = Vec::new();
    let day: i64 = 86_400_000;
    let mut person_no = 0;
    for (i, (name, city, country, currency, domain)) in COMPANIES_SEED.iter().enumerate() {
        let company_id = format!("sample-company-{:03}", i + 1);
        let mut v: FieldValues = FieldValues::new();
        v.insert("name", text(name));
        v.insert("city", text(city));
        v.insert("country", text(country));
        v.insert("industry", text(rng.pick(INDUSTRIES)));
        v.insert(
            "account_type",
            text(rng.pick(&["prospect", "customer", "customer", "partner", "supplier"])),
        );
        v.insert("website", text(&format!("https://www.{domain}")));
        v.insert("email", text(&format!("info@{domain}")));
        v.insert(
            "phone",
            text(&format!(
                "+{} {} {:04}",
                10 + i,
                100 + rng.next() % 900,
                rng.next() % 10_000
            )),
        );
        v.insert("employees", Value::Number((10 + rng.next() % 5000) as f64));
        let revenue = Decimal::from_str(&format!("{}000", 50 + rng.next() % 9_950)).unwrap();
        v.insert(
            "annual_revenue",
            Value::Money(Box::new(Money {
                amount: revenue,
                currency: currency.to_string(),
            })),
        );
        if i % 3 == 0 {
            v.insert("tags", Value::List(vec![rng.pick(TAGS).to_string()]));
        }
        let created = now - (i as i64 + 30) * day;
        out.push(Record::new(
            company_id.clone(),
            COMPANIES,
            created,
            Some(LOCAL_USER.into()),
            v,
        ));

        let people = people_for(currency);
        let count = 2 + (rng.next() % 7) as usize;
        for k in 0..count {
            person_no += 1;
            let (first, last) = people[(i + k * 3) % people.len()];
            let mut v: FieldValues = FieldValues::new();
            v.insert("first_name", text(first));
            v.insert("last_name", text(last));
            v.insert("job_title", text(rng.pick(JOB_TITLES)));
            v.insert("company", Value::Ref(company_id.clone()));
            let mut emails = vec![format!("contact{person_no}@{domain}")];
            if person_no % 4 == 0 {
                emails.push(format!("p{person_no}.private@mail.example"));
            }
            v.insert("emails", Value::List(emails));
            v.insert(
                "phones",
                Value::List(vec![format!("+{} {} {:04}", 10 + i, 500 + k, person_no)]),
            );
            v.insert("lead_source", text(rng.pick(LEAD_SOURCES)));
            v.insert("city", text(city));
            v.insert("country", text(country));
            if person_no % 5 == 0 {
                v.insert("tags", Value::List(vec![rng.pick(TAGS).to_string()]));
            }
            let created = now - (i as i64 + 1) * day + k as i64 * 60_000;
            out.push(Record::new(
                format!("sample-contact-{person_no:04}"),
                CONTACTS,
                created,
                Some(LOCAL_USER.into()),
                v,
            ));
        }
    }
    let sales = crate::domain::samples::sample_sales::sample_sales_records(now, &out, words);
    out.extend(sales);
    out.extend(crate::domain::samples::sample_leads::sample_lead_records(
        now,
    ));
    let converted = crate::domain::samples::sample_leads::converted_sample_leads(&out, 12);
    out.extend(converted);
    out
}

/// The write that adds the sample data (what of it fits, see `fitting`).
pub fn plan_sample(
    data: &Dataset,
    ctx: &mut WriteContext,
    words: &dyn Fn(&str) -> String,
) -> WritePlan {
    let mut plan = WritePlan::default();
    for r in fitting(data, sample_records_in(ctx.now, words)) {
        plan.insert(r, ctx.user, ctx.new_id);
    }
    plan
}

/// The sample records that can join `data`: those not there yet and valid alongside
/// it. A database whose user removed a default stage just gets fewer sample deals
/// (and what hangs on them) rather than records that point at nothing.
pub fn fitting(data: &Dataset, sample: Vec<Record>) -> Vec<Record> {
    let mut keep: Vec<Record> = sample
        .into_iter()
        .filter(|r| data.get(&r.module, &r.id).is_none())
        .collect();
    let mut merged = data.clone();
    for r in &keep {
        merged.upsert(r.clone());
    }
    loop {
        let (ok, bad): (Vec<Record>, Vec<Record>) = keep.into_iter().partition(|r| {
            merged
                .schema
                .module(&r.module)
                .is_some_and(|m| validate_values(m, &r.values, &r.id, &merged).is_empty())
        });
        keep = ok;
        if bad.is_empty() {
            return keep;
        }
        for r in bad {
            merged.remove(&r.module, &r.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::interchange::backup;
    use crate::domain::modules::standard_modules::standard_schema;
    use crate::domain::sales::pipeline_records::default_pipeline_records;

    #[test]
    fn the_sample_is_written_in_the_language_of_who_loads_it() {
        use crate::i18n::{t, Locale};
        let english = sample_records(1_700_000_000_000);
        for l in [Locale::Fa, Locale::Ru, Locale::Tr, Locale::Th] {
            let theirs = sample_records_in(1_700_000_000_000, &|k| t(l, k));
            assert_eq!(theirs.len(), english.len());
            for (a, b) in english.iter().zip(&theirs) {
                for f in ["title", "subject"] {
                    let (Some(Value::Text(en)), Some(Value::Text(own))) = (a.get(f), b.get(f))
                    else {
                        continue;
                    };
                    assert!(!own.contains("sample."), "{l:?}: a key left: {own}");
                    assert_ne!(en, own, "{l:?}: {f} still in English");
                }
            }
        }
    }

    #[test]
    fn sample_is_deterministic_and_valid() {
        let a = sample_records(1_700_000_000_000);
        let b = sample_records(1_700_000_000_000);
        assert_eq!(a, b);
        assert_eq!(
            a.iter().filter(|r| r.module == COMPANIES).count(),
            COMPANIES_SEED.len()
        );
        let contacts = a.iter().filter(|r| r.module == CONTACTS).count();
        assert!(contacts >= 2 * COMPANIES_SEED.len(), "{contacts}");
        // Passing the backup checks proves every record is valid and every lookup
        // resolves (deals point at the default pipelines a database starts with).
        let mut all = default_pipeline_records(1, &|k| k.to_string());
        all.extend(a.iter().cloned());
        let text = backup::export(&all.iter().collect::<Vec<_>>(), &[], "t");
        assert_eq!(
            backup::parse(&text, &standard_schema()).unwrap().records(),
            all.iter().collect::<Vec<_>>()
        );
        let mut data = crate::domain::records::record_set::Dataset::new(standard_schema());
        for r in default_pipeline_records(1, &|k| k.to_string()) {
            data.upsert(r);
        }
        assert_eq!(fitting(&data, a.clone()).len(), a.len());
        // Without the proposal stage its deals, and what hangs on them, stay out.
        data.remove("stages", "stage-new_business-proposal");
        let fit = fitting(&data, a.clone());
        assert!(fit.len() < a.len());
        assert!(fit.iter().all(
            |r| !matches!(r.get("stage"), Some(Value::Ref(s)) if s == "stage-new_business-proposal")
        ));
        let kept_ids: std::collections::HashSet<_> = fit.iter().map(|r| r.id.as_str()).collect();
        for r in &fit {
            for v in r.values.values() {
                if let Value::Ref(target) = v {
                    assert!(
                        !target.starts_with("sample-deal-") || kept_ids.contains(target.as_str()),
                        "{} links to dropped {target}",
                        r.id
                    );
                }
            }
        }
        // Sample leads carry the scores their sample rules give them.
        let mut loaded = crate::domain::records::record_set::Dataset::new(standard_schema());
        for r in &all {
            loaded.upsert(r.clone());
        }
        let rules = crate::domain::leads::scoring::active_rules(&loaded, None, None);
        assert_eq!(rules.len(), 5);
        assert!(loaded.set("leads").unwrap().len() > 10);
        assert!(crate::domain::leads::scoring::rescore_all(&loaded, &rules, 2).is_empty());
        for module in [
            "deals",
            "activities",
            "members",
            "rates",
            "deal_contacts",
            "leads",
            "scoring_rules",
        ] {
            assert!(a.iter().any(|r| r.module == module), "no sample {module}");
        }
    }
}
