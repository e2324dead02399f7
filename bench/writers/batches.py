#!/usr/bin/env python3
"""Turns a claim file into API batches for the writers bench: one JSON body per line.

Usage: batches.py CLAIMS.csv CLAIMS_PER_BATCH OUT.jsonl
Every value stays a string, as the claims API takes them.
"""
import csv
import json
import sys


def main() -> int:
    source, size, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(source, newline="", encoding="utf-8") as claims, open(out, "w", encoding="utf-8") as batches:
        batch = []
        for row in csv.DictReader(claims):
            batch.append({key: value for key, value in row.items() if value != ""})
            if len(batch) == size:
                batches.write(json.dumps({"claims": batch}) + "\n")
                batch = []
        if batch:
            batches.write(json.dumps({"claims": batch}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
