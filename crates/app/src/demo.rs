//! The synthetic demo portfolio: clients, consumer and business customers with valid
//! identity numbers, and overdue claims with plausible amounts, ages and languages. The same
//! seed (and the same as-of date) gives the same portfolio, row for row.

use chrono::{Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reilu_core::Markets;
use reilu_formats::claim_row::RawClaim;
use reilu_formats::national_id::{self, PartyKind};

use crate::demo_data::{MATERIAL, MarketMaterial};

/// The commission demo clients agreed to: 10 % of what is collected.
const DEMO_COMMISSION_BP: i64 = 1000;

/// Claims buffered per demo client before they are placed: small, because there is one
/// buffer per client.
const DEMO_ROWS_PER_CHUNK: usize = 1000;

/// The date the demo's claim ages count back from, unless the caller gives another: fixed,
/// so the same seed gives the same portfolio on any day.
pub const DEMO_AS_OF: (i32, u32, u32) = (2026, 11, 1);

/// A demo client: deterministic id and API key, so the demo's logins can be printed again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoClient {
    pub id: uuid::Uuid,
    pub name: String,
    pub market: &'static str,
    pub iban: String,
    pub api_key: String,
}

/// The whole plan of a demo portfolio: clients first, then claims client by client.
pub struct DemoPortfolio {
    /// Parsed once: currencies and calling codes are looked up for every claim.
    markets: Option<Markets>,
    seed: u64,
    cases: u64,
    as_of: NaiveDate,
}

/// Example IBANs from the SWIFT IBAN registry, one per demo market; the demo varies their
/// last digits and recomputes the check digits.
const REGISTRY_IBANS: &[(&str, &str)] = &[
    ("FI", "FI2112345600000785"),
    ("SE", "SE4550000000058398257466"),
    ("NO", "NO9386011117947"),
    ("DK", "DK5000400440116243"),
    ("DE", "DE89370400440532013000"),
    ("NL", "NL91ABNA0417164300"),
    ("GB", "GB29NWBK60161331926819"),
    ("BE", "BE68539007547034"),
    ("EE", "EE382200221020145685"),
    ("PL", "PL61109010140000071219812874"),
    ("AT", "AT611904300234573201"),
    ("ES", "ES9121000418450200051332"),
    ("IT", "IT60X0542811101000000123456"),
];

const CLIENT_NAMES: &[&str] = &[
    "Energy",
    "Telecom",
    "Retail",
    "Finance",
    "Healthcare",
    "Housing",
];

impl DemoPortfolio {
    pub fn new(seed: u64, cases: u64, as_of: Option<NaiveDate>) -> Self {
        let fixed =
            NaiveDate::from_ymd_opt(DEMO_AS_OF.0, DEMO_AS_OF.1, DEMO_AS_OF.2).unwrap_or_default();
        DemoPortfolio {
            markets: Markets::builtin().ok(),
            seed,
            cases,
            as_of: as_of.unwrap_or(fixed),
        }
    }

