//! Central European markets: AT, CH, CZ, DE, HU, PL, SK.

use chrono::Weekday::{Mon, Thu, Wed};

use super::super::rule::{Rule, easter, fixed, on_or_after, once};
use super::{CHRISTMAS_EVE, NEW_YEARS_EVE};

/// Austria: Arbeitsruhegesetz (ARG) § 7 (2) and Feiertagsruhegesetz 1957. The states'
/// patron-saint days close schools and offices but are not rest days under the ARG: house.
pub(super) const AT: &[Rule] = &[
    fixed(1, 1, "New Year's Day"),
    fixed(1, 6, "Epiphany"),
    easter(1, "Easter Monday"),
    fixed(5, 1, "Labour Day"),
    easter(39, "Ascension Day"),
    easter(50, "Whit Monday"),
    easter(60, "Corpus Christi"),
    fixed(8, 15, "Assumption Day"),
    fixed(10, 26, "National Day"),
    fixed(11, 1, "All Saints' Day"),
    fixed(12, 8, "Immaculate Conception"),
    fixed(12, 25, "Christmas Day"),
    fixed(12, 26, "St Stephen's Day"),
    // ARG § 7 (3) gave Protestants and Old Catholics Good Friday off until the 2019 reform.
    easter(-2, "Good Friday (Protestant and Old Catholic churches)")
        .until(2018)
        .house(),
    CHRISTMAS_EVE,
    NEW_YEARS_EVE,
    fixed(
        3,
        19,
        "Regional: St Joseph's Day (Carinthia, Styria, Tyrol, Vorarlberg)",
    )
    .house(),
    fixed(5, 4, "Regional: St Florian's Day (Upper Austria)").house(),
    fixed(9, 24, "Regional: St Rupert's Day (Salzburg)").house(),
    fixed(10, 10, "Regional: Plebiscite Day (Carinthia)").house(),
    fixed(11, 11, "Regional: St Martin's Day (Burgenland)").house(),
    fixed(11, 15, "Regional: St Leopold's Day (Lower Austria, Vienna)").house(),
];

/// Switzerland: the only federal holiday is 1 August (Art. 110 (3) BV, in force from 1994;
/// ArG Art. 20a); New Year's Day, Ascension and Christmas Day are holidays in every canton.
/// Everything else is cantonal (ArG Art. 20a lets each canton add up to eight).
pub(super) const CH: &[Rule] = &[
    fixed(1, 1, "New Year's Day"),
    easter(39, "Ascension Day"),
    fixed(8, 1, "Swiss National Day").since(1994),
    fixed(12, 25, "Christmas Day"),
    CHRISTMAS_EVE,
    NEW_YEARS_EVE,
    fixed(1, 2, "Regional: Berchtold's Day (most cantons)").house(),
    fixed(1, 6, "Regional: Epiphany (SZ, TI, UR)").house(),
    fixed(3, 1, "Regional: Republic Day (NE)").house(),
    fixed(3, 19, "Regional: St Joseph's Day (NW, SZ, TI, UR, VS)").house(),
    easter(-2, "Regional: Good Friday (all cantons except TI, VS)").house(),
    easter(1, "Regional: Easter Monday (most cantons)").house(),
    // Näfelser Fahrt: the first Thursday of April (a week later when that is Maundy
    // Thursday, which the engine does not model: that year the earlier Thursday is listed).
    on_or_after(4, 1, Thu, "Regional: Näfels Procession (GL)").house(),
    fixed(
        5,
        1,
        "Regional: Labour Day (BL, BS, JU, NE, SH, TG, TI, ZH)",
    )
    .house(),
    easter(50, "Regional: Whit Monday (most cantons)").house(),
    easter(60, "Regional: Corpus Christi (Catholic cantons)").house(),
    fixed(6, 23, "Regional: Independence Day (JU)").house(),
    fixed(6, 29, "Regional: Saints Peter and Paul (TI)").house(),
    fixed(8, 1, "Regional: National Day (cantonal before 1994)")
        .until(1993)
        .house(),
    fixed(8, 15, "Regional: Assumption Day (Catholic cantons)").house(),
    // Thursday after the first Sunday of September.
    on_or_after(9, 5, Thu, "Regional: Genevan Fast (GE)").house(),
    // Monday after the second Sunday of September.
    on_or_after(9, 9, Mon, "Regional: Knabenschiessen (city of Zurich)").house(),
    // Monday after the third Sunday of September.
    on_or_after(9, 16, Mon, "Regional: Federal Fast Monday (VD)").house(),
    fixed(9, 25, "Regional: St Nicholas of Flüe (OW)").house(),
    fixed(11, 1, "Regional: All Saints' Day (Catholic cantons)").house(),
    fixed(12, 8, "Regional: Immaculate Conception (Catholic cantons)").house(),
    fixed(12, 26, "Regional: St Stephen's Day (most cantons)").house(),
    fixed(12, 31, "Regional: Restoration of the Republic (GE)").house(),
];

