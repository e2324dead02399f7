//! python `holidays` (https://pypi.org/project/holidays/) as a test oracle for the
//! national public holidays of every market, 1990–2100 (from the library's own start year
//! where later: DE, EE, LV 1991, SK 1993, ES 2008). Dates only; names differ.
//!
//! Every disagreement we keep is listed in `KEPT` with the side that has the date and a
//! one-line reason citing the statute; any other disagreement fails the test. Without the
//! library the test is skipped, unless REILU_REQUIRE_ORACLES=1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::process::Command;

use chrono::{Datelike, NaiveDate, Weekday};
use reilu_rules::calendar::{
    DayKind, YEAR_MAX, YEAR_MIN, decreed_days, easter_sunday_gregorian, holidays, markets,
};

/// Which side has a date the other lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// Only python-holidays lists it as a public holiday.
    Oracle,
    /// Only we list it as a public holiday.
    Ours,
}

/// The dates a kept disagreement covers.
#[derive(Debug, Clone, Copy)]
enum Dates {
    One(&'static str),
    List(&'static [&'static str]),
    /// A rule over every year, described in the reason.
    Each(fn(NaiveDate) -> bool),
}

#[derive(Debug, Clone, Copy)]
struct Kept {
    market: &'static str,
    side: Side,
    dates: Dates,
    reason: &'static str,
}

impl Kept {
    fn covers(&self, market: &str, side: Side, date: NaiveDate) -> bool {
        let iso = date.format("%Y-%m-%d").to_string();
        self.market == market
            && self.side == side
            && match self.dates {
                Dates::One(d) => d == iso,
                Dates::List(ds) => ds.contains(&iso.as_str()),
                Dates::Each(f) => f(date),
            }
    }
}

/// The disagreements we keep. `Oracle`: python-holidays lists a public holiday we do not
/// (we may still list the date as a house no-contact day); `Ours`: the reverse.
const KEPT: &[Kept] = &[
    Kept {
        market: "CH",
        side: Side::Oracle,
        dates: Dates::List(&["1990-08-01", "1991-08-01", "1992-08-01", "1993-08-01"]),
        reason: "1 August became a federal holiday only from 1994 (BV Art. 110 (3), vote of \
                 26.9.1993); before, cantonal (we keep it as a regional house day)",
    },
    Kept {
        market: "CZ",
        side: Side::Oracle,
        dates: Dates::Each(|d| d.month() == 11 && d.day() == 17 && d.year() < 2000),
        reason: "17 November is a state holiday from zákon 245/2000 Sb. (in force 9.8.2000); \
                 before, a memorial day and a working day (house day here)",
    },
    Kept {
        market: "ES",
        side: Side::Ours,
        dates: Dates::Each(|d| d.weekday() == Weekday::Sun),
        reason: "RD 2001/1983 art. 45 fixes the national holidays by date; the BOE lists (and \
                 python) omit those on a Sunday, being non-working days anyway",
    },
    Kept {
        market: "FI",
        side: Side::Oracle,
        dates: Dates::Each(|d| {
            (d.month() == 12 && d.day() == 24)
                || (d.month() == 6 && (19..=25).contains(&d.day()) && d.weekday() == Weekday::Fri)
        }),
        reason: "Christmas Eve and Midsummer Eve are not holidays under the Church Act (kirkkolaki \
                 1054/1993) or any statute; days off by collective agreement (house days here)",
    },
    Kept {
        market: "FI",
        side: Side::Oracle,
        dates: Dates::List(&["1991-01-06", "1991-05-09"]),
        reason: "1973–1991 Epiphany was held on the Saturday 6–12 Jan and Ascension on the \
                 Saturday before; back on their own days from 1992, not 1991 (Church calendar)",
    },
    Kept {
        market: "FI",
        side: Side::Ours,
        dates: Dates::List(&["1991-01-12", "1991-05-04"]),
        reason: "the same 1973–1991 Saturday rule: Epiphany 12.1.1991, Ascension 4.5.1991",
    },
    Kept {
        market: "GR",
        side: Side::Oracle,
        dates: Dates::One("2013-05-01"),
        reason: "Labour Day 2013 (Holy Wednesday) was moved to Tuesday 7 May by ministerial decision",
    },
    Kept {
        market: "GR",
        side: Side::Ours,
        dates: Dates::List(&["2013-05-07", "2016-05-03"]),
        reason: "Labour Day moved by ministerial decision: 2013 off Holy Week, 2016 off Easter Sunday",
    },
    Kept {
        market: "GR",
        side: Side::Ours,
        dates: Dates::List(&["2043-05-05", "2054-05-05"]),
        reason: "1 May on Orthodox Good Friday: moved to the next working day as the ministry does \
                 for Holy Week (2013, 2024; N. 4468/2017 art. 14); python moves only off \
                 weekends and Easter Monday",
    },
    Kept {
        market: "HU",
        side: Side::Oracle,
        dates: Dates::Each(|d| decreed_rest_day("HU", d)),
        reason: "bridge days: rest days swapped with a Saturday by each year's decree, not \
                 public holidays under Mt. 102. § (1); ours as decreed no-contact days (checked \
                 day by day in decreed_days_match_python_holidays)",
    },
    Kept {
        market: "HU",
        side: Side::Ours,
        dates: Dates::One("1990-10-23"),
        reason: "1990. évi XXVIII. törvény made 23 October a national holiday in 1990",
    },
    Kept {
        market: "IE",
        side: Side::Oracle,
        dates: Dates::One("2011-09-14"),
        reason: "no holiday that day: the national day of mourning was 14.9.2001 and was not a \
                 public holiday under OWTA 1997 Sch. 2",
    },
    Kept {
        market: "IE",
        side: Side::Oracle,
        dates: Dates::One("1995-05-08"),
        reason: "S.I. 289/1993 / OWTA 1997 Sch. 2: first Monday in May; the 1995 VE-Day move \
                 was a UK proclamation, no Irish order moving it found",
    },
    Kept {
        market: "IE",
        side: Side::Ours,
        dates: Dates::One("1995-05-01"),
        reason: "the first Monday in May 1995 (see 1995-05-08)",
    },
    Kept {
        market: "LT",
        side: Side::Oracle,
        dates: Dates::Each(|d| d.month() == 12 && d.day() == 24 && d.year() < 2010),
        reason: "Christmas Eve was added to the Labour Code holidays by the 2010 amendment (from \
                 2011, 2010 a one-off); a house day before",
    },
    Kept {
        market: "LV",
        side: Side::Oracle,
        dates: Dates::Each(|d| decreed_rest_day("LV", d)),
        reason: "bridge days: working days moved by Cabinet orders, not holidays under the law \
                 \"Par svētku, atceres un atzīmējamām dienām\"; ours as decreed no-contact days",
    },
    Kept {
        market: "NL",
        side: Side::Oracle,
        dates: Dates::Each(|d| {
            easter_sunday_gregorian(d.year()).and_then(|e| e.pred_opt()?.pred_opt()) == Some(d)
        }),
        reason: "Good Friday is not in the Algemene termijnenwet art. 3 list (a house day here)",
    },
    Kept {
        market: "NL",
        side: Side::Ours,
        dates: Dates::Each(|d| d.month() == 5 && d.day() == 5 && d.year() % 5 != 0),
        reason: "Algemene termijnenwet art. 3 lists 5 May every year; python only in lustrum \
                 years (when most collective agreements give the day off)",
    },
];

