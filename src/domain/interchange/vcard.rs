//! vCard files in and out (2.1, 3.0 and 4.0 read; 4.0 written). A read gives the
//! CSV import's table, headed the way an Outlook or Google export is, so the
//! contacts import maps and checks it as it does a CSV file.

use crate::domain::interchange::content_line::{escape, push_folded, split_unescaped, unescape};
use crate::domain::interchange::csv_import::{CsvError, Row, Table};
use crate::domain::interchange::person_name::{split_name, NameOrder};
use crate::domain::records::field::FieldKind;
use crate::domain::records::module_def::ModuleDef;
use crate::domain::records::record::Record;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::search::Slot;
use crate::domain::records::value::Value;
use chrono::NaiveDate;

/// One contact as a vCard carries it; empty strings and lists are absent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VcardContact {
    pub first: String,
    pub last: String,
    pub emails: Vec<String>,
    /// (type, number); the type is `cell`, `work`, `home`, `fax` or `other`.
    pub phones: Vec<(String, String)>,
    pub company: Option<String>,
    pub title: Option<String>,
    pub note: Option<String>,
    /// ISO `yyyy-mm-dd`.
    pub birthday: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub tags: Vec<String>,
}

/// A card left out of the import, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct VcardProblem {
    /// 1-based physical line of the file.
    pub line: usize,
    /// 1-based card number in the file (0: before any card).
    pub card: usize,
    pub message_key: &'static str,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VcardImport {
    pub table: Table,
    pub problems: Vec<VcardProblem>,
}

pub const NO_COLON: &str = "vcard.problem.no_colon";
pub const BAD_QUOTED_PRINTABLE: &str = "vcard.problem.bad_quoted_printable";
pub const NO_END: &str = "vcard.problem.no_end";
pub const NO_BEGIN: &str = "vcard.problem.no_begin";

/// Reads every card of a vCard file into a table the contacts import maps.
pub fn read_vcards(bytes: &[u8]) -> Result<VcardImport, CsvError> {
    let (cards, problems) = read_contacts(bytes)?;
    Ok(VcardImport {
        table: to_table(&cards),
        problems,
    })
}

/// The cards read, each with its 1-based number in the file, and the cards skipped.
pub type ReadCards = (Vec<(usize, VcardContact)>, Vec<VcardProblem>);

/// Reads every card of a vCard file as contacts.
pub fn read_contacts(bytes: &[u8]) -> Result<ReadCards, CsvError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| CsvError::NotText)?;
    if text.trim().is_empty() {
        return Err(CsvError::Empty);
    }
    let lines = logical_lines(text);
    let mut cards = Vec::new();
    let mut problems = Vec::new();
    let mut count = 0;
    // The card being read: its number, first line, contents, and whether it broke.
    let mut open: Option<(usize, usize, Vec<Property>, bool)> = None;
    for (line, raw) in lines {
        let is_begin = raw.eq_ignore_ascii_case("BEGIN:VCARD");
        let is_end = raw.eq_ignore_ascii_case("END:VCARD");
        if is_begin {
            if let Some((card, first, _, broken)) = open.take() {
                if !broken {
                    problems.push(problem(first, card, NO_END, "BEGIN:VCARD".into()));
                }
            }
            count += 1;
            open = Some((count, line, Vec::new(), false));
            continue;
        }
        let Some((card, _, props, broken)) = open.as_mut() else {
            if is_end {
                problems.push(problem(line, count, NO_BEGIN, raw));
            }
            // Text outside cards is ignored, as mail headers around an attachment.
            continue;
        };
        if is_end {
            if !*broken {
                cards.push((*card, contact_of(props)));
            }
            open = None;
            continue;
        }
        if *broken {
            continue;
        }
        match parse_property(&raw) {
            Ok(Some(p)) => props.push(p),
            Ok(None) => {}
            Err(key) => {
                problems.push(problem(line, *card, key, raw.chars().take(80).collect()));
                *broken = true;
            }
        }
    }
    if let Some((card, first, _, broken)) = open {
        if !broken {
            problems.push(problem(first, card, NO_END, "BEGIN:VCARD".into()));
        }
    }
    if count == 0 {
        return Err(CsvError::NotCsv("no BEGIN:VCARD".into()));
    }
    Ok((cards, problems))
}

fn problem(line: usize, card: usize, message_key: &'static str, detail: String) -> VcardProblem {
    VcardProblem {
        line,
        card,
        message_key,
        detail,
    }
}

