//! Southern European markets: ES, GR, IT, PT.

use chrono::Weekday::Sun;

use super::super::rule::{Rule, Trigger, easter, first, fixed, once, orthodox};
use super::CHRISTMAS_EVE;

/// A Spanish national holiday: when it falls on a Sunday several communities move it to
/// Monday by their annual decree (Estatuto de los Trabajadores art. 37.2), so the house
/// keeps that Monday free too.
const fn es(month: u32, day: u32, name: &'static str, monday: &'static str) -> Rule {
    fixed(month, day, name).house_substitute(Trigger::Sunday, monday)
}

/// Spain: Real Decreto 2001/1983, art. 45, and Estatuto de los Trabajadores art. 37.2: the
/// national holidays; each year's BOE resolution adds the communities' own days, of which
/// the stable ones are listed as regional house days.
pub(super) const ES: &[Rule] = &[
    es(
        1,
        1,
        "New Year's Day",
        "New Year's Day (Monday transfer in some communities)",
    ),
    es(
        1,
        6,
        "Epiphany",
        "Epiphany (Monday transfer in some communities)",
    ),
    easter(-2, "Good Friday"),
    es(
        5,
        1,
        "Labour Day",
        "Labour Day (Monday transfer in some communities)",
    ),
    es(
        8,
        15,
        "Assumption Day",
        "Assumption Day (Monday transfer in some communities)",
    ),
    es(
        10,
        12,
        "National Day",
        "National Day (Monday transfer in some communities)",
    ),
    es(
        11,
        1,
        "All Saints' Day",
        "All Saints' Day (Monday transfer in some communities)",
    ),
    es(
        12,
        6,
        "Constitution Day",
        "Constitution Day (Monday transfer in some communities)",
    ),
    es(
        12,
        8,
        "Immaculate Conception",
        "Immaculate Conception (Monday transfer in some communities)",
    ),
    es(
        12,
        25,
        "Christmas Day",
        "Christmas Day (Monday transfer in some communities)",
    ),
    CHRISTMAS_EVE,
    fixed(2, 28, "Regional: Andalusia Day (AN)").house(),
    fixed(3, 1, "Regional: Balearic Islands Day (IB)").house(),
    fixed(3, 19, "Regional: St Joseph's Day (several communities)").house(),
    easter(-3, "Regional: Maundy Thursday (all communities except CT)").house(),
    easter(1, "Regional: Easter Monday (CT, IB, NC, PV, RI, VC)").house(),
    fixed(
        4,
        23,
        "Regional: Aragon Day (AR); Castile and León Day (CL)",
    )
    .house(),
    easter(50, "Regional: Whit Monday (CT, some years)").house(),
    easter(60, "Regional: Corpus Christi (CM)").house(),
    fixed(5, 2, "Regional: Community of Madrid Day (MD)").house(),
    fixed(5, 17, "Regional: Galician Literature Day (GA)").house(),
    fixed(5, 30, "Regional: Canary Islands Day (CN)").house(),
    fixed(5, 31, "Regional: Castilla-La Mancha Day (CM)").house(),
    fixed(6, 9, "Regional: Murcia Day (MC); La Rioja Day (RI)").house(),
    fixed(6, 13, "Regional: St Anthony (CE)").house(),
    fixed(6, 24, "Regional: St John's Day (CT, VC)").house(),
    fixed(7, 25, "Regional: St James's Day (GA, several communities)").house(),
    fixed(7, 28, "Regional: Cantabria Institutions Day (CB)").house(),
    fixed(8, 5, "Regional: Our Lady of Africa (CE)").house(),
    fixed(9, 2, "Regional: Ceuta Day (CE)").house(),
    fixed(9, 8, "Regional: Asturias Day (AS); Extremadura Day (EX)").house(),
    fixed(9, 11, "Regional: National Day of Catalonia (CT)").house(),
    fixed(9, 15, "Regional: Our Lady of Bien Aparecida (CB)").house(),
    fixed(9, 17, "Regional: Melilla Day (ML)").house(),
    fixed(9, 24, "Regional: Our Lady of Mercy (Barcelona)").house(),
    fixed(10, 9, "Regional: Valencian Community Day (VC)").house(),
    fixed(12, 3, "Regional: St Francis Xavier (NC)").house(),
    fixed(12, 26, "Regional: St Stephen's Day (CT)").house(),
];

