//! The outside legal review's findings, each checked end to end through `decide`: the wait
//! between a reminder and a payment demand (FI, NO), the last day of a limitation period (all
//! seven law markets), the German RVG factor, British jurisdictions, the Swedish reminder-fee
//! agreement and limitation start, the Norwegian heavy rate and the Danish top bracket, and the
//! message when the total cap leaves a remainder.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "gate_support.rs"]
mod support;

use support::{approved_amount, at, date, gate};

use reilu_core::{CustomerKind, Markets, Money};
use reilu_rules::messages::Messages;
use reilu_rules::model::*;
use reilu_rules::{GateOutcome, Outcome, Reason, Verdict};

fn money(market: &str, major: &str) -> Money {
    let markets = Markets::builtin().unwrap();
    Money::parse_major(major, markets.get(market).unwrap().currency).unwrap()
}

fn case(market: &str, kind: CustomerKind, principal: &str, due: &str) -> CaseView {
    support::case_view(market, kind, money(market, principal), due)
}

/// Noon UTC: the same calendar day in every market's zone.
fn noon(day: &str) -> Context {
    Context {
        now: at(&format!("{day}T12:00:00Z")),
        actor: Actor::System,
    }
}

fn fee(market: &str, kind: FeeKind, amount: &str) -> Proposal {
    Proposal::ChargeFee {
        fee: kind,
        amount: money(market, amount),
    }
}

fn denials(outcome: &GateOutcome) -> Vec<String> {
    outcome
        .decision
        .denials()
        .map(|reason| reason.rule_id.to_string())
        .collect()
}

fn reason<'o>(outcome: &'o GateOutcome, rule_id: &str) -> Option<&'o Reason> {
    outcome
        .decision
        .reasons
        .iter()
        .find(|reason| reason.rule_id.as_ref() == rule_id)
}

fn param(reason: &Reason, name: &str) -> Option<String> {
    reason
        .params
        .iter()
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.clone())
}

fn english(reason: &Reason) -> String {
    Messages::builtin().unwrap().render("en", reason)
}

// --- 1. A payment demand's fee only 14 whole days after the last reminder (FI, NO) ---

fn with_reminder_sent(mut case: CaseView, sent: &str) -> CaseView {
    case.last_reminder_sent_at = Some(at(sent));
    case
}

#[test]
fn a_finnish_demand_fee_waits_fourteen_whole_days_after_the_reminder() {
    let gate = gate();
    // perintälaki § 10 b (2), § 5 (299/2022); the Consumer Ombudsman (KKV 21.10.2024, Ropo):
    // no collection letter on the 14th day after the previous one. Reminder on 10 Nov 2026
    // (12:00 Helsinki) → a demand's fee from 25 Nov.
    let fresh = case("FI", CustomerKind::Consumer, "200.00", "2026-09-15");
    let case = with_reminder_sent(fresh.clone(), "2026-11-10T10:00:00Z");
    let demand = fee("FI", FeeKind::Demand, "24.00");
    for (day, allowed) in [
        ("2026-11-10", false),
        ("2026-11-24", false),
        ("2026-11-25", true),
    ] {
        let outcome = gate.decide(&demand, &case, &noon(day));
        assert_eq!(
            outcome.decision.verdict == Verdict::Allow,
            allowed,
            "{day}: {:?}",
            outcome.decision
        );
        if !allowed {
            assert_eq!(denials(&outcome), ["FI-demand-after-reminder-consumer"]);
            let denial = reason(&outcome, "FI-demand-after-reminder-consumer").unwrap();
            assert_eq!(param(denial, "date").as_deref(), Some("2026-11-25"));
        }
    }
    // No reminder was ever sent: the law's order (reminder, then demand) is not kept.
    let none = gate.decide(&demand, &fresh, &noon("2026-11-25"));
    assert_eq!(denials(&none), ["FI-demand-after-reminder-consumer"]);
    let denial = reason(&none, "FI-demand-after-reminder-consumer").unwrap();
    assert_eq!(denial.message_key, "fee.demand_needs_reminder");
    // The rule is the consumer rule: a business debtor's demand is not held back by it.
    let business = case_business_fi();
    assert_eq!(
        gate.decide(&demand, &business, &noon("2026-11-25"))
            .decision
            .verdict,
        Verdict::Allow
    );
}