/// Physical lines joined where folded (a leading space or tab) or where a
/// quoted-printable value ends in a soft break (`=`), each with its first line.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut soft = false;
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if soft {
            if let Some(last) = out.last_mut() {
                last.1.pop();
                last.1.push_str(line);
            }
        } else if line.starts_with([' ', '\t']) && !out.is_empty() {
            if let Some(last) = out.last_mut() {
                last.1.push_str(&line[1..]);
            }
        } else if line.trim().is_empty() {
            continue;
        } else {
            out.push((i + 1, line.to_string()));
        }
        soft = out
            .last()
            .is_some_and(|(_, l)| l.ends_with('=') && is_quoted_printable(l));
    }
    out
}

fn is_quoted_printable(line: &str) -> bool {
    let name = match split_colon(line) {
        Some((name, _)) => name,
        None => return false,
    };
    name.to_ascii_uppercase().contains("QUOTED-PRINTABLE")
}

/// The name part and the value, split at the first colon outside a quoted
/// parameter value.
fn split_colon(line: &str) -> Option<(&str, &str)> {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ':' if !quoted => return Some((&line[..i], &line[i + 1..])),
            _ => {}
        }
    }
    None
}

struct Property {
    name: String,
    types: Vec<String>,
    value: String,
}

/// The properties this module reads, their value decoded (not yet unescaped);
/// others are skipped but must still be well formed.
fn parse_property(line: &str) -> Result<Option<Property>, &'static str> {
    let (head, value) = split_colon(line).ok_or(NO_COLON)?;
    let mut parts = head.split(';');
    let name = parts.next().unwrap_or("");
    let name = name.rsplit('.').next().unwrap_or(name).to_ascii_uppercase();
    if name.is_empty() {
        return Err(NO_COLON);
    }
    let mut types = Vec::new();
    let mut qp = false;
    let mut latin1 = false;
    for param in parts {
        let (key, vals) = match param.split_once('=') {
            Some((k, v)) => (k.trim().to_ascii_uppercase(), v),
            // vCard 2.1 writes a bare type or encoding.
            None => (String::new(), param),
        };
        for v in vals.split(',') {
            let v = v.trim().trim_matches('"').to_ascii_lowercase();
            match (key.as_str(), v.as_str()) {
                ("ENCODING" | "", "quoted-printable") => qp = true,
                ("CHARSET", c) => latin1 = matches!(c, "iso-8859-1" | "windows-1252"),
                ("TYPE" | "", t) if !t.is_empty() => types.push(t.to_string()),
                _ => {}
            }
        }
    }
    const READ: &[&str] = &[
        "N",
        "FN",
        "ORG",
        "TITLE",
        "ROLE",
        "EMAIL",
        "TEL",
        "NOTE",
        "BDAY",
        "CATEGORIES",
        "ADR",
    ];
    if !READ.contains(&name.as_str()) {
        return Ok(None);
    }
    let value = if qp {
        let bytes = decode_quoted_printable(value).ok_or(BAD_QUOTED_PRINTABLE)?;
        if latin1 {
            bytes.iter().map(|&b| b as char).collect()
        } else {
            String::from_utf8_lossy(&bytes).into_owned()
        }
    } else {
        value.to_string()
    };
    Ok(Some(Property { name, types, value }))
}

