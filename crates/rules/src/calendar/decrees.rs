//! Working days moved by decree. Hungary and Latvia move "bridge days" every year: a weekday
//! between a holiday and a weekend becomes a rest day, and a Saturday nearby becomes a working
//! day in its place. Hungary: the yearly ministerial decree "a <year>. évi munkaszüneti napok
//! körüli munkarendről" under the Labour Code (2012. évi I. törvény 102. § (5)), binding on
//! every employer's general working order. Latvia: the Cabinet of Ministers' order "Par darba
//! dienu pārcelšanu <year>. gadā" under the Labour Law (Darba likums 133. (4)), binding on
//! state-budget institutions and recommended to everyone else; it must be issued by 1 July
//! of the year before.
//!
//! A decreed rest day is a no-contact day (`DayKind::NoContactDay`, bound by the house's
//! `contact.no_house_days`): most people are off, as on a holiday, and the decree is not a
//! public holiday in law, so it is the house that keeps the day quiet. A decreed working
//! Saturday stays an ordinary Saturday for contact: people working it are at work, so the
//! Saturday's narrower hours (where a law has them) protect them better than a weekday's, and
//! no rule forbids contact on a Saturday. The working Saturdays are recorded for the record
//! (`reilu rules calendar`) and the oracle test.
//!
//! Each year from the first known to the last is listed, with no moves where none was
//! decreed; a year after the last is not known yet (decrees come out during the year before).
//! Sources: the decree or order of each year, as cited; the dates of 2025 and 2026 (HU) and of
//! 2012, 2018 and 2026 (LV) were read from the published text or the ministry's announcement,
//! the others from the decree references of the python `holidays` package, which the oracle
//! test (`tests/holidays_oracle.rs`) compares with, day by day.

/// One weekday made a rest day, and the Saturday worked in its place (month, day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Move {
    pub(crate) rest: (u32, u32),
    pub(crate) worked: (u32, u32),
}

const fn mv(rest: (u32, u32), worked: (u32, u32)) -> Move {
    Move { rest, worked }
}

/// What one year's decree moved, and the decree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decree {
    pub(crate) year: i32,
    pub(crate) source: &'static str,
    pub(crate) moves: &'static [Move],
}

/// The markets whose working days are moved by decree, with every year known, in order.
pub(crate) const DECREES: [(&str, &[Decree]); 2] = [("HU", HU), ("LV", LV)];

/// The decrees of a market, oldest first; empty for a market that moves no days by decree.
pub(crate) fn of_market(market: &str) -> &'static [Decree] {
    DECREES
        .iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(market))
        .map_or(&[], |(_, decrees)| *decrees)
}