fn case_business_fi() -> CaseView {
    case("FI", CustomerKind::Business, "200.00", "2026-09-15")
}

#[test]
fn the_last_reminder_is_the_later_of_the_record_and_the_fee_history_in_local_time() {
    let gate = gate();
    let demand = fee("FI", FeeKind::Demand, "24.00");
    // A reminder fee charged on 12 Nov counts even though the last recorded reminder is older.
    let mut case = with_reminder_sent(
        case("FI", CustomerKind::Consumer, "200.00", "2026-09-15"),
        "2026-11-01T10:00:00Z",
    );
    case.fee_history.push(FeeRecord {
        kind: FeeKind::Reminder,
        amount: money("FI", "5.00"),
        at: at("2026-11-12T10:00:00Z"),
    });
    assert_eq!(
        denials(&gate.decide(&demand, &case, &noon("2026-11-26"))),
        ["FI-demand-after-reminder-consumer"]
    );
    assert_eq!(
        gate.decide(&demand, &case, &noon("2026-11-27"))
            .decision
            .verdict,
        Verdict::Allow
    );
    // 22:30 UTC on 10 Nov is 00:30 on 11 Nov in Helsinki: the wait counts from 11 Nov.
    let late = with_reminder_sent(
        support::case_view(
            "FI",
            CustomerKind::Consumer,
            money("FI", "200.00"),
            "2026-09-15",
        ),
        "2026-11-10T22:30:00Z",
    );
    assert_eq!(
        denials(&gate.decide(&demand, &late, &noon("2026-11-25"))),
        ["FI-demand-after-reminder-consumer"]
    );
    assert_eq!(
        gate.decide(&demand, &late, &noon("2026-11-26"))
            .decision
            .verdict,
        Verdict::Allow
    );
}

#[test]
fn a_norwegian_payment_demand_fee_needs_a_missed_fourteen_day_reminder_deadline() {
    let gate = gate();
    // Inkassoloven § 10 and inkassoforskriften § 1-2 third paragraph: only after the debtor has
    // missed a deadline of at least 14 days in the purring or inkassovarsel (sent 1 Nov 2026:
    // the deadline's last day is 15 Nov, so from 16 Nov).
    let fresh = case("NO", CustomerKind::Consumer, "5000.00", "2026-09-15");
    let case = with_reminder_sent(fresh.clone(), "2026-11-01T10:00:00Z");
    let demand = fee("NO", FeeKind::Demand, "112.50");
    assert_eq!(
        denials(&gate.decide(&demand, &case, &noon("2026-11-15"))),
        ["NO-demand-after-reminder"]
    );
    assert_eq!(
        gate.decide(&demand, &case, &noon("2026-11-16"))
            .decision
            .verdict,
        Verdict::Allow
    );
    let none = gate.decide(&demand, &fresh, &noon("2026-11-16"));
    assert_eq!(denials(&none), ["NO-demand-after-reminder"]);
}

// --- 2. The last day of a limitation period still belongs to it ---

/// The day a payment letter proposed on `day` is refused as time-barred, if it is.
fn barred_on(gate: &reilu_rules::Gate, case: &CaseView, day: &str) -> Option<String> {
    let letter = Proposal::Contact {
        channel: Channel::Letter,
        at: at(&format!("{day}T12:00:00Z")),
        recipient: Recipient::Customer,
        purpose: ContactPurpose::Payment,
    };
    let outcome = gate.decide(&letter, case, &noon(day));
    outcome
        .decision
        .denials()
        .find(|reason| reason.message_key.starts_with("collection.time_barred"))
        .and_then(|reason| param(reason, "barred_on"))
}

