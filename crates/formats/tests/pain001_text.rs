//! Text through the whole writer: transliteration of names and remittance information into the
//! SEPA Latin set, XML's special characters, and identifiers kept exactly.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on bad data

#[path = "pain001_support.rs"]
mod support;

use reilu_formats::pain001::{CreditTransferFile, Pain001Error, write_pain001};
use support::*;

/// The simple euro file with the given creditor name and remittance information.
fn with_text(name: &str, remittance: &str) -> CreditTransferFile {
    let mut input = simple_eur_file();
    let transfer = &mut input.batches[0].transfers[0];
    transfer.creditor_name = name.to_owned();
    transfer.remittance_information = remittance.to_owned();
    input
}

fn written_name(name: &str) -> String {
    let xml = write_pain001(&with_text(name, "x")).unwrap();
    values(&xml, "Cdtr/Nm").remove(0)
}

#[test]
fn names_of_the_markets_keep_their_letters_without_marks() {
    for (name, written) in [
        ("Mäkinen Äijälä Öhman", "Makinen Aijala Ohman"),
        ("Åsa Öberg-Ängström", "Asa Oberg-Angstrom"),
        ("Søren Kjærgaard Ærø", "Soren Kjaergaard AEro"),
        ("Jõgi Šmidt Žukov Pärn", "Jogi Smidt Zukov Parn"),
        ("Ģirts Ķēniņš Ļuba Āboliņa", "Girts Kenins Luba Abolina"),
        (
            "Ąžuolas Čėsna Įrenginys Ūla Ųsas",
            "Azuolas Cesna Irenginys Ula Usas",
        ),
        ("Łukasz Świątek Źrebię Żółw", "Lukasz Swiatek Zrebie Zolw"),
        ("Dvořák Růžička Ľubica Ĺ Ŕ", "Dvorak Ruzicka Lubica L R"),
        ("Erdős Győző Kőműves Fű", "Erdos Gyozo Komuves Fu"),
        ("Ștefănescu Țăran Îndrăzneț", "Stefanescu Taran Indraznet"),
        ("Weiß Straße", "Weiss Strasse"),
        ("Þórður Guðmundsdóttir", "THordur Gudmundsdottir"),
        ("Cœur Œuvre Ñandú Đurić", "Coeur OEuvre Nandu Duric"),
        ("Yıldız Ağaç Şahin İnce", "Yildiz Agac Sahin Ince"),
    ] {
        assert_eq!(written_name(name), written, "{name}");
    }
}

#[test]
fn decomposed_text_is_written_like_composed_text() {
    // "Mäkinen" with U+0308 COMBINING DIAERESIS after the 'a'.
    assert_eq!(written_name("Ma\u{308}kinen"), written_name("Mäkinen"));
}

#[test]
fn xml_special_characters_never_reach_the_file_raw() {
    let xml = write_pain001(&with_text(
        r#"Smith & Jones <Ltd> "Best" O'Brien"#,
        r#"</Ustrd><Strd>&"x"</Strd>"#,
    ))
    .unwrap();
    assert_eq!(
        values(&xml, "Cdtr/Nm"),
        ["Smith + Jones (Ltd) 'Best' O'Brien"]
    );
    assert_eq!(values(&xml, "Ustrd"), ["(/Ustrd)(Strd)+'x'(/Strd)"]);
    // No entity is needed: the one markup character left, the apostrophe, is plain content.
    assert!(!xml.contains('&'));
    assert!(xml.contains("<Nm>Smith + Jones (Ltd) 'Best' O'Brien</Nm>"));
    assert_valid(&xml, &epc_xsd(), "special-characters");
}

#[test]
fn quotes_and_apostrophes_read_back_unchanged() {
    let xml = write_pain001(&with_text("D'Arcy 'n' Co", "Ref: 'A' + 'B'?")).unwrap();
    assert_eq!(values(&xml, "Cdtr/Nm"), ["D'Arcy 'n' Co"]);
    assert_eq!(values(&xml, "Ustrd"), ["Ref: 'A' + 'B'?"]);
}

#[test]
fn whitespace_becomes_spaces_and_the_ends_are_trimmed() {
    let xml = write_pain001(&with_text("\u{a0} Reilu\tOy \n", "line one\nline two\r\n")).unwrap();
    assert_eq!(values(&xml, "Cdtr/Nm"), ["Reilu Oy"]);
    assert_eq!(values(&xml, "Ustrd"), ["line one line two"]);
}

#[test]
fn other_scripts_and_symbols_are_refused_with_the_character() {
    for (text, bad) in [
        ("Παπαδόπουλος", 'Π'),
        ("Петров", 'П'),
        ("Cohen שלום", 'ש'),
        ("mail@example.com", '@'),
        ("100 %", '%'),
        ("a * b", '*'),
        ("euro €", '€'),
        ("semi;colon", ';'),
        ("tab\u{0}nul", '\u{0}'),
    ] {
        let error = write_pain001(&with_text(text, "x")).unwrap_err();
        assert!(
            matches!(error, Pain001Error::ForbiddenCharacter { character, .. } if character == bad),
            "{text}: {error}"
        );
    }
}

#[test]
fn identifiers_are_written_exactly_as_given() {
    let mut input = simple_eur_file();
    input.message_id = "Msg 2025/03-01 (A)".to_owned();
    input.batches[0].payment_information_id = "p:1?x".to_owned();
    input.batches[0].transfers[0].end_to_end_id = "E2E+1,'2'.3".to_owned();
    let xml = write_pain001(&input).unwrap();
    assert_eq!(values(&xml, "MsgId"), ["Msg 2025/03-01 (A)"]);
    assert_eq!(values(&xml, "PmtInfId"), ["p:1?x"]);
    assert_eq!(values(&xml, "EndToEndId"), ["E2E+1,'2'.3"]);
    assert_valid(&xml, &epc_xsd(), "identifiers");
}

#[test]
fn ibans_are_written_in_electronic_form() {
    let mut input = simple_eur_file();
    input.batches[0].debtor_iban = "fi21 1234 5600 0007 85".to_owned();
    input.batches[0].transfers[0].creditor_iban = "DE89 3704 0044 0532 0130 00".to_owned();
    let xml = write_pain001(&input).unwrap();
    assert_eq!(values(&xml, "DbtrAcct/Id/IBAN"), [FI_IBAN]);
    assert_eq!(values(&xml, "CdtrAcct/Id/IBAN"), [DE_IBAN]);
}
