//! Western European markets: BE, FR, GB, IE, NL.

use chrono::Weekday::Mon;

use super::super::rule::{Rule, Trigger, easter, first, fixed, friday_or_monday, last, once};
use super::CHRISTMAS_EVE;

/// Belgium: loi du 4 janvier 1974 relative aux jours fériés and arrêté royal du 18 avril
/// 1974 (ten days; Easter Sunday and Whit Sunday are the Sundays of their feasts).
pub(super) const BE: &[Rule] = &[
    fixed(1, 1, "New Year's Day"),
    easter(0, "Easter Sunday"),
    easter(1, "Easter Monday"),
    fixed(5, 1, "Labour Day"),
    easter(39, "Ascension Day"),
    easter(49, "Whit Sunday"),
    easter(50, "Whit Monday"),
    fixed(7, 21, "National Day"),
    fixed(8, 15, "Assumption Day"),
    fixed(11, 1, "All Saints' Day"),
    fixed(11, 11, "Armistice Day"),
    fixed(12, 25, "Christmas Day"),
    CHRISTMAS_EVE,
    fixed(7, 11, "Regional: Day of the Flemish Community (Flanders)").house(),
    fixed(
        9,
        27,
        "Regional: Day of the French Community (Wallonia-Brussels)",
    )
    .house(),
    fixed(11, 15, "Regional: Day of the German-speaking Community").house(),
];

/// France: Code du travail, art. L3133-1. Whit Monday was the "journée de solidarité"
/// (loi 2004-626) and a working day 2005–2007, until loi 2008-351 let employers pick
/// another day. Alsace-Moselle (local law) and the overseas departments (loi 83-550,
/// abolition of slavery) add regional days.
pub(super) const FR: &[Rule] = &[
    fixed(1, 1, "New Year's Day"),
    easter(1, "Easter Monday"),
    fixed(5, 1, "Labour Day"),
    fixed(5, 8, "Victory in Europe Day"),
    easter(39, "Ascension Day"),
    easter(50, "Whit Monday").except(&[2005, 2006, 2007]),
    fixed(7, 14, "National Day"),
    fixed(8, 15, "Assumption Day"),
    fixed(11, 1, "All Saints' Day"),
    fixed(11, 11, "Armistice Day"),
    fixed(12, 25, "Christmas Day"),
    easter(50, "Whit Monday (solidarity day)")
        .since(2005)
        .until(2007)
        .house(),
    CHRISTMAS_EVE,
    easter(-2, "Regional: Good Friday (Alsace-Moselle)").house(),
    fixed(12, 26, "Regional: St Stephen's Day (Alsace-Moselle)").house(),
    fixed(4, 27, "Regional: Abolition of Slavery (Mayotte)").house(),
    fixed(5, 22, "Regional: Abolition of Slavery (Martinique)").house(),
    fixed(5, 27, "Regional: Abolition of Slavery (Guadeloupe)").house(),
    fixed(5, 28, "Regional: Abolition of Slavery (Saint-Martin)").house(),
    fixed(6, 10, "Regional: Abolition of Slavery (French Guiana)").house(),
    fixed(
        7,
        21,
        "Regional: Victor Schœlcher Day (Guadeloupe, Martinique)",
    )
    .house(),
    fixed(10, 9, "Regional: Abolition of Slavery (Saint-Barthélemy)").house(),
    fixed(12, 20, "Regional: Abolition of Slavery (Réunion)").house(),
];

