//! The one event after a commit: every listener (other tabs, workflows, sync, views
//! that keep their own state) is told of each committed plan, once, in the order
//! plans committed. Nothing is told of a plan that did not commit.

use super::plan::WritePlan;

type Listener = Box<dyn Fn(&WritePlan)>;

#[derive(Default)]
pub struct CommitListeners {
    listeners: Vec<(u64, Listener)>,
    next: u64,
}

impl CommitListeners {
    /// Adds a listener; the number returned takes it off again.
    pub fn subscribe(&mut self, f: impl Fn(&WritePlan) + 'static) -> u64 {
        self.next += 1;
        self.listeners.push((self.next, Box::new(f)));
        self.next
    }

    pub fn unsubscribe(&mut self, id: u64) {
        self.listeners.retain(|(i, _)| *i != id);
    }

    /// Tells every listener of a committed plan.
    pub fn announce(&self, plan: &WritePlan) {
        for (_, f) in &self.listeners {
            f(plan);
        }
    }

    pub fn len(&self) -> usize {
        self.listeners.len()
    }

    pub fn is_empty(&self) -> bool {
        self.listeners.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    #[test]
    fn each_listener_hears_each_committed_plan_once_until_it_leaves() {
        let heard = Rc::new(RefCell::new(Vec::new()));
        let mut l = CommitListeners::default();
        let h = heard.clone();
        let first = l.subscribe(move |p| h.borrow_mut().push(("first", p.len())));
        let h = heard.clone();
        l.subscribe(move |p| h.borrow_mut().push(("second", p.len())));
        let plan = WritePlan::default();
        l.announce(&plan);
        l.unsubscribe(first);
        l.announce(&plan);
        assert_eq!(
            *heard.borrow(),
            vec![("first", 0), ("second", 0), ("second", 0)]
        );
        assert_eq!(l.len(), 1);
    }
}
