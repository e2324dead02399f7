//! Hostile and real bank files on every backend: amounts that would overflow the ledger,
//! entries repeated across chunks, an import that stops part-way and is run again, remittance
//! texts that must not be stored in plain text, and statements that do or do not reconcile.
//! After each, the ledger check (`reilu check`) is green.

#![allow(clippy::expect_used)] // tests may panic on bad data

use std::sync::Arc;

use reilu_app::payments::{
    IncomingPayment, PAYMENTS_PER_CHUNK, PaymentSource, Validation, camt_file_source, source_fn,
    validate_payments,
};
use reilu_app::{App, FixedClock};
use reilu_core::{Currency, Money};
use reilu_formats::camt::ReportSummary;
use reilu_formats::camt::{BankEntry, Direction, EntryStatus};
use reilu_store::test_support::{TestStore, stores_under_test};
use reilu_store::{BankEntryRecord, PAYMENTS_PER_TRANSACTION, SqlStore, Store};
use reilu_vault::{MasterKey, Vault};

const HEADER: &str = "client_claim_ref,market,customer_type,customer_national_id,customer_name,customer_address_line1,customer_postcode,customer_city,currency,principal,invoice_date,due_date";
const ROW: &str = "INV-1,FI,consumer,131052-308T,Maija Meikäläinen,Mannerheimintie 1,00100,Helsinki,EUR,100.00,2026-09-01,2026-09-15";
const BANK: &str = "FI2112345600000785";

/// An app whose client-money account in EUR is `BANK` (statements of other accounts are
/// refused).
async fn app_on(store: SqlStore) -> App<SqlStore> {
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")
        .unwrap_or_else(|e| panic!("{e}"));
    let app = App::new(
        store,
        Vault::new(&MasterKey::generate()),
        Arc::new(FixedClock(now.to_utc())),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    app.add_bank_account(
        BANK,
        "EUR",
        reilu_store::BankAccountKind::ClientMoney,
        None,
        "test",
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    app
}

/// One FI case (100000) of €100.
async fn place_one_case(app: &App<SqlStore>) {
    let client = app
        .add_client("Kauppa Oy", "FI", BANK)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let accepted = app
        .import_claim_file(
            &client.id,
            "t.csv",
            std::io::Cursor::new(format!("{HEADER}\n{ROW}\n").into_bytes()),
            &|_| {},
            &mut |_| Ok(()),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .accepted;
    assert_eq!(accepted, 1);
}

fn credit(reference: &str, amount_minor: i64, text: &str) -> IncomingPayment {
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
            structured_reference: None,
            unstructured: text.into(),
            unstructured_sealed: None,
            end_to_end_id: None,
        },
        credit: true,
        returned: false,
        return_reason: None,
        unstructured_lines: vec![text.into()],
    }
}

fn bank_entry(reference: String, amount_minor: i64) -> BankEntry {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 24);
    BankEntry {
        account_iban: BANK.into(),
        bank_reference: reference,
        amount: Money::from_minor(amount_minor, Currency::EUR),
        direction: Direction::Credit,
        reversal: false,
        status: EntryStatus::Booked,
        booking_date: day,
        value_date: day,
        structured_reference: None,
        unstructured: Vec::new(),
        end_to_end_id: None,
        return_reason: None,
        debtor_name: None,
        debtor_iban: None,
    }
}

async fn assert_ledger_green(store: &SqlStore, backend: &str) {
    let check = store
        .check_ledger()
        .await
        .unwrap_or_else(|e| panic!("{backend}: {e}"));
    assert_eq!(check.problems, Vec::<String>::new(), "{backend}");
}

async fn bank_balance(store: &SqlStore) -> i64 {
    let account = format!("client_money_bank:{BANK}");
    store
        .balances(&account)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .find(|(name, _, _)| *name == account)
        .map_or(0, |(_, _, balance)| balance)
}

