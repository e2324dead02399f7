//! Whatever text a caller hands the writer, a written file carries only the EPC's Latin
//! character set (EPC132-08 §1.4) in its texts; what cannot be brought into it is refused.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on bad data

#[path = "pain001_support.rs"]
mod support;

use proptest::prelude::*;
use reilu_formats::pain001::{BankNameError, bank_name, write_pain001};
use support::*;

fn in_latin_set(c: char) -> bool {
    c.is_ascii_alphanumeric() || "/-?:().,'+ ".contains(c)
}

/// Text as names come: mostly Latin with marks, punctuation and symbols (most of it
/// writable), sometimes anything at all.
fn text(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::string::string_regex(&format!(
            "[a-zA-Z0-9 äöåÄÖÅüßæøœłşțñçé&<>\"'’–_()/.,:?+\t]{{1,{max}}}"
        ))
        .unwrap(),
        1 => proptest::string::string_regex(&format!("\\PC{{1,{max}}}")).unwrap(),
    ]
}

proptest! {
    #[test]
    fn a_written_file_holds_nothing_outside_the_latin_set(
        name in text(80),
        debtor in text(40),
        remittance in text(120),
    ) {
        let mut input = simple_eur_file();
        input.batches[0].debtor_name = debtor;
        let transfer = &mut input.batches[0].transfers[0];
        transfer.creditor_name = name.clone();
        transfer.remittance_information = remittance;
        if let Ok(xml) = write_pain001(&input) {
            prop_assert!(xml.is_ascii());
            for (path, text) in texts(&xml) {
                let text = text.trim();
                prop_assert!(text.chars().all(in_latin_set), "{path}: {text:?}");
            }
            // What the file carries as the creditor's name is what `bank_name` promises.
            prop_assert_eq!(values(&xml, "Cdtr/Nm"), vec![bank_name(&name).unwrap()]);
        }
    }
}

#[test]
fn bank_names_are_transliterated_or_refused_with_the_reason() {
    assert_eq!(
        bank_name(" Mäkinen & Poika Oy "),
        Ok("Makinen + Poika Oy".into())
    );
    assert_eq!(
        bank_name("Euro € Oy"),
        Err(BankNameError::ForbiddenCharacter { character: '€' })
    );
    assert_eq!(
        bank_name("Иванов"),
        Err(BankNameError::ForbiddenCharacter { character: 'И' })
    );
    assert_eq!(bank_name("  "), Err(BankNameError::Empty));
    let long = "Straße ".repeat(10);
    assert!(matches!(
        bank_name(&long),
        Err(BankNameError::TooLong {
            length: 79,
            max: 70,
            ..
        })
    ));
}
