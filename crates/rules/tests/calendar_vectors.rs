//! Hand-checked calendar vectors per market, each citing its source, plus properties over
//! every market and every year 1990–2100.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Datelike, NaiveDate, Weekday};
use proptest::prelude::*;
use reilu_rules::calendar::{
    CalendarError, Calendars, DayKind, Holiday, YEAR_MAX, YEAR_MIN, easter_sunday_gregorian,
    easter_sunday_orthodox, holidays, markets,
};

const P: Option<DayKind> = Some(DayKind::PublicHoliday);
const H: Option<DayKind> = Some(DayKind::NoContactDay);
const O: Option<DayKind> = None;

fn date(iso: &str) -> NaiveDate {
    NaiveDate::parse_from_str(iso, "%Y-%m-%d").unwrap()
}

/// The kind of `iso` in `market` according to `holidays()`.
fn kind(market: &str, iso: &str) -> Option<DayKind> {
    let d = date(iso);
    holidays(market, d.year())
        .unwrap()
        .into_iter()
        .find(|h| h.date == d)
        .map(|h| h.kind)
}

fn name(market: &str, iso: &str) -> String {
    let d = date(iso);
    holidays(market, d.year())
        .unwrap()
        .into_iter()
        .find(|h| h.date == d)
        .unwrap()
        .name
}

/// Checks `vectors`: whitespace-separated pairs of an ISO date and P (public holiday), H
/// (house no-contact day) or O (ordinary day).
fn check(market: &str, vectors: &str) {
    let words: Vec<&str> = vectors.split_whitespace().collect();
    assert_eq!(words.len() % 2, 0, "{market}: odd vector list");
    for pair in words.chunks(2) {
        let expected = match pair[1] {
            "P" => P,
            "H" => H,
            "O" => O,
            other => panic!("{market}: bad kind {other}"),
        };
        assert_eq!(kind(market, pair[0]), expected, "{market} {}", pair[0]);
    }
}

// Western and Orthodox Easter Sundays 1990–2050: the published tables as transcribed in
// python-dateutil's tests/test_easter.py (the Astronomical Society of South Australia's
// Easter dating tables give the same dates). Orthodox dates are civil (Gregorian) dates.
const WESTERN: &str = "\
    1990-04-15 1991-03-31 1992-04-19 1993-04-11 1994-04-03 1995-04-16 1996-04-07 \
    1997-03-30 1998-04-12 1999-04-04 2000-04-23 2001-04-15 2002-03-31 2003-04-20 \
    2004-04-11 2005-03-27 2006-04-16 2007-04-08 2008-03-23 2009-04-12 2010-04-04 \
    2011-04-24 2012-04-08 2013-03-31 2014-04-20 2015-04-05 2016-03-27 2017-04-16 \
    2018-04-01 2019-04-21 2020-04-12 2021-04-04 2022-04-17 2023-04-09 2024-03-31 \
    2025-04-20 2026-04-05 2027-03-28 2028-04-16 2029-04-01 2030-04-21 2031-04-13 \
    2032-03-28 2033-04-17 2034-04-09 2035-03-25 2036-04-13 2037-04-05 2038-04-25 \
    2039-04-10 2040-04-01 2041-04-21 2042-04-06 2043-03-29 2044-04-17 2045-04-09 \
    2046-03-25 2047-04-14 2048-04-05 2049-04-18 2050-04-10";