async fn bank_entries(test: &TestStore) -> u64 {
    // A statement that changes nothing counts the rows it matches.
    test.raw("UPDATE bank_entries SET reason = reason")
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn files_that_would_overflow_the_ledger_are_refused_whole() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let app = app_on(test.store.clone()).await;
        place_one_case(&app).await;
        let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        // Five files of 2,000 entries of 10^13 EUR each: together 10^19 EUR cents, past i64.
        for file_number in 0..5 {
            let path = folder.path().join(format!("huge-{file_number}.xml"));
            let entries = (0..2_000).map(|index| {
                bank_entry(format!("HUGE-{file_number}-{index}"), 1_000_000_000_000_000)
            });
            let file = std::fs::File::create(&path).unwrap_or_else(|e| panic!("{e}"));
            reilu_formats::camt::synth::write_camt054(file, "HUGE", entries)
                .unwrap_or_else(|e| panic!("{e}"));
            let error = app
                .import_payments(camt_file_source(path))
                .await
                .expect_err("an entry of 10^13 EUR is above the limit");
            assert!(error.to_string().contains("limit"), "{backend}: {error}");
        }
        assert_eq!(bank_balance(&test.store).await, 0, "{backend}");
        // Entries within the limit whose file adds up past the limit for one file.
        let many: Vec<IncomingPayment> = (0..101)
            .map(|index| credit(&format!("BIG-{index}"), 10_000_000_000_000, ""))
            .collect();
        let error = app
            .import_payments(source_fn(move |sink| {
                many.iter().cloned().try_for_each(&mut *sink)
            }))
            .await
            .expect_err("the file's sum is above the limit");
        assert!(
            error.to_string().contains("limit for one file"),
            "{backend}: {error}"
        );
        // An account near the limit: a file that would take it past is refused.
        let near = reilu_store::NewPosting {
            kind: "payment_unmatched".into(),
            at_ms: 1,
            actor: "test".into(),
            description: "an opening balance near the limit".into(),
            corrects: None,
            idempotency_key: None,
            entries: vec![
                line(&format!("client_money_bank:{BANK}"), 99_999_999_990_000_000),
                line("unallocated", -99_999_999_990_000_000),
            ],
        };
        test.store
            .post(&near)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let past: Vec<IncomingPayment> = (0..2)
            .map(|index| credit(&format!("PAST-{index}"), 9_000_000_000_000, ""))
            .collect();
        let error = app
            .import_payments(source_fn(move |sink| {
                past.iter().cloned().try_for_each(&mut *sink)
            }))
            .await
            .expect_err("the account would pass the balance limit");
        assert!(
            error.to_string().contains("past the limit"),
            "{backend}: {error}"
        );
        assert_eq!(bank_balance(&test.store).await, 99_999_999_990_000_000);
        assert_eq!(
            bank_entries(&test).await,
            0,
            "{backend}: nothing was recorded"
        );
        // The store itself refuses a balance that would leave the integer range (SQLite
        // would otherwise turn it into a float).
        let overflow = test
            .raw(&format!(
                "UPDATE account_balances SET balance_minor = balance_minor + 9223372036854775807 WHERE account = 'client_money_bank:{BANK}'"
            ))
            .await;
        assert!(overflow.is_err(), "{backend}: {overflow:?}");
        assert_ledger_green(&test.store, backend).await;
        // Accrual still runs for everyone.
        let run_date = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
        app.accrue_interest(run_date, &|_| {})
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
    }
}

/// A source whose import pass fails at `stop_at`, as a killed import would stop; its
/// validation pass reads everything.
struct Stopping {
    payments: Vec<IncomingPayment>,
    stop_at: usize,
}

impl PaymentSource for Stopping {
    fn read_payments(
        &self,
        sink: &mut dyn FnMut(IncomingPayment) -> reilu_app::AppResult<()>,
    ) -> reilu_app::AppResult<Vec<ReportSummary>> {
        for (index, payment) in self.payments.iter().enumerate() {
            if index == self.stop_at {
                return Err(reilu_app::AppError::Io("killed".into()));
            }
            sink(payment.clone())?;
        }
        Ok(Vec::new())
    }

