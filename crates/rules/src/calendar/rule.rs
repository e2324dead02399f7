//! Rule descriptors: every holiday of every market is one `Rule` in a per-market table
//! (see `markets/`), and one small engine (`engine.rs`) interprets them. A rule says *when*
//! the day falls (a [`When`]), what it is called, whether it is law or house policy (its
//! [`DayKind`]), the years it is in force, and how the law moves or replaces it when it falls
//! on a weekend ([`Shift`] and [`Substitute`]).

use chrono::Weekday;

use super::DayKind;

/// Where in the year a rule puts its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum When {
    /// The same calendar date every year (New Year's Day, 1 May, national days).
    Fixed { month: u32, day: u32 },
    /// A number of days after (negative: before) Western Easter Sunday, which anchors Good
    /// Friday (-2), Ascension (+39), Whit Sunday (+49), Whit Monday (+50), Corpus Christi (+60).
    Easter(i64),
    /// The same, anchored on Orthodox Easter Sunday (Greece: Clean Monday is -48).
    Orthodox(i64),
    /// The first `weekday` on or after `month`/`day`. This one kind covers "the n-th weekday
    /// of a month" (first Monday of May = first Monday on or after 1 May; second Sunday =
    /// on or after the 8th) and the Nordic "weekday between two dates" rules (Midsummer Day
    /// = the Saturday between 20 and 26 June = first Saturday on or after 20 June).
    OnOrAfter {
        month: u32,
        day: u32,
        weekday: Weekday,
    },
    /// The last `weekday` of the month (GB spring bank holiday: last Monday of May).
    Last { month: u32, weekday: Weekday },
    /// The date itself if it is a Friday, otherwise the first Monday on or after it (IE St
    /// Brigid's Day: 1 February if a Friday, else the first Monday of February).
    FridayOrMonday { month: u32, day: u32 },
}

/// How the day itself moves when it falls on a weekend (the original date stops being a
/// holiday; contrast [`Substitute`], which adds a second day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shift {
    /// Never moves.
    None,
    /// On a Sunday, held on the Saturday before (NL King's Day / Queen's Day).
    SundayToSaturday,
}

/// When a substitute day is owed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trigger {
    /// The day falls on a Saturday or Sunday (GB bank holidays, LV 4 May / 18 November).
    Weekend,
    /// The day falls on a Sunday (ES communities moving national holidays to Monday).
    Sunday,
    /// On a weekend, or on a date already taken by another holiday (Scotland's 2 January
    /// after New Year's substitute Monday; GR Labour Day on Orthodox Easter Monday).
    WeekendOrTaken,
}

/// An extra day granted in place of a holiday that falls on a weekend: the first weekday
/// (Monday to Friday) after the holiday that is not already a holiday or substitute.
/// Substitutes are assigned in date order, which gives the GB pattern exactly: Christmas
/// on Saturday → Monday 27th, Boxing Day on Sunday → Tuesday 28th; Christmas on Sunday →
/// Boxing Day stays on Monday 26th, Christmas moves to Tuesday 27th.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Substitute {
    pub(crate) trigger: Trigger,
    /// First year the law (or house policy) grants the substitute.
    pub(crate) from: i32,
    pub(crate) name: &'static str,
    /// A statutory holiday may carry a house-policy substitute (IE banks' observed days).
    pub(crate) kind: DayKind,
}

/// One holiday rule of one market.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rule {
    pub(crate) when: When,
    pub(crate) name: &'static str,
    pub(crate) kind: DayKind,
    /// First and last year in force (inclusive): law changes are two rules with adjacent
    /// ranges, one-off days are `from == to`.
    pub(crate) from: i32,
    pub(crate) to: i32,
    /// Years inside the range in which the day does not apply (moved by a one-off act, or
    /// suspended); the replacement, if any, is its own one-off rule.
    pub(crate) except: &'static [i32],
    pub(crate) shift: Shift,
    pub(crate) substitute: Option<Substitute>,
}