#[test]
fn a_claim_is_time_barred_only_the_day_after_its_period_ends() {
    let gate = gate();
    // (market, kind, due date, the period's last day, the provision and its counting rule)
    let rows = [
        (
            "FI",
            CustomerKind::Consumer,
            "2022-06-01",
            "2025-06-01",
            "728/2003 § 4; laki säädettyjen määräaikain laskemisesta 150/1930 § 2",
        ),
        (
            "SE",
            CustomerKind::Consumer,
            "2022-03-10",
            "2025-03-10",
            "preskriptionslag 2 §; lag (1930:173) om beräkning av lagstadgad tid 2 §",
        ),
        (
            "SE",
            CustomerKind::Business,
            "2015-03-10",
            "2025-03-10",
            "preskriptionslag 2 § 1 st.: ten years",
        ),
        (
            "NO",
            CustomerKind::Consumer,
            "2022-06-15",
            "2025-06-15",
            "foreldelsesloven §§ 2, 3 and 29 nr. 1",
        ),
        (
            "DK",
            CustomerKind::Consumer,
            "2022-03-10",
            "2025-03-10",
            "forældelsesloven §§ 2–3: the same-numbered day",
        ),
        (
            "DE",
            CustomerKind::Consumer,
            "2021-05-20",
            "2024-12-31",
            "BGB §§ 195, 199 (1), 188 (2): ends with 31 December of the third year",
        ),
        (
            "NL",
            CustomerKind::Consumer,
            "2020-03-10",
            "2025-03-10",
            "BW 3:307: five years from the start of the day after",
        ),
        (
            "GB",
            CustomerKind::Consumer,
            "2019-03-11",
            "2025-03-11",
            "Limitation Act 1980 s 5 (England)",
        ),
    ];
    for (market, kind, due, last_day, provision) in rows {
        let mut case = case(market, kind, "800.00", due);
        if market == "GB" {
            case.jurisdiction = Some("GB-ENG".into());
        }
        assert_eq!(
            barred_on(&gate, &case, last_day),
            None,
            "{market} ({provision}): {last_day} is the period's last day"
        );
        let next = (date(last_day) + chrono::Duration::days(1)).to_string();
        assert_eq!(
            barred_on(&gate, &case, &next),
            Some(next.clone()),
            "{market} ({provision}): barred from {next}"
        );
    }
}

#[test]
fn an_interruption_starts_a_new_period_from_its_own_day() {
    let gate = gate();
    // BGB § 212 (1): an acknowledgement starts the period anew from that day, not from the
    // end of its year; 12 March 2023 → last day 12 March 2026.
    let mut german = case("DE", CustomerKind::Consumer, "800.00", "2021-05-20");
    german.limitation_interrupted_on = Some(date("2023-03-12"));
    assert_eq!(barred_on(&gate, &german, "2026-03-12"), None);
    assert_eq!(
        barred_on(&gate, &german, "2026-03-13"),
        Some("2026-03-13".into())
    );
}

// --- 3. Germany: the RVG factor follows the case's facts ---

#[test]
fn german_collection_costs_are_half_a_fee_with_the_first_demand_and_nine_tenths_after_more() {
    let gate = gate();
    let costs = fee("DE", FeeKind::CollectionCosts, "80.00");
    // VV RVG 2300 Anm. Abs. 2: a simple case (paid on the first demand) 0.5; RVG Anlage 2 from
    // 1 Jun 2025: EUR 51.50 for a value up to EUR 500 → EUR 25.75.
    let first = case("DE", CustomerKind::Consumer, "500.00", "2026-08-31");
    let outcome = gate.decide(&costs, &first, &noon("2026-11-25"));
    assert_eq!(approved_amount(&outcome), Some(money("DE", "25.75")));
    let factor = reason(&outcome, "DE-collection-costs-factor").expect("the factor is a reason");
    assert_eq!(param(factor, "factor").as_deref(), Some("0.5"));
    assert!(english(factor).contains("0.5"), "{}", english(factor));

    // The first demand went out on 1 Oct, its 14 days ran out on 15 Oct unpaid, and a further
    // demand followed on 2 Nov: an average undisputed case, 0.9 → EUR 46.35.
    let mut further = first.clone();
    further.first_demand_sent_at = Some(at("2026-10-01T09:00:00Z"));
    further.contact_history.push(ContactRecord {
        at: at("2026-10-01T09:00:00Z"),
        channel: Channel::Letter,
    });
    let waiting = gate.decide(&costs, &further, &noon("2026-11-25"));
    assert_eq!(
        approved_amount(&waiting),
        Some(money("DE", "25.75")),
        "no further demand yet: still the simple case"
    );
    further.contact_history.push(ContactRecord {
        at: at("2026-11-02T09:00:00Z"),
        channel: Channel::Letter,
    });
    let outcome = gate.decide(&costs, &further, &noon("2026-11-25"));
    assert_eq!(approved_amount(&outcome), Some(money("DE", "46.35")));
    let factor = reason(&outcome, "DE-collection-costs-factor").unwrap();
    assert_eq!(param(factor, "factor").as_deref(), Some("0.9"));
    // A letter inside the first demand's time to pay is not a further demand.
    let mut early = first.clone();
    early.first_demand_sent_at = Some(at("2026-11-10T09:00:00Z"));
    early.contact_history.push(ContactRecord {
        at: at("2026-11-20T09:00:00Z"),
        channel: Channel::Letter,
    });
    assert_eq!(
        approved_amount(&gate.decide(&costs, &early, &noon("2026-11-25"))),
        Some(money("DE", "25.75"))
    );
}

