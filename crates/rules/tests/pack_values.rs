//! The statutory figures in the shipped law packs, read back from the loaded rule book and
//! checked at the edges the statutes draw. Every row carries the provision it checks, so a
//! failing row names the law a pack edit broke.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};
use reilu_core::{CustomerKind, MarketCode, Markets};
use reilu_rules::model::{Channel, FeeKind, HoldKind};
use reilu_rules::pack::{
    Cap, Confidence, FactorStep, FactorWhen, LimitationStart, PackStatus, Parameter, Rule,
    RuleBook, Source, Value, ValueKind,
};

use CustomerKind::{Business, Consumer};

fn book() -> &'static RuleBook {
    static BOOK: OnceLock<RuleBook> = OnceLock::new();
    BOOK.get_or_init(|| {
        RuleBook::builtin(&Markets::builtin().unwrap()).unwrap_or_else(|error| panic!("{error}"))
    })
}

fn market(code: &str) -> MarketCode {
    MarketCode::parse(code).unwrap()
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// "1000.01" → 100001 (every currency here has two decimals).
fn minor(text: &str) -> i64 {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, "00"));
    assert_eq!(fraction.len(), 2, "write amounts with two decimals: {text}");
    whole.parse::<i64>().unwrap() * 100 + fraction.parse::<i64>().unwrap()
}

/// "11.75" → 1175 basis points.
fn bp(text: &str) -> u32 {
    u32::try_from(minor(text)).unwrap()
}

/// The market's own (law) rules for this customer on this day, without the house's.
fn law(code: &str, kind: CustomerKind, parameter: Parameter, on: &str) -> Vec<&'static Rule> {
    book()
        .rules(market(code), kind, parameter, date(on))
        .filter(|rule| rule.source == Source::Law)
        .collect()
}

/// The one law rule that sets the parameter, failing with the context if there is none or several.
fn one_law(
    code: &str,
    kind: CustomerKind,
    parameter: Parameter,
    on: &str,
    cite: &str,
) -> &'static Rule {
    let rules = law(code, kind, parameter, on);
    assert_eq!(
        rules.len(),
        1,
        "{code} {kind:?} {} on {on}: expected one law rule ({cite}), found {:?}",
        parameter.name(),
        ids(&rules)
    );
    rules[0]
}

fn ids(rules: &[&Rule]) -> Vec<String> {
    rules.iter().map(|rule| rule.id.to_string()).collect()
}

fn cap_of(rule: &Rule) -> &Cap {
    match &rule.value {
        Value::Cap(cap) => cap,
        other => panic!("{} is not a cap: {other:?}", rule.id),
    }
}

struct CapRow {
    market: &'static str,
    kind: CustomerKind,
    parameter: Parameter,
    on: &'static str,
    principal: &'static str,
    cap: &'static str,
    cite: &'static str,
}

const fn row(
    market: &'static str,
    kind: CustomerKind,
    parameter: Parameter,
    on: &'static str,
    principal: &'static str,
    cap: &'static str,
    cite: &'static str,
) -> CapRow {
    CapRow {
        market,
        kind,
        parameter,
        on,
        principal,
        cap,
        cite,
    }
}

const REMINDER: Parameter = Parameter::Fee(FeeKind::Reminder);
const DEMAND: Parameter = Parameter::Fee(FeeKind::Demand);
const REPEAT: Parameter = Parameter::Fee(FeeKind::RepeatDemand);
const PLAN: Parameter = Parameter::Fee(FeeKind::PaymentPlan);
const COSTS: Parameter = Parameter::Fee(FeeKind::CollectionCosts);
const B2B: Parameter = Parameter::Fee(FeeKind::BusinessCompensation);
const TOTAL: Parameter = Parameter::FeeTotal;

