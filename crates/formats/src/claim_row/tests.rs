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

/// A valid United Kingdom consumer claim (Manchester: a postcode that shows no jurisdiction).
fn british() -> RawClaim {
    let mut raw = finnish();
    for (column, value) in [
        ("market", "GB"),
        ("customer_national_id", "ES719900B"),
        ("customer_name", "Amelia Wilson"),
        ("customer_address_line1", "Victoria Road 25"),
        ("customer_postcode", "M2 6AA"),
        ("customer_city", "Manchester"),
        ("customer_email", "amelia@example.co.uk"),
        ("customer_phone", "+447700900123"),
        ("currency", "GBP"),
    ] {
        assert!(raw.set(column, value.to_owned()), "{column}");
    }
    raw
}

fn british_with(settings: &[(&str, &str)]) -> RawClaim {
    let mut raw = british();
    for (column, value) in settings {
        raw.set(column, (*value).to_owned());
    }
    raw
}

fn draft_of(raw: &RawClaim) -> ClaimDraft {
    validate_claim(raw, &markets(), today()).unwrap_or_else(|e| panic!("{e:?}"))
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

#[test]
fn the_terms_left_out_are_not_given() {
    let draft = draft_of(&finnish());
    assert_eq!(draft.arose_on, None);
    assert_eq!(draft.reminder_fee_agreed, None, "not said");
    assert_eq!(draft.jurisdiction, None);
    let draft = draft_of(&british());
    assert_eq!(
        draft.jurisdiction, None,
        "Manchester's postcode shows no part"
    );
}

#[test]
fn a_debt_arises_on_a_real_day_before_it_falls_due() {
    // The invoice is dated 2026-09-01 and due 2026-09-15; today is 2026-11-25.
    for accepted in ["2019-03-01", "2026-09-01", "2026-09-10", "2026-09-15"] {
        let draft = draft_of(&with("arose_on", accepted));
        assert_eq!(draft.arose_on, date(accepted), "{accepted}");
    }
    let cases: [(&str, &str); 5] = [
        ("2026-09-16", "after the due date 2026-09-15"),
        ("2026-02-30", "not a real date written YYYY-MM-DD"),
        ("1.9.2026", "not a real date written YYYY-MM-DD"),
        ("1949-12-31", "before 1950-01-01"),
        ("2026-11-26", "in the future"),
    ];
    for (value, expected) in cases {
        let mut raw = with("arose_on", value);
        if value == "2026-11-26" {
            // Only a due date that does not read leaves the future to be checked on its own.
            raw.set("due_date", "soon".into());
        }
        let errors = errors_of(&raw);
        let matching = errors
            .iter()
            .any(|(column, reason)| *column == "arose_on" && reason.contains(expected));
        assert!(
            matching,
            "arose_on={value}: expected '{expected}', got {errors:?}"
        );
    }
}

#[test]
fn a_reminder_fee_agreement_reads_true_false_yes_or_no_in_any_case() {
    for (value, agreed) in [
        ("true", Some(true)),
        ("TRUE", Some(true)),
        (" Yes ", Some(true)),
        ("false", Some(false)),
        ("No", Some(false)),
        ("", None),
    ] {
        let draft = draft_of(&with("reminder_fee_agreed", value));
        assert_eq!(draft.reminder_fee_agreed, agreed, "{value:?}");
    }
    for value in ["1", "y", "agreed", "ja"] {
        let errors = errors_of(&with("reminder_fee_agreed", value));
        assert!(
            errors
                .iter()
                .any(|(column, reason)| *column == "reminder_fee_agreed"
                    && reason.contains("neither true nor false")),
            "{value}: {errors:?}"
        );
    }
}

#[test]
fn a_british_claim_names_its_jurisdiction_in_any_case() {
    for (value, stored) in [
        ("GB-SCT", "GB-SCT"),
        ("gb-eng", "GB-ENG"),
        ("Gb-Wls", "GB-WLS"),
        (" GB-NIR ", "GB-NIR"),
    ] {
        let draft = draft_of(&british_with(&[("jurisdiction", value)]));
        assert_eq!(draft.jurisdiction.as_deref(), Some(stored), "{value}");
    }
    for value in ["GB", "SCT", "GB-XYZ", "England"] {
        let errors = errors_of(&british_with(&[("jurisdiction", value)]));
        let matching = errors.iter().any(|(column, reason)| {
            *column == "jurisdiction"
                && reason.contains("not one of GB-ENG, GB-WLS, GB-SCT, GB-NIR")
        });
        assert!(matching, "{value}: {errors:?}");
    }
}

#[test]
fn another_markets_claim_naming_a_jurisdiction_is_refused() {
    let errors = errors_of(&with("jurisdiction", "GB-SCT"));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "jurisdiction");
    assert!(
        errors[0].1.contains("only United Kingdom (GB) claims"),
        "{errors:?}"
    );
    assert!(errors[0].1.contains("FI law"), "{errors:?}");
}

