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

With `--decreed` before MARKET (HU and LV only), prints instead the working days the library
says were moved by decree: one `YYYY-MM-DD<TAB>YYYY-MM-DD` line per move, the weekday made a
rest day and the Saturday worked in its place, read from the library's table of substituted
days; then `# holidays VERSION`.

Exit codes: 0 ok, 2 bad usage or unknown market, 3 the `holidays` package is missing
(the Rust test turns that into a skip unless REILU_REQUIRE_ORACLES=1).
"""

import sys


DECREED = {"HU": ("hungary", "HungaryStaticHolidays"), "LV": ("latvia", "LatviaStaticHolidays")}


def decreed(market):
    """The (rest day, worked Saturday) pairs of the library's substituted days."""
    import importlib

    import holidays

    module_name, class_name = DECREED[market]
    module = importlib.import_module(f"holidays.countries.{module_name}")
    table = getattr(module, class_name).special_public_holidays
    for year, entries in sorted(table.items()):
        # One entry is a tuple; several are a tuple of tuples.
        entries = entries if isinstance(entries[0], tuple) else (entries,)
        for entry in entries:
            # (month, day, month, day) is a substituted day; (month, day, name) a one-off holiday.
            if len(entry) == 4 and all(isinstance(part, int) for part in entry):
                rest_month, rest_day, worked_month, worked_day = entry
                rest = f"{year:04d}-{rest_month:02d}-{rest_day:02d}"
                worked = f"{year:04d}-{worked_month:02d}-{worked_day:02d}"
                sys.stdout.write(f"{rest}\t{worked}\n")
    sys.stdout.write(f"# holidays {holidays.__version__}\n")
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--decreed":
        try:
            import holidays  # noqa: F401
        except ImportError:
            print("python holidays not installed", file=sys.stderr)
            return 3
        if argv[2].upper() not in DECREED:
            print(f"no decreed days for {argv[2]}", file=sys.stderr)
            return 2
        return decreed(argv[2].upper())
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
