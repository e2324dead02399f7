//! Payments allocated to cases and client money paid out, end to end, on every backend.

use std::sync::Arc;

use reilu_app::payments::{IncomingPayment, PaymentSummary, source_fn};
use reilu_app::{App, FixedClock};
use reilu_store::test_support::stores_under_test;
use reilu_store::{BankEntryRecord, SqlStore, Store};
use reilu_vault::{MasterKey, Vault};

const HEADER: &str = "client_claim_ref,market,customer_type,customer_national_id,customer_name,customer_address_line1,customer_postcode,customer_city,currency,principal,invoice_date,due_date,creditor_fees";
const ROWS: &str = "\
INV-1,FI,consumer,131052-308T,Maija Meikäläinen,Mannerheimintie 1,00100,Helsinki,EUR,100.00,2026-09-01,2026-09-15,5.00
INV-2,DE,consumer,65929970489,Max Mustermann,Hauptstraße 1,10115,Berlin,EUR,200.00,2026-09-01,2026-09-15,
";
const BANK: &str = "FI2112345600000785";

async fn app_on(store: SqlStore) -> App<SqlStore> {
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")
        .unwrap_or_else(|e| panic!("{e}"));
    App::new(
        store,
        Vault::new(&MasterKey::generate()),
        Arc::new(FixedClock(now.to_utc())),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn payment(
    reference: &str,
    amount_minor: i64,
    structured: Option<String>,
    text: &str,
) -> IncomingPayment {
    IncomingPayment {
        payer: None,
        record: BankEntryRecord {
            payer_sealed: None,
            account_iban: BANK.into(),
            bank_reference: reference.into(),
            message_id: "CAMT-1".into(),
            direction: "credit".into(),
            reversal: false,
            amount_minor,
            currency: "EUR".into(),
            booking_date: Some("2026-11-24".into()),
            structured_reference: structured,
            unstructured: text.into(),
            unstructured_sealed: None,
            end_to_end_id: Some(format!("E2E-{reference}")),
        },
        credit: true,
        returned: false,
        return_reason: None,
        unstructured_lines: vec![text.into()],
    }
}

/// A client with the given commission and the two claims of `ROWS` placed for it (cases
/// 100000 in FI and 100001 in DE); returns the number of claims accepted.
async fn place_two_claims(app: &App<SqlStore>, commission_bp: i64) -> u64 {
    configure_accounts(app).await;
    let client = app
        .add_client_with_terms("Kauppa Oy", "FI", BANK, commission_bp)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    app.import_claim_file(
        &client.id,
        "t.csv",
        std::io::Cursor::new(format!("{HEADER}\n{ROWS}").into_bytes()),
        &|_| {},
        &mut |_| Ok(()),
    )
    .await
    .map(|summary| summary.accepted)
    .unwrap_or_else(|e| panic!("{e}"))
}

/// A €5 reminder fee on 2026-11-01 (Perintälaki § 10 a): a payment demand may follow only
/// 14 days after a reminder.
async fn remind(app: &App<SqlStore>, case_number: i64) {
    use reilu_rules::model::{Actor, Context, FeeKind, Proposal};
    let context = Context {
        now: chrono::DateTime::parse_from_rfc3339("2026-11-01T10:00:00Z")
            .unwrap_or_else(|e| panic!("{e}"))
            .to_utc(),
        actor: Actor::System,
    };
    let reminder = app
        .propose(
            case_number,
            &Proposal::ChargeFee {
                fee: FeeKind::Reminder,
                amount: reilu_core::Money::from_minor(500, reilu_core::Currency::EUR),
            },
            &context,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(reminder.posting_id().is_some(), "{:?}", reminder.outcome);
}

#[tokio::test]
async fn payments_are_matched_allocated_and_remitted_once() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(test.store.clone()).await;
        assert_eq!(
            place_two_claims(&app, 1000).await,
            2,
            "{}",
            test.backend_name
        );
        let rf = reilu_formats::reference::for_case("FI", 100_000).rf;
        let national = reilu_formats::reference::for_case("FI", 100_000)
            .national
            .map(|(_, text)| text)
            .unwrap_or_default();
        let payments = vec![
            payment("E-1", 5_000, Some(rf.clone()), ""),
            payment("E-2", 6_000, None, &format!("Lasku, viite {national}")),
            payment("E-3", 1_234, None, "no reference at all"),
        ];
        let again = payments.clone();
        let imported = app
            .import_payments(source_fn(move |sink| {
                for payment in &payments {
                    sink(payment.clone())?;
                }
                Ok(())
            }))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", test.backend_name));
        assert_eq!(
            (
                imported.matched,
                imported.unmatched,
                imported.already_recorded
            ),
            (2, 1, 0)
        );
        let repeat = app
            .import_payments(source_fn(move |sink| {
                again.iter().try_for_each(|p| sink(p.clone()))
            }))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            repeat.already_recorded, 3,
            "an overlapping file posts nothing twice"
        );
        // 50 + 60 paid against 100 principal + 5 fees on a FI case (house order: costs,
        // interest, principal, creditor fees): 100 principal, 5 fees, 5 overpaid.
        let owed = app
            .store()
            .balances("overpaid:100000")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(owed, vec![("overpaid:100000".into(), "EUR".into(), -500)]);
        let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
        let first = app
            .remit(day, out.path())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", test.backend_name));
        assert_eq!(first.paid_now, 1);
        assert_eq!(
            (
                first.lines[0].owed.as_str(),
                first.lines[0].commission.as_str(),
                first.lines[0].paid.as_str()
            ),
            ("105.00 EUR", "10.50 EUR", "94.50 EUR")
        );
        let second = app
            .remit(day, out.path())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (second.paid_now, second.lines.len()),
            (0, 1),
            "run twice for the same date, paid once"
        );
        assert_ledger_checks(&app, test.backend_name).await;
        let xml = first
            .files
            .iter()
            .find(|f| f.extension().is_some_and(|e| e == "xml"))
            .cloned()
            .unwrap_or_default();
        validate_against_epc(&xml);
        assert!(
            first
                .files
                .iter()
                .any(|f| f.extension().is_some_and(|e| e == "html"))
        );
    }
}

