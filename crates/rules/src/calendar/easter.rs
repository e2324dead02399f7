//! Easter Sunday, the anchor of every movable Christian feast.
//!
//! Western churches date Easter by the Gregorian computus; the Orthodox churches (Greece
//! here) by the Julian computus, whose result is a Julian-calendar date that must then be
//! converted to the civil (Gregorian) calendar. Both are pure integer arithmetic, valid for
//! every year the calendars support (and far beyond).

use chrono::NaiveDate;

/// Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm ("Meeus/Jones/
/// Butcher"), exact for every Gregorian year. `None` only if chrono cannot represent the
/// date (years far outside ±262,000), never for the calendars' 1990–2100.
pub fn easter_sunday_gregorian(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    // h: epact-like position of the Paschal full moon; l: days to the following Sunday.
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// Orthodox Easter Sunday as a civil (Gregorian) date: the Julian computus (Meeus' Julian
/// algorithm) gives the day in the Julian calendar, which is converted through the Julian
/// Day Number, so the 13-day offset of 1900–2099 and the 14 days from March 2100 come out
/// of the arithmetic rather than a constant.
pub fn easter_sunday_orthodox(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(4);
    let b = year.rem_euclid(7);
    let c = year.rem_euclid(19);
    let d = (19 * c + 15) % 30;
    let e = (2 * a + 4 * b - d + 34).rem_euclid(7);
    let month = (d + e + 114) / 31;
    let day = (d + e + 114) % 31 + 1;
    julian_to_civil(year, month, day)
}

/// Converts a Julian-calendar date to the proleptic Gregorian (civil) one via the Julian
/// Day Number (the standard Fliegel–Van Flandern style integer formula for the Julian
/// calendar).
fn julian_to_civil(year: i32, month: i32, day: i32) -> Option<NaiveDate> {
    let a = (14 - month) / 12;
    let y = i64::from(year) + 4800 - i64::from(a);
    let m = i64::from(month + 12 * a - 3);
    let jdn = i64::from(day) + (153 * m + 2) / 5 + 365 * y + y.div_euclid(4) - 32083;
    // JDN 1_721_426 is 0001-01-01 in the proleptic Gregorian calendar, day 1 for chrono.
    let days_from_ce = i32::try_from(jdn - 1_721_425).ok()?;
    NaiveDate::from_num_days_from_ce_opt(days_from_ce)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_years() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(easter_sunday_gregorian(2024), d(2024, 3, 31));
        assert_eq!(easter_sunday_orthodox(2024), d(2024, 5, 5));
        assert_eq!(easter_sunday_gregorian(2025), d(2025, 4, 20));
        assert_eq!(easter_sunday_orthodox(2025), d(2025, 4, 20));
    }
}
