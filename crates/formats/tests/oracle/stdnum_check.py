#!/usr/bin/env python3
"""python-stdnum as an independent oracle for crates/formats (see tests/stdnum_oracle.rs).

Usage: stdnum_check.py INPUT.tsv

Each input line is "validator<TAB>candidate". For each, one output line is printed, in order:
"verdict<TAB>compact<TAB>birth" where verdict is 1 (stdnum accepts) or 0, compact is stdnum's
compact form when accepted, and birth is the date of birth stdnum reads from it (ISO format)
or empty. Exit status 3 means python-stdnum is not installed.

Where stdnum has no module for a format, a few short rules are written out here and marked
"not stdnum"; everything else is stdnum's own code.
"""

import sys

try:
    import stdnum
    from stdnum import iso11649, luhn
    from stdnum.at import uid as at_uid, vnr as at_vnr
    from stdnum.be import ogm_vcs, ssn as be_ssn, vat as be_vat
    from stdnum.ch import ssn as ch_ssn, uid as ch_uid
    from stdnum.cz import dic as cz_dic, rc as cz_rc
    from stdnum.de import idnr as de_idnr
    from stdnum.dk import cpr as dk_cpr, cvr as dk_cvr
    from stdnum.ee import ik as ee_ik, registrikood as ee_reg
    from stdnum.es import cif as es_cif, dni as es_dni, nie as es_nie
    from stdnum.fi import hetu as fi_hetu, ytunnus as fi_ytunnus
    from stdnum.fr import nir as fr_nir, siren as fr_siren
    from stdnum.gr import amka as gr_amka, vat as gr_vat
    from stdnum.hu import anum as hu_anum
    from stdnum.ie import pps as ie_pps
    from stdnum.it import codicefiscale as it_cf, iva as it_iva
    from stdnum.lt import asmens as lt_asmens
    from stdnum.lv import pvn as lv_pvn
    from stdnum.nl import bsn as nl_bsn
    from stdnum.no import fodselsnummer as no_fnr, orgnr as no_orgnr
    from stdnum.pl import nip as pl_nip, pesel as pl_pesel
    from stdnum.pt import nif as pt_nif
    from stdnum.se import orgnr as se_orgnr, personnummer as se_pnr
    from stdnum.sk import rc as sk_rc
except ImportError as error:
    print(f'import failed: {error}', file=sys.stderr)
    sys.exit(3)

try:  # stdnum.cz.ico arrived after python-stdnum 2.2
    from stdnum.cz import ico as cz_ico
except ImportError:
    cz_ico = None


def birth_of(module, number):
    """The date of birth stdnum reads from an accepted number, or ''."""
    try:
        born = module.get_birth_date(number)
    except Exception:  # noqa: BLE001 - stdnum raises several kinds here
        return ''
    return born.isoformat() if born else ''


def simple(module, with_birth=False, birth_module=None):
    """A checker that is just module.is_valid / compact (/ get_birth_date)."""
    def check(candidate):
        if not module.is_valid(candidate):
            return False, '', ''
        compact = module.compact(candidate)
        return True, compact, birth_of(birth_module or module, compact) if with_birth else ''
    return check


def fi_person(candidate):
    if not fi_hetu.is_valid(candidate):
        return False, '', ''
    compact = fi_hetu.compact(candidate)
    # fi.hetu has no get_birth_date; read the date with its own pattern and century table.
    match = fi_hetu._hetu_re.search(compact)
    century = fi_hetu._century_codes[match.group('century')]
    born = '%04d-%s-%s' % (century + int(match.group('year')), match.group('month'), match.group('day'))
    return True, compact, born


def se_person(candidate):
    """stdnum's personnummer, extended to samordningsnummer (Folkbokföringslagen 18 a §).

    stdnum reads the day literally, so a day of 61-91 fails its date check. For those the date
    is checked on the day minus 60 and the Luhn check on the digits as written, both with
    stdnum's own functions.
    """
    compact = se_pnr.compact(candidate)
    digits = compact[:-5] + compact[-4:]
    if len(compact) in (11, 13) and digits.isdigit() and 61 <= int(compact[-7:-5]) <= 91:
        if compact[-5] not in '-+':
            return False, '', ''
        shifted = compact[:-7] + '%02d' % (int(compact[-7:-5]) - 60) + compact[-5:]
        born = birth_of(se_pnr, shifted)
        if not born or not luhn.is_valid(digits[-10:]):
            return False, '', ''
        return True, compact, born
    return simple(se_pnr, True)(candidate)


def cz_business(candidate):
    if cz_ico is not None:
        return simple(cz_ico)(candidate)
    # python-stdnum 2.2: the IČO is the 8-digit legal-entity DIČ; cz.dic refuses a leading 9
    # (a DIČ rule, not an IČO one), so the IČO check digit is applied directly there.
    compact = cz_dic.compact(candidate)
    if len(compact) != 8 or not compact.isdigit():
        return False, '', ''
    ok = cz_dic.calc_check_digit_legal(compact[:-1]) == compact[-1]
    return ok, compact if ok else '', ''