const ORTHODOX: &str = "\
    1990-04-15 1991-04-07 1992-04-26 1993-04-18 1994-05-01 1995-04-23 1996-04-14 \
    1997-04-27 1998-04-19 1999-04-11 2000-04-30 2001-04-15 2002-05-05 2003-04-27 \
    2004-04-11 2005-05-01 2006-04-23 2007-04-08 2008-04-27 2009-04-19 2010-04-04 \
    2011-04-24 2012-04-15 2013-05-05 2014-04-20 2015-04-12 2016-05-01 2017-04-16 \
    2018-04-08 2019-04-28 2020-04-19 2021-05-02 2022-04-24 2023-04-16 2024-05-05 \
    2025-04-20 2026-04-12 2027-05-02 2028-04-16 2029-04-08 2030-04-28 2031-04-13 \
    2032-05-02 2033-04-24 2034-04-09 2035-04-29 2036-04-20 2037-04-05 2038-04-25 \
    2039-04-17 2040-05-06 2041-04-21 2042-04-13 2043-05-03 2044-04-24 2045-04-09 \
    2046-04-29 2047-04-21 2048-04-05 2049-04-25 2050-04-17";

#[test]
fn easter_matches_published_tables() {
    for d in WESTERN.split_whitespace().map(date) {
        assert_eq!(easter_sunday_gregorian(d.year()), Some(d), "western");
    }
    for d in ORTHODOX.split_whitespace().map(date) {
        assert_eq!(easter_sunday_orthodox(d.year()), Some(d), "orthodox");
    }
    assert_eq!(
        (
            WESTERN.split_whitespace().count(),
            ORTHODOX.split_whitespace().count()
        ),
        (61, 61)
    );
    // 2100: Western 28 March; Orthodox 2 May, the first Orthodox Easter with the 14-day
    // Julian–Gregorian offset (Julian 18 April).
    assert_eq!(easter_sunday_gregorian(2100), Some(date("2100-03-28")));
    assert_eq!(easter_sunday_orthodox(2100), Some(date("2100-05-02")));
    for year in YEAR_MIN..=YEAR_MAX {
        let w = easter_sunday_gregorian(year).unwrap();
        let o = easter_sunday_orthodox(year).unwrap();
        assert_eq!(
            (w.weekday(), o.weekday()),
            (Weekday::Sun, Weekday::Sun),
            "{year}"
        );
        // Orthodox Easter is never before the Western one, and at most five weeks later;
        // Western Easter lies between 22 March and 25 April.
        assert!(o >= w && (o - w).num_days() <= 35, "{year}");
        assert!(
            (w.month(), w.day()) >= (3, 22) && (w.month(), w.day()) <= (4, 25),
            "{year}"
        );
    }
}

// --- Vectors per market -------------------------------------------------------------
// Each list: ISO date then P (public holiday), H (house no-contact day) or O (ordinary).

/// gov.uk/bank-holidays (and the Banking and Financial Dealings Act 1971, Sch. 1): substitute
/// days, one-off bank holidays, and the regional days of Scotland and Northern Ireland.
#[test]
fn gb_bank_holidays() {
    // Christmas on Saturday 2021: Monday 27 and Tuesday 28 are the substitutes.
    check("GB", "2021-12-25 P 2021-12-26 P 2021-12-27 P 2021-12-28 P");
    // Christmas on Sunday 2022: Boxing Day stays on Monday 26, Christmas moves to 27.
    check("GB", "2022-12-26 P 2022-12-27 P 2022-12-28 O");
    // New Year's Day on Sunday 2023: Monday 2 Jan; Scotland's 2 January goes to the 3rd.
    check("GB", "2023-01-02 P 2023-01-03 H");
    // One-offs: VE Day 2020 (instead of 4 May), jubilees, the 2022 funeral, the coronation.
    let v = "2020-05-04 O 2020-05-08 P 2022-05-30 O 2022-06-02 P 2022-06-03 P 2022-09-19 P \
             2023-05-08 P 2011-04-29 P 2002-06-03 P 2002-06-04 P 2012-06-05 P 1999-12-31 P";
    check("GB", v);
    // Good Friday is UK-wide; Easter Monday and the August holidays are regional.
    check("GB", "2024-03-29 P 2024-04-01 H 2024-08-05 H 2024-08-26 H");
    // St Patrick's Day (NI) on Sunday 2024 → Monday 18; St Andrew's Day (Scotland) on
    // Saturday 2024 → Monday 2 December (St Andrew's Day Bank Holiday (Scotland) Act 2007);
    // Battle of the Boyne on Sunday 2026 → Monday 13 July.
    check("GB", "2024-03-18 H 2024-12-02 H 2026-07-13 H");
    assert_eq!(name("GB", "2021-12-27"), "Christmas Day (substitute day)");
    assert_eq!(name("GB", "2023-05-08"), "Coronation of King Charles III");
}

