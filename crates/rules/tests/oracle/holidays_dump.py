#!/usr/bin/env python3
"""Test oracle for the Rust calendar: print a market's national public holidays.

Usage: holidays_dump.py MARKET FROM_YEAR TO_YEAR

Prints one `YYYY-MM-DD<TAB>name` line per holiday, sorted by date, as the python
`holidays` library (https://pypi.org/project/holidays/) gives them for the country with
no subdivision, default ("public") category, observed days included where the library
includes them, and Sundays not counted as holidays (NO/SE can optionally list every
Sunday; those are weekly rest days, not public holidays). Names are in English where the
library has an English translation; the Rust test compares dates only.

After the holidays come two comment lines: `# range FIRST LAST` (the years the library
covers within the request) and `# holidays VERSION`.

Exit codes: 0 ok, 2 bad usage or unknown market, 3 the `holidays` package is missing
(the Rust test turns that into a skip unless REILU_REQUIRE_ORACLES=1).
"""

import sys


def main(argv):
    if len(argv) != 4:
        print("usage: holidays_dump.py MARKET FROM_YEAR TO_YEAR", file=sys.stderr)
        return 2
    try:
        import holidays
    except ImportError:
        print("python holidays not installed", file=sys.stderr)
        return 3
    market = argv[1].upper()
    try:
        first, last = int(argv[2]), int(argv[3])
    except ValueError:
        print("years must be integers", file=sys.stderr)
        return 2
    if market not in holidays.list_supported_countries():
        print(f"unknown market {market}", file=sys.stderr)
        return 2
    probe = holidays.country_holidays(market)
    # The library models each country from its own start year (DE 1991, ES 2008, ...):
    # earlier years come back empty, so say which years were really compared.
    first = max(first, getattr(probe, "start_year", first))
    last = min(last, getattr(probe, "end_year", last))
    years = range(first, last + 1)
    languages = getattr(probe, "supported_languages", ()) or ()
    kwargs = {"years": years}
    for language in ("en_US", "en_GB"):
        if language in languages:
            kwargs["language"] = language
            break
    calendar = holidays.country_holidays(market, **kwargs)
    out = sys.stdout
    for day, name in sorted(calendar.items()):
        # A date with two feasts comes back as "A; B": keep it on one line.
        out.write(f"{day.isoformat()}\t{name}\n")
    out.write(f"# range {first} {last}\n")
    out.write(f"# holidays {holidays.__version__}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