    /// Two clients per demo market.
    pub fn clients(&self) -> Vec<DemoClient> {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed ^ 0x00C1_1E27);
        let mut clients = Vec::new();
        for material in MATERIAL {
            for _ in 0..2 {
                let sector = CLIENT_NAMES[rng.gen_range(0..CLIENT_NAMES.len())];
                let name = format!(
                    "{} {sector} {}",
                    pick(&mut rng, material.last_names),
                    material.company_suffix
                );
                let mut id_bytes = [0_u8; 16];
                rng.fill(&mut id_bytes);
                let mut key_bytes = [0_u8; 32];
                rng.fill(&mut key_bytes);
                clients.push(DemoClient {
                    id: uuid::Uuid::new_v8(id_bytes),
                    name,
                    market: material.market,
                    iban: varied_iban(material.market, &mut rng),
                    api_key: format!(
                        "{}demo{}",
                        crate::clients::API_KEY_PREFIX,
                        hex::encode(key_bytes)
                    ),
                });
            }
        }
        clients
    }

    /// Every claim of the portfolio with the index of its client in [`Self::clients`]. A case
    /// (one customer of one client) has one to three claims.
    pub fn claims(&self) -> impl Iterator<Item = (usize, RawClaim)> + '_ {
        let weights: u32 = MATERIAL.iter().map(|material| material.weight).sum();
        (0..self.cases).flat_map(move |case_index| {
            let mut rng = ChaCha8Rng::seed_from_u64(
                self.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ case_index,
            );
            let material = weighted_market(&mut rng, weights);
            let market_index = MATERIAL
                .iter()
                .position(|m| m.market == material.market)
                .unwrap_or(0);
            let client_index = market_index * 2 + rng.gen_range(0..2);
            let customer = self.customer(&mut rng, material, case_index);
            let claim_count = [1, 1, 1, 2, 2, 3][rng.gen_range(0..6)];
            let claims: Vec<(usize, RawClaim)> = (0..claim_count)
                .map(|claim_index| {
                    (
                        client_index,
                        self.claim(&mut rng, material, &customer, case_index, claim_index),
                    )
                })
                .collect();
            claims
        })
    }

    fn customer(
        &self,
        rng: &mut ChaCha8Rng,
        material: &MarketMaterial,
        case_index: u64,
    ) -> RawClaim {
        let business = rng.gen_bool(0.15);
        let kind = if business {
            PartyKind::Business
        } else {
            PartyKind::Person
        };
        let last = pick(rng, material.last_names);
        let first = pick(rng, material.first_names);
        let name = if business {
            format!(
                "{last} {} {}",
                pick(rng, CLIENT_NAMES),
                material.company_suffix
            )
        } else {
            format!("{first} {last}")
        };
        let (city, postcode_pattern) = material.cities[rng.gen_range(0..material.cities.len())];
        let national_id = national_id::generate(
            material.market,
            kind,
            self.seed ^ case_index.rotate_left(17),
        );
        let address_line1 = format!("{} {}", pick(rng, material.streets), rng.gen_range(1..120));
        let postcode = fill_digits(rng, postcode_pattern);
        let mailbox: String = name
            .to_lowercase()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        let email = rng
            .gen_bool(0.8)
            .then(|| format!("{mailbox}{case_index}@{}", material.mail_domain));
        let calling = self
            .markets
            .as_ref()
            .and_then(|m| m.get(material.market).ok())
            .map(|m| m.calling_code.as_str())
            .unwrap_or("");
        let phone = rng.gen_bool(0.7).then(|| phone(rng, material, calling));
        let asks_other_language = !material.other_languages.is_empty() && rng.gen_bool(0.1);
        let language = asks_other_language.then(|| pick(rng, material.other_languages).to_owned());
        RawClaim {
            market: Some(material.market.into()),
            customer_type: Some(if business { "business" } else { "consumer" }.into()),
            customer_national_id: Some(national_id),
            customer_address_line1: Some(address_line1),
            customer_postcode: Some(postcode),
            customer_city: Some(city.into()),
            customer_email: email,
            customer_phone: phone,
            customer_language: language,
            customer_name: Some(name),
            ..RawClaim::default()
        }
    }

    fn claim(
        &self,
        rng: &mut ChaCha8Rng,
        material: &MarketMaterial,
        customer: &RawClaim,
        case_index: u64,
        claim_index: u32,
    ) -> RawClaim {
        let market = self
            .markets
            .as_ref()
            .and_then(|markets| markets.get(material.market).ok());
        let currency = market
            .map(|market| market.currency)
            .unwrap_or(reilu_core::Currency::EUR);
        let business = customer.customer_type.as_deref() == Some("business");
        let principal_major: u64 = match rng.gen_range(0..100) {
            0..60 => rng.gen_range(20..500),
            60..90 => rng.gen_range(500..5_000),
            _ => rng.gen_range(5_000..if business { 250_000 } else { 40_000 }),
        };
        let scale = if matches!(currency.code(), "SEK" | "NOK" | "DKK" | "PLN" | "CZK") {
            10
        } else {
            1
        };
        let cents = rng.gen_range(0..100);
        let age_days = rng.gen_range(14..1000);
        let due = self.as_of - Duration::days(age_days);
        let invoice = due - Duration::days([14, 14, 21, 30][rng.gen_range(0..4)]);
        let mut raw = customer.clone();
        raw.client_claim_ref = Some(format!("DEMO-{}-{case_index:07}-{claim_index}", self.seed));
        raw.currency = Some(currency.code().to_owned());
        raw.principal = Some(format!("{}.{cents:02}", principal_major * scale));
        raw.invoice_date = Some(invoice.to_string());
        raw.due_date = Some(due.to_string());
        raw.interest_rate_pct = rng
            .gen_bool(0.2)
            .then(|| format!("{}.{}", rng.gen_range(5..20), rng.gen_range(0..100)));
        raw.creditor_fees = rng
            .gen_bool(0.5)
            .then(|| format!("{}.00", rng.gen_range(1..15) * scale));
        raw.description = Some(format!(
            "{} invoice {}",
            pick(rng, CLIENT_NAMES),
            rng.gen_range(100_000..999_999)
        ));
        self.terms(&mut raw, invoice, case_index, claim_index);
        raw
    }

    /// The claim's terms as a client states them: most contracts agree a reminder fee, and
    /// half the claims say when the debt arose (on the invoice day or a little before). Drawn
    /// from a generator of their own, so the rest of a seed's portfolio stays as it was.
    fn terms(&self, raw: &mut RawClaim, invoice: NaiveDate, case_index: u64, claim_index: u32) {
        let mut rng = ChaCha8Rng::seed_from_u64(
            self.seed ^ case_index.rotate_left(29) ^ u64::from(claim_index).rotate_left(53),
        );
        raw.reminder_fee_agreed = Some(rng.gen_bool(0.8).to_string());
        raw.arose_on = rng
            .gen_bool(0.5)
            .then(|| (invoice - Duration::days(rng.gen_range(0..30))).to_string());
    }
}