    fn validate(&self) -> reilu_app::AppResult<Validation> {
        validate_payments(|sink| {
            self.payments.iter().cloned().try_for_each(&mut *sink)?;
            Ok(Vec::new())
        })
    }
}

fn line(account: &str, amount_minor: i64) -> reilu_store::PostingEntryRow {
    reilu_store::PostingEntryRow {
        account: account.into(),
        currency: "EUR".into(),
        amount_minor,
    }
}

#[tokio::test]
async fn an_import_stopped_after_some_chunks_resumes_and_posts_nothing_twice() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let app = app_on(test.store.clone()).await;
        place_one_case(&app).await;
        let per_transaction = PAYMENTS_PER_TRANSACTION;
        let total = 2 * per_transaction + 500;
        // Unmatched credits (no reference), with one entry repeated in a later chunk of the
        // first transaction and again after it.
        let mut payments: Vec<IncomingPayment> = (0..total)
            .map(|index| credit(&format!("R-{index}"), 100 + index as i64, "no reference"))
            .collect();
        let repeats = [
            PAYMENTS_PER_CHUNK + 7,
            per_transaction + PAYMENTS_PER_CHUNK + 9,
        ];
        for repeat in repeats {
            payments[repeat] = payments[3].clone();
        }
        let expected_sum: i64 = (0..total)
            .filter(|index| !repeats.contains(index))
            .map(|index| 100 + index as i64)
            .sum();
        // The first run stops (as a killed process would) half-way through the second
        // transaction: the validation pass reads everything, the import pass fails there.
        let stopping = Stopping {
            payments: payments.clone(),
            stop_at: per_transaction + per_transaction / 2,
        };
        let error = app.import_payments(stopping).await.expect_err("stopped");
        assert!(error.to_string().contains("killed"), "{error}");
        let written = bank_entries(&test).await;
        assert_eq!(
            written,
            per_transaction as u64 - 1,
            "{backend}: the first transaction stays (one entry in it a repeat), the second not"
        );
        assert_ledger_green(&test.store, backend).await;
        // Run again: what was written is skipped, the rest is posted, each entry once.
        let again = payments.clone();
        let summary = app
            .import_payments(source_fn(move |sink| {
                again.iter().cloned().try_for_each(&mut *sink)
            }))
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!(summary.entries, total as u64);
        assert_eq!(
            summary.already_recorded,
            per_transaction as u64 + 1,
            "{backend}"
        );
        assert_eq!(summary.unmatched, (total - per_transaction - 1) as u64);
        assert_eq!(bank_entries(&test).await, total as u64 - 2, "{backend}");
        assert_eq!(bank_balance(&test.store).await, expected_sum, "{backend}");
        // And once more: nothing new.
        let once_more = payments.clone();
        let summary = app
            .import_payments(source_fn(move |sink| {
                once_more.iter().cloned().try_for_each(&mut *sink)
            }))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(summary.already_recorded, total as u64);
        assert_eq!(bank_balance(&test.store).await, expected_sum);
        assert_ledger_green(&test.store, backend).await;
    }
}