const fn rule(when: When, name: &'static str) -> Rule {
    Rule {
        when,
        name,
        kind: DayKind::PublicHoliday,
        // Open-ended: a rule without `since`/`until` has always applied and still does.
        from: i32::MIN,
        to: i32::MAX,
        except: &[],
        shift: Shift::None,
        substitute: None,
    }
}

/// A public holiday on a fixed date, every year.
pub(crate) const fn fixed(month: u32, day: u32, name: &'static str) -> Rule {
    rule(When::Fixed { month, day }, name)
}

/// A public holiday `offset` days from Western Easter Sunday.
pub(crate) const fn easter(offset: i64, name: &'static str) -> Rule {
    rule(When::Easter(offset), name)
}

/// A public holiday `offset` days from Orthodox Easter Sunday.
pub(crate) const fn orthodox(offset: i64, name: &'static str) -> Rule {
    rule(When::Orthodox(offset), name)
}

/// A public holiday on the first `weekday` on or after `month`/`day`.
pub(crate) const fn on_or_after(
    month: u32,
    day: u32,
    weekday: Weekday,
    name: &'static str,
) -> Rule {
    rule(
        When::OnOrAfter {
            month,
            day,
            weekday,
        },
        name,
    )
}

/// A public holiday on the first `weekday` of `month`.
pub(crate) const fn first(month: u32, weekday: Weekday, name: &'static str) -> Rule {
    on_or_after(month, 1, weekday, name)
}

/// A public holiday on the last `weekday` of `month`.
pub(crate) const fn last(month: u32, weekday: Weekday, name: &'static str) -> Rule {
    rule(When::Last { month, weekday }, name)
}

/// A public holiday on `month`/`day` if a Friday, else the first Monday on or after it.
pub(crate) const fn friday_or_monday(month: u32, day: u32, name: &'static str) -> Rule {
    rule(When::FridayOrMonday { month, day }, name)
}

/// A one-off public holiday (royal events, anniversaries, moved days).
pub(crate) const fn once(year: i32, month: u32, day: u32, name: &'static str) -> Rule {
    fixed(month, day, name).since(year).until(year)
}

impl Rule {
    /// In force from `year` on.
    pub(crate) const fn since(self, year: i32) -> Self {
        Self { from: year, ..self }
    }

    /// In force up to and including `year`.
    pub(crate) const fn until(self, year: i32) -> Self {
        Self { to: year, ..self }
    }

    /// Not applied in these years.
    pub(crate) const fn except(self, years: &'static [i32]) -> Self {
        Self {
            except: years,
            ..self
        }
    }

    /// A house no-contact day rather than a statutory public holiday.
    pub(crate) const fn house(self) -> Self {
        Self {
            kind: DayKind::NoContactDay,
            ..self
        }
    }

    /// Held on the Saturday before when it falls on a Sunday.
    pub(crate) const fn sunday_to_saturday(self) -> Self {
        Self {
            shift: Shift::SundayToSaturday,
            ..self
        }
    }

    /// Owed a substitute day of the rule's own kind from `from` on.
    pub(crate) const fn substitute(self, trigger: Trigger, from: i32, name: &'static str) -> Self {
        let kind = self.kind;
        Self {
            substitute: Some(Substitute {
                trigger,
                from,
                name,
                kind,
            }),
            ..self
        }
    }

    /// Gets a house no-contact day in place of the holiday (law gives no substitute, but
    /// practice — banks, regional authorities — does).
    pub(crate) const fn house_substitute(self, trigger: Trigger, name: &'static str) -> Self {
        let kind = DayKind::NoContactDay;
        Self {
            substitute: Some(Substitute {
                trigger,
                from: self.from,
                name,
                kind,
            }),
            ..self
        }
    }

    /// Whether the rule applies in `year`.
    pub(crate) fn applies(&self, year: i32) -> bool {
        self.from <= year && year <= self.to && !self.except.contains(&year)
    }
}