fn validate_against_epc(file: &std::path::Path) {
    let xsd = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/iso20022/pain.001.001.09.EPC132-08-2023-SCT.xsd");
    let output = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .arg(file)
        .output();
    match output {
        Ok(output) => assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(_) if std::env::var("REILU_REQUIRE_ORACLES").is_err() => {
            eprintln!("skipped: xmllint not installed")
        }
        Err(error) => panic!("xmllint is required: {error}"),
    }
}

#[tokio::test]
async fn only_what_the_gate_approves_is_booked_and_every_decision_is_on_record() {
    use reilu_rules::model::{Actor, Context, FeeKind, Proposal};
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(test.store.clone()).await;
        place_two_claims(&app, 0).await;
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")
            .unwrap_or_else(|e| panic!("{e}"))
            .to_utc();
        let context = Context {
            now,
            actor: Actor::System,
        };
        remind(&app, 100_000).await;
        let eur = |minor| reilu_core::Money::from_minor(minor, reilu_core::Currency::EUR);
        let journal_before = app
            .store()
            .counts()
            .await
            .map(|c| c.journal_entries)
            .unwrap_or_default();
        // Perintälaki § 10 a: a payment demand on €100 is capped at €14.
        let fee = app
            .propose(
                100_000,
                &Proposal::ChargeFee {
                    fee: FeeKind::Demand,
                    amount: eur(2_400),
                },
                &context,
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            fee.outcome.decision.verdict,
            reilu_rules::Verdict::AllowWithChanges
        );
        assert!(fee.posting_id().is_some());
        let costs = app
            .store()
            .balances("receivable:100000:collection_costs")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            costs,
            vec![(
                "receivable:100000:collection_costs".into(),
                "EUR".into(),
                500 + 1_400
            )]
        );
        // A German business fee for a consumer has no legal basis: denied, nothing booked.
        let denied = app
            .propose(
                100_001,
                &Proposal::ChargeFee {
                    fee: FeeKind::BusinessCompensation,
                    amount: eur(4_000),
                },
                &context,
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (denied.outcome.decision.verdict, denied.posting_id()),
            (reilu_rules::Verdict::Deny, None)
        );
        let interest = app
            .propose(
                100_000,
                &Proposal::AccrueInterest {
                    from: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
                    to: chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap_or_default(),
                },
                &context,
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // The claim falls due on 2026-09-15: no late interest runs for January (Korkolaki
        // § 3), so the gate refuses and nothing is booked (the run's own test is interest.rs).
        assert_eq!(
            (interest.outcome.decision.verdict, interest.posting_id()),
            (reilu_rules::Verdict::Deny, None),
            "{:?}",
            interest.outcome.decision
        );
        let journal_after = app
            .store()
            .counts()
            .await
            .map(|c| c.journal_entries)
            .unwrap_or_default();
        assert_eq!(
            journal_after - journal_before,
            3,
            "three decisions on record, the approved one naming its posting"
        );
        // The check must run and find nothing: an error of the check itself fails here.
        assert_ledger_checks(&app, test.backend_name).await;
    }
}