/// Hungary, 1991–2026. 2026: 10/2025 as published moves 24 December to Saturday 12
/// December; 24 December has since become a public holiday from 2026 (2026. évi LXXII.
/// törvény, per the python `holidays` package), and whether 12 December is still a working
/// Saturday could not be confirmed; for contact it changes nothing (a holiday either way, and
/// a working Saturday is an ordinary Saturday).
const HU: &[Decree] = &[
    Decree {
        year: 1991,
        source: "7/1990. (XII. 27.) MüM rendelet",
        moves: &[mv((8, 19), (8, 17))],
    },
    Decree {
        year: 1992,
        source: "3/1992. MüM rendelet",
        moves: &[mv((8, 21), (8, 29)), mv((12, 24), (12, 19))],
    },
    Decree {
        year: 1993,
        source: "7/1992. MüM rendelet",
        moves: &[mv((12, 24), (12, 18))],
    },
    Decree {
        year: 1994,
        source: "3/1993. MüM rendelet",
        moves: &[mv((3, 14), (3, 12))],
    },
    Decree {
        year: 1995,
        source: "no working day moved (none listed by the python holidays package; not checked against the Magyar Közlöny)",
        moves: &[],
    },
    Decree {
        year: 1996,
        source: "no working day moved (none listed by the python holidays package; not checked against the Magyar Közlöny)",
        moves: &[],
    },
    Decree {
        year: 1997,
        source: "11/1996. MüM rendelet",
        moves: &[
            mv((5, 2), (4, 26)),
            mv((10, 24), (10, 18)),
            mv((12, 24), (12, 20)),
        ],
    },
    Decree {
        year: 1998,
        source: "18/1997. MüM rendelet",
        moves: &[
            mv((1, 2), (1, 10)),
            mv((8, 21), (8, 15)),
            mv((12, 24), (12, 19)),
        ],
    },
    Decree {
        year: 1999,
        source: "3/1998. SzCsM rendelet",
        moves: &[mv((12, 24), (12, 18))],
    },
    Decree {
        year: 2000,
        source: "no working day moved (none listed by the python holidays package; not checked against the Magyar Közlöny)",
        moves: &[],
    },
    Decree {
        year: 2001,
        source: "43/2000. (XII. 18.) GM rendelet",
        moves: &[
            mv((3, 16), (3, 10)),
            mv((4, 30), (4, 28)),
            mv((10, 22), (10, 20)),
            mv((11, 2), (10, 27)),
            mv((12, 24), (12, 22)),
            mv((12, 31), (12, 29)),
        ],
    },
    Decree {
        year: 2002,
        source: "25/2001. GM rendelet",
        moves: &[mv((8, 19), (8, 10)), mv((12, 24), (12, 28))],
    },
    Decree {
        year: 2003,
        source: "2/2002. FMM rendelet",
        moves: &[
            mv((5, 2), (4, 26)),
            mv((10, 24), (10, 18)),
            mv((12, 24), (12, 13)),
        ],
    },
    Decree {
        year: 2004,
        source: "9/2003. FMM rendelet",
        moves: &[mv((1, 2), (1, 10)), mv((12, 24), (12, 18))],
    },
    Decree {
        year: 2005,
        source: "25/2004. FMM rendelet",
        moves: &[mv((3, 14), (3, 19)), mv((10, 31), (11, 5))],
    },
    Decree {
        year: 2006,
        source: "no working day moved (none listed by the python holidays package; not checked against the Magyar Közlöny)",
        moves: &[],
    },
    Decree {
        year: 2007,
        source: "4/2006. SZMM rendelet",
        moves: &[
            mv((3, 16), (3, 10)),
            mv((4, 30), (4, 21)),
            mv((10, 22), (10, 20)),
            mv((11, 2), (10, 27)),
            mv((12, 24), (12, 22)),
            mv((12, 31), (12, 29)),
        ],
    },
    Decree {
        year: 2008,
        source: "27/2007. SZMM rendelet",
        moves: &[
            mv((5, 2), (4, 26)),
            mv((10, 24), (10, 18)),
            mv((12, 24), (12, 20)),
        ],
    },
    Decree {
        year: 2009,
        source: "16/2008. SZMM rendelet",
        moves: &[
            mv((1, 2), (3, 28)),
            mv((8, 21), (8, 29)),
            mv((12, 24), (12, 19)),
        ],
    },
    Decree {
        year: 2010,
        source: "20/2009. rendelet (njt.hu 2009-20-20-1X)",
        moves: &[mv((12, 24), (12, 11))],
    },
    Decree {
        year: 2011,
        source: "7/2010. rendelet (njt.hu 2010-7-20-2X)",
        moves: &[mv((3, 14), (3, 19)), mv((10, 31), (11, 5))],
    },
    Decree {
        year: 2012,
        source: "39/2011. rendelet (njt.hu 2011-39-20-2X), 28/2012. rendelet for 24 and 31 December",
        moves: &[
            mv((3, 16), (3, 24)),
            mv((4, 30), (4, 21)),
            mv((10, 22), (10, 27)),
            mv((11, 2), (11, 10)),
            mv((12, 24), (12, 15)),
            mv((12, 31), (12, 1)),
        ],
    },
    Decree {
        year: 2013,
        source: "28/2012. rendelet (njt.hu 2012-28-20-2X)",
        moves: &[
            mv((8, 19), (8, 24)),
            mv((12, 24), (12, 7)),
            mv((12, 27), (12, 21)),
        ],
    },
    Decree {
        year: 2014,
        source: "33/2013. rendelet (njt.hu 2013-33-20-2X)",
        moves: &[
            mv((5, 2), (5, 10)),
            mv((10, 24), (10, 18)),
            mv((12, 24), (12, 13)),
        ],
    },
    Decree {
        year: 2015,
        source: "28/2014. rendelet (njt.hu 2014-28-20-2X)",
        moves: &[
            mv((1, 2), (1, 10)),
            mv((8, 21), (8, 8)),
            mv((12, 24), (12, 12)),
        ],
    },
    Decree {
        year: 2016,
        source: "18/2015. rendelet (njt.hu 2015-18-20-2X)",
        moves: &[mv((3, 14), (3, 5)), mv((10, 31), (10, 15))],
    },
    Decree {
        year: 2017,
        source: "no working day moved (none listed by the python holidays package; not checked against the Magyar Közlöny)",
        moves: &[],
    },
    Decree {
        year: 2018,
        source: "61/2017. rendelet (njt.hu 2017-61-B0-15)",
        moves: &[
            mv((3, 16), (3, 10)),
            mv((4, 30), (4, 21)),
            mv((10, 22), (10, 13)),
            mv((11, 2), (11, 10)),
            mv((12, 24), (12, 1)),
            mv((12, 31), (12, 15)),
        ],
    },
    Decree {
        year: 2019,
        source: "6/2018. PM rendelet (njt.hu 2018-6-20-53)",
        moves: &[
            mv((8, 19), (8, 10)),
            mv((12, 24), (12, 7)),
            mv((12, 27), (12, 14)),
        ],
    },
    Decree {
        year: 2020,
        source: "7/2019. PM rendelet (njt.hu 2019-7-20-53)",
        moves: &[mv((8, 21), (8, 29)), mv((12, 24), (12, 12))],
    },
    Decree {
        year: 2021,
        source: "14/2020. ITM rendelet (njt.hu 2020-14-20-7Q)",
        moves: &[mv((12, 24), (12, 11))],
    },
    Decree {
        year: 2022,
        source: "23/2021. ITM rendelet (njt.hu 2021-23-20-7Q)",
        moves: &[mv((3, 14), (3, 26)), mv((10, 31), (10, 15))],
    },
    Decree {
        year: 2023,
        source: "no working day moved (none listed by the python holidays package; not checked against the Magyar Közlöny)",
        moves: &[],
    },
    Decree {
        year: 2024,
        source: "15/2023. rendelet (njt.hu 2023-15-20-8P)",
        moves: &[
            mv((8, 19), (8, 3)),
            mv((12, 24), (12, 7)),
            mv((12, 27), (12, 14)),
        ],
    },
    Decree {
        year: 2025,
        source: "11/2024. (IV. 8.) NGM rendelet a 2025. évi munkaszüneti napok körüli munkarendről",
        moves: &[
            mv((5, 2), (5, 17)),
            mv((10, 24), (10, 18)),
            mv((12, 24), (12, 13)),
        ],
    },
    Decree {
        year: 2026,
        source: "10/2025. (IV. 30.) NGM rendelet a 2026. évi munkaszüneti napok körüli munkarendről",
        moves: &[
            mv((1, 2), (1, 10)),
            mv((8, 21), (8, 8)),
            mv((12, 24), (12, 12)),
        ],
    },
];