fn decode_quoted_printable(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            let hex = b.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

fn some(s: String) -> Option<String> {
    (!s.trim().is_empty()).then_some(s)
}

fn contact_of(props: &[Property]) -> VcardContact {
    let mut c = VcardContact::default();
    let mut full = String::new();
    let mut role = None;
    let mut have_adr = false;
    for p in props {
        match p.name.as_str() {
            "N" => {
                let n = split_unescaped(&p.value, ';');
                let part = |i: usize| n.get(i).cloned().unwrap_or_default();
                c.last = part(0);
                c.first = [part(1), part(2)]
                    .into_iter()
                    .filter(|s| !s.trim().is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
            }
            "FN" => full = unescape(&p.value),
            "ORG" => {
                c.company = split_unescaped(&p.value, ';')
                    .into_iter()
                    .next()
                    .and_then(some)
            }
            "TITLE" => c.title = some(unescape(&p.value)),
            "ROLE" => role = some(unescape(&p.value)),
            "EMAIL" => c.emails.extend(some(unescape(&p.value))),
            "TEL" => {
                let v = unescape(&p.value);
                let v = v.strip_prefix("tel:").unwrap_or(&v).to_string();
                if let Some(v) = some(v) {
                    c.phones.push((phone_type(&p.types).into(), v));
                }
            }
            "NOTE" => c.note = some(unescape(&p.value)),
            "BDAY" => c.birthday = iso_date(&unescape(&p.value)),
            "CATEGORIES" => c
                .tags
                .extend(split_unescaped(&p.value, ',').into_iter().filter_map(some)),
            "ADR" if !have_adr => {
                have_adr = true;
                let a = split_unescaped(&p.value, ';');
                let part = |i: usize| a.get(i).cloned().and_then(some);
                let street: Vec<String> = [2, 1, 0].iter().filter_map(|&i| part(i)).collect();
                c.street = some(street.join(", "));
                c.city = part(3);
                c.region = part(4);
                c.postal_code = part(5);
                c.country = part(6);
            }
            _ => {}
        }
    }
    if c.title.is_none() {
        c.title = role;
    }
    // A card without N is named by FN, split as a whole-name column is.
    if c.first.trim().is_empty() && c.last.trim().is_empty() {
        let (given, family) = split_name(&full, NameOrder::GivenFirst);
        c.first = given.to_string();
        c.last = family.to_string();
    }
    c
}

fn phone_type(types: &[String]) -> &'static str {
    let has = |t: &str| types.iter().any(|x| x == t);
    if has("cell") || has("mobile") || has("iphone") {
        "cell"
    } else if has("fax") {
        "fax"
    } else if has("work") {
        "work"
    } else if has("home") {
        "home"
    } else {
        "other"
    }
}

/// `1985-04-12`, `19850412` or a date-time from either; a date without a year is
/// dropped (the contacts' birthday is a whole date).
fn iso_date(s: &str) -> Option<String> {
    let s = s.trim();
    let day = s.split('T').next().unwrap_or(s);
    let d = NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(day, "%Y%m%d"))
        .ok()?;
    Some(d.format("%Y-%m-%d").to_string())
}

const MOBILE: &str = "Mobile Phone";
const BUSINESS: &str = "Business Phone";
const HOME: &str = "Home Phone";
const OTHER: &str = "Other Phone";

fn phone_column(kind: &str) -> &'static str {
    match kind {
        "cell" => MOBILE,
        "work" => BUSINESS,
        "home" => HOME,
        _ => OTHER,
    }
}

/// The `n`th (1-based) column of a kind: "E-mail Address", "E-mail 2 Address"…
fn numbered(base: &str, n: usize) -> String {
    match (n, base.strip_suffix(" Address")) {
        (1, _) => base.to_string(),
        (_, Some(stem)) => format!("{stem} {n} Address"),
        _ => format!("{base} {n}"),
    }
}

/// Columns in Outlook's names (which the contacts' import names already map), one
/// value a cell, so an email or phone holding a comma stays whole.
fn to_table(cards: &[(usize, VcardContact)]) -> Table {
    type Column = Box<dyn Fn(&VcardContact) -> String>;
    type Cell = fn(&VcardContact) -> Option<String>;
    let single: [(&str, Cell); 11] = [
        ("First Name", |c| some(c.first.clone())),
        ("Last Name", |c| some(c.last.clone())),
        ("Company", |c| c.company.clone()),
        ("Job Title", |c| c.title.clone()),
        ("Birthday", |c| c.birthday.clone()),
        ("Street Address", |c| c.street.clone()),
        ("City", |c| c.city.clone()),
        ("State", |c| c.region.clone()),
        ("Postal Code", |c| c.postal_code.clone()),
        ("Country", |c| c.country.clone()),
        ("Tags", |c| some(c.tags.join(", "))),
    ];
    let mut headers: Vec<String> = Vec::new();
    let mut columns: Vec<Column> = Vec::new();
    for (i, (h, f)) in single.into_iter().enumerate() {
        if i == 4 {
            let emails = cards.iter().map(|(_, c)| c.emails.len()).max().unwrap_or(0);
            for n in 0..emails {
                headers.push(numbered("E-mail Address", n + 1));
                columns.push(Box::new(move |c| {
                    c.emails.get(n).cloned().unwrap_or_default()
                }));
            }
            for kind in [MOBILE, BUSINESS, HOME, OTHER] {
                let of = move |c: &VcardContact| -> Vec<String> {
                    c.phones
                        .iter()
                        .filter(|(t, _)| phone_column(t) == kind)
                        .map(|(_, v)| v.clone())
                        .collect()
                };
                let most = cards.iter().map(|(_, c)| of(c).len()).max().unwrap_or(0);
                for n in 0..most {
                    headers.push(numbered(kind, n + 1));
                    columns.push(Box::new(move |c| of(c).get(n).cloned().unwrap_or_default()));
                }
            }
        }
        if cards.iter().any(|(_, c)| f(c).is_some()) {
            headers.push(h.to_string());
            columns.push(Box::new(move |c| f(c).unwrap_or_default()));
        }
    }
    if cards.iter().any(|(_, c)| c.note.is_some()) {
        headers.push("Notes".into());
        columns.push(Box::new(|c| c.note.clone().unwrap_or_default()));
    }
    let rows = cards
        .iter()
        .map(|(number, c)| Row {
            number: *number,
            cells: columns.iter().map(|f| f(c)).collect(),
            extra_cells: false,
        })
        .collect();
    Table { headers, rows }
}