/// Whether a decree made `date` a rest day in `market` (per our table).
fn decreed_rest_day(market: &str, date: NaiveDate) -> bool {
    decreed_days(market, date.year())
        .unwrap()
        .is_some_and(|decreed| decreed.rest_days.contains(&date))
}

struct Oracle {
    days: BTreeSet<NaiveDate>,
    first: i32,
    last: i32,
}

enum Outcome {
    Ok(Oracle),
    Missing,
}

fn run_oracle(market: &str) -> Outcome {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle/holidays_dump.py");
    let out = match Command::new("python3")
        .arg(script)
        .args([market, &YEAR_MIN.to_string(), &YEAR_MAX.to_string()])
        .output()
    {
        Ok(out) => out,
        Err(_) => return Outcome::Missing,
    };
    if out.status.code() == Some(3) {
        return Outcome::Missing;
    }
    assert!(
        out.status.success(),
        "oracle failed for {market}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut oracle = Oracle {
        days: BTreeSet::new(),
        first: YEAR_MIN,
        last: YEAR_MAX,
    };
    for line in text.lines() {
        if let Some(range) = line.strip_prefix("# range ") {
            let mut parts = range.split(' ').map(|p| p.parse::<i32>().unwrap());
            oracle.first = parts.next().unwrap();
            oracle.last = parts.next().unwrap();
        } else if !line.starts_with('#') {
            let date = line.split('\t').next().unwrap();
            oracle
                .days
                .insert(NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap());
        }
    }
    Outcome::Ok(oracle)
}