fn pick<'a>(rng: &mut ChaCha8Rng, items: &'a [&'a str]) -> &'a str {
    items[rng.gen_range(0..items.len())]
}

fn weighted_market(rng: &mut ChaCha8Rng, weights: u32) -> &'static MarketMaterial {
    let mut ticket = rng.gen_range(0..weights);
    for material in MATERIAL {
        if ticket < material.weight {
            return material;
        }
        ticket -= material.weight;
    }
    &MATERIAL[0]
}

fn fill_digits(rng: &mut ChaCha8Rng, pattern: &str) -> String {
    pattern
        .chars()
        .map(|c| {
            if c == '#' {
                char::from(b'0' + rng.gen_range(0..10_u8))
            } else {
                c
            }
        })
        .collect()
}

fn phone(rng: &mut ChaCha8Rng, material: &MarketMaterial, calling: &str) -> String {
    let first = rng.gen_range(4..10_u8);
    let rest: String = (1..material.phone_digits)
        .map(|_| char::from(b'0' + rng.gen_range(0..10_u8)))
        .collect();
    format!("{calling}{first}{rest}")
}

/// A registry example IBAN with its last four digits varied and the ISO 7064 mod 97-10 check
/// digits recomputed (ISO 13616-1 § 6).
fn varied_iban(market: &str, rng: &mut ChaCha8Rng) -> String {
    let example = REGISTRY_IBANS
        .iter()
        .find(|(code, _)| *code == market)
        .map(|(_, iban)| *iban)
        .unwrap_or("FI2112345600000785");
    let bban = &example[4..];
    let keep = bban.len() - 4;
    let varied: String = format!("{}{:04}", &bban[..keep], rng.gen_range(0..10_000));
    let check = 98 - mod97(&format!("{varied}{}00", &example[..2]));
    format!("{}{check:02}{varied}", &example[..2])
}