#[tokio::test]
async fn remittance_texts_are_kept_sealed_and_read_only_by_a_named_reader() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let app = app_on(test.store.clone()).await;
        place_one_case(&app).await;
        let rf = reilu_formats::reference::for_case("FI", 100_000).rf;
        let secret = "Maija Meikalainen 131052-308T maija@example.fi";
        let payments = [
            credit("T-1", 1_000, &format!("{secret} {rf}")),
            credit("T-2", 2_000, secret),
        ];
        let summary = app
            .import_payments(source_fn(move |sink| {
                payments.iter().cloned().try_for_each(&mut *sink)
            }))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // Matching read the text before it was sealed.
        assert_eq!((summary.matched, summary.unmatched), (1, 1), "{backend}");
        let plain = test
            .raw("UPDATE bank_entries SET reason = reason WHERE unstructured <> '' OR unstructured_sealed IS NULL")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(plain, 0, "{backend}: no text is kept in plain text");
        let masked = app
            .store_unmatched(10)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(masked[0].text, "***");
        let error = app.store_unmatched_read(10, " ", "why").await;
        assert!(error.is_err());
        let read = app
            .store_unmatched_read(10, "aino", "find the case of a payment")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read[0].text, secret);
        let journaled = test
            .raw("UPDATE journal SET actor = actor WHERE kind = 'personal_data.read' AND actor = 'aino'")
            .await;
        // The journal refuses updates (append-only) or counts the entry: either way it is there.
        if let Ok(rows) = journaled {
            assert_eq!(rows, 1, "{backend}");
        }
        assert_ledger_green(&test.store, backend).await;
        if let Some(folder) = test.folder() {
            test.store.close().await;
            for file in std::fs::read_dir(folder).unwrap_or_else(|e| panic!("{e}")) {
                let bytes = std::fs::read(file.unwrap_or_else(|e| panic!("{e}")).path())
                    .unwrap_or_default();
                let text = String::from_utf8_lossy(&bytes);
                assert!(
                    !text.contains("131052-308T"),
                    "the identity number is on disk"
                );
                assert!(!text.contains("maija@example.fi"), "the e-mail is on disk");
            }
        }
    }
}

#[tokio::test]
async fn texts_stored_in_plain_before_are_sealed_when_the_store_is_opened() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let app = app_on(test.store.clone()).await;
        let payments = [credit("OLD-1", 1_000, "Jane Roe jane@example.com")];
        app.import_payments(source_fn(move |sink| {
            payments.iter().cloned().try_for_each(&mut *sink)
        }))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        // As a store before migration 14 kept it.
        test.raw("UPDATE bank_entries SET unstructured = 'Jane Roe jane@example.com', unstructured_sealed = NULL")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let masked = app
            .store_unmatched(10)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(masked[0].text, "***");
        assert_eq!(app.seal_plain_remittance_texts().await.ok(), Some(1));
        assert_eq!(app.seal_plain_remittance_texts().await.ok(), Some(0));
        let read = app
            .store_unmatched_read(10, "aino", "audit")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            read[0].text, "Jane Roe jane@example.com",
            "{}",
            test.backend_name
        );
    }
}

/// A camt.053.001.04 statement of `BANK` paying case 100000 `paid` cents, with the given
/// opening and closing balances.
fn statement(id: &str, opening: &str, paid: &str, closing: &str) -> String {
    let rf = reilu_formats::reference::for_case("FI", 100_000).rf;
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"><BkToCstmrStmt>
<GrpHdr><MsgId>{id}</MsgId><CreDtTm>2026-11-24T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>{id}</Id><ElctrncSeqNb>1</ElctrncSeqNb><CreDtTm>2026-11-24T18:00:00</CreDtTm>
<Acct><Id><IBAN>{BANK}</IBAN></Id></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{opening}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-24</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{closing}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-24</Dt></Dt></Bal>
<Ntry><Amt Ccy="EUR">{paid}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-24</Dt></BookgDt><BkTxCd/>
<NtryDtls><TxDtls><Amt Ccy="EUR">{paid}</Amt><CdtDbtInd>CRDT</CdtDbtInd><RmtInf><Strd><CdtrRefInf><Ref>{rf}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>
"#
    )
}