/// Algemene termijnenwet art. 3; Besluit van 2013 on Koningsdag: 27 April, 26 April when
/// the 27th is a Sunday (2014, 2025); Queen's Day 30 April, the 29th when a Sunday (2006).
#[test]
fn nl_kings_day_and_termijnenwet() {
    let v = "2025-04-26 P 2025-04-27 O 2014-04-26 P 2014-04-27 O 2013-04-30 P 2006-04-29 P \
             2006-04-30 O 2024-04-27 P 2024-05-05 P 2024-03-29 H 2024-12-24 H";
    check("NL", v);
}

/// Finland: Church Act (kirkkolaki 1054/1993) — Midsummer Day the Saturday 20–26 June,
/// All Saints' Day the Saturday 31 Oct–6 Nov; Midsummer and Christmas Eve house days.
/// 1973–1991 Epiphany fell on the Saturday 6–12 January (12.1.1991), back from 1992.
#[test]
fn fi_midsummer_and_all_saints() {
    let v = "2024-06-21 H 2024-06-22 P 2024-11-02 P 2024-11-01 O 2025-06-20 H 2025-06-21 P \
             2025-11-01 P 2024-03-30 H 2024-12-24 H 2024-12-31 H 2024-12-06 P 2024-01-06 P \
             1991-01-12 P 1991-01-06 O 1992-01-06 P";
    check("FI", v);
    assert_eq!(name("FI", "2024-06-22"), "Midsummer Day");
}

/// Sweden: lag (1989:253) om allmänna helgdagar; National Day replaced Whit Monday in 2005.
#[test]
fn se_helgdagar() {
    let v = "2024-06-06 P 2024-06-21 H 2024-06-22 P 2024-11-02 P 2004-05-31 P 2005-05-16 O \
             2005-06-06 P 2024-03-30 H";
    check("SE", v);
}

/// Denmark: Store Bededag abolished from 2024 (lov nr. 199 af 28. februar 2023).
#[test]
fn dk_store_bededag() {
    let v = "2023-05-05 P 2024-04-26 O 2024-03-28 P 2024-06-05 H 2024-12-24 H";
    check("DK", v);
}

/// Norway: helligdagsloven § 2 and the 1947 act on 1 and 17 May.
#[test]
fn no_helligdager() {
    check("NO", "2024-05-17 P 2024-03-28 P 2024-03-30 H 2024-12-31 H");
}

/// Germany: Reformation Day nationwide only in 2017; Repentance Day nationwide until 1994
/// (then Saxony only); regional days (Corpus Christi 30.5.2024) as house days.
#[test]
fn de_national_and_regional() {
    let v = "2017-10-31 P 2018-10-31 H 2016-10-31 H 1994-11-16 P 1995-11-22 H 2024-01-06 H \
             2024-10-03 P 2024-05-30 H 2024-12-31 H";
    check("DE", v);
    assert_eq!(name("DE", "2024-01-06"), "Regional: Epiphany (BW, BY, ST)");
}

/// Greece: Orthodox Easter 2024 was 5 May (Clean Monday 18 March, Whit Monday 24 June);
/// Labour Day 2024 moved to 7 May by ministerial decision, 2022 from Sunday to Monday 2 May
/// (N. 4468/2017 art. 14).
#[test]
fn gr_orthodox_easter() {
    let v = "2024-03-18 P 2024-05-03 P 2024-05-06 P 2024-05-07 P 2024-05-01 O 2022-05-02 P \
             2024-06-24 P";
    check("GR", v);
}

