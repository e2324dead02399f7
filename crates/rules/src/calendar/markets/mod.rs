//! The rule tables, one per market, and the house policy on top of the law.
//!
//! # House policy (not law)
//!
//! Besides each market's statutory public holidays, Reilu never contacts customers on
//! these *no-contact days* ([`DayKind::NoContactDay`](super::DayKind)). They are the
//! house's decision, recorded here so that compliance can review them:
//!
//! * Christmas Eve (24 December) in every market where it is not already a public holiday.
//! * New Year's Eve (31 December) in the Nordics (DK, FI, NO, SE) and DE, AT, CH.
//! * Holy Saturday in NO, DK, FI and SE, and Midsummer Eve (the Friday between 19 and 25
//!   June) in FI and SE: de facto days off that the statutes do not list.
//! * Every regional holiday we can compute — a public holiday in part of a country (DE
//!   states, GB nations, ES autonomous communities, CH cantons, AT states, FR Alsace-Moselle
//!   and overseas departments, BE communities, PT autonomous regions and the two largest
//!   cities, IT's largest cities, FI Åland) — because a customer's region is not always
//!   known. They are named "Regional: <feast> (<regions>)".
//! * A few days the market keeps off by custom or practice, each commented where it is
//!   defined (DK Constitution Day, IE bank-holiday substitutes, ES Monday transfers, NL Good
//!   Friday, PT Carnival, SK days that lost their day-of-rest status, and the like).
//!
//! Over-including a house day costs a day of contact; missing one risks a complaint, so
//! where a region list is approximate it errs on the side of listing the day.

mod central;
mod nordic;
mod south;
mod west;

use super::rule::{Rule, fixed};

/// Christmas Eve: a house no-contact day everywhere (a public holiday in some markets,
/// where the public entry wins).
pub(super) const CHRISTMAS_EVE: Rule = fixed(12, 24, "Christmas Eve").house();
/// New Year's Eve, a house no-contact day in the Nordics and DE/AT/CH.
pub(super) const NEW_YEARS_EVE: Rule = fixed(12, 31, "New Year's Eve").house();

/// Every market, in the order of the brief: ISO 3166-1 alpha-2 code and rule table.
pub(crate) const MARKETS: [(&str, &[Rule]); 23] = [
    ("AT", central::AT),
    ("BE", west::BE),
    ("CH", central::CH),
    ("CZ", central::CZ),
    ("DE", central::DE),
    ("DK", nordic::DK),
    ("EE", nordic::EE),
    ("ES", south::ES),
    ("FI", nordic::FI),
    ("FR", west::FR),
    ("GB", west::GB),
    ("GR", south::GR),
    ("HU", central::HU),
    ("IE", west::IE),
    ("IT", south::IT),
    ("LT", nordic::LT),
    ("LV", nordic::LV),
    ("NL", west::NL),
    ("NO", nordic::NO),
    ("PL", central::PL),
    ("PT", south::PT),
    ("SE", nordic::SE),
    ("SK", central::SK),
];

/// The index of `market` in [`MARKETS`], ASCII case-insensitive, without allocating.
pub(crate) fn market_index(market: &str) -> Option<usize> {
    MARKETS
        .iter()
        .position(|(code, _)| code.eq_ignore_ascii_case(market))
}
