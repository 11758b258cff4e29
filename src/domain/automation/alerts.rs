//! The alerts rules leave for a member: the ones a member sees, newest first, and
//! the plan that marks them read.

use crate::domain::modules::automation_modules::ALERTS;
use crate::domain::records::record::{Record, Timestamp};
use crate::domain::records::record_set::Dataset;
use crate::domain::records::value::Value;
use crate::domain::writes::{WriteContext, WritePlan};

/// One alert as the header's list shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertView {
    pub id: String,
    pub message: String,
    /// The title of the record it is about, and where that record is.
    pub about: String,
    pub module: String,
    pub record_id: String,
    pub read: bool,
    pub at: Timestamp,
}

fn text(r: &Record, key: &str) -> String {
    match r.get(key) {
        Some(Value::Text(s)) => s.clone(),
        _ => String::new(),
    }
}

fn view_of(r: &Record) -> AlertView {
    AlertView {
        id: r.id.clone(),
        message: text(r, "message"),
        about: text(r, "about"),
        module: text(r, "about_module"),
        record_id: text(r, "about_id"),
        read: matches!(r.get("read"), Some(Value::Bool(true))),
        at: r.created_at,
    }
}

fn is_for(r: &Record, member: &str) -> bool {
    matches!(r.get("member"), Some(Value::Ref(m)) if m == member)
}

/// `member`'s alerts, unread first, then newest first; at most `limit`.
pub fn alerts_for(data: &Dataset, member: &str, limit: usize) -> Vec<AlertView> {
    let Some(set) = data.set(ALERTS) else {
        return Vec::new();
    };
    let mut all: Vec<AlertView> = set
        .records()
        .filter(|r| is_for(r, member))
        .map(view_of)
        .collect();
    all.sort_by(|a, b| {
        a.read
            .cmp(&b.read)
            .then(b.at.cmp(&a.at))
            .then(a.id.cmp(&b.id))
    });
    all.truncate(limit);
    all
}

/// How many of `member`'s alerts are unread.
pub fn unread_count(data: &Dataset, member: &str) -> usize {
    data.set(ALERTS).map_or(0, |set| {
        set.records()
            .filter(|r| is_for(r, member) && !matches!(r.get("read"), Some(Value::Bool(true))))
            .count()
    })
}

/// Marks the alerts `ids` read (those already read or gone are left out).
pub fn plan_mark_read(data: &Dataset, ids: &[String], ctx: &mut WriteContext) -> WritePlan {
    let mut plan = WritePlan::default();
    for id in ids {
        let Some(r) = data.get(ALERTS, id) else {
            continue;
        };
        if matches!(r.get("read"), Some(Value::Bool(true))) {
            continue;
        }
        let mut v = r.values.clone();
        v.insert("read", Value::Bool(true));
        if let Some(after) = r.revised(v, r.owner.clone(), ctx.now) {
            plan.update(r.clone(), after, ctx.user, ctx.new_id);
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::standard_modules::standard_schema;
    use crate::domain::records::record_set::LOCAL_USER;
    use crate::domain::records::time_zone::Zone;
    use crate::domain::FieldValues;

    fn alert(id: &str, member: &str, at: Timestamp, read: bool) -> Record {
        let v: FieldValues = [
            ("message".to_string(), Value::Text(format!("m {id}"))),
            ("member".to_string(), Value::Ref(member.into())),
            ("read".to_string(), Value::Bool(read)),
        ]
        .into();
        Record::new(id.into(), ALERTS, at, Some(member.into()), v)
    }

    #[test]
    fn a_member_sees_their_own_alerts_unread_first_and_marks_them_read_in_one_plan() {
        let mut d = Dataset::new(standard_schema());
        d.upsert(alert("old", LOCAL_USER, 1, false));
        d.upsert(alert("new", LOCAL_USER, 5, false));
        d.upsert(alert("seen", LOCAL_USER, 9, true));
        d.upsert(alert("theirs", "maria", 7, false));
        let ids: Vec<String> = alerts_for(&d, LOCAL_USER, 10)
            .into_iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(ids, ["new", "old", "seen"]);
        assert_eq!(unread_count(&d, LOCAL_USER), 2);
        let mut n = 0;
        let mut next = move || {
            n += 1;
            format!("h{n}")
        };
        let mut ctx = WriteContext {
            now: 20,
            zone: Zone::fixed(0),
            user: LOCAL_USER,
            new_id: &mut next,
        };
        let plan = plan_mark_read(&d, &ids, &mut ctx);
        assert_eq!(plan.updates.len(), 2, "the read one is left as it is");
        plan.apply_to(&mut d);
        assert_eq!(unread_count(&d, LOCAL_USER), 0);
        assert_eq!(unread_count(&d, "maria"), 1);
    }
}