#[rustfmt::skip]
const CAPS: &[CapRow] = &[
    // Finland, perintälaki 513/1999 § 10 a and § 10 d (consumer), 299/2022 (business).
    row("FI", Consumer, REMINDER, "2025-06-01", "50.00", "5.00", "FI perintälaki § 10 a (1) 1: reminder EUR 5"),
    row("FI", Consumer, DEMAND, "2025-06-01", "100.00", "14.00", "FI perintälaki § 10 a (1) 2: EUR 14 up to EUR 100"),
    row("FI", Consumer, DEMAND, "2025-06-01", "100.01", "24.00", "FI perintälaki § 10 a (1) 2: EUR 24 above EUR 100"),
    row("FI", Consumer, DEMAND, "2025-06-01", "1000.00", "24.00", "FI perintälaki § 10 a (1) 2: EUR 24 up to EUR 1,000"),
    row("FI", Consumer, DEMAND, "2025-06-01", "1000.01", "50.00", "FI perintälaki § 10 a (1) 2: EUR 50 above EUR 1,000"),
    row("FI", Consumer, REPEAT, "2025-06-01", "1000.01", "25.00", "FI perintälaki § 10 a: a repeat demand half the first's cap"),
    row("FI", Consumer, PLAN, "2025-06-01", "1000.01", "50.00", "FI perintälaki § 10 a (1) 3: plan EUR 50 above EUR 1,000"),
    row("FI", Consumer, TOTAL, "2025-06-01", "100.00", "60.00", "FI perintälaki § 10 d: total EUR 60 up to EUR 100"),
    row("FI", Consumer, TOTAL, "2025-06-01", "1000.01", "210.00", "FI perintälaki § 10 d: total EUR 210 above EUR 1,000"),
    row("FI", Business, REMINDER, "2025-06-01", "50.00", "12.00", "FI perintälaki as amended by 299/2022: business reminder EUR 12"),
    row("FI", Business, DEMAND, "2025-06-01", "500.00", "50.00", "FI 299/2022: business demand EUR 50 up to EUR 500"),
    row("FI", Business, DEMAND, "2025-06-01", "500.01", "70.00", "FI 299/2022: EUR 70 above EUR 500"),
    row("FI", Business, DEMAND, "2025-06-01", "10000.01", "110.00", "FI 299/2022: EUR 110 above EUR 10,000"),
    row("FI", Business, B2B, "2025-06-01", "10.00", "40.00", "FI perintälaki § 10 e (31/2013): vakiokorvaus EUR 40"),
    // Sweden, Lag (1981:739) 4 § and 4 a § (flat caps whatever the claim).
    row("SE", Consumer, REMINDER, "2025-06-01", "100.00", "60.00", "SE 1981:739 4 § 1: påminnelseavgift 60 kr"),
    row("SE", Consumer, DEMAND, "2025-06-01", "100000.00", "180.00", "SE 1981:739 4 § 2: inkassokrav 180 kr"),
    row("SE", Business, DEMAND, "2025-06-01", "10.00", "180.00", "SE 1981:739 4 § 2: inkassokrav 180 kr (business too)"),
    row("SE", Consumer, PLAN, "2025-06-01", "5000.00", "170.00", "SE 1981:739 4 § 3: amorteringsplan 170 kr"),
    row("SE", Business, B2B, "2025-06-01", "5000.00", "450.00", "SE 1981:739 4 a §: förseningsersättning 450 kr"),
    // Norway, inkassoforskriften § 1-2 and ch. 2: multiples of the inkassosats (700 kr, 750 kr from 2026).
    row("NO", Consumer, REMINDER, "2025-06-01", "1000.00", "35.00", "NO inkassoforskriften § 1-2: 1/20 x 700"),
    row("NO", Consumer, REMINDER, "2026-03-01", "1000.00", "37.50", "NO inkassoforskriften § 1-2: 1/20 x 750"),
    row("NO", Business, DEMAND, "2025-12-31", "1000.00", "105.00", "NO inkassoforskriften § 1-2: 3/20 x 700"),
    row("NO", Consumer, DEMAND, "2026-01-01", "1000.00", "112.50", "NO inkassoforskriften § 1-2: 3/20 x 750"),
    row("NO", Consumer, COSTS, "2025-06-01", "500.00", "175.00", "NO inkassoforskriften ch. 2: light rate 0.25 x 700 up to 500 kr"),
    row("NO", Consumer, COSTS, "2025-06-01", "500.01", "245.00", "NO inkassoforskriften ch. 2: 0.35 x 700 above 500 kr"),
    row("NO", Consumer, COSTS, "2025-06-01", "250000.01", "5040.00", "NO inkassoforskriften ch. 2: 7.20 x 700 above 250,000 kr"),
    row("NO", Consumer, COSTS, "2026-06-01", "500.00", "187.50", "NO inkassoforskriften ch. 2: 0.25 x 750"),
    row("NO", Consumer, COSTS, "2026-06-01", "10000.00", "600.00", "NO inkassoforskriften ch. 2: 0.80 x 750"),
    row("NO", Business, COSTS, "2025-06-01", "500.00", "262.50", "NO inkassoforskriften ch. 2: business 1.5 x 175"),
    row("NO", Business, COSTS, "2026-06-01", "2500.00", "450.00", "NO inkassoforskriften ch. 2: business 1.5 x 0.40 x 750"),
    // Denmark, renteloven § 9 b and BEK 601/2002 bilag 1 (from 1 July 2016).
    row("DK", Consumer, REMINDER, "2025-06-01", "50.00", "100.00", "DK renteloven § 9 b: rykkergebyr 100 kr"),
    row("DK", Consumer, COSTS, "2025-06-01", "1000.00", "400.00", "DK BEK 601/2002 bilag 1: 0–1,000 kr → 400 kr"),
    row("DK", Consumer, COSTS, "2025-06-01", "1001.00", "700.00", "DK BEK 601/2002 bilag 1: 1,001–2,500 kr → 700 kr"),
    row("DK", Consumer, COSTS, "2025-06-01", "2500.00", "700.00", "DK BEK 601/2002 bilag 1: 2,500 kr → 700 kr"),
    row("DK", Business, COSTS, "2025-06-01", "2501.00", "1000.00", "DK BEK 601/2002 bilag 1: 2,501–5,000 kr → 1,000 kr"),
    row("DK", Consumer, COSTS, "2025-06-01", "500000.00", "6400.00", "DK BEK 601/2002 bilag 1: 250,001–500,000 kr → 6,400 kr"),
    row("DK", Consumer, COSTS, "2025-06-01", "500000.01", "6400.00", "DK BEK 601/2002 bilag 1: above 500,000, + 1 % of 0.01 kr rounds down"),
    row("DK", Business, COSTS, "2025-06-01", "600000.00", "7400.00", "DK BEK 601/2002 bilag 1: 6,400 + 1 % of the 100,000 kr over 500,000"),
    row("DK", Consumer, COSTS, "2025-06-01", "2000000.00", "21400.00", "DK BEK 601/2002 bilag 1: 6,400 + 1 % of the 1,500,000 kr over 500,000"),
    row("DK", Business, B2B, "2025-06-01", "2000.00", "310.00", "DK renteloven § 9 a stk. 3: kompensationsbeløb 310 kr"),
    // Germany, RDG § 13e with RVG § 13 and Anlage 2: the full (1.0) fee, which the factor rule
    // multiplies by the case's stage (VV 2300 Anm. Abs. 2; checked below and in gate_law.rs).
    row("DE", Consumer, COSTS, "2025-05-31", "50.00", "30.00", "DE RVG § 13 (2) (2021): EUR 30 up to EUR 50"),
    row("DE", Consumer, COSTS, "2025-05-31", "50.01", "49.00", "DE RVG Anlage 2 (2021): EUR 49 up to EUR 500"),
    row("DE", Consumer, COSTS, "2025-05-31", "500.01", "88.00", "DE RVG Anlage 2 (2021): EUR 88 up to EUR 1,000"),
    row("DE", Consumer, COSTS, "2025-05-31", "5000.00", "334.00", "DE RVG Anlage 2 (2021): EUR 334 up to EUR 5,000"),
    row("DE", Consumer, COSTS, "2025-06-01", "50.00", "31.50", "DE RVG § 13 (2) (2025): EUR 31.50 up to EUR 50"),
    row("DE", Consumer, COSTS, "2025-06-01", "500.00", "51.50", "DE RVG Anlage 2 (2025): EUR 51.50 up to EUR 500"),
    row("DE", Consumer, COSTS, "2025-06-01", "500.01", "93.00", "DE RVG Anlage 2 (2025): EUR 93 up to EUR 1,000"),
    row("DE", Business, COSTS, "2025-06-01", "5000.00", "354.50", "DE RVG Anlage 2 (2025): EUR 354.50 up to EUR 5,000"),
    row("DE", Business, COSTS, "2025-06-01", "5000.01", "414.00", "DE RVG Anlage 2 (2025): EUR 414 up to EUR 6,000"),
    row("DE", Consumer, COSTS, "2025-06-01", "900000.00", "3752.00", "DE RVG Anlage 2 (2025): capped at EUR 3,752 (the EUR 500,000 step)"),
    row("DE", Business, B2B, "2025-06-01", "900.00", "40.00", "DE BGB § 288 (5): EUR 40 flat fee"),
    // Netherlands, Besluit vergoeding voor buitengerechtelijke incassokosten art. 2.
    row("NL", Consumer, COSTS, "2025-06-01", "3000.00", "425.00", "NL decree art. 2: the decree's example, EUR 3,000 → EUR 425"),
    row("NL", Consumer, COSTS, "2025-06-01", "100.00", "40.00", "NL decree art. 2 (2): at least EUR 40"),
    row("NL", Consumer, COSTS, "2025-06-01", "266.67", "40.00", "NL decree art. 2: 15 % of EUR 266.67 rounds to EUR 40"),
    row("NL", Consumer, COSTS, "2025-06-01", "2500.00", "375.00", "NL decree art. 2: 15 % of the first EUR 2,500"),
    row("NL", Business, COSTS, "2025-06-01", "10000.00", "875.00", "NL decree art. 2: 375 + 250 + 250"),
    row("NL", Consumer, COSTS, "2025-06-01", "200000.00", "2775.00", "NL decree art. 2: + 1 % of the next EUR 190,000"),
    row("NL", Consumer, COSTS, "2025-06-01", "5000000.00", "6775.00", "NL decree art. 2: at most EUR 6,775"),
    // United Kingdom, Late Payment of Commercial Debts (Interest) Act 1998 s 5A.
    row("GB", Business, B2B, "2025-06-01", "999.99", "40.00", "GB Late Payment Act s 5A: GBP 40 for a debt under GBP 1,000"),
    row("GB", Business, B2B, "2025-06-01", "1000.00", "70.00", "GB Late Payment Act s 5A: GBP 70 from GBP 1,000"),
    row("GB", Business, B2B, "2025-06-01", "9999.99", "70.00", "GB Late Payment Act s 5A: GBP 70 under GBP 10,000"),
    row("GB", Business, B2B, "2025-06-01", "10000.00", "100.00", "GB Late Payment Act s 5A: GBP 100 from GBP 10,000"),
];