fn mod97(text: &str) -> u32 {
    text.chars().fold(0_u32, |remainder, c| {
        let value = c.to_digit(36).unwrap_or(0);
        if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reilu_formats::iban::AccountIban;

    #[test]
    fn the_same_seed_gives_the_same_portfolio() {
        let first: Vec<_> = DemoPortfolio::new(7, 50, None).claims().collect();
        let second: Vec<_> = DemoPortfolio::new(7, 50, None).claims().collect();
        let other: Vec<_> = DemoPortfolio::new(8, 50, None).claims().collect();
        assert_eq!(first, second);
        assert_ne!(first, other);
        assert!(first.len() >= 50, "every case has at least one claim");
        assert_eq!(
            DemoPortfolio::new(7, 1, None).clients(),
            DemoPortfolio::new(7, 1, None).clients()
        );
    }

    #[test]
    fn demo_ibans_are_valid() {
        for client in DemoPortfolio::new(3, 0, None).clients() {
            assert!(
                AccountIban::parse(&client.iban).is_ok(),
                "{} {}",
                client.market,
                client.iban
            );
        }
    }
}

/// What loading a demo portfolio did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DemoSummary {
    pub clients_created: u64,
    pub claims_accepted: u64,
    pub claims_already_there: u64,
    pub claims_rejected: u64,
}

impl<S: reilu_store::Store> crate::App<S> {
    /// Creates the demo clients that are missing and places the portfolio's claims through
    /// the same validation and sealing as real intake. Loading twice adds nothing.
    pub async fn load_demo(&self, portfolio: &DemoPortfolio) -> crate::AppResult<DemoSummary> {
        self.configure_demo_accounts().await?;
        let mut summary = DemoSummary::default();
        let clients = portfolio.clients();
        for client in &clients {
            if self
                .store
                .client_by_id(&client.id.to_string())
                .await?
                .is_none()
            {
                let terms = crate::clients::ClientTerms {
                    api_key: client.api_key.clone(),
                    id: client.id,
                    commission_bp: DEMO_COMMISSION_BP,
                };
                self.add_client_with_key(&client.name, client.market, &client.iban, &terms)
                    .await?;
                summary.clients_created += 1;
            }
        }
        let preparer = self.preparer();
        let mut pending: Vec<Vec<reilu_store::NewClaim>> = vec![Vec::new(); clients.len()];
        for (client_index, raw) in portfolio.claims() {
            match preparer.prepare(&raw) {
                Ok(claim) => pending[client_index].push(claim),
                Err(errors) => {
                    tracing::warn!(?errors, "a demo claim failed validation");
                    summary.claims_rejected += 1;
                }
            }
            if pending[client_index].len() >= DEMO_ROWS_PER_CHUNK {
                let claims = std::mem::take(&mut pending[client_index]);
                self.place_demo_chunk(&clients[client_index], claims, &mut summary)
                    .await?;
            }
        }
        for (client, claims) in clients.iter().zip(pending) {
            self.place_demo_chunk(client, claims, &mut summary).await?;
        }
        Ok(summary)
    }

    async fn place_demo_chunk(
        &self,
        client: &DemoClient,
        claims: Vec<reilu_store::NewClaim>,
        summary: &mut DemoSummary,
    ) -> crate::AppResult<()> {
        if claims.is_empty() {
            return Ok(());
        }
        let batch = reilu_store::ClaimBatch {
            client_id: client.id.to_string(),
            claims,
            at_ms: self.now_ms(),
            actor: "demo".into(),
            source: "reilu demo".into(),
        };
        let respond = |_: &[reilu_store::Placement]| reilu_store::StoredResponse {
            status: 0,
            body: String::new(),
        };
        if let reilu_store::PlaceOutcome::Placed { placements, .. } = self
            .store
            .place_claims_merging(&batch, None, &respond, &|merges| {
                crate::contact_data::merge_for_store(&self.vault, merges)
            })
            .await?
        {
            for placement in placements {
                match placement {
                    reilu_store::Placement::Accepted { .. } => summary.claims_accepted += 1,
                    reilu_store::Placement::Duplicate { .. } => summary.claims_already_there += 1,
                    reilu_store::Placement::Rejected { reason, .. } => {
                        tracing::warn!(%reason, "a demo claim was refused");
                        summary.claims_rejected += 1;
                    }
                }
            }
        }
        Ok(())
    }
}

/// The demo company's bank accounts: a client-money account per currency of the demo's
/// markets (in EUR also those of the sample files in `examples/payments/`, which `reilu
/// demo --payments` and the README's examples pay into) and its own account per currency.
/// IBANs are the SWIFT registry's examples or variants of them with their check digits
/// recomputed. (IBAN, currency, kind, name.)
pub const DEMO_ACCOUNTS: &[(&str, &str, reilu_store::BankAccountKind, &str)] = {
    use reilu_store::BankAccountKind::{ClientMoney, Company};
    &[
        (
            "FI2112345600000785",
            "EUR",
            ClientMoney,
            "Reilu Demo client money",
        ),
        (
            "FI8940051020304050",
            "EUR",
            ClientMoney,
            "Reilu Demo client money",
        ),
        (
            "NL44RABO0123456789",
            "EUR",
            ClientMoney,
            "Reilu Demo client money",
        ),
        (
            "DE33700202700654321098",
            "EUR",
            ClientMoney,
            "Reilu Demo client money",
        ),
        (
            "NO3415031234567",
            "NOK",
            ClientMoney,
            "Reilu Demo client money",
        ),
        (
            "SE4550000000058398257466",
            "SEK",
            ClientMoney,
            "Reilu Demo client money",
        ),
        (
            "DK5000400440116243",
            "DKK",
            ClientMoney,
            "Reilu Demo client money",
        ),
        (
            "GB29NWBK60161331926819",
            "GBP",
            ClientMoney,
            "Reilu Demo client money",
        ),
        (
            "PL61109010140000071219812874",
            "PLN",
            ClientMoney,
            "Reilu Demo client money",
        ),
        ("FI0950000120000026", "EUR", Company, "Reilu Demo Oy"),
        ("NO9386011117947", "NOK", Company, "Reilu Demo Oy"),
        ("SE7650000000058398257490", "SEK", Company, "Reilu Demo Oy"),
        ("DK9700400440116270", "DKK", Company, "Reilu Demo Oy"),
        ("GB23NWBK60161331926830", "GBP", Company, "Reilu Demo Oy"),
        (
            "PL17109010140000071219812890",
            "PLN",
            Company,
            "Reilu Demo Oy",
        ),
    ]
};

/// The demo's client-money account a payment in `currency` goes into: the first of the
/// currency's in [`DEMO_ACCOUNTS`].
pub fn demo_client_money_account(currency: &str) -> Option<&'static str> {
    DEMO_ACCOUNTS
        .iter()
        .find(|(_, code, kind, _)| {
            *code == currency && *kind == reilu_store::BankAccountKind::ClientMoney
        })
        .map(|(iban, ..)| *iban)
}

impl<S: reilu_store::Store> crate::App<S> {
    /// Configures the demo's bank accounts that are not configured yet (the sample files'
    /// and the demo payments' accounts).
    pub async fn configure_demo_accounts(&self) -> crate::AppResult<()> {
        for (iban, currency, kind, name) in DEMO_ACCOUNTS {
            if self.store.bank_account_by_iban(iban).await?.is_none() {
                self.add_bank_account(iban, currency, *kind, Some(name), "demo")
                    .await?;
            }
        }
        Ok(())
    }
}
