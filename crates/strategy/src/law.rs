//! Checks a strategy's day counts and fees against the rule packs of the markets it serves,
//! read through reilu-rules' public API, so that the gate never has to refuse a shipped step
//! for coming too early. Every version of a rule counts (whatever its dates), and every part
//! of a market (GB's jurisdictions): the strictest figure binds.

use reilu_core::{CustomerKind, MarketCode, Markets};
use reilu_rules::model::{ContactPurpose, FeeKind};
use reilu_rules::pack::{Parameter, Rule, RuleBook, Source, Value};

use crate::StrategyError;
use crate::model::{Step, StepKind, Strategy, TreatmentPath};

/// A factor of 1 in basis points.
const FACTOR_ONE_BP: u32 = 10_000;

/// Checks `strategy` for each market in `served`.
pub(crate) fn check(
    strategy: &Strategy,
    served: &[MarketCode],
    book: &RuleBook,
    markets: &Markets,
) -> Result<(), StrategyError> {
    for path in &strategy.paths {
        let kinds: Vec<CustomerKind> = match path.segment.customer {
            Some(kind) => vec![kind],
            None => vec![CustomerKind::Consumer, CustomerKind::Business],
        };
        let lists = std::iter::once((None, path.steps.as_slice())).chain(
            path.variant_steps
                .iter()
                .map(|(name, steps)| (Some(name.as_str()), steps.as_slice())),
        );
        for (variant, steps) in lists {
            for &market in served {
                let currency = markets
                    .get(market.as_str())
                    .map(|found| found.currency.code().to_owned())
                    .unwrap_or_default();
                for &kind in &kinds {
                    let walk = Walk {
                        strategy,
                        path,
                        variant,
                        book,
                        market,
                        kind,
                        currency: &currency,
                    };
                    walk.check(steps)?;
                }
            }
        }
    }
    Ok(())
}

/// One list of steps, checked for one market and customer kind.
struct Walk<'a> {
    strategy: &'a Strategy,
    path: &'a TreatmentPath,
    variant: Option<&'a str>,
    book: &'a RuleBook,
    market: MarketCode,
    kind: CustomerKind,
    currency: &'a str,
}

