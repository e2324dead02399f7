//! Published late rates in the store: recorded with their journal entry, refused when they
//! overlap one already recorded, read back in order, append-only; on SQLite and, when
//! REILU_TEST_DATABASE_URL is set, on PostgreSQL.

use reilu_store::test_support::stores_under_test;
use reilu_store::*;

const AT_MS: i64 = 1_765_000_000_000;

fn rate(market: &str, applies_to: &str, from: &str, to: &str, rate_bp: i64) -> NewPublishedRate {
    NewPublishedRate {
        id: format!("PUB-{market}-{from}-{applies_to}"),
        market: market.into(),
        applies_to: applies_to.into(),
        effective_from: from.into(),
        effective_to: to.into(),
        rate_bp,
        citation: "Suomen Pankki: viitekorko 1.7.–31.12.2026".into(),
        recorded_by: "Compliance Officer".into(),
    }
}

#[tokio::test]
async fn published_rates_are_recorded_once_with_their_journal_entry() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let store = &test.store;
        let name = test.backend_name;
        let consumer = rate("FI", "consumer", "2026-07-01", "2026-12-31", 950);
        let business = rate("FI", "business", "2026-07-01", "2026-12-31", 1050);
        let swedish = rate("SE", "all", "2026-07-01", "2026-12-31", 1000);
        for (new, at_ms) in [
            (&swedish, AT_MS),
            (&consumer, AT_MS + 1),
            (&business, AT_MS + 2),
        ] {
            let seq = store.insert_published_rate(new, at_ms).await;
            assert!(seq.is_ok(), "{name}: {seq:?}");
        }
        // `all` overlaps both kinds; the same kind overlaps itself, on any shared day.
        for overlapping in [
            rate("FI", "all", "2026-07-01", "2026-12-31", 950),
            rate("FI", "consumer", "2026-12-31", "2027-06-30", 950),
            rate("SE", "business", "2026-01-01", "2026-07-01", 1000),
        ] {
            let refused = store.insert_published_rate(&overlapping, AT_MS + 3).await;
            assert!(
                matches!(&refused, Err(StoreError::Conflict(message)) if message.contains("may not overlap")),
                "{name}: {} {refused:?}",
                overlapping.id
            );
        }
        // The next half-year is no overlap.
        let next = rate("FI", "consumer", "2027-01-01", "2027-06-30", 900);
        assert!(store.insert_published_rate(&next, AT_MS + 4).await.is_ok());

        let stored = store
            .published_rates()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let ids: Vec<&str> = stored.iter().map(|row| row.rate.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "PUB-FI-2026-07-01-business",
                "PUB-FI-2026-07-01-consumer",
                "PUB-FI-2027-01-01-consumer",
                "PUB-SE-2026-07-01-all",
            ],
            "{name}"
        );
        assert_eq!(stored[1].rate, consumer);
        assert_eq!(stored[1].recorded_at_ms, AT_MS + 1);

        // Four recorded, four journaled after the keyed marker (the refused ones wrote
        // nothing), chain intact.
        let counts = store.counts().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(counts.journal_entries, 5, "{name}");
        assert!(matches!(
            store.verify_journal().await,
            Ok(JournalVerification::Intact { entries: 5 })
        ));
        assert_journaled_with_who_and_citation(&test.url, name).await;
    }
}

#[tokio::test]
async fn published_rates_cannot_be_changed_or_removed() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let recorded = rate("FI", "consumer", "2026-07-01", "2026-12-31", 950);
        assert!(
            test.store
                .insert_published_rate(&recorded, AT_MS)
                .await
                .is_ok()
        );
        for sql in [
            "UPDATE published_rates SET rate_bp = 1 WHERE id = 'PUB-FI-2026-07-01-consumer'",
            "DELETE FROM published_rates WHERE id = 'PUB-FI-2026-07-01-consumer'",
        ] {
            let error = test.raw(sql).await.err().unwrap_or_default();
            assert!(
                error.contains("append-only"),
                "{}: {sql}: {error}",
                test.backend_name
            );
        }
    }
}

/// The consumer rate's journal entry names who recorded it and carries the citation.
async fn assert_journaled_with_who_and_citation(url: &str, name: &str) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let entry: (String, String) = sqlx::query_as(
        "SELECT actor, payload FROM journal WHERE kind = 'rules.rate_published' \
         AND subject = 'rate:PUB-FI-2026-07-01-consumer'",
    )
    .fetch_one(&pool)
    .await
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    pool.close().await;
    assert_eq!(entry.0, "Compliance Officer", "{name}");
    let payload: serde_json::Value =
        serde_json::from_str(&entry.1).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(payload["rate_bp"], 950, "{name}");
    assert_eq!(
        payload["citation"], "Suomen Pankki: viitekorko 1.7.–31.12.2026",
        "{name}"
    );
    assert_eq!(payload["effective_to"], "2026-12-31", "{name}");
}