#[test]
fn fee_caps_match_the_statutes_at_their_edges() {
    for row in CAPS {
        let rule = one_law(row.market, row.kind, row.parameter, row.on, row.cite);
        let got = cap_of(rule).for_principal(minor(row.principal));
        assert_eq!(
            got,
            minor(row.cap),
            "{} ({}, principal {}): {}",
            row.cite,
            rule.id,
            row.principal,
            row.market
        );
    }
}

/// RVG Anlage 2: the full (1.0) fee by value, before and from 1 June 2025 (BGBl. 2025 I Nr. 109),
/// with the special fee of § 13 (2) for undisputed claims up to EUR 50 first.
#[rustfmt::skip]
const RVG_2021: &[(&str, &str)] = &[
    ("50.00", "30.00"), ("500.00", "49.00"), ("1000.00", "88.00"), ("1500.00", "127.00"), ("2000.00", "166.00"),
    ("3000.00", "222.00"), ("4000.00", "278.00"), ("5000.00", "334.00"), ("6000.00", "390.00"), ("7000.00", "446.00"),
    ("8000.00", "502.00"), ("9000.00", "558.00"), ("10000.00", "614.00"), ("13000.00", "666.00"), ("16000.00", "718.00"),
    ("19000.00", "770.00"), ("22000.00", "822.00"), ("25000.00", "874.00"), ("30000.00", "955.00"), ("35000.00", "1036.00"),
    ("40000.00", "1117.00"), ("45000.00", "1198.00"), ("50000.00", "1279.00"), ("65000.00", "1373.00"), ("80000.00", "1467.00"),
    ("95000.00", "1561.00"), ("110000.00", "1655.00"), ("125000.00", "1749.00"), ("140000.00", "1843.00"), ("155000.00", "1937.00"),
    ("170000.00", "2031.00"), ("185000.00", "2125.00"), ("200000.00", "2219.00"), ("230000.00", "2351.00"), ("260000.00", "2483.00"),
    ("290000.00", "2615.00"), ("320000.00", "2747.00"), ("350000.00", "2879.00"), ("380000.00", "3011.00"), ("410000.00", "3143.00"),
    ("440000.00", "3275.00"), ("470000.00", "3407.00"), ("500000.00", "3539.00"),
];

