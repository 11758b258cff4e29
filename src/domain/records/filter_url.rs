//! A list's filters and sort as the query of its address
//! (`f=industry:is:retail&f=created:this_month&s=amount:desc`), so a filtered list
//! can be bookmarked and reloaded. Reading is strict: a part that is malformed, names
//! no field of the module or a condition its type does not offer is left out.

use crate::domain::records::date_range::{parse_day, DateRange, RELATIVE};
use crate::domain::records::field::{FieldKind, MAX_NUMBER};
use crate::domain::records::list_query::{Filter, FilterOp, Sort};
use crate::domain::records::module_def::ModuleDef;
use crate::domain::records::value::format_number;

/// More filters than anyone sets by hand: a crafted link cannot make a query of
/// thousands.
const MOST_FILTERS: usize = 20;

/// The conditions a filter offers on a field of this type, as the words its address
/// uses, in the order a user sees them.
pub fn offered_ops(kind: &FieldKind) -> &'static [&'static str] {
    match kind {
        FieldKind::Checkbox => &["is"],
        FieldKind::Picklist { .. } | FieldKind::MultiSelect { .. } | FieldKind::Lookup { .. } => {
            &["is", "empty", "not_empty"]
        }
        FieldKind::Date | FieldKind::DateTime => &[
            "today",
            "this_week",
            "this_month",
            "this_quarter",
            "last_month",
            "next_30_days",
            "last_30_days",
            "before",
            "after",
            "between",
            "empty",
            "not_empty",
        ],
        FieldKind::Number | FieldKind::Percent | FieldKind::Currency => {
            &["at_least", "at_most", "between", "empty", "not_empty"]
        }
        _ => &["contains", "is", "empty", "not_empty"],
    }
}

/// The word of a filter's condition (as `offered_ops` names it).
pub fn op_word(op: &FilterOp) -> &'static str {
    match op {
        FilterOp::Is(_) => "is",
        FilterOp::Contains(_) => "contains",
        FilterOp::IsEmpty => "empty",
        FilterOp::IsNotEmpty => "not_empty",
        FilterOp::AtLeast(_) => "at_least",
        FilterOp::AtMost(_) => "at_most",
        FilterOp::Between(..) => "between",
        FilterOp::InDates(r) => r.word(),
    }
}

/// The query part of a list's address for these filters and sort ("" for none).
pub fn encode(filters: &[Filter], sort: Option<&Sort>) -> String {
    let mut parts: Vec<String> = filters
        .iter()
        .map(|f| {
            let mut words = vec![escape(&f.field), op_word(&f.op).to_string()];
            match &f.op {
                FilterOp::Is(v) | FilterOp::Contains(v) => words.push(escape(v)),
                FilterOp::AtLeast(n) | FilterOp::AtMost(n) => words.push(format_number(*n)),
                FilterOp::Between(a, b) => {
                    words.push(format_number(*a));
                    words.push(format_number(*b));
                }
                FilterOp::InDates(DateRange::Before(d) | DateRange::After(d)) => {
                    words.push(d.to_string())
                }
                FilterOp::InDates(DateRange::Between(a, b)) => {
                    words.push(a.to_string());
                    words.push(b.to_string());
                }
                FilterOp::IsEmpty | FilterOp::IsNotEmpty | FilterOp::InDates(_) => {}
            }
            format!("f={}", words.join(":"))
        })
        .collect();
    if let Some(s) = sort {
        let way = if s.descending { "desc" } else { "asc" };
        parts.push(format!("s={}:{way}", escape(&s.field)));
    }
    parts.join("&")
}

/// The filters and sort a list's address query holds, for `module`'s fields.
pub fn decode(query: &str, module: &ModuleDef) -> (Vec<Filter>, Option<Sort>) {
    let mut filters = Vec::new();
    let mut sort = None;
    for part in query.split('&') {
        match part.split_once('=') {
            Some(("f", v)) if filters.len() < MOST_FILTERS => {
                filters.extend(decode_filter(v, module));
            }
            Some(("s", v)) => sort = decode_sort(v, module).or(sort),
            _ => {}
        }
    }
    (filters, sort)
}