/// Ireland: OWTA 1997 Sch. 2; St Brigid's Day (S.I. 58/2022) the first Monday of February,
/// or 1 February when that is a Friday; banks' observed days after a weekend Christmas.
#[test]
fn ie_st_brigid() {
    let v = "2023-02-06 P 2025-02-03 P 2027-02-01 P 2030-02-01 P 2030-02-04 O 2022-02-07 O \
             2022-03-18 P 2021-12-27 H 2021-12-28 H";
    check("IE", v);
}

/// Spain: RD 2001/1983 art. 45; the Monday after a Sunday holiday is a house day.
#[test]
fn es_national_and_regional() {
    let v = "2023-01-01 P 2023-01-02 H 2024-03-28 H 2024-03-29 P 2024-10-12 P 2024-09-11 H";
    check("ES", v);
}

/// France: Code du travail L3133-1; Whit Monday a working "solidarity day" 2005–2007.
#[test]
fn fr_whit_monday() {
    check("FR", "2006-06-05 H 2008-05-12 P 2024-05-08 P 2024-12-26 H");
}

/// Portugal: four holidays suspended 2013–2015 (Lei 23/2012), restored by Lei 8/2016.
#[test]
fn pt_suspended_holidays() {
    let v = "2014-06-19 O 2014-10-05 O 2014-12-01 O 2016-05-26 P 2016-12-01 P 2012-10-05 P";
    check("PT", v);
}

/// Poland: Epiphany from 2011; Christmas Eve a public holiday from 2025.
#[test]
fn pl_additions() {
    let v = "2025-12-24 P 2024-12-24 H 2011-01-06 P 2010-01-06 O 2018-11-12 P";
    check("PL", v);
}

/// Italy: 2 June on the first Sunday of June 1977–2000 (L. 54/1977, restored by L.
/// 336/2000); St Francis (4 October) again a holiday from 2026.
#[test]
fn it_law_changes() {
    let v = "2000-06-04 P 2000-06-02 O 2001-06-02 P 2026-10-04 P 2025-10-04 O 2011-03-17 P";
    check("IT", v);
}

/// Baltics: LV next-working-day rule for 4 May (Saturday 2024 → Monday 6 May); LT All
/// Souls' Day from 2020 and Christmas Eve from 2011; EE Christmas Eve from 2005.
#[test]
fn baltics() {
    check("LV", "2024-05-06 P 2024-11-18 P 2024-06-23 P");
    check("LT", "2020-11-02 P 2019-11-02 O 2011-12-24 P 2009-12-24 H");
    check("EE", "2024-02-24 P 2004-12-24 H 2005-12-24 P");
}

/// Central Europe: CZ Good Friday from 2016 and 17 November from 2000 (zákon 245/2000 Sb.);
/// SK 1 September a working day from 2024; HU Good Friday from 2017; AT, CH, BE basics.
#[test]
fn central_europe() {
    check("CZ", "2016-03-25 P 2015-04-03 O 1999-11-17 H 2000-11-17 P");
    check("SK", "2023-09-01 P 2024-09-01 H 2024-11-17 P 2025-11-17 H");
    check("HU", "2017-04-14 P 2016-03-25 O 2024-10-23 P");
    check("AT", "2024-10-26 P 2024-12-08 P 2024-11-15 H");
    check("CH", "2024-08-01 P 2024-01-02 H 1993-08-01 H 2024-03-29 H");
    check("BE", "2024-07-21 P 2024-07-11 H 2024-11-11 P");
}

// --- API shape ----------------------------------------------------------------------