/// United Kingdom: Banking and Financial Dealings Act 1971, Schedule 1, and royal
/// proclamations for substitute days and one-off bank holidays (gov.uk/bank-holidays).
/// Listed as public are the days common to all four nations; the rest are regional.
pub(super) const GB: &[Rule] = &[
    fixed(1, 1, "New Year's Day").substitute(
        Trigger::Weekend,
        i32::MIN,
        "New Year's Day (substitute day)",
    ),
    easter(-2, "Good Friday"),
    // Moved to Monday 8 May 1995 and Friday 8 May 2020 for the VE Day anniversaries.
    first(5, Mon, "Early May bank holiday").except(&[1995, 2020]),
    once(1995, 5, 8, "Early May bank holiday (VE Day)"),
    once(2020, 5, 8, "Early May bank holiday (VE Day)"),
    // Moved for the Golden, Diamond and Platinum Jubilees.
    last(5, Mon, "Spring bank holiday").except(&[2002, 2012, 2022]),
    once(2002, 6, 4, "Spring bank holiday"),
    once(2002, 6, 3, "Golden Jubilee of Elizabeth II"),
    once(2012, 6, 4, "Spring bank holiday"),
    once(2012, 6, 5, "Diamond Jubilee of Elizabeth II"),
    once(2022, 6, 2, "Spring bank holiday"),
    once(2022, 6, 3, "Platinum Jubilee of Elizabeth II"),
    once(
        2011,
        4,
        29,
        "Wedding of Prince William and Catherine Middleton",
    ),
    once(2022, 9, 19, "State Funeral of Queen Elizabeth II"),
    once(2023, 5, 8, "Coronation of King Charles III"),
    once(1999, 12, 31, "Millennium Celebrations"),
    fixed(12, 25, "Christmas Day").substitute(
        Trigger::Weekend,
        i32::MIN,
        "Christmas Day (substitute day)",
    ),
    fixed(12, 26, "Boxing Day").substitute(
        Trigger::Weekend,
        i32::MIN,
        "Boxing Day (substitute day)",
    ),
    CHRISTMAS_EVE,
    fixed(1, 2, "Regional: 2 January (SCT)").house().substitute(
        Trigger::WeekendOrTaken,
        i32::MIN,
        "Regional: 2 January (substitute day) (SCT)",
    ),
    fixed(3, 17, "Regional: St Patrick's Day (NIR)")
        .house()
        .substitute(
            Trigger::Weekend,
            i32::MIN,
            "Regional: St Patrick's Day (substitute day) (NIR)",
        ),
    easter(1, "Regional: Easter Monday (ENG, NIR, WLS)").house(),
    fixed(7, 12, "Regional: Battle of the Boyne (NIR)")
        .house()
        .substitute(
            Trigger::Weekend,
            i32::MIN,
            "Regional: Battle of the Boyne (substitute day) (NIR)",
        ),
    first(8, Mon, "Regional: Summer bank holiday (SCT)").house(),
    last(8, Mon, "Regional: Summer bank holiday (ENG, NIR, WLS)").house(),
    // St Andrew's Day Bank Holiday (Scotland) Act 2007: a Monday substitute on weekends.
    fixed(11, 30, "Regional: St Andrew's Day (SCT)")
        .house()
        .substitute(
            Trigger::Weekend,
            2007,
            "Regional: St Andrew's Day (substitute day) (SCT)",
        ),
];

/// Ireland: Organisation of Working Time Act 1997, Schedule 2, as amended (May bank
/// holiday from 1994; St Brigid's Day from 2023, S.I. 2022 No. 58; one-offs by their own
/// statutory instruments). The Act gives no substitute day for a weekend holiday (s. 21
/// leaves it to the employer), but banks close on the next working day: house days.
pub(super) const IE: &[Rule] = &[
    fixed(1, 1, "New Year's Day")
        .house_substitute(Trigger::Weekend, "New Year's Day (bank holiday observed)"),
    friday_or_monday(2, 1, "St Brigid's Day").since(2023),
    fixed(3, 17, "St Patrick's Day")
        .house_substitute(Trigger::Weekend, "St Patrick's Day (bank holiday observed)"),
    once(2022, 3, 18, "Day of Remembrance and Recognition"),
    easter(1, "Easter Monday"),
    first(5, Mon, "May bank holiday").since(1994),
    first(6, Mon, "June bank holiday"),
    first(8, Mon, "August bank holiday"),
    last(10, Mon, "October bank holiday"),
    once(1999, 12, 31, "Millennium Celebrations"),
    fixed(12, 25, "Christmas Day")
        .house_substitute(Trigger::Weekend, "Christmas Day (bank holiday observed)"),
    fixed(12, 26, "St Stephen's Day")
        .house_substitute(Trigger::Weekend, "St Stephen's Day (bank holiday observed)"),
    CHRISTMAS_EVE,
];

/// Netherlands: Algemene termijnenwet, art. 3 (the generally recognised holidays: New
/// Year's Day, Easter and Whit Monday, Ascension, both Christmas days, the King's birthday
/// and 5 May every year), with Easter and Whit Sunday as the Sundays of their feasts. The
/// King's birthday is celebrated on 27 April, on 26 April when the 27th is a Sunday
/// (Besluit van 2013 over de viering van Koningsdag); Queen's Day on 30 April until 2013,
/// on the 29th when the 30th was a Sunday.
pub(super) const NL: &[Rule] = &[
    fixed(1, 1, "New Year's Day"),
    easter(0, "Easter Sunday"),
    easter(1, "Easter Monday"),
    fixed(4, 30, "Queen's Day").until(2013).sunday_to_saturday(),
    fixed(4, 27, "King's Day").since(2014).sunday_to_saturday(),
    fixed(5, 5, "Liberation Day"),
    easter(39, "Ascension Day"),
    easter(49, "Whit Sunday"),
    easter(50, "Whit Monday"),
    fixed(12, 25, "Christmas Day"),
    fixed(12, 26, "Second Day of Christmas"),
    // Not in the Algemene termijnenwet, but many employers and all banks close: house.
    easter(-2, "Good Friday").house(),
    CHRISTMAS_EVE,
];
