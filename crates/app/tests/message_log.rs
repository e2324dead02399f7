//! The transparency log of message commitments through the application: every message the run
//! writes is a leaf; the signed checkpoint opens with the published verifier key; inclusion
//! and consistency proofs check out with the RFC 9162 algorithms (reilu-tlog, tested against
//! the published vectors); a commitment altered in the store afterwards is named by the walk
//! of the log. On SQLite and (with REILU_TEST_DATABASE_URL) PostgreSQL.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use reilu_app::{App, FixedClock};
use reilu_store::test_support::stores_under_test;
use reilu_store::{SqlStore, Store};
use reilu_strategy::StrategySet;
use reilu_tlog::{VerifierKey, open_checkpoint, verify_consistency, verify_inclusion};
use reilu_vault::{MasterKey, MessageSigningKey, Vault};

const HEADER: &str = "client_claim_ref,market,customer_type,customer_national_id,customer_name,customer_address_line1,customer_postcode,customer_city,customer_phone,currency,principal,invoice_date,due_date";
const ROWS: &str = "\
FI-1,FI,consumer,131052-308T,Maija Meikäläinen,Mannerheimintie 1,00100,Helsinki,+358401234567,EUR,1000.00,2026-09-01,2026-09-15
FI-2,FI,consumer,061257-783H,Aino Heikkinen,Aleksanterinkatu 112,20670,Turku,+358407654321,EUR,1000.00,2026-09-01,2026-09-15
FI-3,FI,consumer,170745-9018,Ville Virtanen,Hämeenkatu 3,33100,Tampere,+358409876543,EUR,250.00,2026-09-01,2026-09-15
";

fn app_at(
    store: &SqlStore,
    master: &MasterKey,
    signer: &MessageSigningKey,
    day: &str,
) -> App<SqlStore> {
    let now: DateTime<Utc> = format!("{day}T10:00:00Z")
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    App::new(store.clone(), Vault::new(master), Arc::new(FixedClock(now)))
        .unwrap_or_else(|e| panic!("{e}"))
        .with_signer(signer.clone())
}

async fn run(app: &App<SqlStore>, day: &str) {
    let date: NaiveDate = day.parse().unwrap_or_else(|e| panic!("{e}"));
    let strategies = StrategySet::builtin().unwrap_or_else(|e| panic!("{e}"));
    app.run_day(&strategies, date, &|_| {})
        .await
        .unwrap_or_else(|e| panic!("{day}: {e}"));
}

#[tokio::test]
async fn the_runs_messages_are_logged_proven_and_an_altered_one_is_named() {
    for test in stores_under_test().await.unwrap_or_else(|e| panic!("{e}")) {
        let name = test.backend_name;
        let store = test.store.clone();
        let master = MasterKey::generate();
        let signer = MessageSigningKey::ephemeral();
        let app = app_at(&store, &master, &signer, "2026-09-16");
        app.configure_demo_accounts()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let client = app
            .add_client_with_terms("Kauppa Oy", "FI", "FI2112345600000785", 0)
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
        .unwrap_or_else(|e| panic!("{e}"));

        // The reminders: one leaf each.
        let first_day = app_at(&store, &master, &signer, "2026-09-29");
        run(&first_day, "2026-09-29").await;
        let key = VerifierKey::parse(
            &first_day
                .log_verifier_key()
                .unwrap_or_else(|e| panic!("{e}")),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let early = first_day
            .log_checkpoint()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let early = open_checkpoint(&early, &key).unwrap_or_else(|e| panic!("{name}: {e}"));
        let messages = |app: &App<SqlStore>| {
            let store = app.store().clone();
            async move {
                let all = store.outbox_messages(None, 1_000).await;
                u64::try_from(all.unwrap_or_else(|e| panic!("{e}")).len()).unwrap_or(0)
            }
        };
        assert!(early.size() > 0, "{name}");
        assert_eq!(
            early.size(),
            messages(&first_day).await,
            "{name}: a leaf a message"
        );

        // The SMS a week later: three more.
        let later_day = app_at(&store, &master, &signer, "2026-10-06");
        run(&later_day, "2026-10-06").await;
        let later = later_day
            .log_checkpoint()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let later = open_checkpoint(&later, &key).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(later.size() > early.size(), "{name}");
        assert_eq!(
            later.size(),
            messages(&later_day).await,
            "{name}: a leaf a message"
        );
        let consistency = later_day
            .log_consistency_proof(early.size(), later.size())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        verify_consistency(
            early.size(),
            later.size(),
            early.root(),
            later.root(),
            &consistency,
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        let leaves = store
            .log_leaves(0, 100)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(u64::try_from(leaves.len()).ok(), Some(later.size()));
        for leaf in &leaves {
            let data = reilu_store::leaf_data(&leaf.commitment, &leaf.signature);
            let proof = later_day
                .log_inclusion_proof(leaf.leaf_index, later.size())
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            verify_inclusion(
                leaf.leaf_index,
                later.size(),
                &reilu_tlog::leaf_hash(&data),
                &proof,
                later.root(),
            )
            .unwrap_or_else(|e| panic!("{name}: leaf {}: {e}", leaf.leaf_index));
            assert_eq!(
                store
                    .log_index_of_code(&leaf.code)
                    .await
                    .unwrap_or_else(|e| panic!("{e}")),
                Some(leaf.leaf_index)
            );
        }
        let intact = later_day
            .verify_log()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(intact.problems.is_empty(), "{name}: {:?}", intact.problems);

        // Someone with the database changes what one message said: the walk names it.
        sqlx::any::install_default_drivers();
        let pool = sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .connect(&test.url)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let unguard = if name == "postgres" {
            "ALTER TABLE message_commitments DISABLE TRIGGER USER"
        } else {
            "DROP TRIGGER message_commitments_are_append_only_update"
        };
        sqlx::query(unguard)
            .execute(&pool)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let altered = leaves.last().unwrap_or_else(|| panic!("a leaf"));
        sqlx::query("UPDATE message_commitments SET commitment = REPLACE(commitment, 'EUR', 'SEK') WHERE decision_id = $1")
            .bind(&altered.decision_id)
            .execute(&pool)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let check = later_day
            .verify_log()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(check.problems.len(), 1, "{name}: {:?}", check.problems);
        assert!(
            check.problems[0].starts_with(&format!("leaf {} ", altered.leaf_index))
                && check.problems[0].contains(&altered.code),
            "{name}: {:?}",
            check.problems
        );
    }
}
