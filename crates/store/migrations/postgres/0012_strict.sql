-- SQLite's tables became STRICT in this migration (see the SQLite file of the same number).
-- PostgreSQL checks every value against its column's type already, and an overflowing
-- bigint `+` raises an error instead of changing type, so nothing changes here.
SELECT 1;