/// Money that went back out: a return (with the bank's reason code) or a reversal.
fn money_out(
    reference: &str,
    amount_minor: i64,
    end_to_end_id: Option<&str>,
    structured: Option<String>,
) -> IncomingPayment {
    let mut out = payment(reference, amount_minor, structured, "");
    out.record.direction = "debit".into();
    out.record.end_to_end_id = end_to_end_id.map(str::to_owned);
    out.credit = false;
    out.returned = true;
    out.return_reason = Some("AC04".into());
    out
}

/// `reilu check` finds nothing wrong.
async fn assert_ledger_checks(app: &App<SqlStore>, backend: &str) {
    let check = app
        .store()
        .check_ledger()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(check.problems, Vec::<String>::new(), "{backend}");
}

/// The company's own account, for sweeps.
const COMPANY: &str = "FI0950000120000026";

/// The client-money account payments come into and the company's own account, configured.
async fn configure_accounts(app: &App<SqlStore>) {
    use reilu_store::BankAccountKind;
    app.add_bank_account(BANK, "EUR", BankAccountKind::ClientMoney, None, "test")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    app.add_bank_account(
        COMPANY,
        "EUR",
        BankAccountKind::Company,
        Some("Reilu Perintä Oy"),
        "test",
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}

/// Sweeps go to the configured company account.
fn company() -> reilu_app::sweep::SweepTo {
    reilu_app::sweep::SweepTo::default()
}

async fn import_all(app: &App<SqlStore>, payments: Vec<IncomingPayment>) -> PaymentSummary {
    app.import_payments(source_fn(move |sink| {
        payments.iter().cloned().try_for_each(sink)
    }))
    .await
    .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn returned_payments_and_reversals_are_booked_as_corrections_of_what_they_return() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(test.store.clone()).await;
        place_two_claims(&app, 0).await;
        let rf = |case| reilu_formats::reference::for_case("FI", case).rf;
        let mut paid_e2e = payment("P-1", 5_000, Some(rf(100_000)), "");
        paid_e2e.record.end_to_end_id = Some("E2E-P-1".into());
        let mut paid_no_e2e = payment("P-2", 3_000, Some(rf(100_001)), "");
        paid_no_e2e.record.end_to_end_id = Some("NOTPROVIDED".into());
        let first = import_all(&app, vec![paid_e2e, paid_no_e2e]).await;
        assert_eq!(first.matched, 2, "{}", test.backend_name);
        let second = import_all(
            &app,
            vec![
                // Found by its end-to-end id.
                money_out("R-1", 5_000, Some("E2E-P-1"), None),
                // No end-to-end id: found on the case its reference names, by amount.
                money_out("R-2", 3_000, Some("NOTPROVIDED"), Some(rf(100_001))),
                // Returns nothing we booked.
                money_out("R-3", 1_000, Some("E2E-UNKNOWN"), None),
                // The same payment cannot be returned twice.
                money_out("R-4", 5_000, Some("E2E-P-1"), None),
            ],
        )
        .await;
        assert_eq!(
            (second.corrected, second.unmatched, second.matched),
            (2, 2, 0),
            "{}",
            test.backend_name
        );
        // Both cases owe again what they owed before the payments, nobody owes the client.
        let owed = app
            .store()
            .balances("receivable:100000:")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let principal = owed
            .iter()
            .find(|(account, ..)| account.ends_with(":principal"));
        assert_eq!(principal.map(|(_, _, minor)| *minor), Some(10_000));
        let liability = app
            .store()
            .balances("client_liability:")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            liability.iter().all(|(_, _, minor)| *minor == 0),
            "{liability:?}"
        );
        let queue = app
            .store()
            .unmatched_payments(10)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let reasons: Vec<&str> = queue.iter().map(|p| p.reason.as_str()).collect();
        assert_eq!(queue.len(), 2, "{reasons:?}");
        assert!(
            reasons.iter().all(|r| r.contains("returned (reason AC04)")),
            "{reasons:?}"
        );
        // A payment and its reversal in one file: the reversal is booked after the payment.
        let mut paid = payment("P-5", 2_000, Some(rf(100_001)), "");
        paid.record.end_to_end_id = Some("E2E-P-5".into());
        let mut reversal = money_out("R-5", 2_000, Some("E2E-P-5"), None);
        reversal.return_reason = None;
        reversal.record.reversal = true;
        let together = import_all(&app, vec![reversal, paid]).await;
        assert_eq!((together.matched, together.corrected), (1, 1));
        // A payment without an end-to-end id, returned with one: found on its case instead.
        let mut no_id = payment("P-6", 1_500, Some(rf(100_000)), "");
        no_id.record.end_to_end_id = None;
        // An unmatched payment, returned: once undone it leaves the unmatched queue.
        let mut stray = payment("P-7", 700, None, "no reference");
        stray.record.end_to_end_id = Some("E2E-P-7".into());
        let paid_more = import_all(&app, vec![no_id, stray]).await;
        assert_eq!((paid_more.matched, paid_more.unmatched), (1, 1));
        let returned_more = import_all(
            &app,
            vec![
                money_out("R-6", 1_500, Some("E2E-GIVEN-ON-RETURN"), Some(rf(100_000))),
                money_out("R-7", 700, Some("E2E-P-7"), None),
            ],
        )
        .await;
        assert_eq!(returned_more.corrected, 2, "{}", test.backend_name);
        let queue_after = app
            .store()
            .unmatched_payments(10)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            queue_after.iter().all(|p| p.bank_reference != "P-7"),
            "{queue_after:?}"
        );
        assert_eq!(
            queue_after.len(),
            2,
            "only R-3 and R-4 still wait: {queue_after:?}"
        );
        assert_ledger_checks(&app, test.backend_name).await;
    }
}

