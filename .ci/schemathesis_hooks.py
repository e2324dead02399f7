"""Schemathesis hooks for Reilu's API, loaded through .ci/schemathesis.toml.

Each hook covers a rule of the API that the OpenAPI document states in words because no
JSON Schema can express it; the cases they touch are positive ones (requests the document
calls valid), which must then be accepted. Negative cases are left as generated.
"""

import hashlib
import json
import pathlib
import uuid

import schemathesis

RUN = uuid.uuid4().hex
SAMPLES = sorted((pathlib.Path(__file__).parent.parent / "examples" / "payments").glob("*.xml"))


def _positive(case):
    meta = case.meta
    return meta is not None and meta.generation.mode.is_positive


def _operation_id(ctx):
    operation = ctx.operation
    return operation.definition.raw.get("operationId") if operation is not None else None


@schemathesis.hook
def filter_case(ctx, case):
    """clientStatement: `to` is not before `from` (a rule between two parameters)."""
    if _operation_id(ctx) == "clientStatement" and _positive(case):
        query = case.query or {}
        start, end = query.get("from"), query.get("to")
        if isinstance(start, str) and isinstance(end, str) and end < start:
            return False
    return True


@schemathesis.hook
def before_call(ctx, case, kwargs):
    """Runs before every request of every phase; a changed case is validated anew."""
    if not _positive(case):
        return
    operation_id = _operation_id(ctx)
    if operation_id == "placeClaims":
        # One Idempotency-Key, one body: a key sent again with another body is refused (422).
        # The rule spans requests, so each generated key is made the key of its body (as it
        # goes out: the server compares the bytes) in this run.
        headers = case.headers or {}
        key = headers.get("Idempotency-Key")
        if isinstance(key, str):
            body = (RUN + json.dumps(case.body, default=str)).encode()
            suffix = "-" + hashlib.sha256(body).hexdigest()[:16]
            headers["Idempotency-Key"] = key[: 128 - len(suffix)] + suffix
            case.headers = headers
    elif operation_id == "importPayments" and SAMPLES:
        # A valid body is a camt.053/054 file, which a string schema cannot generate: the
        # positive cases send the sample files as they are (sending one again is harmless by
        # design: what was recorded before is counted in already_recorded).
        body = json.dumps(case.body, default=str).encode()
        sample = SAMPLES[int(hashlib.sha256(body).hexdigest(), 16) % len(SAMPLES)]
        # The case keeps a string body (so it stays a valid case); the file goes out as it is,
        # not wrapped into an XML element of the generator's.
        case.body = sample.read_text(encoding="utf-8")
        kwargs["data"] = sample.read_bytes()


@schemathesis.hook
def filter_failure(ctx, failure, case, response):
    """placeClaims answers a batch whose claims break the Claim schema with 200 and reports
    each such claim as rejected, with the field and the reason (one bad claim never stops
    the good ones, as the document says). A schema-violating batch is refused that way
    when no claim of it was placed; that is not a failure."""
    if case.operation.definition.raw.get("operationId") != "placeClaims":
        return True
    if type(failure).__name__ != "AcceptedNegativeData" or response.status_code != 200:
        return True
    try:
        report = response.json()
    except ValueError:
        return True
    items = report.get("items") or []
    refused = report.get("accepted") == 0 and all(
        item.get("status") == "rejected" and item.get("errors") for item in items
    )
    return not refused
