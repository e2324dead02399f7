//! Which scheme validates which (country, kind), and the list of known country codes.

use super::util::SplitMix64;
use super::{
    CheckLevel, NationalIdError, PartyKind, at, be, ch, cz, de, dk, ee, es, fi, fr, gb, generic,
    gr, hu, ie, it, lt, lv, nl, no, pl, pt, se,
};

/// One identity-number scheme: how to validate it, how to make a demo value, how strict it is.
pub(crate) struct Scheme {
    pub(crate) parse: fn(&str) -> Result<String, NationalIdError>,
    pub(crate) generate: fn(&mut SplitMix64) -> String,
    pub(crate) level: CheckLevel,
}

const fn checked(
    parse: fn(&str) -> Result<String, NationalIdError>,
    generate: fn(&mut SplitMix64) -> String,
) -> Scheme {
    Scheme {
        parse,
        generate,
        level: CheckLevel::CheckDigit,
    }
}

const fn format_only(
    parse: fn(&str) -> Result<String, NationalIdError>,
    generate: fn(&mut SplitMix64) -> String,
) -> Scheme {
    Scheme {
        parse,
        generate,
        level: CheckLevel::FormatOnly,
    }
}

const GENERIC: Scheme = format_only(generic::parse, generic::generate);

/// The scheme for a known country code (upper case) and kind.
pub(crate) fn scheme(country: &str, kind: PartyKind) -> Scheme {
    use PartyKind::{Business, Person};
    match (country, kind) {
        ("AT", Person) => checked(at::parse_person, at::generate_person),
        ("AT", Business) => checked(at::parse_business, at::generate_business),
        ("BE", Person) => checked(be::parse_person, be::generate_person),
        ("BE", Business) => checked(be::parse_business, be::generate_business),
        ("CH", Person) => checked(ch::parse_person, ch::generate_person),
        ("CH", Business) => checked(ch::parse_business, ch::generate_business),
        ("CZ" | "SK", Person) => checked(cz::parse_person, cz::generate_person),
        ("CZ", Business) => checked(cz::parse_business, cz::generate_business),
        ("DE", Person) => checked(de::parse_person, de::generate_person),
        ("DE", Business) => format_only(generic::parse, de::generate_business),
        ("DK", Person) => checked(dk::parse_person, dk::generate_person),
        ("DK", Business) => checked(dk::parse_business, dk::generate_business),
        ("EE", Person) => checked(ee::parse_person, ee::generate_person),
        ("EE", Business) => checked(ee::parse_business, ee::generate_business),
        ("ES", Person) => checked(es::parse_person, es::generate_person),
        ("ES", Business) => checked(es::parse_business, es::generate_business),
        ("FI", Person) => checked(fi::parse_person, fi::generate_person),
        ("FI", Business) => checked(fi::parse_business, fi::generate_business),
        ("FR", Person) => checked(fr::parse_person, fr::generate_person),
        ("FR", Business) => checked(fr::parse_business, fr::generate_business),
        ("GB", Person) => format_only(gb::parse_person, gb::generate_person),
        ("GB", Business) => format_only(gb::parse_business, gb::generate_business),
        ("GR", Person) => checked(gr::parse_person, gr::generate_person),
        ("GR", Business) => checked(gr::parse_business, gr::generate_business),
        ("HU", Person) => checked(hu::parse_person, hu::generate_person),
        ("HU", Business) => checked(hu::parse_business, hu::generate_business),
        ("IE", Person) => checked(ie::parse_person, ie::generate_person),
        ("IT", Person) => checked(it::parse_person, it::generate_person),
        ("IT", Business) => checked(it::parse_business, it::generate_business),
        ("LT", Person) => checked(lt::parse_person, lt::generate_person),
        ("LV", Person) => checked(lv::parse_person, lv::generate_person),
        ("LV", Business) => checked(lv::parse_business, lv::generate_business),
        ("NL", Person) => checked(nl::parse_person, nl::generate_person),
        ("NO", Person) => checked(no::parse_person, no::generate_person),
        ("NO", Business) => checked(no::parse_business, no::generate_business),
        ("PL", Person) => checked(pl::parse_person, pl::generate_person),
        ("PL", Business) => checked(pl::parse_business, pl::generate_business),
        // A Portuguese NIF serves persons and businesses alike, with the same check digit.
        ("PT", _) => checked(pt::parse, pt::generate),
        ("SE", Person) => checked(se::parse_person, se::generate_person),
        ("SE", Business) => checked(se::parse_business, se::generate_business),
        _ => GENERIC,
    }
}

/// Every ISO 3166-1 alpha-2 code in use, plus XK (Kosovo, user-assigned but widely used).
/// Countries outside our markets still have identity numbers: those are checked for format only.
const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ \
    BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
    CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ \
    EC EE EG EH ER ES ET FI FJ FK FM FO FR \
    GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU \
    ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ \
    LA LB LC LI LK LR LS LT LU LV LY \
    MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ \
    NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA \
    RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ \
    TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ \
    VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW";

/// The canonical (upper-case, static) form of a known country code.
pub(crate) fn country(code: &str) -> Result<&'static str, NationalIdError> {
    let wanted = code.trim().to_ascii_uppercase();
    COUNTRIES
        .split_whitespace()
        .find(|c| *c == wanted)
        .ok_or_else(|| NationalIdError::UnknownCountry(code.trim().to_string()))
}