#[test]
fn a_staged_fee_is_one_fee_whose_earlier_charge_counts_against_the_later_stage() {
    let gate = gate();
    // DE: 0.5 (EUR 25.75) charged with the first demand; after a further demand the business fee
    // may reach 0.9 (EUR 46.35) in all, so EUR 20.60 more.
    let costs = fee("DE", FeeKind::CollectionCosts, "80.00");
    let mut german = case("DE", CustomerKind::Consumer, "500.00", "2026-08-31");
    german.first_demand_sent_at = Some(at("2026-10-01T09:00:00Z"));
    german.fee_history.push(FeeRecord {
        kind: FeeKind::CollectionCosts,
        amount: money("DE", "25.75"),
        at: at("2026-10-01T09:00:00Z"),
    });
    assert_eq!(
        gate.decide(&costs, &german, &noon("2026-10-20"))
            .decision
            .verdict,
        Verdict::Deny,
        "still the simple case: the 0.5 fee is already charged"
    );
    german.contact_history.push(ContactRecord {
        at: at("2026-11-02T09:00:00Z"),
        channel: Channel::Letter,
    });
    assert_eq!(
        approved_amount(&gate.decide(&costs, &german, &noon("2026-11-25"))),
        Some(money("DE", "20.60"))
    );
    // NO: the light salær (600 kr) charged; the heavy salær is 1,200 kr in all.
    let mut norwegian = case("NO", CustomerKind::Consumer, "5000.00", "2026-08-31");
    norwegian.first_demand_sent_at = Some(at("2026-10-01T09:00:00Z"));
    norwegian.fee_history.push(FeeRecord {
        kind: FeeKind::CollectionCosts,
        amount: money("NO", "600.00"),
        at: at("2026-10-20T09:00:00Z"),
    });
    assert_eq!(
        approved_amount(&gate.decide(
            &fee("NO", FeeKind::CollectionCosts, "2000.00"),
            &norwegian,
            &noon("2026-11-25")
        )),
        Some(money("NO", "600.00"))
    );
}

// --- 4. United Kingdom: Scotland, Northern Ireland, England and Wales ---

#[test]
fn british_limitation_follows_the_jurisdiction_and_the_shortest_when_unknown() {
    let gate = gate();
    // Due 1 June 2020. Scotland: 5 years, extinguished (1973 Act s 6) → barred 2 June 2025.
    // England and Wales (1980 Act s 5), Northern Ireland (1989 Order art 4): 6 years.
    let base = case("GB", CustomerKind::Consumer, "800.00", "2020-06-01");
    let with = |jurisdiction: Option<&str>| {
        let mut case = base.clone();
        case.jurisdiction = jurisdiction.map(str::to_owned);
        case
    };
    assert_eq!(
        barred_on(&gate, &with(Some("GB-SCT")), "2025-06-02"),
        Some("2025-06-02".into())
    );
    for jurisdiction in ["GB-ENG", "GB-WLS", "GB-NIR"] {
        assert_eq!(
            barred_on(&gate, &with(Some(jurisdiction)), "2025-06-02"),
            None,
            "{jurisdiction}: six years"
        );
        assert_eq!(
            barred_on(&gate, &with(Some(jurisdiction)), "2026-06-02"),
            Some("2026-06-02".into()),
            "{jurisdiction}"
        );
    }
    // Unknown (or not a British jurisdiction the pack knows): the shortest period, said so.
    for unknown in [None, Some("GB-XXX")] {
        let case = with(unknown);
        assert_eq!(
            barred_on(&gate, &case, "2025-06-02"),
            Some("2025-06-02".into())
        );
        let letter = Proposal::Contact {
            channel: Channel::Letter,
            at: at("2025-06-02T12:00:00Z"),
            recipient: Recipient::Customer,
            purpose: ContactPurpose::Payment,
        };
        let outcome = gate.decide(&letter, &case, &noon("2025-06-02"));
        let denial = outcome
            .decision
            .denials()
            .find(|reason| reason.message_key.starts_with("collection.time_barred"))
            .unwrap();
        assert_eq!(
            denial.message_key,
            "collection.time_barred_jurisdiction_unknown"
        );
        assert_eq!(
            param(denial, "limitation_rule").as_deref(),
            Some("GB-limitation-scotland")
        );
        let text = english(denial);
        assert!(text.contains("shortest"), "{text}");
    }
    let scottish = with(Some("GB-SCT"));
    let letter = Proposal::Contact {
        channel: Channel::Letter,
        at: at("2025-06-02T12:00:00Z"),
        recipient: Recipient::Customer,
        purpose: ContactPurpose::Payment,
    };
    let outcome = gate.decide(&letter, &scottish, &noon("2025-06-02"));
    let denial = outcome
        .decision
        .denials()
        .find(|reason| reason.message_key.starts_with("collection.time_barred"))
        .unwrap();
    assert_eq!(denial.message_key, "collection.time_barred");
}