/// Czech Republic: zákon č. 245/2000 Sb. (in force 9 August 2000, adding 28 September and
/// 17 November as public holidays) and, before it, zákon č. 93/1951 Sb. as amended in 1990
/// and 1991 (Liberation Day on 9 May until 1991, 8 May from 1992); Good Friday from 2016
/// (zákon č. 359/2015 Sb.).
pub(super) const CZ: &[Rule] = &[
    fixed(1, 1, "New Year's Day"),
    fixed(1, 1, "Restoration Day of the Independent Czech State").since(2000),
    easter(-2, "Good Friday").since(2016),
    easter(1, "Easter Monday"),
    fixed(5, 1, "Labour Day"),
    fixed(5, 9, "Liberation Day").until(1991),
    fixed(5, 8, "Liberation Day").since(1992),
    fixed(7, 5, "Saints Cyril and Methodius Day"),
    fixed(7, 6, "Jan Hus Day"),
    fixed(9, 28, "Statehood Day").since(2000),
    fixed(10, 28, "Independent Czechoslovak State Day"),
    fixed(11, 17, "Struggle for Freedom and Democracy Day").since(2000),
    fixed(12, 24, "Christmas Eve"),
    fixed(12, 25, "Christmas Day"),
    fixed(12, 26, "Second Day of Christmas"),
    // A memorial day (významný den) before 2000, not a day of rest: house.
    fixed(
        11,
        17,
        "Struggle for Freedom and Democracy Day (memorial day)",
    )
    .until(1999)
    .house(),
];

/// Germany: holidays are state law; listed as public are those every state keeps, plus
/// German Unity Day (Einigungsvertrag Art. 2 (2)), 17 June until 1990 (West), Repentance
/// Day nationwide until 1994 (abolished 1995 outside Saxony for the care-insurance levy)
/// and Reformation Day 2017 (500th anniversary, a holiday in every state that year).
pub(super) const DE: &[Rule] = &[
    fixed(1, 1, "New Year's Day"),
    easter(-2, "Good Friday"),
    easter(1, "Easter Monday"),
    fixed(5, 1, "Labour Day"),
    easter(39, "Ascension Day"),
    easter(50, "Whit Monday"),
    fixed(6, 17, "Day of German Unity (17 June)").until(1990),
    fixed(10, 3, "German Unity Day").since(1990),
    once(2017, 10, 31, "Reformation Day"),
    // The Wednesday before 23 November.
    on_or_after(11, 16, Wed, "Repentance and Prayer Day").until(1994),
    fixed(12, 25, "Christmas Day"),
    fixed(12, 26, "Second Day of Christmas"),
    CHRISTMAS_EVE,
    NEW_YEARS_EVE,
    fixed(1, 6, "Regional: Epiphany (BW, BY, ST)").house(),
    fixed(3, 8, "Regional: International Women's Day (BE)")
        .since(2019)
        .until(2022)
        .house(),
    fixed(3, 8, "Regional: International Women's Day (BE, MV)")
        .since(2023)
        .house(),
    easter(0, "Regional: Easter Sunday (BB)").house(),
    once(
        2020,
        5,
        8,
        "Regional: 75th anniversary of the end of WWII (BE)",
    )
    .house(),
    once(
        2025,
        5,
        8,
        "Regional: 80th anniversary of the end of WWII (BE)",
    )
    .house(),
    easter(49, "Regional: Whit Sunday (BB)").house(),
    easter(
        60,
        "Regional: Corpus Christi (BW, BY, HE, NW, RP, SL, parts of SN and TH)",
    )
    .house(),
    once(
        2028,
        6,
        17,
        "Regional: 75th anniversary of the 1953 uprising (BE)",
    )
    .house(),
    fixed(8, 8, "Regional: Peace Festival (Augsburg)").house(),
    fixed(8, 15, "Regional: Assumption Day (SL, parts of BY)").house(),
    fixed(9, 20, "Regional: World Children's Day (TH)")
        .since(2019)
        .house(),
    fixed(10, 31, "Regional: Reformation Day (BB, MV, SN, ST, TH)")
        .until(2017)
        .house(),
    fixed(
        10,
        31,
        "Regional: Reformation Day (BB, HB, HH, MV, NI, SH, SN, ST, TH)",
    )
    .since(2018)
    .house(),
    fixed(11, 1, "Regional: All Saints' Day (BW, BY, NW, RP, SL)").house(),
    on_or_after(11, 16, Wed, "Regional: Repentance and Prayer Day (SN)")
        .since(1995)
        .house(),
];