#[tokio::test]
async fn statements_are_reconciled_with_their_entries_and_the_ledger() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let app = app_on(test.store.clone()).await;
        place_one_case(&app).await;
        let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let good = folder.path().join("good.xml");
        std::fs::write(&good, statement("S-1", "0.00", "30.00", "30.00"))
            .unwrap_or_else(|e| panic!("{e}"));
        let summary = app
            .import_payments(camt_file_source(good.clone()))
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!(summary.matched, 1);
        assert_eq!(summary.statements.len(), 1);
        assert_eq!(summary.statements[0].statement_difference_minor, Some(0));
        assert_eq!(summary.statements[0].ledger_difference_minor, Some(0));
        let reconciled = app
            .reconcile(None, None)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reconciled.len(), 1);
        assert!(!reconciled[0].differs(), "{backend}: {reconciled:?}");
        // The same file again changes nothing and still reconciles.
        let again = app
            .import_payments(camt_file_source(good))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.already_recorded, 1);
        // A statement that does not add up (and a closing balance the ledger does not have).
        let bad = folder.path().join("bad.xml");
        std::fs::write(&bad, statement("S-2", "30.00", "20.00", "55.00"))
            .unwrap_or_else(|e| panic!("{e}"));
        let summary = app
            .import_payments(camt_file_source(bad))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(summary.statements[0].statement_difference_minor, Some(500));
        assert_eq!(summary.statements[0].ledger_difference_minor, Some(500));
        let reconciled = app
            .reconcile(None, None)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(reconciled[0].differs());
        let kinds: Vec<&str> = reconciled[0]
            .open_differences
            .iter()
            .map(|d| d.kind)
            .collect();
        assert_eq!(kinds, ["statement", "ledger"], "{backend}");
        // As of a date before any statement closed: nothing to reconcile.
        let before = app
            .reconcile(Some("2026-11-23"), None)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(before.is_empty());
        assert_ledger_green(&test.store, backend).await;
    }
}

#[tokio::test]
async fn a_file_that_breaks_after_more_than_one_transaction_of_entries_posts_nothing() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let app = app_on(test.store.clone()).await;
        let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = folder.path().join("truncated.xml");
        let entries = (0..PAYMENTS_PER_TRANSACTION + 1_000)
            .map(|index| bank_entry(format!("T-{index}"), 1_000));
        let mut file = Vec::new();
        reilu_formats::camt::synth::write_camt054(&mut file, "TRUNC", entries)
            .unwrap_or_else(|e| panic!("{e}"));
        file.truncate(file.len() - 100);
        std::fs::write(&path, file).unwrap_or_else(|e| panic!("{e}"));
        let error = app
            .import_payments(camt_file_source(path))
            .await
            .expect_err("a truncated file is refused");
        assert!(
            error.to_string().contains("truncated"),
            "{backend}: {error}"
        );
        assert_eq!(
            bank_entries(&test).await,
            0,
            "{backend}: nothing was committed"
        );
        assert_ledger_green(&test.store, backend).await;
    }
}

/// Two files paying the same case imported at the same time: chunks of one go stale under
/// the other's writes, and the import resumes by itself instead of failing (before, one of
/// them stopped with "run the import again"). Every entry is booked once and the ledger
/// checks out.
#[tokio::test]
async fn two_imports_paying_the_same_case_at_once_both_finish() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let backend = test.backend_name;
        let app = app_on(test.store.clone()).await;
        place_one_case(&app).await;
        let rf = reilu_formats::reference::for_case("FI", 100_000).rf;
        let entries = 3 * PAYMENTS_PER_CHUNK;
        let file = |prefix: &'static str| {
            let rf = rf.clone();
            source_fn(move |sink| {
                (0..entries)
                    .map(|index| credit(&format!("{prefix}-{index}"), 1, &rf))
                    .try_for_each(&mut *sink)
            })
        };
        let other = app.clone();
        let (first, second) = tokio::join!(
            app.import_payments(file("A")),
            other.import_payments(file("B"))
        );
        let first = first.unwrap_or_else(|e| panic!("{backend}: {e}"));
        let second = second.unwrap_or_else(|e| panic!("{backend}: {e}"));
        let booked =
            first.matched + first.already_recorded + second.matched + second.already_recorded;
        assert!(
            first.matched + second.matched <= 2 * entries as u64 && booked >= 2 * entries as u64,
            "{backend}: {first:?} {second:?}"
        );
        let rows = test
            // Rows an idle update touches: the matched entries, counted.
            .raw("UPDATE bank_entries SET reason = reason WHERE outcome = 'matched'")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            rows,
            (2 * entries) as u64,
            "{backend}: every entry booked once"
        );
        let check = app
            .store()
            .check_ledger()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(check.problems.is_empty(), "{backend}: {:?}", check.problems);
    }
}