// --- 5. Sweden: the reminder fee needs an agreement; limitation from the claim's arising ---

#[test]
fn a_swedish_reminder_fee_needs_an_agreement_made_when_the_debt_arose() {
    let gate = gate();
    let reminder = fee("SE", FeeKind::Reminder, "60.00");
    let mut case = case("SE", CustomerKind::Consumer, "1500.00", "2026-08-31");
    let outcome = gate.decide(&reminder, &case, &noon("2026-11-25"));
    assert_eq!(outcome.decision.verdict, Verdict::Deny);
    assert_eq!(denials(&outcome), ["SE-fee-reminder-agreement"]);
    let denial = reason(&outcome, "SE-fee-reminder-agreement").unwrap();
    assert!(
        denial.citation.contains("1981:739") && denial.citation.contains("2 §"),
        "{}",
        denial.citation
    );
    case.reminder_fee_agreed = true;
    let agreed = gate.decide(&reminder, &case, &noon("2026-11-25"));
    assert_eq!(approved_amount(&agreed), Some(money("SE", "60.00")));
}

#[test]
fn swedish_limitation_runs_from_when_the_claim_arose() {
    let gate = gate();
    // Preskriptionslag 2 §: "från dess tillkomst". Arose 1 March 2022, due 1 June 2022; three
    // years on a consumer → barred from 2 March 2025 (from the due date it would be 2 June).
    let mut case = case("SE", CustomerKind::Consumer, "1500.00", "2022-06-01");
    assert_eq!(barred_on(&gate, &case, "2025-03-02"), None, "due date");
    case.arose_on = Some(date("2022-03-01"));
    assert_eq!(barred_on(&gate, &case, "2025-03-01"), None);
    assert_eq!(
        barred_on(&gate, &case, "2025-03-02"),
        Some("2025-03-02".into())
    );
}

// --- 6. Norway's heavy rate, Denmark's top bracket ---

#[test]
fn norwegian_collection_costs_double_once_the_demand_is_more_than_28_days_overdue() {
    let gate = gate();
    // Inkassoforskriften ch. 2: light rate 0.80 x 750 = 600 kr for up to 10,000 kr (2026);
    // § 2-3: heavy rate 2 x light once the payment demand's deadline (sent 1 Oct + 14 = 15 Oct)
    // is exceeded by more than 28 days, i.e. from 13 Nov (43 days after sending).
    let costs = fee("NO", FeeKind::CollectionCosts, "2000.00");
    let mut case = case("NO", CustomerKind::Consumer, "5000.00", "2026-08-31");
    assert_eq!(
        approved_amount(&gate.decide(&costs, &case, &noon("2026-11-25"))),
        Some(money("NO", "600.00")),
        "no payment demand sent: the light rate"
    );
    case.first_demand_sent_at = Some(at("2026-10-01T09:00:00Z"));
    assert_eq!(
        approved_amount(&gate.decide(&costs, &case, &noon("2026-11-12"))),
        Some(money("NO", "600.00")),
        "exceeded by 28 days only"
    );
    let heavy = gate.decide(&costs, &case, &noon("2026-11-13"));
    assert_eq!(approved_amount(&heavy), Some(money("NO", "1200.00")));
    let factor = reason(&heavy, "NO-collection-costs-factor").unwrap();
    assert_eq!(param(factor, "factor").as_deref(), Some("2"));
}