impl Walk<'_> {
    fn check(&self, steps: &[Step]) -> Result<(), StrategyError> {
        // Each step's day counted from the due date, for a case entering on it (a later
        // entry only moves every step later, which no minimum forbids).
        let mut days = Vec::with_capacity(steps.len());
        let mut day = 0_i64;
        for step in steps {
            day += i64::from(step.after_days);
            days.push(day);
        }
        for (index, step) in steps.iter().enumerate() {
            let fee = self.charged_fee(step);
            if let Some(fee) = fee {
                self.check_legal_basis(step, fee)?;
                self.check_fee_amount(step, fee)?;
                self.check_fee_timing(steps, &days, index, fee)?;
                self.check_fee_count(steps, index, fee)?;
            }
            if step.kind == StepKind::Demand || fee == Some(FeeKind::Demand) {
                self.check_after_reminder(steps, &days, index)?;
            }
            self.check_time_to_pay(steps, &days, index)?;
        }
        Ok(())
    }

    /// The fee the step proposes in this market, if it names an amount in its currency.
    fn charged_fee(&self, step: &Step) -> Option<FeeKind> {
        let fee = step.fee.as_ref()?;
        fee.amounts_minor
            .contains_key(self.currency)
            .then_some(fee.kind)
    }

    fn rules(&self, parameter: Parameter) -> impl Iterator<Item = &Rule> {
        self.book.rules_any_date(self.market, self.kind, parameter)
    }

    /// The largest day count any rule of the parameter sets, with that rule.
    fn most_days(&self, parameter: Parameter) -> Option<(i64, &Rule)> {
        self.rules(parameter)
            .filter_map(|rule| match rule.value {
                Value::Days(days) => Some((i64::from(days), rule)),
                _ => None,
            })
            .max_by_key(|(days, _)| *days)
    }

    fn error(&self, step: &Step, field: &str, message: String) -> StrategyError {
        let variant = self
            .variant
            .map(|name| format!(".variant[{name}]"))
            .unwrap_or_default();
        let kind = match self.kind {
            CustomerKind::Consumer => "consumer",
            CustomerKind::Business => "business",
        };
        StrategyError {
            file: self.strategy.file.clone(),
            line: step.line,
            field: format!("path[{}]{variant}.step[{}].{field}", self.path.id, step.id),
            message: format!("{} ({kind}): {message}", self.market.as_str()),
        }
    }

    fn check_legal_basis(&self, step: &Step, fee: FeeKind) -> Result<(), StrategyError> {
        if self
            .rules(Parameter::Fee(fee))
            .any(|rule| rule.source == Source::Law)
        {
            return Ok(());
        }
        let message = format!(
            "no law rule of the pack caps a {} fee, so the gate would refuse it",
            fee.as_str()
        );
        Err(self.error(step, "fee.kind", message))
    }

    /// Each band's amount at most the law's cap for the smallest claim of the band (caps
    /// rise with the principal), over every version of the rule, times the largest factor of
    /// the pack's stages: the strategy never proposes more than the law allows the claim,
    /// whatever its stage. (The gate caps to the stage's factor and the totals.)
    fn check_fee_amount(&self, step: &Step, fee: FeeKind) -> Result<(), StrategyError> {
        let Some(bands) = step
            .fee
            .as_ref()
            .and_then(|proposal| proposal.amounts_minor.get(self.currency))
        else {
            return Ok(());
        };
        let factor_bp = self
            .rules(Parameter::FeeFactors(fee))
            .filter_map(|rule| match &rule.value {
                Value::Factors(steps) => steps.iter().map(|step| step.factor_bp).max(),
                _ => None,
            })
            .max()
            .unwrap_or(FACTOR_ONE_BP);
        let mut floor_minor = self.path.segment.principal_from_minor;
        for band in bands {
            let top_minor = band.up_to_principal_minor.unwrap_or(i64::MAX);
            if top_minor >= floor_minor {
                self.check_band(step, fee, band.amount_minor, floor_minor, factor_bp)?;
            }
            floor_minor = floor_minor.max(top_minor.saturating_add(1));
        }
        Ok(())
    }

    fn check_band(
        &self,
        step: &Step,
        fee: FeeKind,
        amount_minor: i64,
        floor_minor: i64,
        factor_bp: u32,
    ) -> Result<(), StrategyError> {
        let highest = self
            .rules(Parameter::Fee(fee))
            .filter(|rule| rule.source == Source::Law)
            .filter_map(|rule| match &rule.value {
                Value::Cap(cap) => Some((cap.for_principal(floor_minor), rule)),
                _ => None,
            })
            .max_by_key(|(cap, _)| *cap);
        let Some((cap_minor, rule)) = highest else {
            return Ok(());
        };
        let allowed_minor =
            i128::from(cap_minor) * i128::from(factor_bp) / i128::from(FACTOR_ONE_BP);
        if i128::from(amount_minor) <= allowed_minor {
            return Ok(());
        }
        let message = format!(
            "proposes {amount_minor} minor units of {} for a claim of {floor_minor}, more than rule {} allows it ({allowed_minor})",
            self.currency, rule.id
        );
        Err(self.error(step, "fee.amount_minor", message))
    }

    fn check_fee_timing(
        &self,
        steps: &[Step],
        days: &[i64],
        index: usize,
        fee: FeeKind,
    ) -> Result<(), StrategyError> {
        let step = &steps[index];
        if let Some((least, rule)) = self.most_days(Parameter::FeeMinDaysAfterDue(fee))
            && days[index] < least
        {
            let message = format!(
                "its {} fee comes {} days after the due date; rule {} requires at least {least} ({})",
                fee.as_str(),
                days[index],
                rule.id,
                rule.citation
            );
            return Err(self.error(step, "after_days", message));
        }
        let previous = (0..index)
            .rev()
            .find(|&j| self.charged_fee(&steps[j]) == Some(fee));
        if let (Some(j), Some((least, rule))) =
            (previous, self.most_days(Parameter::FeeMinDaysBetween(fee)))
            && days[index] - days[j] < least
        {
            let message = format!(
                "its {} fee comes {} days after the one of step `{}`; rule {} requires at least {least} ({})",
                fee.as_str(),
                days[index] - days[j],
                steps[j].id,
                rule.id,
                rule.citation
            );
            return Err(self.error(step, "after_days", message));
        }
        Ok(())
    }

    fn check_fee_count(
        &self,
        steps: &[Step],
        index: usize,
        fee: FeeKind,
    ) -> Result<(), StrategyError> {
        let charged = steps[..=index]
            .iter()
            .filter(|step| self.charged_fee(step) == Some(fee))
            .count();
        let least = self
            .rules(Parameter::FeeMaxCount(fee))
            .filter_map(|rule| match rule.value {
                Value::Count(count) => Some((count, rule)),
                _ => None,
            })
            .min_by_key(|(count, _)| *count);
        match least {
            Some((count, rule)) if charged > usize::try_from(count).unwrap_or(usize::MAX) => {
                let message = format!(
                    "fee {} number {charged}; rule {} allows at most {count} ({})",
                    fee.as_str(),
                    rule.id,
                    rule.citation
                );
                Err(self.error(&steps[index], "fee", message))
            }
            _ => Ok(()),
        }
    }

    /// A payment demand only after a reminder, with whole days between: the gate allows it
    /// from the day after the rule's count has passed (FI: KKV 21.10.2024, never on the 14th
    /// day), so the strategy must leave `days + 1`.
    fn check_after_reminder(
        &self,
        steps: &[Step],
        days: &[i64],
        index: usize,
    ) -> Result<(), StrategyError> {
        let Some((least, rule)) = self.most_days(Parameter::DemandMinDaysAfterReminder) else {
            return Ok(());
        };
        let step = &steps[index];
        let reminder = (0..index)
            .rev()
            .find(|&j| steps[j].kind == StepKind::Reminder);
        let Some(j) = reminder else {
            let message = format!(
                "a payment demand needs a reminder step before it; rule {} ({})",
                rule.id, rule.citation
            );
            return Err(self.error(step, "kind", message));
        };
        let gap = days[index] - days[j];
        if gap < least + 1 {
            let message = format!(
                "comes {gap} days after the reminder `{}`; rule {} requires {least} whole days between, so at least {} ({})",
                steps[j].id,
                rule.id,
                least + 1,
                rule.citation
            );
            return Err(self.error(step, "after_days", message));
        }
        Ok(())
    }

    /// After a demand, the next payment step waits until the demand's time to pay has run
    /// out: it comes on the day after the last day to pay at the earliest.
    fn check_time_to_pay(
        &self,
        steps: &[Step],
        days: &[i64],
        index: usize,
    ) -> Result<(), StrategyError> {
        let step = &steps[index];
        if step.purpose != ContactPurpose::Payment && step.kind != StepKind::LegalReview {
            return Ok(());
        }
        let Some(j) = (0..index).rev().find(|&j| {
            steps[j].purpose == ContactPurpose::Payment || steps[j].kind == StepKind::LegalReview
        }) else {
            return Ok(());
        };
        if !matches!(steps[j].kind, StepKind::Demand | StepKind::RepeatDemand) {
            return Ok(());
        }
        let Some((least, rule)) = self.most_days(Parameter::DemandDaysToPay) else {
            return Ok(());
        };
        let gap = days[index] - days[j];
        if gap <= least {
            let message = format!(
                "comes {gap} days after the demand `{}`, inside its time to pay; rule {} gives {least} days, so at least {} ({})",
                steps[j].id,
                rule.id,
                least + 1,
                rule.citation
            );
            return Err(self.error(step, "after_days", message));
        }
        Ok(())
    }
}
