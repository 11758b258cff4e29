//! An email composed from a template on a record: the draft (recipient, subject,
//! body), written as a `mailto:` address for the user's mail client or as an `.eml`
//! file, and the email activity that logs it on the record's timeline. Nothing is
//! sent by the app: the mail client sends it, if the user does.

use crate::domain::modules::activity_module::ACTIVITIES;
use crate::domain::records::field::FieldKind;
use crate::domain::records::field_values::FieldValues;
use crate::domain::records::record::Record;
use crate::domain::records::record_set::Dataset;
use crate::domain::records::validate::FieldError;
use crate::domain::records::value::Value;
use crate::domain::rules::save_plan::plan_save;
use crate::domain::writes::{WriteContext, WritePlan};

/// An email ready for the user's mail client.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub to: String,
    pub subject: String,
    pub body: String,
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A header value in any script, as RFC 2047 writes it (UTF-8, base64), folded so
/// no encoded word is longer than the standard allows.
fn header_words(text: &str) -> String {
    if text.is_ascii() && !text.contains(['\r', '\n']) {
        return text.to_string();
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars().filter(|c| *c != '\r' && *c != '\n') {
        // 45 bytes of UTF-8 make 60 characters of base64: under the 75 allowed.
        if chunk.len() + c.len_utf8() > 45 {
            words.push(format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())));
    }
    words.join("\r\n ")
}

/// The draft as an `.eml` file a mail client opens as a new, unsent message.
pub fn eml(draft: &Draft) -> String {
    let body: String = draft
        .body
        .replace("\r\n", "\n")
        .split('\n')
        .collect::<Vec<_>>()
        .join("\r\n");
    let encoded = base64(body.as_bytes());
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    format!(
        "To: {}\r\nSubject: {}\r\nMIME-Version: 1.0\r\nX-Unsent: 1\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        draft.to.replace(['\r', '\n'], ""),
        header_words(&draft.subject),
        lines.join("\r\n")
    )
}

/// The email activity that logs a composed email on `record`: done, linked to the
/// record through the activity's lookup to its module.
pub fn plan_email_logged(
    data: &Dataset,
    record: &Record,
    subject: &str,
    ctx: &mut WriteContext,
) -> Result<WritePlan, Vec<FieldError>> {
    let mut values: FieldValues = [
        (
            "subject".to_string(),
            Value::Text(subject.chars().take(200).collect()),
        ),
        ("kind".to_string(), Value::Text("email".into())),
        ("done".to_string(), Value::Bool(true)),
    ]
    .into();
    if let Some(link) = data.schema.module(ACTIVITIES).and_then(|a| {
        a.fields.iter().find(
            |f| matches!(&f.kind, FieldKind::Lookup { module, .. } if *module == record.module),
        )
    }) {
        values.insert(&link.key, Value::Ref(record.id.clone()));
    }
    plan_save(data, ACTIVITIES, None, values, None, ctx).map(|p| p.write)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::standard_modules::{standard_schema, CONTACTS};
    use crate::domain::records::record_set::LOCAL_USER;
    use crate::domain::records::time_zone::Zone;

    #[test]
    fn base64_matches_the_standard_examples() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded);
        }
    }

    #[test]
    fn an_eml_file_keeps_persian_and_thai_in_its_subject_and_body() {
        let draft = Draft {
            to: "nat@example.co.th".into(),
            subject: "پیشنهاد برای شرکت پرسپولیس و ข้อเสนอสำหรับคุณ".into(),
            body: "สวัสดี\nسلام".into(),
        };
        let file = eml(&draft);
        assert!(file.starts_with("To: nat@example.co.th\r\nSubject: =?UTF-8?B?"));
        let header = file.split("\r\nMIME-Version").next().unwrap();
        for word in header.split_whitespace().filter(|w| w.starts_with("=?")) {
            assert!(word.len() <= 75, "{word}");
        }
        assert!(file.contains("X-Unsent: 1"));
        assert!(file.ends_with(&format!("{}\r\n", base64("สวัสดี\r\nسلام".as_bytes()))));
    }

    #[test]
    fn a_composed_email_is_logged_as_a_done_email_on_the_record() {
        let mut d = Dataset::new(standard_schema());
        let v: FieldValues = [("last_name".to_string(), Value::Text("Berg".into()))].into();
        d.upsert(Record::new("p".into(), CONTACTS, 1, None, v));
        let mut n = 0;
        let mut ids = move || {
            n += 1;
            format!("id-{n}")
        };
        let mut ctx = WriteContext {
            now: 5,
            zone: Zone::fixed(0),
            user: LOCAL_USER,
            new_id: &mut ids,
        };
        let plan = plan_email_logged(&d, d.get(CONTACTS, "p").unwrap(), "Hello", &mut ctx).unwrap();
        let a = &plan.inserts[0];
        assert_eq!(a.get("kind"), Some(&Value::Text("email".into())));
        assert_eq!(a.get("done"), Some(&Value::Bool(true)));
        assert_eq!(a.get("contact"), Some(&Value::Ref("p".into())));
    }
}
