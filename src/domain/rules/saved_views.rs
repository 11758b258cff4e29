//! Saving a list's view: a new one, or the one of that name replaced; marking it
//! the default takes the mark off the list's other views in the same plan.

use crate::domain::modules::view_module::{
    not_default, same_name, view_of, view_records, view_values, SAVED_VIEWS,
};
use crate::domain::records::record_set::Dataset;
use crate::domain::records::validate::FieldError;
use crate::domain::rules::delete::{plan_delete, DeleteError};
use crate::domain::rules::save_plan::plan_save;
use crate::domain::writes::{WriteContext, WritePlan};

/// Plans saving the view `name` of `list` as `query`.
pub fn plan_save_view(
    data: &Dataset,
    list: &str,
    name: &str,
    query: &str,
    default: bool,
    ctx: &mut WriteContext,
) -> Result<WritePlan, Vec<FieldError>> {
    let views = view_records(data, list);
    let before = views
        .iter()
        .find(|r| same_name(&view_of(r).name, name))
        .copied();
    let values = view_values(list, name, query, default);
    let mut plan = plan_save(data, SAVED_VIEWS, before, values, None, ctx)?.write;
    if default {
        for other in views
            .iter()
            .filter(|r| view_of(r).default && before.is_none_or(|b| b.id != r.id))
        {
            let off = plan_save(
                data,
                SAVED_VIEWS,
                Some(other),
                not_default(other),
                None,
                ctx,
            )?;
            plan.extend(off.write);
        }
    }
    Ok(plan)
}

/// Plans deleting the saved view `id`.
pub fn plan_delete_view(
    data: &Dataset,
    id: &str,
    ctx: &mut WriteContext,
) -> Result<WritePlan, DeleteError> {
    plan_delete(data, SAVED_VIEWS, id, ctx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::modules::standard_modules::standard_schema;
    use crate::domain::modules::view_module::{default_view, views_of};
    use crate::domain::records::record_set::LOCAL_USER;
    use crate::domain::records::time_zone::Zone;
    use crate::domain::records::validate::Problem;

    fn save(
        d: &mut Dataset,
        list: &str,
        name: &str,
        query: &str,
        default: bool,
    ) -> Result<(), Vec<FieldError>> {
        let mut n = d.set(SAVED_VIEWS).map_or(0, |s| s.len()) * 100;
        let mut ids = move || {
            n += 1;
            format!("view-{n}")
        };
        let mut ctx = WriteContext {
            now: 10,
            zone: Zone::fixed(0),
            user: LOCAL_USER,
            new_id: &mut ids,
        };
        let plan = plan_save_view(d, list, name, query, default, &mut ctx)?;
        plan.apply_to(d);
        Ok(())
    }

    #[test]
    fn a_view_is_saved_replaced_by_its_name_and_one_is_the_default() {
        let mut d = Dataset::new(standard_schema());
        save(&mut d, "deals", "Big ones", "s=amount:desc", true).unwrap();
        save(&mut d, "deals", "Mine", "q=nordic", false).unwrap();
        save(&mut d, "contacts", "Berlin", "q=berlin", true).unwrap();
        let deals = views_of(&d, "deals");
        assert_eq!(
            deals.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(),
            vec!["Big ones", "Mine"]
        );
        assert_eq!(default_view(&d, "deals").unwrap().name, "Big ones");
        // The same name (folded) replaces it; a new default takes the mark off the old.
        save(&mut d, "deals", " mine ", "q=nordic&s=title:asc", true).unwrap();
        let deals = views_of(&d, "deals");
        assert_eq!(deals.len(), 2);
        let mine = deals.iter().find(|v| v.name == "mine").unwrap();
        assert_eq!(mine.query, "q=nordic&s=title:asc");
        assert_eq!(default_view(&d, "deals").unwrap().id, mine.id);
        assert_eq!(deals.iter().filter(|v| v.default).count(), 1);
        // Another list's default is its own.
        assert_eq!(default_view(&d, "contacts").unwrap().name, "Berlin");
        // Deleted, it is gone from its list.
        let id = mine.id.clone();
        let mut ids = || "x".to_string();
        let mut ctx = WriteContext {
            now: 20,
            zone: Zone::fixed(0),
            user: LOCAL_USER,
            new_id: &mut ids,
        };
        plan_delete_view(&d, &id, &mut ctx)
            .unwrap()
            .apply_to(&mut d);
        assert_eq!(views_of(&d, "deals").len(), 1);
        assert_eq!(default_view(&d, "deals"), None);
    }

    #[test]
    fn a_view_needs_a_name() {
        let mut d = Dataset::new(standard_schema());
        let err = save(&mut d, "deals", "  ", "q=x", false).unwrap_err();
        assert_eq!(err[0].problem, Problem::Required);
        assert!(views_of(&d, "deals").is_empty());
    }
}
