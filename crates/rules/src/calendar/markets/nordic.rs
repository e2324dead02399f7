//! Nordic and Baltic markets: DK, EE, FI, LT, LV, NO, SE.

use chrono::Weekday::{Fri, Sat, Sun};

use super::super::rule::{Rule, Trigger, easter, fixed, on_or_after, once};
use super::{CHRISTMAS_EVE, NEW_YEARS_EVE};

/// Holy Saturday: a de facto day off in the Nordics, house policy.
const HOLY_SATURDAY: Rule = easter(-1, "Holy Saturday").house();

/// Denmark: Helligdagsloven (lov om helligdage, LBK nr 1100 af 2006) and the repeal of
/// Store Bededag by lov nr. 199 af 28. februar 2023 (no longer a holiday from 2024).
pub(super) const DK: &[Rule] = &[
    fixed(1, 1, "New Year's Day"),
    easter(-3, "Maundy Thursday"),
    easter(-2, "Good Friday"),
    easter(0, "Easter Sunday"),
    easter(1, "Easter Monday"),
    // The fourth Friday after Easter.
    easter(26, "Great Prayer Day").until(2023),
    easter(39, "Ascension Day"),
    easter(49, "Whit Sunday"),
    easter(50, "Whit Monday"),
    fixed(12, 25, "Christmas Day"),
    fixed(12, 26, "Second Day of Christmas"),
    HOLY_SATURDAY,
    // Grundlovsdag is not a public holiday, but most employers close from noon: house day.
    fixed(6, 5, "Constitution Day").house(),
    CHRISTMAS_EVE,
    NEW_YEARS_EVE,
];

/// Estonia: Pühade ja tähtpäevade seadus (RT I 1998, 3, 55) and its 1990s predecessors;
/// Christmas Eve a public holiday since 2005.
pub(super) const EE: &[Rule] = &[
    fixed(1, 1, "New Year's Day"),
    fixed(2, 24, "Independence Day"),
    easter(-2, "Good Friday").since(1994),
    easter(0, "Easter Sunday").since(1994),
    fixed(5, 1, "Spring Day"),
    easter(49, "Whit Sunday").since(1994),
    fixed(6, 23, "Victory Day"),
    fixed(6, 24, "Midsummer Day"),
    fixed(8, 20, "Day of Restoration of Independence").since(1998),
    fixed(11, 16, "Day of Declaration of Sovereignty").until(1993),
    fixed(12, 24, "Christmas Eve").since(2005),
    fixed(12, 25, "Christmas Day"),
    fixed(12, 26, "Second Day of Christmas"),
    CHRISTMAS_EVE,
];

/// Finland: church holidays by the Church Act (kirkkolaki 1054/1993, ch. 4) and its
/// predecessor, May Day and Independence Day by their own acts. Midsummer Day and All
/// Saints' Day moved to Saturdays in 1955; Epiphany and Ascension were held on Saturdays
/// 1973–1991 and returned to their own days in 1992.
pub(super) const FI: &[Rule] = &[
    fixed(1, 1, "New Year's Day"),
    // 1973–1991: the Saturday between 6 and 12 January.
    on_or_after(1, 6, Sat, "Epiphany").until(1991),
    fixed(1, 6, "Epiphany").since(1992),
    easter(-2, "Good Friday"),
    easter(0, "Easter Sunday"),
    easter(1, "Easter Monday"),
    fixed(5, 1, "May Day"),
    // 1973–1991: the Saturday before the traditional Thursday.
    easter(34, "Ascension Day").until(1991),
    easter(39, "Ascension Day").since(1992),
    easter(49, "Whit Sunday"),
    on_or_after(6, 20, Sat, "Midsummer Day"),
    on_or_after(10, 31, Sat, "All Saints' Day"),
    fixed(12, 6, "Independence Day"),
    fixed(12, 25, "Christmas Day"),
    fixed(12, 26, "St Stephen's Day"),
    HOLY_SATURDAY,
    // Midsummer Eve and Christmas Eve are days off by collective agreements, not statute.
    on_or_after(6, 19, Fri, "Midsummer Eve").house(),
    CHRISTMAS_EVE,
    NEW_YEARS_EVE,
    fixed(6, 9, "Regional: Autonomy Day (Åland)").house(),
];