#[test]
fn a_british_jurisdiction_left_out_is_read_from_an_unambiguous_postcode() {
    for (postcode, expected) in [
        ("BT1 5GS", Some("GB-NIR")),
        ("bt48 6dq", Some("GB-NIR")),
        ("EH1 1YZ", Some("GB-SCT")),
        ("G1 1XQ", Some("GB-SCT")),
        ("ZE1 0AA", Some("GB-SCT")),
        ("AB10 1AB", Some("GB-SCT")),
        ("TD15 1AA", None),
        ("TD1 1AA", None),
        ("GU1 1AA", None),
        ("GL1 1AA", None),
        ("SW1A 0AA", None),
        ("CF10 1AA", None),
        ("EH", None),
        ("12345", None),
    ] {
        assert_eq!(jurisdiction_from_postcode(postcode), expected, "{postcode}");
        let draft = draft_of(&british_with(&[("customer_postcode", postcode)]));
        assert_eq!(draft.jurisdiction.as_deref(), expected, "{postcode}");
    }
}

#[test]
fn a_given_jurisdiction_wins_and_a_customer_abroad_shows_none() {
    let given = british_with(&[("customer_postcode", "EH1 1YZ"), ("jurisdiction", "GB-ENG")]);
    assert_eq!(draft_of(&given).jurisdiction.as_deref(), Some("GB-ENG"));
    let abroad = british_with(&[("customer_postcode", "BT1 5GS"), ("customer_country", "ie")]);
    assert_eq!(draft_of(&abroad).jurisdiction, None);
    let at_home = british_with(&[("customer_postcode", "BT1 5GS"), ("customer_country", "gb")]);
    assert_eq!(draft_of(&at_home).jurisdiction.as_deref(), Some("GB-NIR"));
}

#[test]
fn an_unassigned_country_code_is_refused() {
    for code in ["ZZ", "zz", "AA", "XX", "UK"] {
        let errors = errors_of(&with("customer_country", code));
        assert!(
            errors
                .iter()
                .any(|(c, reason)| *c == "customer_country" && reason.contains("not an assigned")),
            "{code}: {errors:?}"
        );
    }
    for code in ["SE", "ax", "DE"] {
        assert_eq!(
            errors_of(&with("customer_country", code)),
            Vec::new(),
            "{code}"
        );
    }
}

#[test]
fn text_fields_refuse_invisible_and_reordering_characters() {
    for column in [
        "customer_name",
        "customer_address_line1",
        "customer_city",
        "customer_postcode",
        "description",
        "client_claim_ref",
    ] {
        for value in [
            "Ma\u{202E}ija",
            "Mai\u{200B}ja",
            "M\u{2066}x\u{2069}",
            "Ma\u{200D}ija",
        ] {
            let errors = errors_of(&with(column, value));
            assert!(
                errors
                    .iter()
                    .any(|(c, reason)| *c == column && reason.contains("U+")),
                "{column}={value:?}: {errors:?}"
            );
        }
    }
}

#[test]
fn a_claim_larger_than_the_claim_limit_is_refused_by_field() {
    let limit = reilu_core::limits::CLAIM_AMOUNT_MAX_MINOR / 100;
    let at_limit = format!("{limit}.00");
    let over = format!("{limit}.01");
    let mut raw = with("principal", &at_limit);
    raw.set("creditor_fees", at_limit.clone());
    assert_eq!(errors_of(&raw), Vec::new());
    for column in ["principal", "creditor_fees"] {
        let errors = errors_of(&with(column, &over));
        assert!(
            errors
                .iter()
                .any(|(c, reason)| *c == column && reason.contains("more than one claim may carry")),
            "{column}: {errors:?}"
        );
    }
}