def only(checker, condition):
    """Restricts a checker to the compact forms that satisfy condition."""
    def check(candidate):
        valid, compact, born = checker(candidate)
        return (True, compact, born) if valid and condition(compact) else (False, '', '')
    return check


def either(*checkers):
    def check(candidate):
        for checker in checkers:
            result = checker(candidate)
            if result[0]:
                return result
        return False, '', ''
    return check


def lt_person(candidate):
    valid, compact, _ = simple(lt_asmens)(candidate)
    if not valid:
        return False, '', ''
    return True, compact, '' if compact[0] == '9' else birth_of(ee_ik, compact)


def lv_person(candidate):
    valid, compact, _ = only(simple(lv_pvn), lambda c: c[0] <= '3')(candidate)
    if not valid:
        return False, '', ''
    return True, compact, '' if compact.startswith('32') else birth_of(lv_pvn, compact)


# Reference formats stdnum has no module for. Not stdnum: the rules are written out here.

def fi_reference(candidate):
    """Finnish viitenumero, 7-3-1 (not stdnum): 4-20 digits after leading zeros."""
    digits = ''.join(candidate.split()).lstrip('0')
    if not digits.isdigit() or not 4 <= len(digits) <= 20:
        return False, '', ''
    total = sum(int(d) * w for d, w in zip(reversed(digits[:-1]), [7, 3, 1] * 7))
    ok = (10 - total % 10) % 10 == int(digits[-1])
    return ok, digits if ok else '', ''


def no_kid(candidate):
    """KID: stdnum.luhn for MOD10; MOD11 written out (not stdnum), 10 shown as '-'."""
    kid = ''.join(candidate.split())
    if not 2 <= len(kid) <= 25 or not kid[:-1].isdigit():
        return False, '', ''
    if kid.isdigit() and luhn.is_valid(kid):
        return True, kid, ''
    weights = [2, 3, 4, 5, 6, 7] * 5
    check = 11 - sum(int(d) * w for d, w in zip(reversed(kid[:-1]), weights)) % 11
    expected = {11: '0', 10: '-'}.get(check, str(check))
    return kid[-1] == expected, kid if kid[-1] == expected else '', ''


def se_ocr(candidate):
    """Bankgirot OCR with length digit: stdnum.luhn, plus the length rule (not stdnum)."""
    ocr = ''.join(candidate.split())
    ok = ocr.isdigit() and 3 <= len(ocr) <= 25 and luhn.is_valid(ocr) and int(ocr[-2]) == len(ocr) % 10
    return ok, ocr if ok else '', ''


CHECKERS = {
    'at_person': simple(at_vnr),
    'at_business': simple(at_uid),
    'be_person': simple(be_ssn, True),
    'be_business': simple(be_vat),
    'ch_person': simple(ch_ssn),
    'ch_business': simple(ch_uid),
    'cz_person': simple(cz_rc, True),
    # sk.rc re-exports cz.rc's validation but not its get_birth_date.
    'sk_person': simple(sk_rc, True, cz_rc),
    'cz_business': cz_business,
    'de_person': simple(de_idnr),
    'dk_person': simple(dk_cpr, True),
    'dk_business': simple(dk_cvr),
    'ee_person': simple(ee_ik, True),
    'ee_business': simple(ee_reg),
    'es_person': either(simple(es_dni), simple(es_nie)),
    'es_business': simple(es_cif),
    'fi_person': fi_person,
    'fi_business': simple(fi_ytunnus),
    'fr_person': simple(fr_nir),
    'fr_business': simple(fr_siren),
    'gr_person': simple(gr_amka),
    'gr_business': simple(gr_vat),
    'hu_business': only(simple(hu_anum), lambda c: len(c) == 8),
    'ie_person': simple(ie_pps),
    # The 11-digit codice fiscale of companies is the partita IVA: persons have 16 characters.
    'it_person': only(simple(it_cf), lambda c: len(c) == 16),
    'it_business': simple(it_iva),
    'lt_person': lt_person,
    'lv_person': lv_person,
    'lv_business': only(simple(lv_pvn), lambda c: c[0] > '3'),
    'nl_person': simple(nl_bsn),
    'no_person': simple(no_fnr, True),
    'no_business': simple(no_orgnr),
    'pl_person': simple(pl_pesel, True),
    'pl_business': simple(pl_nip),
    'pt_person': simple(pt_nif),
    'pt_business': simple(pt_nif),
    'se_person': se_person,
    'se_business': simple(se_orgnr),
    'rf': simple(iso11649),
    'be_ogm': simple(ogm_vcs),
    'fi_reference': fi_reference,
    'no_kid': no_kid,
    'se_ocr': se_ocr,
}


def main():
    out = []
    with open(sys.argv[1], encoding='utf-8') as lines:
        for line in lines:
            validator, candidate = line.rstrip('\n').split('\t', 1)
            # An exception here is a bug in this script: let it end the run loudly.
            valid, compact, born = CHECKERS[validator](candidate)
            out.append('%d\t%s\t%s' % (1 if valid else 0, compact, born))
    sys.stdout.write('\n'.join(out) + '\n')
    print('stdnum ' + stdnum.__version__, file=sys.stderr)


if __name__ == '__main__':
    main()