#[rustfmt::skip]
const RVG_2025: &[(&str, &str)] = &[
    ("50.00", "31.50"), ("500.00", "51.50"), ("1000.00", "93.00"), ("1500.00", "134.50"), ("2000.00", "176.00"),
    ("3000.00", "235.50"), ("4000.00", "295.00"), ("5000.00", "354.50"), ("6000.00", "414.00"), ("7000.00", "473.50"),
    ("8000.00", "533.00"), ("9000.00", "592.50"), ("10000.00", "652.00"), ("13000.00", "707.00"), ("16000.00", "762.00"),
    ("19000.00", "817.00"), ("22000.00", "872.00"), ("25000.00", "927.00"), ("30000.00", "1013.00"), ("35000.00", "1099.00"),
    ("40000.00", "1185.00"), ("45000.00", "1271.00"), ("50000.00", "1357.00"), ("65000.00", "1456.50"), ("80000.00", "1556.00"),
    ("95000.00", "1655.50"), ("110000.00", "1755.00"), ("125000.00", "1854.50"), ("140000.00", "1954.00"), ("155000.00", "2053.50"),
    ("170000.00", "2153.00"), ("185000.00", "2252.50"), ("200000.00", "2352.00"), ("230000.00", "2492.00"), ("260000.00", "2632.00"),
    ("290000.00", "2772.00"), ("320000.00", "2912.00"), ("350000.00", "3052.00"), ("380000.00", "3192.00"), ("410000.00", "3332.00"),
    ("440000.00", "3472.00"), ("470000.00", "3612.00"), ("500000.00", "3752.00"),
];

#[test]
fn german_collection_costs_are_the_rvg_fee_at_every_step_times_the_stage_factor() {
    // RDG § 13e; RVG Anlage 2 gives the full (1.0) fee by value; VV 2300 Anm. Abs. 2 the rate
    // for an undisputed claim: 0.5 in a simple case, 0.9 otherwise (more only for especially
    // extensive or difficult work, never assumed).
    for (on, table) in [("2025-05-31", RVG_2021), ("2025-06-01", RVG_2025)] {
        let rule = one_law("DE", Consumer, COSTS, on, "RDG § 13e");
        let Cap::Brackets(brackets) = cap_of(rule) else {
            panic!("{} should be brackets", rule.id)
        };
        assert_eq!(
            brackets.len(),
            table.len() + 1,
            "{}: one bracket per RVG step plus the open top",
            rule.id
        );
        for (bracket, (value, fee)) in brackets.iter().zip(table.iter()) {
            assert_eq!(
                (bracket.up_to_minor, bracket.amount_minor, bracket.plus_bp),
                (Some(minor(value)), minor(fee), 0),
                "{}: EUR {fee} at {value}",
                rule.id
            );
        }
        let top = brackets.last().unwrap();
        assert_eq!(
            (top.up_to_minor, top.amount_minor),
            (None, minor(table.last().unwrap().1)),
            "{}: open top capped at the last step",
            rule.id
        );
        let factor = one_law(
            "DE",
            Consumer,
            Parameter::FeeFactors(FeeKind::CollectionCosts),
            on,
            "VV 2300 Anm. Abs. 2",
        );
        assert_eq!(
            factor.value,
            Value::Factors(vec![
                FactorStep {
                    factor_bp: 5_000,
                    when: FactorWhen::Otherwise
                },
                FactorStep {
                    factor_bp: 9_000,
                    when: FactorWhen::FurtherDemand
                },
            ]),
            "{}: 0.5, then 0.9 after a further demand",
            factor.id
        );
    }
    assert!(
        law("DE", Consumer, COSTS, "2021-09-30").is_empty(),
        "the 0.9 cap and the EUR 50 step start on 1 Oct 2021"
    );
}

#[test]
fn the_norwegian_heavy_rate_doubles_the_light_rate_after_28_days_overdue() {
    // Inkassoforskriften § 2-3: tungt salær = 2 x lett salær once the betalingsoppfordring's
    // deadline is exceeded by more than 28 days; the same for business debtors.
    for kind in [Consumer, Business] {
        let rule = one_law(
            "NO",
            kind,
            Parameter::FeeFactors(FeeKind::CollectionCosts),
            "2026-06-01",
            "inkassoforskriften § 2-3",
        );
        assert_eq!(
            rule.value,
            Value::Factors(vec![
                FactorStep {
                    factor_bp: 10_000,
                    when: FactorWhen::Otherwise
                },
                FactorStep {
                    factor_bp: 20_000,
                    when: FactorWhen::DemandOverdue { days: 28 }
                },
            ]),
            "{}",
            rule.id
        );
    }
}

#[test]
fn fees_the_law_does_not_set_have_no_law_rule() {
    let none = [
        (
            "SE",
            Consumer,
            B2B,
            "SE 1981:739 4 a § is for businesses only",
        ),
        (
            "DE",
            Consumer,
            B2B,
            "DE BGB § 288 (5) only when the debtor is not a consumer",
        ),
        (
            "GB",
            Consumer,
            COSTS,
            "GB: no statutory cap on consumer collection fees (CONC 7.7 gives no figure)",
        ),
        ("GB", Consumer, REMINDER, "GB: no statutory reminder fee"),
        (
            "NO",
            Consumer,
            B2B,
            "NO forsinkelsesrenteloven § 3 a is for businesses only",
        ),
    ];
    for (code, kind, parameter, cite) in none {
        assert!(
            law(code, kind, parameter, "2025-06-01").is_empty(),
            "{cite}"
        );
    }
}