fn decode_filter(text: &str, module: &ModuleDef) -> Option<Filter> {
    let words: Vec<&str> = text.split(':').collect();
    let (field, word, args) = match words.as_slice() {
        [field, word, args @ ..] => (unescape(field)?, *word, args),
        _ => return None,
    };
    let kind = &module.field(&field)?.kind;
    if !offered_ops(kind).contains(&word) {
        return None;
    }
    let dates = matches!(kind, FieldKind::Date | FieldKind::DateTime);
    let op = match (word, args) {
        ("is", [v]) => FilterOp::Is(unescape(v).filter(|v| !v.is_empty())?),
        ("contains", [v]) => FilterOp::Contains(unescape(v).filter(|v| !v.is_empty())?),
        ("empty", []) => FilterOp::IsEmpty,
        ("not_empty", []) => FilterOp::IsNotEmpty,
        ("at_least", [n]) => FilterOp::AtLeast(number(n)?),
        ("at_most", [n]) => FilterOp::AtMost(number(n)?),
        ("between", [a, b]) if dates => {
            FilterOp::InDates(DateRange::Between(parse_day(a)?, parse_day(b)?))
        }
        ("between", [a, b]) => FilterOp::Between(number(a)?, number(b)?),
        ("before", [d]) => FilterOp::InDates(DateRange::Before(parse_day(d)?)),
        ("after", [d]) => FilterOp::InDates(DateRange::After(parse_day(d)?)),
        (w, []) => FilterOp::InDates(RELATIVE.into_iter().find(|r| r.word() == w)?),
        _ => return None,
    };
    Some(Filter { field, op })
}

fn decode_sort(text: &str, module: &ModuleDef) -> Option<Sort> {
    let (field, way) = text.split_once(':')?;
    let field = unescape(field)?;
    module.field(&field)?;
    let descending = match way {
        "asc" => false,
        "desc" => true,
        _ => return None,
    };
    Some(Sort { field, descending })
}

/// A plain decimal (`-12.5`), finite and within what a number field holds.
fn number(s: &str) -> Option<f64> {
    let plain = !s.is_empty()
        && s.bytes()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || c == b'.' || (i == 0 && c == b'-'));
    let n: f64 = s.parse().ok().filter(|_| plain)?;
    (n.is_finite() && n.abs() <= MAX_NUMBER).then_some(n)
}

