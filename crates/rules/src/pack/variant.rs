//! Altered copies of a rule book, for the probe that proves every rule is applied
//! (`gate::probe`): one rule replaced by another value, or the house's rules left out.

use std::sync::Arc;

use super::{Rule, RuleBook, build_index};

impl RuleBook {
    /// This book with the rule of the same id in the same pack replaced by `replacement`.
    pub(crate) fn with_rule(&self, pack: &str, replacement: &Rule) -> RuleBook {
        let mut book = self.clone();
        let target = if pack == book.house.stamp.pack {
            Some(&mut book.house)
        } else {
            book.markets
                .values_mut()
                .find(|market| market.stamp.pack == pack)
        };
        if let Some(target) = target {
            for rule in &mut target.rules {
                if rule.id == replacement.id {
                    *rule = Arc::new(replacement.clone());
                }
            }
        }
        book.index = build_index(&book.house, &book.markets);
        book
    }

    /// This book with no house rules: the markets' law alone.
    pub(crate) fn law_only(&self) -> RuleBook {
        let mut book = self.clone();
        book.house.rules.clear();
        book.index = build_index(&book.house, &book.markets);
        book
    }
}