#[test]
fn serialises_as_documented() {
    let first = holidays("FI", 2027).unwrap().remove(0);
    assert_eq!(
        serde_json::to_string(&first).unwrap(),
        r#"{"date":"2027-01-01","name":"New Year's Day","kind":"public_holiday"}"#
    );
    let kind: DayKind = serde_json::from_str(r#""no_contact_day""#).unwrap();
    assert_eq!(kind, DayKind::NoContactDay);
}

#[test]
fn errors_name_the_market_and_year() {
    let unknown = holidays("XX", 2024).unwrap_err();
    assert_eq!(unknown, CalendarError::UnknownMarket("XX".into()));
    assert!(unknown.to_string().contains("\"XX\""), "{unknown}");
    for year in [1989, 2101] {
        let error = holidays("FI", year).unwrap_err();
        assert_eq!(error, CalendarError::YearOutOfRange(year));
        assert!(error.to_string().contains(&year.to_string()), "{error}");
    }
    assert!(Calendars::build(1989..=2000).is_err());
    assert_eq!(holidays("fi", 2024), holidays("FI", 2024));
}

// --- Properties over every market and year --------------------------------------------

fn check_year_list(market: &str, year: i32, list: &[Holiday]) {
    for pair in list.windows(2) {
        assert!(
            pair[0].date < pair[1].date,
            "{market} {year}: not sorted/unique {pair:?}"
        );
    }
    for h in list {
        assert_eq!(h.date.year(), year, "{market} {year}: {h:?}");
        assert!(!h.name.is_empty());
    }
}

#[test]
fn every_market_every_year_is_sorted_unique_and_matches_calendars() {
    let calendars = Calendars::build(YEAR_MIN..=YEAR_MAX).unwrap();
    for market in markets() {
        for year in YEAR_MIN..=YEAR_MAX {
            let list = holidays(market, year).unwrap();
            check_year_list(market, year, &list);
            let mut day = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
            let mut next = list.iter().peekable();
            while day.year() == year {
                let expected = next.next_if(|h| h.date == day);
                assert_eq!(
                    calendars.kind_of(market, day),
                    expected.map(|h| h.kind),
                    "{market} {day}"
                );
                assert_eq!(
                    calendars.name_of(market, day),
                    expected.map(|h| h.name.as_str())
                );
                day = day.succ_opt().unwrap();
            }
        }
    }
}

fn gate_calendars() -> &'static Calendars {
    static CALENDARS: std::sync::OnceLock<Calendars> = std::sync::OnceLock::new();
    CALENDARS.get_or_init(|| Calendars::build(2020..=2035).unwrap())
}

proptest! {
    /// Inside and outside the built range, `Calendars` agrees with `holidays()`.
    #[test]
    fn calendars_agree_with_holidays(market in 0usize..23, offset in 0i64..(111 * 366)) {
        let market = markets().nth(market).unwrap();
        let day = NaiveDate::from_ymd_opt(YEAR_MIN, 1, 1).unwrap() + chrono::Duration::days(offset);
        prop_assume!(day.year() <= YEAR_MAX);
        let expected = holidays(market, day.year()).unwrap().into_iter().find(|h| h.date == day);
        let calendars = gate_calendars();
        prop_assert_eq!(calendars.kind_of(market, day), expected.as_ref().map(|h| h.kind));
        if let (Some(name), Some(h)) = (calendars.name_of(market, day), expected.as_ref()) {
            // Outside the built range a date with two feasts reports the first name.
            prop_assert!(h.name.starts_with(name), "{} vs {}", name, h.name);
        }
    }
}

#[test]
fn gate_lookup_is_fast() {
    let calendars = gate_calendars();
    let start = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let markets: Vec<&str> = markets().collect();
    let n = 200_000u32;
    let began = std::time::Instant::now();
    let mut hits = 0u32;
    for i in 0..n {
        let day = start + chrono::Duration::days(i64::from(i % 5800));
        if calendars
            .kind_of(markets[i as usize % markets.len()], day)
            .is_some()
        {
            hits += 1;
        }
    }
    let per_call = began.elapsed() / n;
    assert!(hits > 0);
    // Even unoptimised, far below the gate's 5 µs budget.
    assert!(
        per_call < std::time::Duration::from_micros(5),
        "{per_call:?} per look-up"
    );
}