/// Lithuania: Labour Code (Darbo kodeksas, 2016, art. 123; earlier art. 162). Christmas
/// Eve added by the 2010 amendment from 2011, with 24 December 2010 a one-off; All Souls'
/// Day added from 2020.
pub(super) const LT: &[Rule] = &[
    fixed(1, 1, "New Year's Day"),
    fixed(2, 16, "Day of Restoration of the State of Lithuania"),
    fixed(3, 11, "Day of Restoration of Independence of Lithuania"),
    easter(0, "Easter Sunday"),
    easter(1, "Easter Monday"),
    fixed(5, 1, "International Workers' Day"),
    on_or_after(5, 1, Sun, "Mother's Day"),
    on_or_after(6, 1, Sun, "Father's Day"),
    fixed(6, 24, "Day of Dew and Saint John").since(2003),
    fixed(7, 6, "Statehood Day").since(1991),
    fixed(8, 15, "Assumption Day"),
    fixed(11, 1, "All Saints' Day"),
    fixed(11, 2, "All Souls' Day").since(2020),
    once(2010, 12, 24, "Christmas Eve"),
    fixed(12, 24, "Christmas Eve").since(2011),
    fixed(12, 25, "Christmas Day"),
    fixed(12, 26, "Second Day of Christmas"),
    CHRISTMAS_EVE,
];

/// Latvia: likums "Par svētku, atceres un atzīmējamām dienām" (1990, as amended). 4 May
/// and 18 November carry a next-working-day substitute since the 2007 amendment; the
/// one-offs were each enacted by their own amendment.
pub(super) const LV: &[Rule] = &[
    fixed(1, 1, "New Year's Day"),
    easter(-2, "Good Friday"),
    easter(0, "Easter Sunday"),
    easter(1, "Easter Monday").since(1997),
    fixed(5, 1, "Labour Day"),
    fixed(5, 1, "Constitutional Assembly Convocation Day"),
    fixed(5, 4, "Restoration of Independence Day")
        .since(2002)
        .substitute(
            Trigger::Weekend,
            2007,
            "Restoration of Independence Day (substitute day)",
        ),
    on_or_after(5, 8, Sun, "Mother's Day"),
    easter(49, "Whit Sunday").since(1996),
    once(2018, 7, 9, "Song and Dance Celebration closing day"),
    once(2018, 9, 24, "Pastoral visit of Pope Francis"),
    once(2023, 5, 29, "Ice hockey team's bronze medal"),
    once(2023, 7, 10, "Song and Dance Celebration closing day"),
    fixed(6, 23, "Midsummer Eve"),
    fixed(6, 24, "Midsummer Day"),
    fixed(11, 18, "Proclamation Day of the Republic of Latvia").substitute(
        Trigger::Weekend,
        2007,
        "Proclamation Day of the Republic of Latvia (substitute day)",
    ),
    fixed(12, 24, "Christmas Eve").since(2007),
    fixed(12, 25, "Christmas Day"),
    fixed(12, 26, "Second Day of Christmas"),
    fixed(12, 31, "New Year's Eve"),
    CHRISTMAS_EVE,
];

/// Norway: lov om helligdager og helligdagsfred (1995) § 2 and lov om 1. og 17. mai som
/// høgtidsdager (1947).
pub(super) const NO: &[Rule] = &[
    fixed(1, 1, "New Year's Day"),
    easter(-3, "Maundy Thursday"),
    easter(-2, "Good Friday"),
    easter(0, "Easter Sunday"),
    easter(1, "Easter Monday"),
    fixed(5, 1, "Labour Day"),
    fixed(5, 17, "Constitution Day"),
    easter(39, "Ascension Day"),
    easter(49, "Whit Sunday"),
    easter(50, "Whit Monday"),
    fixed(12, 25, "Christmas Day"),
    fixed(12, 26, "Second Day of Christmas"),
    HOLY_SATURDAY,
    CHRISTMAS_EVE,
    NEW_YEARS_EVE,
];

/// Sweden: lag (1989:253) om allmänna helgdagar; National Day replaced Whit Monday from
/// 2005 (SFS 2004:1001).
pub(super) const SE: &[Rule] = &[
    fixed(1, 1, "New Year's Day"),
    fixed(1, 6, "Epiphany"),
    easter(-2, "Good Friday"),
    easter(0, "Easter Sunday"),
    easter(1, "Easter Monday"),
    fixed(5, 1, "May Day"),
    easter(39, "Ascension Day"),
    easter(49, "Whit Sunday"),
    easter(50, "Whit Monday").until(2004),
    fixed(6, 6, "National Day of Sweden").since(2005),
    on_or_after(6, 20, Sat, "Midsummer Day"),
    on_or_after(10, 31, Sat, "All Saints' Day"),
    fixed(12, 25, "Christmas Day"),
    fixed(12, 26, "Second Day of Christmas"),
    HOLY_SATURDAY,
    on_or_after(6, 19, Fri, "Midsummer Eve").house(),
    CHRISTMAS_EVE,
    NEW_YEARS_EVE,
];
