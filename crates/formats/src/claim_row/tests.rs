use super::*;

fn markets() -> Markets {
    Markets::builtin().unwrap_or_else(|e| panic!("{e}"))
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default()
}

/// A valid Finnish consumer claim; the identity number is DVV's published example.
fn finnish() -> RawClaim {
    let mut raw = RawClaim::default();
    for (column, value) in [
        ("client_claim_ref", "INV-1001"),
        ("market", "FI"),
        ("customer_type", "consumer"),
        ("customer_national_id", "131052-308T"),
        ("customer_name", "Maija Meikäläinen"),
        ("customer_address_line1", "Mannerheimintie 1 A 2"),
        ("customer_postcode", "00100"),
        ("customer_city", "Helsinki"),
        ("customer_email", "maija@example.fi"),
        ("customer_phone", "+358401234567"),
        ("currency", "EUR"),
        ("principal", "123.45"),
        ("invoice_date", "2026-09-01"),
        ("due_date", "2026-09-15"),
        ("creditor_fees", "5"),
        ("description", "Electricity, August"),
    ] {
        assert!(raw.set(column, value.to_owned()), "{column}");
    }
    raw
}

fn errors_of(raw: &RawClaim) -> Vec<(&'static str, String)> {
    match validate_claim(raw, &markets(), today()) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.into_iter().map(|e| (e.column, e.reason)).collect(),
    }
}

fn with(column: &str, value: &str) -> RawClaim {
    let mut raw = finnish();
    raw.set(column, value.to_owned());
    raw
}

#[test]
fn a_good_claim_becomes_a_draft_with_defaults_filled_in() {
    let draft = validate_claim(&finnish(), &markets(), today()).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(draft.principal.amount_minor(), 12_345);
    assert_eq!(draft.creditor_fees.amount_minor(), 500);
    assert_eq!(
        draft.customer.language.as_str(),
        "fi",
        "empty language = the market's main one"
    );
    assert_eq!(
        draft.customer.address.country, "FI",
        "empty country = the market"
    );
    assert_eq!(
        draft.interest,
        InterestTerms::Statutory,
        "empty rate = statutory"
    );
    assert_eq!(draft.customer.national_id.peek(), "131052-308T");
}

#[test]
fn each_bad_field_is_named_with_a_reason() {
    let cases: [(&str, &str, &str); 16] = [
        ("market", "US", "does not serve"),
        ("market", "", "required"),
        ("customer_type", "person", "neither consumer nor business"),
        (
            "customer_national_id",
            "131052-308U",
            "not a valid FI personal identity number",
        ),
        ("customer_email", "maija@", "e-mail"),
        ("customer_phone", "0401234567", "E.164"),
        ("customer_language", "finnish", "language tag"),
        ("currency", "SEK", "FI claims are in EUR"),
        ("principal", "12.345", "decimals"),
        ("principal", "0", "more than zero"),
        ("principal", "-5", "not an amount"),
        ("invoice_date", "2026-02-30", "not a real date"),
        ("due_date", "2026-08-01", "before the invoice date"),
        ("due_date", "2026-12-01", "not overdue"),
        ("interest_rate_pct", "8.125", "at most two decimals"),
        ("customer_country", "Finland", "two-letter"),
    ];
    for (column, value, expected) in cases {
        let errors = errors_of(&with(column, value));
        let matching = errors
            .iter()
            .any(|(c, reason)| *c == column && reason.contains(expected));
        assert!(
            matching,
            "{column}={value:?}: expected '{expected}', got {errors:?}"
        );
    }
}

#[test]
fn all_problems_of_a_row_are_reported_together() {
    let mut raw = with("customer_email", "nope");
    raw.set("principal", "abc".into());
    raw.set("customer_name", "".into());
    let columns: Vec<_> = errors_of(&raw)
        .into_iter()
        .map(|(column, _)| column)
        .collect();
    assert_eq!(columns, ["customer_name", "customer_email", "principal"]);
}

#[test]
fn contractual_rates_are_read_without_floating_point() {
    assert_eq!(percent_to_basis_points("8.5"), Some(850));
    assert_eq!(percent_to_basis_points("11.15"), Some(1115));
    assert_eq!(percent_to_basis_points("0"), Some(0));
    assert_eq!(percent_to_basis_points("8."), None);
    assert_eq!(percent_to_basis_points("-1"), None);
    let draft = validate_claim(&with("interest_rate_pct", "9.75"), &markets(), today());
    assert_eq!(
        draft.map(|d| d.interest).ok(),
        Some(InterestTerms::Contractual {
            annual_rate_bp: 975
        })
    );
    assert!(!errors_of(&with("interest_rate_pct", "101")).is_empty());
}

#[test]
fn a_business_claim_needs_a_business_id() {
    let mut raw = with("customer_type", "business");
    assert!(
        !errors_of(&raw).is_empty(),
        "a person's number is no business id"
    );
    // Y-tunnus 0737546-2 (the Finnish tax administration's example in python-stdnum).
    raw.set("customer_national_id", "0737546-2".into());
    assert_eq!(errors_of(&raw), Vec::new());
}