#[tokio::test]
async fn the_company_money_is_swept_out_of_client_money_once_per_date() {
    use reilu_app::sweep::SweepTo;
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(test.store.clone()).await;
        place_two_claims(&app, 1000).await;
        let rf = reilu_formats::reference::for_case("FI", 100_000).rf;
        import_all(&app, vec![payment("E-1", 10_500, Some(rf), "")]).await;
        let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
        app.remit(day, out.path())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let company = company();
        let swept = app
            .sweep(day, &company, out.path())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", test.backend_name));
        // 10 % commission of the 105.00 collected stays the company's until swept.
        assert_eq!(swept.lines.len(), 1, "{swept:?}");
        assert_eq!(
            (swept.lines[0].amount.as_str(), swept.lines[0].swept_now),
            ("10.50 EUR", true)
        );
        validate_against_epc(&swept.files[0]);
        let first_file = std::fs::read(&swept.files[0]).unwrap_or_else(|e| panic!("{e}"));
        let again = app
            .sweep(day, &company, out.path())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (again.lines.len(), again.lines[0].swept_now),
            (1, false),
            "a second run of the date moves nothing and writes the same payment"
        );
        let second_file = std::fs::read(&again.files[0]).unwrap_or_else(|e| panic!("{e}"));
        // The same single transfer of the same amount, not merely as many (possibly none).
        let amounts = |file: &[u8]| -> Vec<String> {
            String::from_utf8_lossy(file)
                .lines()
                .filter(|line| line.contains("InstdAmt"))
                .map(|line| line.trim().to_owned())
                .collect()
        };
        assert_eq!(
            amounts(&first_file),
            vec![r#"<InstdAmt Ccy="EUR">10.50</InstdAmt>"#.to_owned()]
        );
        assert_eq!(amounts(&second_file), amounts(&first_file));
        let bank = app
            .store()
            .balances("client_money_bank:")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            bank,
            vec![(
                "client_money_bank:FI2112345600000785".into(),
                "EUR".into(),
                0
            )],
            "paid to the client and swept to the company: nothing of theirs is left"
        );
        assert_ledger_checks(&app, test.backend_name).await;
        let wrong = SweepTo {
            name: Some("X".into()),
            iban: Some("FI0950000120000027".into()),
        };
        assert!(app.sweep(day, &wrong, out.path()).await.is_err());
    }
}