/// A vCard 4.0 file of the contacts, CRLF, folded at 75 octets.
pub fn write_vcards(cards: &[VcardContact]) -> String {
    let mut out = String::new();
    for c in cards {
        let mut line = |s: String| push_folded(&mut out, &s);
        line("BEGIN:VCARD".into());
        line("VERSION:4.0".into());
        let full = format!("{} {}", c.first, c.last).trim().to_string();
        let full = if full.is_empty() {
            c.company.clone().unwrap_or_default()
        } else {
            full
        };
        line(format!("FN:{}", escape(&full)));
        line(format!("N:{};{};;;", escape(&c.last), escape(&c.first)));
        if let Some(v) = &c.company {
            line(format!("ORG:{}", escape(v)));
        }
        if let Some(v) = &c.title {
            line(format!("TITLE:{}", escape(v)));
        }
        for e in &c.emails {
            line(format!("EMAIL:{}", escape(e)));
        }
        for (kind, number) in &c.phones {
            let kind: String = kind
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase();
            match kind.as_str() {
                "" | "other" => line(format!("TEL:{}", escape(number))),
                _ => line(format!("TEL;TYPE={kind}:{}", escape(number))),
            }
        }
        if let Some(b) = &c.birthday {
            match NaiveDate::parse_from_str(b, "%Y-%m-%d") {
                Ok(d) => line(format!("BDAY:{}", d.format("%Y%m%d"))),
                Err(_) => line(format!("BDAY;VALUE=text:{}", escape(b))),
            }
        }
        let adr = [&c.street, &c.city, &c.region, &c.postal_code, &c.country];
        if adr.iter().any(|a| a.is_some()) {
            let parts: Vec<String> = adr
                .iter()
                .map(|a| escape(a.as_deref().unwrap_or("")))
                .collect();
            line(format!("ADR:;;{}", parts.join(";")));
        }
        if !c.tags.is_empty() {
            let tags: Vec<String> = c.tags.iter().map(|t| escape(t)).collect();
            line(format!("CATEGORIES:{}", tags.join(",")));
        }
        if let Some(v) = &c.note {
            line(format!("NOTE:{}", escape(v)));
        }
        line("END:VCARD".into());
    }
    out
}

/// A contact record's values as a card; `company_title` is its company's name (the
/// record holds only the company's id).
pub fn contact_to_vcard(
    module: &ModuleDef,
    record: &Record,
    company_title: Option<String>,
) -> VcardContact {
    let get = |key: &str| -> Option<&Value> {
        module
            .fields
            .iter()
            .any(|f| f.key == key)
            .then(|| record.get(key))
            .flatten()
    };
    let plain = |key: &str| get(key).map(Value::to_plain).and_then(some);
    let list = |key: &str| match get(key) {
        Some(Value::List(items)) => items.clone(),
        Some(v) => some(v.to_plain()).into_iter().collect(),
        None => Vec::new(),
    };
    VcardContact {
        first: plain("first_name").unwrap_or_default(),
        last: plain("last_name").unwrap_or_default(),
        emails: list("emails"),
        phones: list("phones")
            .into_iter()
            .map(|p| ("other".to_string(), p))
            .collect(),
        company: company_title.and_then(some),
        title: plain("job_title"),
        note: plain("description"),
        birthday: plain("birthday"),
        street: plain("street"),
        city: plain("city"),
        region: plain("region"),
        postal_code: plain("postal_code"),
        country: plain("country"),
        tags: list("tags"),
    }
}