#[test]
fn danish_collection_costs_add_one_percent_of_the_part_above_500000() {
    let gate = gate();
    // BEK 601/2002 bilag 1 (from 1 July 2016): above 500,000 kr, 6,400 kr + 1 % of the part of
    // the claim over 500,000 kr.
    for (principal, cap) in [
        ("500000.00", "6400.00"),
        ("750000.00", "8900.00"),
        ("1000000.00", "11400.00"),
    ] {
        let outcome = gate.decide(
            &fee("DK", FeeKind::CollectionCosts, "20000.00"),
            &case("DK", CustomerKind::Consumer, principal, "2026-08-31"),
            &noon("2026-11-25"),
        );
        assert_eq!(
            approved_amount(&outcome),
            Some(money("DK", cap)),
            "{principal}"
        );
    }
}

// --- 7. The message says what the total cap did ---

#[test]
fn a_fee_capped_to_what_is_left_under_the_total_says_so() {
    let gate = gate();
    // House: all collection costs at most half the principal (EUR 40 of EUR 80); EUR 38 charged,
    // EUR 2 left: the repeat demand is capped to EUR 2, and the message says it is charged.
    let mut house = case("FI", CustomerKind::Consumer, "80.00", "2026-09-15");
    for (kind, amount, day) in [
        (FeeKind::Reminder, "5.00", "2026-10-01"),
        (FeeKind::Demand, "14.00", "2026-10-20"),
        (FeeKind::RepeatDemand, "7.00", "2026-11-05"),
        (FeeKind::RepeatDemand, "7.00", "2026-11-06"),
        (FeeKind::RepeatDemand, "5.00", "2026-11-07"),
    ] {
        house.fee_history.push(FeeRecord {
            kind,
            amount: money("FI", amount),
            at: at(&format!("{day}T10:00:00Z")),
        });
    }
    let outcome = gate.decide(
        &fee("FI", FeeKind::RepeatDemand, "7.00"),
        &house,
        &noon("2026-11-25"),
    );
    assert_eq!(approved_amount(&outcome), Some(money("FI", "2.00")));
    let capped = reason(&outcome, "HOUSE-costs-proportionate").unwrap();
    assert_eq!(capped.outcome, Outcome::Changed);
    let text = english(capped);
    assert!(
        text.contains("2.00 EUR") && text.contains("40.00 EUR") && !text.contains("no further"),
        "{text}"
    );
    for language in ["fi", "sv"] {
        let text = Messages::builtin().unwrap().render(language, capped);
        assert!(
            text.contains("2.00 EUR") && text.contains("40.00 EUR"),
            "{language}: {text}"
        );
    }
    // Law: perintälaki § 10 d, EUR 120 in all for a principal of EUR 1,000; EUR 115 charged.
    let mut law = case("FI", CustomerKind::Consumer, "1000.00", "2026-06-15");
    law.fee_history.push(FeeRecord {
        kind: FeeKind::PaymentPlan,
        amount: money("FI", "115.00"),
        at: at("2026-10-01T10:00:00Z"),
    });
    let outcome = gate.decide(
        &fee("FI", FeeKind::RepeatDemand, "12.00"),
        &law,
        &noon("2026-11-25"),
    );
    assert_eq!(approved_amount(&outcome), Some(money("FI", "5.00")));
    let capped = reason(&outcome, "FI-fee-total-consumer").unwrap();
    let text = english(capped);
    assert!(
        text.contains("5.00 EUR") && text.contains("120.00 EUR") && !text.contains("no further"),
        "{text}"
    );
    // Nothing left: refused, and then "no further fee" is what happens.
    law.fee_history[0].amount = money("FI", "120.00");
    let refused = gate.decide(
        &fee("FI", FeeKind::RepeatDemand, "12.00"),
        &law,
        &noon("2026-11-25"),
    );
    assert_eq!(refused.decision.verdict, Verdict::Deny);
    let denial = reason(&refused, "FI-fee-total-consumer").unwrap();
    assert_eq!(denial.message_key, "fee.total_reached");
}
