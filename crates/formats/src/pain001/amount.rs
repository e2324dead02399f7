//! Amounts as exact decimal text from integer minor units.

/// One more than the largest count of (scaled) minor units an amount or control sum may have:
/// ISO 20022 `ActiveOrHistoricCurrencyAndAmount` and `DecimalNumber` allow 18 digits in all.
pub(super) const EIGHTEEN_DIGITS: i128 = 1_000_000_000_000_000_000;

/// The EPC's largest credit transfer, 999 999 999.99 EUR, in cents (AT-T002).
pub(super) const SEPA_MAX_CENTS: i64 = 99_999_999_999;

/// Writes a non-negative count of minor units with `digits` decimals: `(12345, 2)` gives
/// `123.45`, `(5, 2)` gives `0.05`, `(1500, 0)` gives `1500`. No exponent, no sign.
pub(super) fn decimal(minor: i128, digits: u8) -> String {
    let width = usize::from(digits);
    let per_major = 10_i128.pow(u32::from(digits));
    let whole = minor / per_major;
    let fraction = minor % per_major;
    if width == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{fraction:0width$}")
    }
}

/// Expresses `minor` units of a currency with `from` decimals in units with `to` decimals
/// (`to >= from`), exactly: 1500 ISK (0 decimals) is 150000 hundredths.
pub(super) fn rescale(minor: i128, from: u8, to: u8) -> Option<i128> {
    let shift = to.checked_sub(from)?;
    minor.checked_mul(10_i128.checked_pow(u32::from(shift))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_padded_and_exact() {
        assert_eq!(decimal(12_345, 2), "123.45");
        assert_eq!(decimal(5, 2), "0.05");
        assert_eq!(decimal(100, 2), "1.00");
        assert_eq!(decimal(1_500, 0), "1500");
        assert_eq!(decimal(i128::from(SEPA_MAX_CENTS), 2), "999999999.99");
        assert_eq!(decimal(EIGHTEEN_DIGITS - 1, 2), "9999999999999999.99");
    }

    #[test]
    fn rescaling_only_widens() {
        assert_eq!(rescale(1_500, 0, 2), Some(150_000));
        assert_eq!(rescale(7, 2, 2), Some(7));
        assert_eq!(rescale(7, 2, 0), None);
        assert_eq!(rescale(i128::MAX, 0, 2), None);
    }
}