#[tokio::test]
async fn costs_swept_and_then_taken_back_by_a_return_are_paid_back_into_client_money() {
    use reilu_rules::model::{Actor, Context, FeeKind, Proposal};
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(test.store.clone()).await;
        place_two_claims(&app, 0).await;
        let context = Context {
            now: chrono::DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")
                .unwrap_or_else(|e| panic!("{e}"))
                .to_utc(),
            actor: Actor::System,
        };
        // A €5 reminder and a €14 payment demand (Perintälaki § 10 a), then €19 paid: costs
        // come first.
        remind(&app, 100_000).await;
        app.propose(
            100_000,
            &Proposal::ChargeFee {
                fee: FeeKind::Demand,
                amount: reilu_core::Money::from_minor(1_400, reilu_core::Currency::EUR),
            },
            &context,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let rf = reilu_formats::reference::for_case("FI", 100_000).rf;
        let mut paid = payment("C-1", 1_900, Some(rf), "");
        paid.record.end_to_end_id = Some("E2E-C-1".into());
        import_all(&app, vec![paid]).await;
        let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let company = company();
        let first_day = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
        let swept = app
            .sweep(first_day, &company, out.path())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (swept.lines[0].amount.as_str(), swept.lines[0].to_company),
            ("19.00 EUR", true)
        );
        // The payment comes back: the costs it paid are owed again, so the company swept
        // €19 it no longer earned, and `reilu check` says so.
        let returned =
            import_all(&app, vec![money_out("R-C-1", 1_900, Some("E2E-C-1"), None)]).await;
        assert_eq!(returned.corrected, 1);
        let check = app
            .store()
            .check_ledger()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            check
                .problems
                .iter()
                .any(|p| p.contains("swept to the company, more than")),
            "{:?}",
            check.problems
        );
        let next_day = first_day.succ_opt().unwrap_or_default();
        let paid_back = app
            .sweep(next_day, &company, out.path())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", test.backend_name));
        assert_eq!(paid_back.lines.len(), 1, "{paid_back:?}");
        let line = &paid_back.lines[0];
        assert_eq!(
            (
                line.amount.as_str(),
                line.to_company,
                line.from_iban.as_str(),
                line.to_iban.as_str()
            ),
            ("19.00 EUR", false, "FI0950000120000026", BANK)
        );
        validate_against_epc(&paid_back.files[0]);
        assert_ledger_checks(&app, test.backend_name).await;
    }
}

