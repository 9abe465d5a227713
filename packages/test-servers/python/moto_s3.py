"""moto's S3 service, served on one loopback port for cairn's tests (see src/s3.ts).

    python moto_s3.py PORT honest|ignore-preconditions BUCKET...

Prints one JSON line once it listens: {"port", "accessKeyId", "secretAccessKey"}.

What differs from `python -m moto.server`, and why:
- One request at a time (werkzeug's non-threaded server). moto checks `If-None-Match` / `If-Match`
  and then writes, as two steps; under moto's threaded server two racing writers can both pass
  the check (measured: 8 of 200 rounds of 16 racing create-only PUTs had two winners). S3 decides
  a conditional write atomically, so the test server serialises requests instead of letting the
  race through.
- Only S3 (moto's S3 app; path-style addressing), with the given buckets created at start.
- Authentication on (moto's default is off): one IAM user with an `s3:*` policy and a fresh key
  pair; an unknown key is 403 InvalidAccessKeyId, a wrong secret 403 SignatureDoesNotMatch, and an
  unsigned request 403 AccessDenied, as S3 answers for a private bucket (moto itself answers
  unsigned requests with a 500 once authentication is on).
- `ignore-preconditions`: the conditional headers are removed from every write before moto sees
  them, to stand for an S3-compatible store that accepts and ignores them (what `cairn login`'s
  probe must refuse). Reads keep them. Signatures are not checked in this mode (the removed
  header was signed); unsigned requests are still refused.
"""

import json
import logging
import os
import signal
import sys

MODES = ("honest", "ignore-preconditions")
# Authenticate every request (moto reads this when it is first imported): a known access key and
# a valid SigV4 signature, as S3 checks them. Not in ignore-preconditions mode: removing a signed
# header breaks the request's signature, so that store takes any key pair.
if len(sys.argv) > 2 and sys.argv[2] == "honest":
    os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "0"

from werkzeug.serving import make_server

from moto.core import DEFAULT_ACCOUNT_ID
from moto.moto_server.werkzeug_app import MotoRequestHandler, create_backend_app
from moto.iam.models import iam_backends
from moto.s3.models import s3_backends

WRITE_METHODS = {"PUT", "POST", "DELETE"}
PRECONDITION_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH")


def ignoring_preconditions(app):
    def serve(environ, start_response):
        if environ.get("REQUEST_METHOD") in WRITE_METHODS:
            for name in PRECONDITION_HEADERS:
                environ.pop(name, None)
        return app(environ, start_response)

    return serve


ACCESS_DENIED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
)


def refusing_unsigned(app):
    """S3 answers an unsigned request to a private bucket 403 AccessDenied; moto, with
    authentication on, fails on the missing Authorization header with a 500."""

    def serve(environ, start_response):
        if "HTTP_AUTHORIZATION" not in environ and "X-Amz-Signature" not in environ.get("QUERY_STRING", ""):
            start_response("403 Forbidden", [("Content-Type", "application/xml"), ("Content-Length", str(len(ACCESS_DENIED)))])
            return [ACCESS_DENIED]
        return app(environ, start_response)

    return serve


def main(port: str, mode: str, *buckets: str) -> None:
    if mode not in MODES:
        raise SystemExit(f"unknown mode {mode!r}")
    backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
    for name in buckets:
        backend.create_bucket(name, "us-east-1")
    iam = iam_backends[DEFAULT_ACCOUNT_ID]["aws"]
    iam.create_user("us-east-1", "cairn-test")
    iam.put_user_policy("cairn-test", "s3", json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    key = iam.create_access_key("cairn-test")
    app = create_backend_app("s3")
    served = refusing_unsigned(ignoring_preconditions(app) if mode == "ignore-preconditions" else app)
    server = make_server("127.0.0.1", int(port), served, threaded=False, request_handler=MotoRequestHandler)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # One line the starter waits for: the port is bound and the user's key pair exists.
    print(json.dumps({"port": server.port, "accessKeyId": key.access_key_id, "secretAccessKey": key.secret_access_key}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(*sys.argv[1:])
