//! Lithuania: asmens kodas.

use super::NationalIdError;
use super::ee;
use super::util::{self, SplitMix64};

/// Asmens kodas GYYMMDDSSSC (Gyventojų registro tarnyba): the same layout and check digit as the
/// Estonian isikukood. Codes starting with 9 are exceptional codes whose next digits need not
/// be a date (python-stdnum skips the date for them as well), so only their check digit counts.
pub(crate) fn parse_person(input: &str) -> Result<String, NationalIdError> {
    let digits = util::digits_of_len(&util::clean(input, &[])?, 11, "11 digits")?;
    if digits[0] != 9 {
        ee::birth_date(&digits)?;
    }
    ee::verify(&digits)
}

/// An asmens kodas.
pub(crate) fn generate_person(rng: &mut SplitMix64) -> String {
    ee::generate_code(rng)
}