#[test]
fn public_holidays_match_python_holidays() {
    let require = std::env::var("REILU_REQUIRE_ORACLES").is_ok_and(|v| v == "1");
    let mut unexpected = Vec::new();
    let mut used = vec![0usize; KEPT.len()];
    for market in markets() {
        let oracle = match run_oracle(market) {
            Outcome::Ok(o) => o,
            Outcome::Missing if require => {
                panic!(
                    "REILU_REQUIRE_ORACLES=1 but python3 cannot import holidays: pip install holidays"
                )
            }
            Outcome::Missing => {
                println!("skipped: python holidays not installed");
                return;
            }
        };
        let mut ours = BTreeSet::new();
        for year in oracle.first..=oracle.last {
            for h in holidays(market, year).unwrap() {
                if h.kind == DayKind::PublicHoliday {
                    ours.insert(h.date);
                }
            }
        }
        let sides = [
            (Side::Oracle, &oracle.days, &ours),
            (Side::Ours, &ours, &oracle.days),
        ];
        for (side, have, lack) in sides {
            for date in have.difference(lack) {
                match KEPT.iter().position(|k| k.covers(market, side, *date)) {
                    Some(i) => used[i] += 1,
                    None => unexpected.push(format!("{market} {date} only {side:?}")),
                }
            }
        }
    }
    for (kept, count) in KEPT.iter().zip(&used).filter(|(_, n)| **n > 0) {
        println!(
            "kept {} {:?} ×{count}: {}",
            kept.market, kept.side, kept.reason
        );
    }
    let stale: Vec<_> = KEPT
        .iter()
        .zip(&used)
        .filter(|(_, n)| **n == 0)
        .map(|(k, _)| k)
        .collect();
    assert!(
        unexpected.is_empty(),
        "{} unexpected disagreements:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    assert!(
        stale.is_empty(),
        "kept disagreements that no longer occur: {stale:#?}"
    );
}

/// Moves (rest day, worked Saturday) we keep that python-holidays does not have, or the reverse.
const KEPT_MOVES: &[(&str, Side, &str, &str, &str)] = &[(
    "HU",
    Side::Ours,
    "2026-12-24",
    "2026-12-12",
    "10/2025. (IV. 30.) NGM rendelet as published moves 24 December 2026 to Saturday 12 December; \
     python dropped it when 24 December became a public holiday (2026. évi LXXII. törvény); \
     whether the decree was amended could not be confirmed",
)];

/// The (rest day, worked Saturday) pairs python-holidays gives for a market, or None without
/// the library.
fn oracle_moves(market: &str) -> Option<BTreeSet<(NaiveDate, NaiveDate)>> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle/holidays_dump.py");
    let out = Command::new("python3")
        .arg(script)
        .args(["--decreed", market])
        .output()
        .ok()?;
    if out.status.code() == Some(3) {
        return None;
    }
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let date = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let moves = text
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| line.split_once('\t').unwrap())
        .map(|(rest, worked)| (date(rest), date(worked)))
        .collect();
    Some(moves)
}

/// Our moves for every year of every known decree of the market.
fn our_moves(market: &str) -> BTreeSet<(NaiveDate, NaiveDate)> {
    let known = decreed_days(market, 2000).unwrap().unwrap();
    (known.known_from..=known.known_until)
        .flat_map(|year| {
            let decreed = decreed_days(market, year).unwrap().unwrap();
            assert!(decreed.known, "{market} {year}");
            assert_eq!(decreed.rest_days.len(), decreed.working_saturdays.len());
            decreed.rest_days.into_iter().zip(decreed.working_saturdays)
        })
        .collect()
}

#[test]
fn decreed_days_match_python_holidays() {
    let require = std::env::var("REILU_REQUIRE_ORACLES").is_ok_and(|v| v == "1");
    let mut unexpected = Vec::new();
    for market in ["HU", "LV"] {
        let Some(oracle) = oracle_moves(market) else {
            assert!(
                !require,
                "REILU_REQUIRE_ORACLES=1 but python3 cannot import holidays"
            );
            println!("skipped: python holidays not installed");
            return;
        };
        let ours = our_moves(market);
        for (side, have, lack) in [(Side::Oracle, &oracle, &ours), (Side::Ours, &ours, &oracle)] {
            for (rest, worked) in have.difference(lack) {
                let kept = KEPT_MOVES.iter().any(|(m, s, r, w, _)| {
                    *m == market && *s == side && *r == rest.to_string() && *w == worked.to_string()
                });
                if !kept {
                    unexpected.push(format!(
                        "{market} rest {rest}, worked {worked}: only {side:?}"
                    ));
                }
            }
        }
    }
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n"));
}

#[test]
fn decreed_rest_days_are_no_contact_weekdays_and_worked_saturdays_ordinary_saturdays() {
    for market in ["HU", "LV"] {
        for (rest, worked) in our_moves(market) {
            assert!(rest.weekday().num_days_from_monday() < 5, "{market} {rest}");
            assert_eq!(worked.weekday(), Weekday::Sat, "{market} {worked}");
            let kind_of = |date: NaiveDate| {
                holidays(market, date.year())
                    .unwrap()
                    .into_iter()
                    .find(|day| day.date == date)
                    .map(|day| day.kind)
            };
            // A rest day is at least a no-contact day (a holiday too in some years, 24 Dec).
            assert!(kind_of(rest).is_some(), "{market} {rest} is a contact day");
            assert_eq!(kind_of(worked), None, "{market} {worked}");
        }
    }
}
