//! Payment references: the ISO 11649 RF creditor reference and the national formats of
//! Finland (viitenumero), Norway (KID), Sweden (OCR) and Belgium (structured communication).
//!
//! Every collection case gets references built from its positive integer case number, with
//! check digits correct by construction ([`for_case`]); [`parse_any`] finds them again in what
//! a payer typed, to match bank payments to cases.

mod any;
mod checks;
mod error;
mod national;
mod rf;

pub use any::{ParsedReference, ReferenceKind, ReferenceMatch, parse_any};
pub use error::ReferenceError;
pub use national::{
    be_structured, be_structured_parse, fi_reference, fi_reference_display, fi_reference_parse,
    fi_rf_reference, no_kid, no_kid_parse, se_ocr, se_ocr_parse,
};
pub use rf::{rf_display, rf_from_base, rf_parse};

/// A market's own payment reference format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NationalReferenceKind {
    /// Finnish viitenumero (7-3-1 check digit).
    FiViitenumero,
    /// Norwegian KID (MOD 10, or MOD 11).
    NoKid,
    /// Swedish Bankgirot OCR reference with length digit.
    SeOcr,
    /// Belgian structured communication (OGM/VCS).
    BeStructured,
}

/// The references printed on a case's payment instructions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseReferences {
    /// The ISO 11649 RF reference whose base is the decimal case number, electronic form.
    pub rf: String,
    /// The market's own reference, where it has one and the case number fits it.
    pub national: Option<(NationalReferenceKind, String)>,
}

/// The references for a case in a market (ISO 3166-1 alpha-2 code, any case).
///
/// The RF reference's base is the decimal case number in every market, Finland included, so
/// that [`parse_any`] reads the case number back without knowing the market ([`fi_rf_reference`]
/// builds the Finnish variant around the viitenumero when a Finnish bank asks for that).
///
/// The RF reference is always there. The national one is the viitenumero for FI (when the case
/// number is at least 100, as the viitenumero needs three base digits, and below 10¹⁹), the KID
/// for NO, the OCR reference for SE and the structured communication for BE (when the case
/// number has at most ten digits); other markets have none.
pub fn for_case(country: &str, case_number: u64) -> CaseReferences {
    let rf = rf::rf_for(&case_number.to_string());
    let national = match country.trim().to_ascii_uppercase().as_str() {
        "FI" if (100..10_000_000_000_000_000_000).contains(&case_number) => Some((
            NationalReferenceKind::FiViitenumero,
            fi_reference(case_number),
        )),
        "NO" => Some((NationalReferenceKind::NoKid, no_kid(case_number))),
        "SE" => Some((NationalReferenceKind::SeOcr, se_ocr(case_number))),
        "BE" if case_number < 10_000_000_000 => Some((
            NationalReferenceKind::BeStructured,
            be_structured(case_number),
        )),
        _ => None,
    };
    CaseReferences { rf, national }
}