/// One row per half-year: the statutory late-payment rate = reference rate + margin.
struct RateRow {
    market: &'static str,
    kind: CustomerKind,
    on: &'static str,
    reference: &'static str,
    margin: &'static str,
    cite: &'static str,
}

const fn rate(
    market: &'static str,
    kind: CustomerKind,
    on: &'static str,
    reference: &'static str,
    margin: &'static str,
    cite: &'static str,
) -> RateRow {
    RateRow {
        market,
        kind,
        on,
        reference,
        margin,
        cite,
    }
}

#[rustfmt::skip]
const RATES: &[RateRow] = &[
    rate("FI", Consumer, "2023-03-01", "2.50", "7.00", "FI korkolaki § 4; Finlex 1276/2022"),
    rate("FI", Consumer, "2024-09-01", "4.50", "7.00", "FI korkolaki § 4; Bank of Finland 25 Jun 2024"),
    rate("FI", Consumer, "2025-09-01", "2.50", "7.00", "FI korkolaki § 4 and § 12 (ECB 2.15 % rounded up)"),
    rate("FI", Business, "2026-03-01", "2.50", "8.00", "FI korkolaki § 4 a"),
    rate("SE", Consumer, "2023-09-01", "3.50", "8.00", "SE räntelag 6 §; Riksbank reference rate 2023 H2"),
    rate("SE", Business, "2024-03-01", "4.00", "8.00", "SE räntelag 6 §; reference rate 2024 H1"),
    rate("SE", Consumer, "2025-03-01", "3.00", "8.00", "SE räntelag 6 §; reference rate 2025 H1"),
    rate("SE", Consumer, "2025-12-31", "2.00", "8.00", "SE räntelag 6 §; reference rate 2025 H2"),
    rate("SE", Business, "2026-01-01", "2.00", "8.00", "SE räntelag 6 §; reference rate 2026 H1"),
    rate("NO", Consumer, "2025-01-01", "4.50", "8.00", "NO forsinkelsesrenteloven § 3; policy rate 2025 H1"),
    rate("NO", Business, "2025-07-01", "4.25", "8.00", "NO forsinkelsesrenteloven § 3; policy rate 2025 H2"),
    rate("NO", Consumer, "2026-06-30", "4.00", "8.00", "NO forsinkelsesrenteloven § 3; policy rate 2026 H1"),
    rate("DK", Consumer, "2023-01-01", "1.90", "8.00", "DK renteloven § 5; Nationalbank lending rate 2023 H1"),
    rate("DK", Business, "2024-03-01", "3.75", "8.00", "DK renteloven § 5; lending rate 2024 H1"),
    rate("DK", Consumer, "2025-09-01", "1.75", "8.00", "DK renteloven § 5; lending rate 2025 H2"),
    rate("DE", Consumer, "2023-03-01", "1.62", "5.00", "DE BGB § 288 (1); Basiszinssatz 2023 H1"),
    rate("DE", Business, "2023-03-01", "1.62", "9.00", "DE BGB § 288 (2); Basiszinssatz 2023 H1"),
    rate("DE", Consumer, "2024-09-01", "3.37", "5.00", "DE BGB § 288 (1); Basiszinssatz 2024 H2"),
    rate("DE", Business, "2025-03-01", "2.27", "9.00", "DE BGB § 288 (2); Basiszinssatz 2025 H1"),
    rate("DE", Consumer, "2026-03-01", "1.27", "5.00", "DE BGB § 288 (1); Basiszinssatz 2026 H1"),
    rate("NL", Business, "2024-09-01", "4.25", "8.00", "NL BW 6:119a; ECB rate 1 Jul 2024"),
    rate("NL", Business, "2025-09-01", "2.15", "8.00", "NL BW 6:119a; ECB rate 1 Jul 2025"),
];

#[test]
fn late_interest_is_the_reference_rate_plus_the_statutory_margin() {
    for row in RATES {
        let rule = one_law(
            row.market,
            row.kind,
            Parameter::InterestLateRate,
            row.on,
            row.cite,
        );
        let Value::Percent(got) = rule.value else {
            panic!("{} is not a percentage", rule.id)
        };
        assert_eq!(
            got,
            bp(row.reference) + bp(row.margin),
            "{} ({})",
            row.cite,
            rule.id
        );
    }
}

#[test]
fn statutory_consumer_interest_in_the_netherlands_is_set_by_decree() {
    // BW 6:119 and 6:120 (1): a whole-percent rate set by decree, not reference + margin.
    for (on, percent, cite) in [
        (
            "2023-03-01",
            "4.00",
            "Besluit vaststelling wettelijke rente: 4 % from 1 Jan 2023",
        ),
        ("2024-09-01", "7.00", "7 % in 2024"),
        (
            "2025-09-01",
            "5.00",
            "2025 H2 by the rate-setting method (ECB 2.40 % + 2.25, rounded)",
        ),
        ("2026-03-01", "4.00", "4 % from 1 Jan 2026"),
    ] {
        let rule = one_law("NL", Consumer, Parameter::InterestLateRate, on, cite);
        assert_eq!(
            rule.value,
            Value::Percent(bp(percent)),
            "NL BW 6:119: {cite}"
        );
    }
}