/// Hungary: Labour Code (2012. évi I. törvény, 102. § (1)) and its predecessors. Good
/// Friday from 2017; All Saints' Day from 1999; Whit Monday restored in 1992; Christmas Eve
/// from 2026. Bridge days that decrees swap with Saturdays are not statutory holidays.
pub(super) const HU: &[Rule] = &[
    fixed(1, 1, "New Year's Day"),
    fixed(3, 15, "National Day (1848 Revolution)"),
    easter(-2, "Good Friday").since(2017),
    easter(0, "Easter Sunday"),
    easter(1, "Easter Monday"),
    fixed(5, 1, "Labour Day"),
    easter(49, "Whit Sunday"),
    easter(50, "Whit Monday").since(1992),
    fixed(8, 20, "State Foundation Day"),
    fixed(10, 23, "National Day (1956 Revolution)"),
    fixed(11, 1, "All Saints' Day").since(1999),
    fixed(12, 24, "Christmas Eve").since(2026),
    fixed(12, 25, "Christmas Day"),
    fixed(12, 26, "Second Day of Christmas"),
    CHRISTMAS_EVE,
];

/// Poland: ustawa z dnia 18 stycznia 1951 r. o dniach wolnych od pracy, as amended
/// (Epiphany from 2011, Christmas Eve from 2025; 12 November 2018 by the act of 2018).
pub(super) const PL: &[Rule] = &[
    fixed(1, 1, "New Year's Day"),
    fixed(1, 6, "Epiphany").since(2011),
    easter(0, "Easter Sunday"),
    easter(1, "Easter Monday"),
    fixed(5, 1, "Labour Day"),
    fixed(5, 3, "Constitution Day"),
    easter(49, "Whit Sunday"),
    easter(60, "Corpus Christi"),
    fixed(8, 15, "Assumption Day"),
    fixed(11, 1, "All Saints' Day"),
    fixed(11, 11, "Independence Day"),
    once(2018, 11, 12, "Independence Day (100th anniversary)"),
    fixed(12, 24, "Christmas Eve").since(2025),
    fixed(12, 25, "Christmas Day"),
    fixed(12, 26, "Second Day of Christmas"),
    CHRISTMAS_EVE,
];

/// Slovakia: zákon č. 241/1993 Z. z. o štátnych sviatkoch (1993 on; 8 May from 1997,
/// 17 November from 2001; 1 September no longer a day of rest from 2024, 17 November from
/// 2025; 8 May and 15 September not days of rest in 2026). 1990–1992: the Czechoslovak
/// federal law (zákon č. 93/1951 Zb. as amended in 1990).
pub(super) const SK: &[Rule] = &[
    fixed(1, 1, "New Year's Day").until(1992),
    fixed(1, 1, "Day of the Establishment of the Slovak Republic").since(1993),
    fixed(1, 6, "Epiphany").since(1993),
    easter(-2, "Good Friday").since(1993),
    easter(1, "Easter Monday"),
    fixed(5, 1, "Labour Day"),
    fixed(5, 9, "Liberation Day").until(1991),
    fixed(5, 8, "Liberation Day").since(1992).until(1992),
    fixed(5, 8, "Day of Victory over Fascism")
        .since(1997)
        .except(&[2026]),
    fixed(7, 5, "Saints Cyril and Methodius Day"),
    fixed(8, 29, "Slovak National Uprising Anniversary").since(1993),
    fixed(9, 1, "Constitution Day").since(1993).until(2023),
    fixed(9, 15, "Our Lady of the Seven Sorrows")
        .since(1993)
        .except(&[2026]),
    once(
        2018,
        10,
        30,
        "100th anniversary of the Declaration of the Slovak Nation",
    ),
    fixed(10, 28, "Independent Czechoslovak State Day").until(1992),
    fixed(11, 1, "All Saints' Day").since(1993),
    fixed(11, 17, "Struggle for Freedom and Democracy Day")
        .since(2001)
        .until(2024),
    fixed(12, 24, "Christmas Eve"),
    fixed(12, 25, "Christmas Day"),
    fixed(12, 26, "Second Day of Christmas"),
    // Still state holidays, no longer days of rest: house days, because customers expect
    // them to be quiet days.
    once(
        2026,
        5,
        8,
        "Day of Victory over Fascism (not a day of rest in 2026)",
    )
    .house(),
    fixed(9, 1, "Constitution Day (state holiday, working day)")
        .since(2024)
        .house(),
    once(
        2026,
        9,
        15,
        "Our Lady of the Seven Sorrows (not a day of rest in 2026)",
    )
    .house(),
    fixed(
        11,
        17,
        "Struggle for Freedom and Democracy Day (state holiday, working day)",
    )
    .since(2025)
    .house(),
];