/// Latvia, 2001–2026. 2027 not found: its order was due by 1 July 2026.
const LV: &[Decree] = &[
    Decree {
        year: 2001,
        source: "Ministru kabineta rīkojums par darba dienu pārcelšanu 2001. gadā (likumi.lv id 56308)",
        moves: &[mv((12, 24), (12, 22))],
    },
    Decree {
        year: 2002,
        source: "Ministru kabineta rīkojums par darba dienu pārcelšanu 2002. gadā (likumi.lv id 60769)",
        moves: &[mv((12, 30), (12, 28))],
    },
    Decree {
        year: 2003,
        source: "Ministru kabineta rīkojums par darba dienu pārcelšanu 2003. gadā (likumi.lv id 80562)",
        moves: &[mv((11, 17), (11, 15))],
    },
    Decree {
        year: 2004,
        source: "Ministru kabineta rīkojums par darba dienu pārcelšanu 2004. gadā (likumi.lv id 80562 and 83431)",
        moves: &[
            mv((1, 2), (1, 10)),
            mv((5, 3), (5, 8)),
            mv((6, 25), (6, 19)),
            mv((11, 19), (11, 13)),
        ],
    },
    Decree {
        year: 2005,
        source: "no working day moved (none listed by the python holidays package; not checked against likumi.lv)",
        moves: &[],
    },
    Decree {
        year: 2006,
        source: "Ministru kabineta rīkojums par darba dienu pārcelšanu 2006. gadā (likumi.lv id 145144)",
        moves: &[mv((11, 27), (12, 2))],
    },
    Decree {
        year: 2007,
        source: "Ministru kabineta rīkojums par darba dienu pārcelšanu 2007. gadā (likumi.lv id 131354)",
        moves: &[mv((4, 30), (4, 14))],
    },
    Decree {
        year: 2008,
        source: "Ministru kabineta rīkojums par darba dienu pārcelšanu 2008. gadā (likumi.lv id 173689)",
        moves: &[mv((5, 2), (5, 10)), mv((11, 17), (11, 22))],
    },
    Decree {
        year: 2009,
        source: "Ministru kabineta rīkojums par darba dienu pārcelšanu 2009. gadā (likumi.lv id 185051)",
        moves: &[mv((1, 2), (1, 10)), mv((6, 22), (6, 27))],
    },
    Decree {
        year: 2010,
        source: "Ministru kabineta rīkojums par darba dienu pārcelšanu 2010. gadā (likumi.lv id 203023)",
        moves: &[
            mv((5, 3), (5, 29)),
            mv((6, 25), (6, 19)),
            mv((11, 19), (11, 13)),
        ],
    },
    Decree {
        year: 2011,
        source: "no working day moved (none listed by the python holidays package; not checked against likumi.lv)",
        moves: &[],
    },
    Decree {
        year: 2012,
        source: "Ministru kabineta rīkojums par darba dienu pārcelšanu 2012. gadā (likumi.lv id 228399 (Nr. 146))",
        moves: &[mv((4, 30), (4, 28))],
    },
    Decree {
        year: 2013,
        source: "Ministru kabineta rīkojums par darba dienu pārcelšanu 2013. gadā (likumi.lv id 247102)",
        moves: &[mv((12, 23), (12, 14)), mv((12, 30), (12, 28))],
    },
    Decree {
        year: 2014,
        source: "Ministru kabineta rīkojums par darba dienu pārcelšanu 2014. gadā (likumi.lv id 257810)",
        moves: &[mv((5, 2), (5, 10)), mv((11, 17), (11, 22))],
    },
    Decree {
        year: 2015,
        source: "Ministru kabineta rīkojums par darba dienu pārcelšanu 2015. gadā (likumi.lv id 266487)",
        moves: &[mv((1, 2), (1, 10)), mv((6, 22), (6, 27))],
    },
    Decree {
        year: 2016,
        source: "no working day moved (none listed by the python holidays package; not checked against likumi.lv)",
        moves: &[],
    },
    Decree {
        year: 2017,
        source: "Ministru kabineta rīkojums par darba dienu pārcelšanu 2017. gadā (likumi.lv id 282928)",
        moves: &[mv((5, 5), (5, 13))],
    },
    Decree {
        year: 2018,
        source: "Ministru kabineta rīkojums par darba dienu pārcelšanu 2018. gadā (likumi.lv id 290413 (Nr. 211))",
        moves: &[mv((4, 30), (4, 21))],
    },
    Decree {
        year: 2019,
        source: "no working day moved (none listed by the python holidays package; not checked against likumi.lv)",
        moves: &[],
    },
    Decree {
        year: 2020,
        source: "Ministru kabineta rīkojums par darba dienu pārcelšanu 2020. gadā (likumi.lv id 308097)",
        moves: &[mv((6, 22), (6, 13))],
    },
    Decree {
        year: 2021,
        source: "Ministru kabineta rīkojums par darba dienu pārcelšanu 2021. gadā (likumi.lv id 315837)",
        moves: &[
            mv((5, 3), (5, 8)),
            mv((6, 25), (6, 19)),
            mv((11, 19), (11, 13)),
        ],
    },
    Decree {
        year: 2022,
        source: "no working day moved (none listed by the python holidays package; not checked against likumi.lv)",
        moves: &[],
    },
    Decree {
        year: 2023,
        source: "Ministru kabineta rīkojums par darba dienu pārcelšanu 2023. gadā (likumi.lv id 333470)",
        moves: &[mv((5, 5), (5, 20))],
    },
    Decree {
        year: 2024,
        source: "Ministru kabineta rīkojums par darba dienu pārcelšanu 2024. gadā (likumi.lv id 342680)",
        moves: &[mv((12, 23), (12, 14)), mv((12, 30), (12, 28))],
    },
    Decree {
        year: 2025,
        source: "Ministru kabineta rīkojums par darba dienu pārcelšanu 2025. gadā (likumi.lv id 351684)",
        moves: &[mv((5, 2), (5, 10)), mv((11, 17), (11, 8))],
    },
    Decree {
        year: 2026,
        source: "Ministru kabineta rīkojums par darba dienu pārcelšanu 2026. gadā (likumi.lv id 361161)",
        moves: &[mv((1, 2), (1, 17)), mv((6, 22), (6, 27))],
    },
];