#[test]
fn a_half_year_without_a_published_rate_has_no_interest_rule() {
    // 2026 H2 is not published in the sources used: the gate must refuse interest, not guess.
    for code in ["FI", "SE", "NO", "DK", "DE", "NL", "GB"] {
        for kind in [Consumer, Business] {
            let rules = book()
                .rules(
                    market(code),
                    kind,
                    Parameter::InterestLateRate,
                    date("2026-07-01"),
                )
                .collect::<Vec<_>>();
            assert!(
                rules.is_empty(),
                "{code} {kind:?}: no rate for 2026 H2, found {:?}",
                ids(&rules)
            );
        }
    }
    // GB has no statutory late-payment rate for consumers at all.
    assert!(
        law("GB", Consumer, Parameter::InterestLateRate, "2025-03-01").is_empty(),
        "GB: no statutory consumer rate"
    );
}

#[test]
fn every_day_has_at_most_one_rate_per_customer_kind() {
    let mut day = date("2022-12-25");
    while day <= date("2026-12-31") {
        for code in ["FI", "SE", "NO", "DK", "DE", "NL", "GB"] {
            for kind in [Consumer, Business] {
                let rules = book()
                    .rules(market(code), kind, Parameter::InterestLateRate, day)
                    .collect::<Vec<_>>();
                assert!(
                    rules.len() <= 1,
                    "{code} {kind:?} {day}: overlapping rate rules {:?}",
                    ids(&rules)
                );
            }
        }
        day = day.succ_opt().unwrap();
    }
}

#[test]
fn single_valued_parameters_never_overlap_within_a_pack() {
    // Caps, days, counts, percentages and limitation take one law value per customer and day;
    // frequencies and holds may stack. Checked on every half-year boundary and mid-year.
    let days = [
        "2021-01-01",
        "2022-05-01",
        "2023-01-01",
        "2023-07-01",
        "2024-01-01",
        "2024-07-01",
        "2025-01-01",
        "2025-05-31",
        "2025-06-01",
        "2025-07-01",
        "2025-12-31",
        "2026-01-01",
        "2026-06-30",
        "2026-07-01",
    ];
    for code in ["FI", "SE", "NO", "DK", "DE", "NL", "GB"] {
        for parameter in Parameter::all() {
            if matches!(
                parameter.value_kind(),
                ValueKind::Frequency | ValueKind::Holds
            ) {
                continue;
            }
            for kind in [Consumer, Business] {
                for on in days {
                    // Per jurisdiction: the general rules and those of the part ("-" for none).
                    for jurisdiction in jurisdictions_of(code) {
                        let rules = law_in(code, kind, parameter, on, &jurisdiction);
                        assert!(
                            rules.len() <= 1,
                            "{code} {jurisdiction} {kind:?} {} on {on}: {:?}",
                            parameter.name(),
                            ids(&rules)
                        );
                    }
                }
            }
        }
    }
}

/// The jurisdictions a market's pack writes rules for, and "-" for a case in none of them.
fn jurisdictions_of(code: &str) -> Vec<String> {
    let pack = book().market_pack(market(code)).unwrap();
    let mut all: Vec<String> = pack
        .rules
        .iter()
        .flat_map(|rule| rule.jurisdictions.iter().map(|j| j.to_string()))
        .collect();
    all.sort();
    all.dedup();
    all.push("-".into());
    all
}

fn days_of(rule: &Rule) -> u32 {
    match rule.value {
        Value::Days(days) | Value::Count(days) => days,
        ref other => panic!("{}: not days or a count: {other:?}", rule.id),
    }
}

#[test]
fn days_and_counts_match_the_statutes() {
    let rows: &[(&str, CustomerKind, Parameter, u32, &str)] = &[
        (
            "FI",
            Consumer,
            Parameter::FeeMinDaysAfterDue(FeeKind::Reminder),
            14,
            "FI perintälaki § 10 b: reminder fee only 14 days after due",
        ),
        (
            "FI",
            Business,
            Parameter::FeeMinDaysBetween(FeeKind::Demand),
            10,
            "FI 299/2022: 10 days since the previous reminder or demand",
        ),
        (
            "SE",
            Consumer,
            Parameter::DemandDaysToPay,
            8,
            "SE inkassolag 5 §; IMY: at least 8 days from sending",
        ),
        (
            "NO",
            Consumer,
            Parameter::DemandDaysToPay,
            14,
            "NO inkassoloven § 10: at least 14 days",
        ),
        (
            "NO",
            Business,
            Parameter::FeeMaxCount(FeeKind::Reminder),
            2,
            "NO inkassoforskriften § 1-3: two fee-bearing notices",
        ),
        (
            "NO",
            Consumer,
            Parameter::FeeMinDaysAfterDue(FeeKind::Reminder),
            14,
            "NO inkassoforskriften § 1-2: purring 14 days after due",
        ),
        (
            "NO",
            Consumer,
            Parameter::DemandMinDaysAfterReminder,
            14,
            "NO inkassoloven § 10: after a missed 14-day deadline",
        ),
        (
            "DK",
            Consumer,
            Parameter::FeeMaxCount(FeeKind::Reminder),
            3,
            "DK renteloven § 9 b: at most three reminder fees",
        ),
        (
            "DK",
            Business,
            Parameter::FeeMinDaysBetween(FeeKind::Reminder),
            10,
            "DK renteloven § 9 b: at least 10 days apart",
        ),
        (
            "DK",
            Consumer,
            Parameter::DemandDaysToPay,
            10,
            "DK renteloven § 9 b: 10 days in the collection warning",
        ),
        (
            "NL",
            Consumer,
            Parameter::DemandDaysToPay,
            14,
            "NL BW 6:96 lid 6: the fourteen-day letter",
        ),
        (
            "FI",
            Consumer,
            Parameter::DemandMinDaysAfterReminder,
            14,
            "FI perintälaki § 10 b (2), § 5 (299/2022): a demand 14 days after the reminder",
        ),
    ];
    for (code, kind, parameter, expected, cite) in rows {
        let rule = one_law(code, *kind, *parameter, "2025-06-01", cite);
        assert_eq!(days_of(rule), *expected, "{cite} ({})", rule.id);
    }
    assert!(
        law("NL", Business, Parameter::DemandDaysToPay, "2025-06-01").is_empty(),
        "NL BW 6:96 lid 6 protects consumers only"
    );
    for kind in [Consumer, Business] {
        let agreed = one_law(
            "SE",
            kind,
            Parameter::ReminderFeeNeedsAgreement,
            "2025-06-01",
            "SE lag 1981:739 2 §",
        );
        assert_eq!(agreed.value, Value::Flag(true), "{}", agreed.id);
    }
}