/// Entries that match nothing, to fill a chunk of the import.
fn fillers(prefix: &str, count: usize) -> Vec<IncomingPayment> {
    (0..count)
        .map(|index| payment(&format!("{prefix}-{index}"), 100, None, "no reference"))
        .collect()
}

/// The receivable balances of one case, by account.
async fn receivables(app: &App<SqlStore>, case_number: u64) -> Vec<(String, i64)> {
    app.store()
        .balances(&format!("receivable:{case_number}:"))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|(account, _, balance_minor)| (account, balance_minor))
        .collect()
}

#[tokio::test]
async fn a_file_of_many_chunks_is_planned_ahead_without_losing_what_the_last_chunk_changed() {
    let chunk = reilu_app::payments::PAYMENTS_PER_CHUNK;
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(test.store.clone()).await;
        place_two_claims(&app, 0).await;
        let rf = |case| reilu_formats::reference::for_case("FI", case).rf;
        let before: i64 = receivables(&app, 100_000).await.iter().map(|r| r.1).sum();
        // An earlier file paid 50.00 of case 100001's 200.00.
        import_all(&app, vec![payment("B-0", 5_000, Some(rf(100_001)), "")]).await;
        let mut file = Vec::new();
        // The case owes 100.00 principal and 5.00 creditor fees, paid in that order.
        // Chunk 1 pays the principal. Chunk 2 (planned while chunk 1 is written, from facts
        // read before it was) pays 4.00 of the fees, which a stale view would put on the
        // principal, and repeats an entry of chunk 1. Chunk 3 pays the last 1.00 of the fees
        // and returns that payment, and repeats an entry of chunk 1 (written by then). Chunk
        // 4 pays 0.20, which a view that missed the return would book as overpaid. Chunk 3 also
        // returns the earlier file's payment and chunk 4 pays case 100001 160.00, of which a
        // view that missed that return (150.00 owed) would book 10.00 as overpaid.
        file.push(payment("A-1", 10_000, Some(rf(100_000)), ""));
        file.extend(fillers("F1", chunk - 1));
        file.push(payment("A-2", 400, Some(rf(100_000)), ""));
        file.push(payment("A-1", 10_000, Some(rf(100_000)), ""));
        file.extend(fillers("F2", chunk - 2));
        file.push(payment("A-3", 100, Some(rf(100_000)), ""));
        file.push(payment("F1-0", 100, None, "no reference"));
        file.push(money_out("R-3", 100, Some("E2E-A-3"), None));
        file.push(money_out("R-B0", 5_000, Some("E2E-B-0"), None));
        file.extend(fillers("F3", chunk - 4));
        file.push(payment("A-4", 20, Some(rf(100_000)), ""));
        file.push(payment("B-1", 16_000, Some(rf(100_001)), ""));
        let summary = import_all(&app, file).await;
        assert_eq!(
            (
                summary.matched,
                summary.corrected,
                summary.already_recorded,
                summary.unmatched
            ),
            (5, 2, 2, 3 * chunk as u64 - 7),
            "{}",
            test.backend_name
        );
        let after = receivables(&app, 100_000).await;
        assert!(
            after.iter().all(|(_, balance_minor)| *balance_minor >= 0),
            "no part of the case is paid twice: {after:?}"
        );
        assert_eq!(
            after.iter().map(|r| r.1).sum::<i64>(),
            before - (10_000 + 400 + 100 + 20 - 100),
            "{after:?}"
        );
        let other: i64 = receivables(&app, 100_001).await.iter().map(|r| r.1).sum();
        assert_eq!(other, 20_000 - 16_000, "case 100001");
        let overpaid = app
            .store()
            .balances("overpaid:")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(overpaid.iter().all(|row| row.2 == 0), "{overpaid:?}");
        assert_ledger_checks(&app, test.backend_name).await;
    }
}