/// The vCards of the records at `slots` (the rows a list shows, in its order), each
/// with its company by that record's title.
pub fn export(data: &Dataset, module: &str, slots: &[Slot]) -> String {
    let Some(set) = data.set(module) else {
        return String::new();
    };
    let company_module = set.module.field("company").and_then(|f| match &f.kind {
        FieldKind::Lookup { module, .. } => Some(module.clone()),
        _ => None,
    });
    let cards: Vec<VcardContact> = slots
        .iter()
        .filter_map(|s| set.at(*s))
        .map(|r| {
            let company = match (&company_module, r.get("company")) {
                (Some(m), Some(Value::Ref(id))) => data.title(m, id),
                _ => None,
            };
            contact_to_vcard(&set.module, r, company)
        })
        .collect();
    write_vcards(&cards)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::interchange::csv_export::Prng;
    use crate::domain::interchange::csv_import::guess_mapping;
    use crate::domain::modules::standard_modules::{standard_schema, CONTACTS};
    use crate::domain::records::field::Label;

    fn cards(text: &str) -> Vec<(usize, VcardContact)> {
        let (cards, problems) = read_contacts(text.as_bytes()).unwrap();
        assert_eq!(problems, vec![], "{text}");
        cards
    }

    fn cell<'a>(t: &'a Table, row: usize, header: &str) -> &'a str {
        let i = t.headers.iter().position(|h| h == header).unwrap();
        t.rows[row].cells.get(i).map(String::as_str).unwrap_or("")
    }

    #[test]
    fn rfc_6350_example_reads_names_org_phones_address_and_birthday() {
        // RFC 6350 §8, with its folded lines kept.
        let text = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Simon Perreault\r\n\
N:Perreault;Simon;;;ing. jr,M.Sc.\r\nBDAY:--0203\r\nANNIVERSARY:20090808T1430-0500\r\n\
GENDER:M\r\nLANG;PREF=1:fr\r\nORG:Viagenie;Dev\r\nADR;TYPE=work:;Suite D2-630;2875 Laurier;\r\n \
Quebec;QC;G1V 2M2;Canada\r\nTEL;VALUE=uri;TYPE=\"work,voice\";PREF=1:tel:+1-418-656-9254;ext=102\r\n\
TEL;VALUE=uri;TYPE=\"work,cell,voice,video,text\":tel:+1-418-262-6501\r\n\
EMAIL;TYPE=work:simon.perreault@viagenie.ca\r\nGEO;TYPE=work:geo:46.772673,-71.282945\r\n\
KEY;TYPE=work;VALUE=uri:\r\n http://www.viagenie.ca/simon.perreault/simon.asc\r\n\
TZ:-0500\r\nURL;TYPE=home:http://nomis80.org\r\nEND:VCARD\r\n";
        let c = &cards(text)[0].1;
        assert_eq!((c.first.as_str(), c.last.as_str()), ("Simon", "Perreault"));
        assert_eq!(c.company.as_deref(), Some("Viagenie"));
        assert_eq!(c.birthday, None, "no year");
        assert_eq!(c.street.as_deref(), Some("2875 Laurier, Suite D2-630"));
        assert_eq!(c.city.as_deref(), Some("Quebec"));
        assert_eq!(c.postal_code.as_deref(), Some("G1V 2M2"));
        assert_eq!(c.country.as_deref(), Some("Canada"));
        assert_eq!(
            c.phones,
            vec![
                ("work".into(), "+1-418-656-9254;ext=102".into()),
                ("cell".into(), "+1-418-262-6501".into())
            ]
        );
        assert_eq!(c.emails, vec!["simon.perreault@viagenie.ca"]);
    }

    #[test]
    fn an_apple_contacts_export_with_groups_and_several_cards() {
        let text = "\u{feff}BEGIN:VCARD\nVERSION:3.0\nPRODID:-//Apple Inc.//macOS 14.0//EN\n\
N:Appleseed;John;;Mr.;\nFN:Mr. John Appleseed\nORG:Apple Inc.;Engineering\nTITLE:Engineer\n\
item1.EMAIL;type=INTERNET;type=WORK;type=pref:john@example.com\n\
EMAIL;type=INTERNET;type=HOME:j.appleseed@example.org\n\
TEL;type=CELL;type=VOICE;type=pref:+1 (555) 010-2030\nTEL;type=WORK;type=VOICE:+1 555 010 4000\n\
item2.ADR;type=HOME;type=pref:;;1 Infinite Loop;Cupertino;CA;95014;United States\n\
item2.X-ABADR:us\nNOTE:Met at WWDC\\, 2023\\nSecond line\nBDAY:1980-06-01\n\
CATEGORIES:Friends,Work\nPHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD\n \
AAAA==\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nN:;;;;\nFN:Acme\nORG:Acme;\nEND:VCARD\n";
        let all = cards(text);
        let c = &all[0].1;
        assert_eq!((c.first.as_str(), c.last.as_str()), ("John", "Appleseed"));
        assert_eq!(c.title.as_deref(), Some("Engineer"));
        assert_eq!(
            c.emails,
            vec!["john@example.com", "j.appleseed@example.org"]
        );
        assert_eq!(c.phones[0], ("cell".into(), "+1 (555) 010-2030".into()));
        assert_eq!(c.phones[1].0, "work");
        assert_eq!(c.note.as_deref(), Some("Met at WWDC, 2023\nSecond line"));
        assert_eq!(c.birthday.as_deref(), Some("1980-06-01"));
        assert_eq!(c.tags, vec!["Friends", "Work"]);
        assert_eq!(c.region.as_deref(), Some("CA"));
        assert_eq!(
            all[1],
            (
                2,
                VcardContact {
                    last: "Acme".into(),
                    company: Some("Acme".into()),
                    ..Default::default()
                }
            )
        );
        let t = read_vcards(text.as_bytes()).unwrap().table;
        assert_eq!(cell(&t, 0, "E-mail 2 Address"), "j.appleseed@example.org");
        assert_eq!(cell(&t, 0, "Mobile Phone"), "+1 (555) 010-2030");
        assert_eq!(cell(&t, 0, "Business Phone"), "+1 555 010 4000");
        assert_eq!(cell(&t, 0, "Birthday"), "1980-06-01");
        assert_eq!(cell(&t, 1, "Company"), "Acme");
        assert_eq!(
            t.rows.iter().map(|r| r.number).collect::<Vec<_>>(),
            vec![1, 2]
        );
    }

    #[test]
    fn a_google_export_and_a_name_from_fn_alone() {
        let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Maria de la Cruz\r\nN:;;;;\r\n\
EMAIL;TYPE=INTERNET;TYPE=HOME:maria@gmail.com\r\nTEL;TYPE=CELL:+34 600 000 000\r\n\
item1.URL:https\\://maria.example\r\nitem1.X-ABLabel:PROFILE\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cher\r\nEND:VCARD\r\n";
        let all = cards(text);
        assert_eq!(
            (all[0].1.first.as_str(), all[0].1.last.as_str()),
            ("Maria", "de la Cruz")
        );
        assert_eq!(
            (all[1].1.first.as_str(), all[1].1.last.as_str()),
            ("", "Cher")
        );
    }

    #[test]
    fn an_android_2_1_export_with_quoted_printable_persian_and_russian() {
        let text = "BEGIN:VCARD\r\nVERSION:2.1\r\n\
N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=9F=D0=B5=D1=82=D1=80=D0=BE=D0=B2;=D0=98=D0=B2=D0=B0=D0=BD;;;\r\n\
TEL;CELL:+79001234567\r\nTEL;WORK;FAX:+74950000000\r\nEMAIL;HOME:ivan@example.ru\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D8=B9=D9=84=DB=8C=20=D8=B1=D8=B6=\r\n\
=D8=A7=DB=8C=DB=8C\r\nNOTE;CHARSET=UTF-8;QUOTED-PRINTABLE:=DB=8C=D8=A7=D8=AF=D8=AF=D8=A7=D8=B4=D8=AA\r\n\
TEL;HOME;VOICE:021-1234\r\nEND:VCARD\r\n";
        let all = cards(text);
        assert_eq!(
            (all[0].1.first.as_str(), all[0].1.last.as_str()),
            ("Иван", "Петров")
        );
        assert_eq!(all[0].1.phones[1], ("fax".into(), "+74950000000".into()));
        assert_eq!(
            (all[1].1.first.as_str(), all[1].1.last.as_str()),
            ("علی", "رضایی")
        );
        assert_eq!(all[1].1.note.as_deref(), Some("یادداشت"));
        assert_eq!(all[1].1.phones, vec![("home".into(), "021-1234".into())]);
        let t = read_vcards(text.as_bytes()).unwrap().table;
        assert_eq!(cell(&t, 0, "Other Phone"), "+74950000000");
        assert_eq!(cell(&t, 1, "Home Phone"), "021-1234");
    }

    #[test]
    fn broken_cards_are_reported_with_their_line_and_the_others_import() {
        let text = "BEGIN:VCARD\nFN:Ann One\nEND:VCARD\n\
BEGIN:VCARD\nFN:Bad Colon\nthis line has none\nEND:VCARD\n\
BEGIN:VCARD\nFN;ENCODING=QUOTED-PRINTABLE:=+1\nEND:VCARD\n\
END:VCARD\n\
BEGIN:VCARD\nFN:Dan Four\nEND:VCARD\n\
BEGIN:VCARD\nFN:Eve Open\n";
        let r = read_vcards(text.as_bytes()).unwrap();
        let got: Vec<(usize, usize, &str)> = r
            .problems
            .iter()
            .map(|p| (p.line, p.card, p.message_key))
            .collect();
        assert_eq!(
            got,
            vec![
                (6, 2, NO_COLON),
                (9, 3, BAD_QUOTED_PRINTABLE),
                (11, 3, NO_BEGIN),
                (15, 5, NO_END)
            ]
        );
        let names: Vec<(usize, &str)> = r
            .table
            .rows
            .iter()
            .map(|row| (row.number, row.cells[1].as_str()))
            .collect();
        assert_eq!(names, vec![(1, "One"), (4, "Four")]);
    }

    #[test]
    fn files_without_a_card_are_refused() {
        assert_eq!(read_vcards(b""), Err(CsvError::Empty));
        assert_eq!(read_vcards(b"\xff\xfe"), Err(CsvError::NotText));
        assert!(matches!(
            read_vcards(b"Name,Email\nA,a@x.com\n"),
            Err(CsvError::NotCsv(_))
        ));
    }

    fn english(l: &Label) -> Vec<String> {
        match l {
            Label::Key(k) => vec![crate::i18n::t(crate::i18n::Locale::En, k)],
            Label::Text(t) => vec![t.clone()],
        }
    }

    #[test]
    fn every_header_emitted_maps_to_a_contact_field() {
        let full = VcardContact {
            first: "A".into(),
            last: "B".into(),
            emails: vec!["a@x.com".into(), "b@x.com".into()],
            phones: ["cell", "cell", "work", "home", "fax", "other"]
                .iter()
                .map(|t| (t.to_string(), "1".to_string()))
                .collect(),
            company: Some("C".into()),
            title: Some("T".into()),
            note: Some("N".into()),
            birthday: Some("2000-01-02".into()),
            street: Some("S".into()),
            city: Some("C".into()),
            region: Some("R".into()),
            postal_code: Some("P".into()),
            country: Some("K".into()),
            tags: vec!["x".into()],
        };
        let t = read_vcards(write_vcards(&[full]).as_bytes()).unwrap().table;
        let schema = standard_schema();
        let m = schema.module(CONTACTS).unwrap();
        let mapping = guess_mapping(m, &t.headers, &english);
        let got: Vec<(&str, &str)> = t
            .headers
            .iter()
            .zip(&mapping)
            .map(|(h, f)| (h.as_str(), f.as_deref().unwrap_or("-")))
            .collect();
        let want = [
            ("First Name", "first_name"),
            ("Last Name", "last_name"),
            ("Company", "company"),
            ("Job Title", "job_title"),
            ("E-mail Address", "emails"),
            ("E-mail 2 Address", "emails"),
            ("Mobile Phone", "phones"),
            ("Mobile Phone 2", "phones"),
            ("Business Phone", "phones"),
            ("Home Phone", "phones"),
            ("Other Phone", "phones"),
            ("Other Phone 2", "phones"),
            ("Birthday", "birthday"),
            ("Street Address", "street"),
            ("City", "city"),
            ("State", "region"),
            ("Postal Code", "postal_code"),
            ("Country", "country"),
            ("Tags", "tags"),
            ("Notes", "description"),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn written_lines_are_folded_at_75_octets_without_splitting_a_character() {
        let c = VcardContact {
            last: "ไทย".repeat(40),
            note: Some("یک، دو; سه, چهار\\".repeat(10)),
            ..Default::default()
        };
        let text = write_vcards(std::slice::from_ref(&c));
        assert!(text.ends_with("END:VCARD\r\n"));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        assert_eq!(cards(&text), vec![(1, c)]);
    }

    #[test]
    fn contact_records_export_their_values() {
        let schema = standard_schema();
        let m = schema.module(CONTACTS).unwrap();
        let values = [
            ("first_name", Value::Text("Sara".into())),
            ("last_name", Value::Text("Karimi".into())),
            ("emails", Value::List(vec!["s@x.ir".into()])),
            ("phones", Value::List(vec!["+98 21 1".into()])),
            (
                "birthday",
                Value::Date(NaiveDate::from_ymd_opt(1990, 3, 21).unwrap()),
            ),
            ("company", Value::Ref("c1".into())),
            ("city", Value::Text("تهران".into())),
        ];
        let r = Record::new(
            "r".into(),
            CONTACTS,
            1,
            None,
            values
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        );
        let c = contact_to_vcard(m, &r, Some("Pars Co".into()));
        assert_eq!(c.birthday.as_deref(), Some("1990-03-21"));
        assert_eq!(c.company.as_deref(), Some("Pars Co"));
        assert_eq!(c.phones, vec![("other".into(), "+98 21 1".into())]);
        let text = write_vcards(std::slice::from_ref(&c));
        assert_eq!(cards(&text), vec![(1, c)]);
    }

    fn awkward(rng: &mut Prng) -> String {
        let pieces = [
            "a",
            "Z",
            " ",
            ",",
            ";",
            ":",
            "\\",
            "\\n",
            "\n",
            "=",
            "=0",
            "\"",
            "\t",
            "ش",
            "علی",
            "ไทย",
            "Ж",
            "😀",
            "é",
            "item1.",
            "BEGIN:VCARD",
            "END:VCARD",
            "x\u{200c}y",
        ];
        let mut s = String::new();
        for _ in 0..rng.below(30) {
            s.push_str(rng.pick(&pieces));
        }
        s.trim().to_string()
    }

    fn opt(rng: &mut Prng) -> Option<String> {
        some(awkward(rng))
    }

    fn arbitrary_contact(rng: &mut Prng) -> VcardContact {
        let mut c = VcardContact {
            first: awkward(rng),
            last: awkward(rng),
            emails: (0..rng.below(3)).filter_map(|_| opt(rng)).collect(),
            phones: (0..rng.below(4))
                .filter_map(|_| {
                    let kind = rng.pick(&["cell", "work", "home", "fax", "other"]);
                    Some((kind.to_string(), opt(rng)?))
                })
                .collect(),
            company: opt(rng),
            title: opt(rng),
            note: opt(rng),
            birthday: (rng.below(2) == 0).then(|| {
                format!(
                    "19{:02}-0{}-1{}",
                    rng.below(100),
                    1 + rng.below(9),
                    rng.below(10)
                )
            }),
            street: opt(rng),
            city: opt(rng),
            region: opt(rng),
            postal_code: opt(rng),
            country: opt(rng),
            tags: (0..rng.below(3)).filter_map(|_| opt(rng)).collect(),
        };
        // A card with no name at all takes its name from FN, which is the company's.
        if c.first.is_empty() && c.last.is_empty() {
            c.last = "X".into();
        }
        c
    }

    #[test]
    fn anything_written_reads_back_the_same() {
        let mut rng = Prng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..500 {
            let all: Vec<VcardContact> = (0..1 + rng.below(3))
                .map(|_| arbitrary_contact(&mut rng))
                .collect();
            let text = write_vcards(&all);
            let want: Vec<(usize, VcardContact)> = all
                .into_iter()
                .enumerate()
                .map(|(i, c)| (i + 1, c))
                .collect();
            assert_eq!(cards(&text), want, "{text}");
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let mut rng = Prng(0x2545_F491_4F6C_DD1D);
        let pieces: [&[u8]; 16] = [
            b"BEGIN:VCARD",
            b"END:VCARD",
            b"\r\n",
            b"\n",
            b" ",
            b"=",
            b"=C3",
            b";",
            b":",
            b"N;ENCODING=QUOTED-PRINTABLE:",
            b"\xEF\xBB\xBF",
            b"\xff",
            b"\"",
            b"\\",
            b"TEL;CELL",
            "ش".as_bytes(),
        ];
        for _ in 0..5_000 {
            let mut bytes = Vec::new();
            for _ in 0..rng.below(60) {
                bytes.extend_from_slice(rng.pick(&pieces));
            }
            if let Ok(r) = read_vcards(&bytes) {
                for row in &r.table.rows {
                    assert_eq!(row.cells.len(), r.table.headers.len());
                }
            }
        }
    }

    #[test]
    fn a_list_exports_its_rows_in_order_with_their_company_by_name() {
        use crate::domain::modules::standard_modules::{standard_schema, COMPANIES, CONTACTS};
        use crate::domain::records::record_set::LOCAL_USER;
        let mut d = Dataset::new(standard_schema());
        let rec = |id: &str, module: &str, values: Vec<(&str, Value)>| {
            let values = values
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            Record::new(id.into(), module, 1, Some(LOCAL_USER.into()), values)
        };
        d.upsert(rec(
            "c1",
            COMPANIES,
            vec![("name", Value::Text("شرکت پارس".into()))],
        ));
        d.upsert(rec(
            "p1",
            CONTACTS,
            vec![
                ("first_name", Value::Text("Darius".into())),
                ("last_name", Value::Text("Farahani".into())),
                ("company", Value::Ref("c1".into())),
            ],
        ));
        d.upsert(rec(
            "p2",
            CONTACTS,
            vec![("last_name", Value::Text("Öztürk".into()))],
        ));
        let set = d.set(CONTACTS).unwrap();
        let slots = vec![set.slot_of("p2").unwrap(), set.slot_of("p1").unwrap()];
        let text = export(&d, CONTACTS, &slots);
        let read = cards(&text);
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].1.last, "Öztürk");
        assert_eq!(read[1].1.first, "Darius");
        assert_eq!(read[1].1.company.as_deref(), Some("شرکت پارس"));
        assert_eq!(export(&d, "no_such_module", &slots), "");
    }
}