/// Market, customer kind, years, start, final years, citation.
type LimitationRow<'a> = (
    &'a str,
    CustomerKind,
    u32,
    LimitationStart,
    Option<u32>,
    &'a str,
);

#[test]
fn limitation_periods_match_the_statutes() {
    let rows: &[LimitationRow<'_>] = &[
        (
            "FI",
            Consumer,
            3,
            LimitationStart::DueDate,
            Some(20),
            "FI 728/2003 §§ 4, 5, 13 a",
        ),
        (
            "SE",
            Consumer,
            3,
            LimitationStart::AroseOn,
            None,
            "SE preskriptionslag 2 § 2 st.: three years on a consumer (goods and services), from the claim's arising",
        ),
        (
            "SE",
            Business,
            10,
            LimitationStart::AroseOn,
            None,
            "SE preskriptionslag 2 § 1 st.: ten years from the claim's arising",
        ),
        (
            "NO",
            Consumer,
            3,
            LimitationStart::DueDate,
            None,
            "NO foreldelsesloven §§ 2–3",
        ),
        (
            "DK",
            Business,
            3,
            LimitationStart::DueDate,
            None,
            "DK forældelsesloven §§ 2–3",
        ),
        (
            "DE",
            Consumer,
            3,
            LimitationStart::EndOfYear,
            None,
            "DE BGB §§ 195, 199: three years from the end of the year",
        ),
        (
            "NL",
            Consumer,
            5,
            LimitationStart::DueDate,
            None,
            "NL BW 3:307",
        ),
    ];
    for (code, kind, years, from, final_years, cite) in rows {
        let rule = one_law(code, *kind, Parameter::Limitation, "2025-06-01", cite);
        assert_eq!(
            rule.value,
            Value::Limitation {
                years: *years,
                from: *from,
                final_years: *final_years
            },
            "{cite} ({})",
            rule.id
        );
    }
}

/// The law rules that apply in one jurisdiction: the market's general ones and its own.
fn law_in(
    code: &str,
    kind: CustomerKind,
    parameter: Parameter,
    on: &str,
    jurisdiction: &str,
) -> Vec<&'static Rule> {
    law(code, kind, parameter, on)
        .into_iter()
        .filter(|rule| rule.applies_in(Some(jurisdiction)))
        .collect()
}

#[test]
fn british_limitation_is_set_per_jurisdiction() {
    // Limitation Act 1980 s 5 (England and Wales), Limitation (NI) Order 1989 art 4: six years;
    // Prescription and Limitation (Scotland) Act 1973 s 6: five years, the debt extinguished.
    for (jurisdiction, years, id) in [
        ("GB-ENG", 6, "GB-limitation-england-wales"),
        ("GB-WLS", 6, "GB-limitation-england-wales"),
        ("GB-NIR", 6, "GB-limitation-northern-ireland"),
        ("GB-SCT", 5, "GB-limitation-scotland"),
    ] {
        for kind in [Consumer, Business] {
            let rules = law_in(
                "GB",
                kind,
                Parameter::Limitation,
                "2025-06-01",
                jurisdiction,
            );
            assert_eq!(ids(&rules), [id], "{jurisdiction} {kind:?}");
            assert_eq!(
                rules[0].value,
                Value::Limitation {
                    years,
                    from: LimitationStart::DueDate,
                    final_years: None
                },
                "{jurisdiction}"
            );
        }
    }
    // Unknown jurisdiction: all three are candidates (the gate applies the shortest).
    assert_eq!(
        law("GB", Consumer, Parameter::Limitation, "2025-06-01").len(),
        3
    );
}