/// Greece: the mandatory holidays (25 March, 1 May, 15 August, 28 October, 25 December)
/// and the general collective agreements' days, with Easter-based feasts on Orthodox
/// Easter. Labour Day: art. 14 of N. 4468/2017 lets the ministry move it off a Sunday, and
/// it has done so every time since, also off Orthodox Easter Monday (to Tuesday); before
/// 2017 and in Holy Week it was moved by one-off decisions (2013, 2016, 2024).
pub(super) const GR: &[Rule] = &[
    fixed(1, 1, "New Year's Day"),
    fixed(1, 6, "Epiphany"),
    orthodox(-48, "Clean Monday"),
    fixed(3, 25, "Independence Day"),
    orthodox(-2, "Good Friday"),
    orthodox(1, "Easter Monday"),
    fixed(5, 1, "Labour Day").except(&[2013, 2024]).substitute(
        Trigger::WeekendOrTaken,
        2017,
        "Labour Day (moved)",
    ),
    once(2013, 5, 7, "Labour Day (moved)"),
    once(2016, 5, 3, "Labour Day (moved)"),
    once(2024, 5, 7, "Labour Day (moved)"),
    orthodox(50, "Whit Monday"),
    fixed(8, 15, "Dormition of the Mother of God"),
    fixed(10, 28, "Ohi Day"),
    fixed(12, 25, "Christmas Day"),
    fixed(12, 26, "Synaxis of the Mother of God"),
    CHRISTMAS_EVE,
];

/// Italy: legge 27 maggio 1949 n. 260 as amended (legge 5 marzo 1977 n. 54 moved 2 June
/// and 4 November to the first Sunday of their month; legge 20 novembre 2000 n. 336
/// restored 2 June from 2001; 17 March 2011 by legge 222/2010; St Francis, 4 October, a
/// holiday again from 2026 by the 2025 law).
pub(super) const IT: &[Rule] = &[
    fixed(1, 1, "New Year's Day"),
    fixed(1, 6, "Epiphany"),
    once(2011, 3, 17, "150th anniversary of the Unification of Italy"),
    easter(0, "Easter Sunday"),
    easter(1, "Easter Monday"),
    fixed(4, 25, "Liberation Day"),
    fixed(5, 1, "Labour Day"),
    first(6, Sun, "Republic Day").until(2000),
    fixed(6, 2, "Republic Day").since(2001),
    fixed(8, 15, "Assumption Day"),
    fixed(10, 4, "St Francis of Assisi, patron saint of Italy").since(2026),
    fixed(11, 1, "All Saints' Day"),
    first(11, Sun, "National Unity and Armed Forces Day"),
    fixed(12, 8, "Immaculate Conception"),
    fixed(12, 25, "Christmas Day"),
    fixed(12, 26, "St Stephen's Day"),
    CHRISTMAS_EVE,
    easter(50, "Regional: Whit Monday (South Tyrol)").house(),
    fixed(
        6,
        24,
        "Regional: St John the Baptist (Florence, Genoa, Turin)",
    )
    .house(),
    fixed(6, 29, "Regional: Saints Peter and Paul (Rome)").house(),
    fixed(7, 15, "Regional: St Rosalia (Palermo)").house(),
    fixed(9, 19, "Regional: St Januarius (Naples)").house(),
    fixed(12, 7, "Regional: St Ambrose (Milan)").house(),
];

/// Portugal: Código do Trabalho, art. 234. Lei 23/2012 suspended Corpus Christi, 5
/// October, 1 November and 1 December for 2013–2015; Lei 8/2016 restored them.
pub(super) const PT: &[Rule] = &[
    fixed(1, 1, "New Year's Day"),
    easter(-2, "Good Friday"),
    easter(0, "Easter Sunday"),
    fixed(4, 25, "Freedom Day"),
    fixed(5, 1, "Labour Day"),
    fixed(6, 10, "Portugal Day"),
    easter(60, "Corpus Christi").except(SUSPENDED),
    fixed(8, 15, "Assumption Day"),
    fixed(10, 5, "Republic Day").except(SUSPENDED),
    fixed(11, 1, "All Saints' Day").except(SUSPENDED),
    fixed(12, 1, "Restoration of Independence").except(SUSPENDED),
    fixed(12, 8, "Immaculate Conception"),
    fixed(12, 25, "Christmas Day"),
    // Carnival is optional by law (art. 235) but the government grants it to the public
    // service nearly every year and most employers follow.
    easter(-47, "Carnival").house(),
    CHRISTMAS_EVE,
    fixed(6, 13, "Regional: St Anthony (Lisbon)").house(),
    fixed(6, 24, "Regional: St John (Porto, Braga)").house(),
    fixed(7, 1, "Regional: Madeira Day").house(),
    easter(50, "Regional: Azores Day").house(),
];

/// The years Lei 23/2012 suspended four PT holidays.
const SUSPENDED: &[i32] = &[2013, 2014, 2015];