/// Percent-encodes all but the unreserved characters, so `:`, `&`, `=` and `#` in a
/// value never split the address.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The text `escape` made, or `None` for a bad escape or bytes that are not UTF-8.
fn unescape(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::interchange::csv_export::Prng;
    use crate::domain::modules::sales_modules::deals;
    use chrono::NaiveDate;

    fn is(field: &str, v: &str) -> Filter {
        Filter {
            field: field.into(),
            op: FilterOp::Is(v.into()),
        }
    }

    #[test]
    fn reads_what_a_user_would_type() {
        let m = deals();
        let (filters, sort) = decode(
            "f=priority:is:high&f=expected_close:this_month&f=amount:at_least:1000&s=amount:desc",
            &m,
        );
        assert_eq!(
            filters,
            vec![
                is("priority", "high"),
                Filter {
                    field: "expected_close".into(),
                    op: FilterOp::InDates(DateRange::ThisMonth)
                },
                Filter {
                    field: "amount".into(),
                    op: FilterOp::AtLeast(1000.0)
                },
            ]
        );
        assert_eq!(
            sort,
            Some(Sort {
                field: "amount".into(),
                descending: true
            })
        );
        let (dates, _) = decode("f=expected_close:between:2026-01-01:2026-03-31", &m);
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert_eq!(
            dates[0].op,
            FilterOp::InDates(DateRange::Between(d(1, 1), d(3, 31)))
        );
        let (numbers, _) = decode("f=amount:between:10:20.5", &m);
        assert_eq!(numbers[0].op, FilterOp::Between(10.0, 20.5));
    }

    #[test]
    fn unknown_and_malformed_parts_are_left_out() {
        let m = deals();
        for bad in [
            "f=no_such_field:is:x",
            "f=priority:this_month",
            "f=amount:contains:1",
            "f=priority:is",
            "f=priority:is:",
            "f=priority:is:a:b",
            "f=priority:empty:x",
            "f=amount:at_least:NaN",
            "f=amount:at_least:inf",
            "f=amount:at_least:1e3",
            "f=amount:at_least:99999999999999999999",
            "f=amount:at_least:",
            "f=amount:between:1",
            "f=expected_close:before:2026-02-30",
            "f=expected_close:between:2026-01-01:soon",
            "f=expected_close:last_year",
            "f=priority:is:%E2%82",
            "f=priority:is:%zz",
            "f=priority:is:%4",
            "f=%ZZ:is:x",
            "f=",
            "f",
            "=",
            "s=amount",
            "s=amount:up",
            "s=nothing:asc",
            "x=priority:is:high",
        ] {
            let (filters, sort) = decode(bad, &m);
            assert!(
                filters.is_empty() && sort.is_none(),
                "{bad}: {filters:?} {sort:?}"
            );
        }
        // One bad part does not spoil the good ones.
        let (filters, _) = decode("f=priority:is:high&f=bogus&&f=source:is:web", &m);
        assert_eq!(filters, vec![is("priority", "high"), is("source", "web")]);
        let many = vec!["f=priority:empty"; 100].join("&");
        assert_eq!(decode(&many, &m).0.len(), MOST_FILTERS);
    }

    #[test]
    fn any_filters_round_trip_and_any_text_decodes_without_panic() {
        let m = deals();
        let texts = ["retail", "a:b&c=d", "ä ö #?%", "شرکت", "100%", " ", "x/y"];
        let numbers = [0.0, 1.5, -20.0, 1e15, 123456.789];
        let day = |n: usize| {
            NaiveDate::from_ymd_opt(2000 + n as i32 % 30, 1 + n as u32 % 12, 1 + n as u32 % 28)
                .unwrap()
        };
        let mut rng = Prng(0x2545_F491_4F6C_DD1D);
        for _ in 0..3_000 {
            let filters: Vec<Filter> = (0..rng.below(4))
                .map(|_| {
                    let f = &m.fields[rng.below(m.fields.len())];
                    let ops = offered_ops(&f.kind);
                    let op = match ops[rng.below(ops.len())] {
                        "is" => FilterOp::Is(rng.pick(&texts).into()),
                        "contains" => FilterOp::Contains(rng.pick(&texts).into()),
                        "empty" => FilterOp::IsEmpty,
                        "not_empty" => FilterOp::IsNotEmpty,
                        "at_least" => FilterOp::AtLeast(rng.pick(&numbers)),
                        "at_most" => FilterOp::AtMost(rng.pick(&numbers)),
                        "between" if matches!(f.kind, FieldKind::Date | FieldKind::DateTime) => {
                            FilterOp::InDates(DateRange::Between(
                                day(rng.below(999)),
                                day(rng.below(999)),
                            ))
                        }
                        "between" => FilterOp::Between(rng.pick(&numbers), rng.pick(&numbers)),
                        "before" => FilterOp::InDates(DateRange::Before(day(rng.below(999)))),
                        "after" => FilterOp::InDates(DateRange::After(day(rng.below(999)))),
                        w => FilterOp::InDates(DateRange::relative(w).unwrap()),
                    };
                    Filter {
                        field: f.key.clone(),
                        op,
                    }
                })
                .collect();
            let sort = (rng.below(2) == 0).then(|| Sort {
                field: m.fields[rng.below(m.fields.len())].key.clone(),
                descending: rng.below(2) == 0,
            });
            let text = encode(&filters, sort.as_ref());
            assert_eq!(decode(&text, &m), (filters, sort), "{text}");

            // Cut and spliced with address characters, it still only ever decodes.
            let mut bytes: Vec<u8> = text.into_bytes();
            for _ in 0..rng.below(6) {
                let at = rng.below(bytes.len() + 1);
                match rng.below(3) {
                    0 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    _ => bytes.insert(at, rng.pick(b":&=%f0-9aA\xc3")),
                }
            }
            let mangled = String::from_utf8_lossy(&bytes);
            for f in decode(&mangled, &m).0 {
                let kind = &m.field(&f.field).unwrap().kind;
                assert!(offered_ops(kind).contains(&op_word(&f.op)), "{mangled}");
            }
        }
    }
}