#[test]
fn norwegian_phone_contact_follows_the_supervisors_limits() {
    // Finanstilsynet's circular on telephone collection (god inkassoskikk, inkassoloven § 8).
    let mut limits: Vec<(u32, u32, Vec<Channel>)> =
        law("NO", Consumer, Parameter::ContactFrequency, "2025-06-01")
            .into_iter()
            .map(|rule| match &rule.value {
                Value::Frequency {
                    count,
                    window_days,
                    channels,
                } => (*count, *window_days, channels.clone()),
                other => panic!("{}: {other:?}", rule.id),
            })
            .collect();
    limits.sort_by_key(|(_, window, _)| *window);
    assert_eq!(
        limits,
        vec![
            (1, 1, vec![Channel::Phone]),
            (5, 7, vec![Channel::Phone]),
            (15, 30, vec![Channel::Phone])
        ]
    );

    let rule = one_law(
        "NO",
        Consumer,
        Parameter::ContactHours,
        "2025-06-01",
        "weekdays 08–21, Saturday 08–15, never Sunday",
    );
    let Value::Hours(hours) = &rule.value else {
        panic!("{}", rule.id)
    };
    let window = |day: Weekday| {
        hours
            .on(day)
            .map(|(start, end)| format!("{}-{}", start.format("%H:%M"), end.format("%H:%M")))
    };
    assert_eq!(window(Weekday::Mon).as_deref(), Some("08:00-21:00"));
    assert_eq!(window(Weekday::Fri).as_deref(), Some("08:00-21:00"));
    assert_eq!(window(Weekday::Sat).as_deref(), Some("08:00-15:00"));
    assert_eq!(window(Weekday::Sun), None);
    let holidays = one_law(
        "NO",
        Business,
        Parameter::ContactNoPublicHolidays,
        "2025-06-01",
        "never on public holidays",
    );
    assert_eq!(holidays.value, Value::Flag(true));
    let opt_out = one_law(
        "NO",
        Consumer,
        Parameter::ContactRespectRefusals,
        "2025-06-01",
        "a debtor may refuse calls",
    );
    assert_eq!(opt_out.value, Value::Flag(true));
}

fn holds_of(code: &str, parameter: Parameter) -> Vec<HoldKind> {
    let mut holds: Vec<HoldKind> = law(code, Consumer, parameter, "2025-06-01")
        .into_iter()
        .flat_map(|rule| match &rule.value {
            Value::Holds(holds) => holds.clone(),
            other => panic!("{}: {other:?}", rule.id),
        })
        .collect();
    holds.sort();
    holds
}

#[test]
fn british_disputes_and_breathing_space_stop_collection_and_freeze_charges() {
    // CONC 7.14.1 R / 7.14.3 R (disputes); SI 2020/1311 regs 7 and 11 (moratoria).
    assert_eq!(
        holds_of("GB", Parameter::CollectionStoppedBy),
        vec![
            HoldKind::Dispute,
            HoldKind::BreathingSpace,
            HoldKind::MentalHealthCrisis
        ]
    );
    assert_eq!(
        holds_of("GB", Parameter::InterestFrozenBy),
        vec![HoldKind::BreathingSpace, HoldKind::MentalHealthCrisis]
    );
    assert!(
        law("GB", Consumer, Parameter::InterestFrozenBy, "2021-05-03").is_empty(),
        "the breathing space scheme starts on 4 May 2021"
    );
    let advice = one_law(
        "GB",
        Consumer,
        Parameter::DebtAdvice,
        "2025-06-01",
        "MoneyHelper",
    );
    let Value::Advice { url, .. } = &advice.value else {
        panic!("{}", advice.id)
    };
    assert!(url.contains("moneyhelper.org.uk"), "{url}");
}

/// What a first payment demand must contain is kept out of the packs (commented, as
/// researched) until the letters check it: a pack rule the gate does not apply fails
/// `reilu rules check`.
#[test]
fn first_demand_content_is_not_a_gate_rule_until_the_letters_read_it() {
    for code in ["DE", "FI", "SE", "NL"] {
        assert!(law(code, Consumer, Parameter::DemandFirstItems, "2025-06-01").is_empty());
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("../../rules/{}.toml", code.to_ascii_lowercase())),
        )
        .unwrap_or_default();
        assert!(
            text.contains(&format!("# id = \"{code}-first-demand-content\"")),
            "{code}: the researched list stays in the pack as a comment"
        );
    }
}

#[test]
fn the_seven_law_packs_are_encoded_cited_and_say_what_is_unconfirmed() {
    for code in ["FI", "SE", "NO", "DK", "DE", "NL", "GB"] {
        let pack = book().market_pack(market(code)).unwrap();
        assert_eq!(pack.status, PackStatus::Encoded, "{code}");
        assert!(
            !pack.sources.is_empty(),
            "{code}: the pack lists its sources"
        );
        assert!(
            pack.rules.len() >= 6,
            "{code}: only {} rules",
            pack.rules.len()
        );
        for rule in &pack.rules {
            assert!(
                rule.citation.len() >= 12,
                "{}: a precise citation, not {:?}",
                rule.id,
                rule.citation
            );
            assert!(
                rule.id.starts_with(&format!("{code}-")),
                "{}: ids start with the market code",
                rule.id
            );
            if let Some(to) = rule.effective_to {
                assert!(
                    to.year() >= 2021,
                    "{}: an expired rule is kept only for recent history",
                    rule.id
                );
            }
        }
        let confirm = pack
            .rules
            .iter()
            .filter(|rule| rule.confidence == Confidence::Confirm)
            .count();
        if confirm > 0 {
            assert!(
                !pack.unconfirmed.is_empty(),
                "{code}: {confirm} rules to confirm but no `unconfirmed` note"
            );
        }
    }
}

/// The days a demand gives to pay, as messages name them: the longest in force, so the house's
/// 14 days where a market's law asks fewer (SE 8, DK 10), and never fewer than the law's.
#[test]
fn messages_name_the_longest_days_to_pay_in_force() {
    let gate = reilu_rules::Gate::new(book().clone()).unwrap();
    let day = date("2026-12-01");
    for code in ["FI", "SE", "DK", "NO", "NL"] {
        let days = gate.days_to_pay(market(code), Consumer, day);
        let law = book()
            .rules(market(code), Consumer, Parameter::DemandDaysToPay, day)
            .filter(|rule| rule.source == Source::Law)
            .filter_map(|rule| match rule.value {
                Value::Days(days) => Some(days),
                _ => None,
            })
            .max();
        assert_eq!(days, Some(14), "{code}");
        assert!(law.is_none_or(|law| law <= 14), "{code}: {law:?}");
    }
}
