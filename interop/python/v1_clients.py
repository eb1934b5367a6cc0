"""Python clients for every v1 method of our Go server.

Every call carries a deadline and request metadata; every method is also made
to fail once with the status the contract promises, and the streaming service's
echoed metadata is checked in both the response header and the trailer. Stubs
come from pb/proto/grpcexamples/*/v1/*.proto, compiled by run.sh from the proto
root pb/proto into gen/v1/ (on sys.path).

The services' errors carry AIP-193 details (google.rpc.ErrorInfo, and
google.rpc.BadRequest on INVALID_ARGUMENT) in the grpc-status-details-bin
trailer: the checks decode them with rpc_status.proto (beside this file),
which they compile with protoc at start. A channel with a retry policy in its
service config calls the streaming service's fail_first_attempts control, so
gRPC's C core retries against our server.

Usage: /usr/bin/python3 v1_clients.py HOST:PORT
"""

import atexit
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile

import grpc

from grpcexamples.calculator.v1 import calculator_pb2 as calc
from grpcexamples.calculator.v1 import calculator_pb2_grpc as calc_grpc
from grpcexamples.greeter.v1 import greeter_pb2 as greet
from grpcexamples.greeter.v1 import greeter_pb2_grpc as greet_grpc
from grpcexamples.keywords.v1 import keywords_pb2 as kw
from grpcexamples.keywords.v1 import keywords_pb2_grpc as kw_grpc
from grpcexamples.streaming.v1 import streaming_pb2 as st
from grpcexamples.streaming.v1 import streaming_pb2_grpc as st_grpc

from checks import Checks

TIMEOUT = 10  # seconds, the deadline of every call unless a check says otherwise
MD = (("x-interop-peer", "python"),)
INT32_MAX = 2**31 - 1
INT32_MIN = -(2**31)
C = grpc.StatusCode


def load_rpc_status():
    """Compiles rpc_status.proto with protoc into a temporary directory and imports it."""
    here = os.path.dirname(os.path.abspath(__file__))
    out = tempfile.mkdtemp(prefix="grpcexamples-rpc-status.")
    atexit.register(shutil.rmtree, out, True)
    subprocess.run(["protoc", "-I", here, "--python_out=" + out, "rpc_status.proto"], check=True)
    sys.path.insert(0, out)
    import rpc_status_pb2  # noqa: E402 - generated just above
    return rpc_status_pb2


rpc = load_rpc_status()
TYPE_URL = "type.googleapis.com/"


def status_details(err):
    """Decodes the grpc-status-details-bin trailer of a failed call.

    Returns (status, error_info, bad_request), the last two None when absent,
    or None when the trailer has no details.
    """
    raw = [v for k, v in (err.trailing_metadata() or ()) if k == "grpc-status-details-bin"]
    if not raw:
        return None
    st = rpc.Status.FromString(raw[0])
    info = bad = None
    for d in st.details:
        if d.type_url == TYPE_URL + "google.rpc.ErrorInfo":
            info = rpc.ErrorInfo.FromString(d.value)
        elif d.type_url == TYPE_URL + "google.rpc.BadRequest":
            bad = rpc.BadRequest.FromString(d.value)
    return st, info, bad


def check_details(t, label, err, reason, fields=(), metadata=None):
    """Checks the details of err, a grpc.RpcError (None when t.code failed).

    They must hold an ErrorInfo of reason in domain grpcexamples, with the
    given metadata entries, and a BadRequest violation of each field (none
    when fields is empty), each with the same reason and a description.
    """
    if err is None:
        return
    got = status_details(err)
    if not t.true(label + " has grpc-status-details-bin", got is not None, "no details trailer"):
        return
    st, info, bad = got
    t.equal(label + " details repeat the code and message", (st.code, st.message),
            (err.code().value[0], err.details()))
    t.equal(label + " ErrorInfo reason and domain", info and (info.reason, info.domain),
            (reason, "grpcexamples"))
    if metadata and info:
        t.equal(label + " ErrorInfo metadata", {k: info.metadata.get(k) for k in metadata}, metadata)
    violations = [(v.field, v.reason, bool(v.description)) for v in bad.field_violations] if bad else []
    t.equal(label + " BadRequest field violations", violations, [(f, reason, True) for f in fields])


def check_no_details(t, label, err):
    """The status a streaming control asks for comes back without details."""
    if err is not None:
        t.true(label + " has no details", status_details(err) is None, status_details(err))


def calculator(channel, t):
    stub = calc_grpc.CalculatorStub(channel)
    kw_args = dict(timeout=TIMEOUT, metadata=MD)

    r = stub.Add(calc.AddRequest(a=INT32_MAX - 7, b=7), **kw_args)
    t.equal("Add (max-7)+7", r.result, INT32_MAX)
    err = t.code("Add overflow -> OUT_OF_RANGE",
                 lambda: stub.Add(calc.AddRequest(a=INT32_MAX, b=1), **kw_args), C.OUT_OF_RANGE)
    check_details(t, "Add overflow", err, "INT32_OVERFLOW",
                  metadata={"operation": "add", "a": str(INT32_MAX), "b": "1", "exactResult": str(INT32_MAX + 1),
                            "min": str(INT32_MIN), "max": str(INT32_MAX)})

    r = stub.Subtract(calc.SubtractRequest(a=-5, b=7), **kw_args)
    t.equal("Subtract -5-7", r.result, -12)
    t.code("Subtract underflow -> OUT_OF_RANGE",
           lambda: stub.Subtract(calc.SubtractRequest(a=INT32_MIN, b=1), **kw_args), C.OUT_OF_RANGE)

    r = stub.Multiply(calc.MultiplyRequest(a=-6, b=7), **kw_args)
    t.equal("Multiply -6*7", r.result, -42)
    t.code("Multiply overflow -> OUT_OF_RANGE",
           lambda: stub.Multiply(calc.MultiplyRequest(a=65536, b=65536), **kw_args), C.OUT_OF_RANGE)

    r = stub.Divide(calc.DivideRequest(a=-7, b=2), **kw_args)
    t.equal("Divide -7/2 truncates toward zero", (r.quotient, r.remainder), (-3, -1))
    err = t.code("Divide by zero -> INVALID_ARGUMENT",
                 lambda: stub.Divide(calc.DivideRequest(a=7, b=0), **kw_args), C.INVALID_ARGUMENT)
    check_details(t, "Divide by zero", err, "DIVISION_BY_ZERO", fields=["b"],
                  metadata={"operation": "divide", "a": "7"})
    t.code("Divide min/-1 -> OUT_OF_RANGE",
           lambda: stub.Divide(calc.DivideRequest(a=INT32_MIN, b=-1), **kw_args), C.OUT_OF_RANGE)


def greeter(channel, t):
    stub = greet_grpc.GreeterStub(channel)
    kw_args = dict(timeout=TIMEOUT, metadata=MD)

    r = stub.SayHello(greet.HelloRequest(name="Ada"), **kw_args)
    t.equal("SayHello", r.message, "Hello, Ada!")
    r = stub.SayHelloAgain(greet.HelloRequest(name="Zoë 世界"), **kw_args)
    t.equal("SayHelloAgain (UTF-8 name)", r.message, "Hello again, Zoë 世界!")
    err = t.code("SayHello empty name -> INVALID_ARGUMENT",
                 lambda: stub.SayHello(greet.HelloRequest(name=""), **kw_args), C.INVALID_ARGUMENT)
    check_details(t, "SayHello empty name", err, "NAME_EMPTY", fields=["name"], metadata={"limitBytes": "256"})
    err = t.code("SayHelloAgain 257-byte name -> INVALID_ARGUMENT",
                 lambda: stub.SayHelloAgain(greet.HelloRequest(name="x" * 257), **kw_args),
                 C.INVALID_ARGUMENT)
    check_details(t, "SayHelloAgain 257-byte name", err, "NAME_TOO_LONG", fields=["name"],
                  metadata={"lengthBytes": "257", "limitBytes": "256"})
    err = t.code("SayHello name with a right-to-left override -> INVALID_ARGUMENT",
                 lambda: stub.SayHello(greet.HelloRequest(name="Ada \u202eecalevol"), **kw_args),
                 C.INVALID_ARGUMENT)
    check_details(t, "SayHello right-to-left override", err, "NAME_REFUSED_CHARACTER", fields=["name"],
                  metadata={"codePoint": "U+202E", "offsetBytes": "4", "category": "Cf"})


TEXTS = [
    "Graph neural networks learn node representations by passing messages "
    "between neighbouring nodes. Message passing neural networks generalise "
    "convolutional networks to irregular graph data.",
    "The central bank raised interest rates again to fight inflation, and "
    "mortgage rates followed the central bank's decision within a week.",
    "Solar panels convert sunlight into electricity; battery storage lets "
    "households use solar electricity after sunset.",
]


def check_keywords_response(t, label, r, want_id, max_results):
    t.equal(label + " id echoed", r.id, want_id)
    t.true(label + " returns 1..%d keywords" % max_results, 0 < len(r.keywords) <= max_results,
           list(r.keywords))
    t.equal(label + " keyphrases match keywords", [p.text for p in r.keyphrases], list(r.keywords))
    scores = [p.score for p in r.keyphrases]
    t.true(label + " scores in (0,1], best first",
           all(0 < s <= 1 for s in scores) and scores == sorted(scores, reverse=True), scores)
    t.equal(label + " language", r.language, "en")


def keywords(channel, t):
    stub = kw_grpc.KeywordServiceStub(channel)
    kw_args = dict(timeout=TIMEOUT, metadata=MD)

    r = stub.GetKeywords(kw.GetKeywordsRequest(text=TEXTS[0], max_results=3, language="en", id="doc-1"),
                         **kw_args)
    print("  GetKeywords ->", [(p.text, round(p.score, 3)) for p in r.keyphrases])
    check_keywords_response(t, "GetKeywords", r, "doc-1", 3)
    err = t.code("GetKeywords text over 1 MiB -> INVALID_ARGUMENT",
                 lambda: stub.GetKeywords(kw.GetKeywordsRequest(text="a" * (1 << 20) + " b"), **kw_args),
                 C.INVALID_ARGUMENT)
    check_details(t, "GetKeywords text over 1 MiB", err, "TEXT_TOO_LONG", fields=["text"],
                  metadata={"lengthBytes": str((1 << 20) + 2), "limitBytes": str(1 << 20)})
    err = t.code("GetKeywords max_results 101 -> INVALID_ARGUMENT",
                 lambda: stub.GetKeywords(kw.GetKeywordsRequest(text=TEXTS[0], max_results=101), **kw_args),
                 C.INVALID_ARGUMENT)
    check_details(t, "GetKeywords max_results 101", err, "MAX_RESULTS_OUT_OF_RANGE", fields=["max_results"],
                  metadata={"value": "101", "min": "0", "max": "100"})
    err = t.code("GetKeywords language xx -> INVALID_ARGUMENT",
                 lambda: stub.GetKeywords(kw.GetKeywordsRequest(text=TEXTS[0], language="xx"), **kw_args),
                 C.INVALID_ARGUMENT)
    check_details(t, "GetKeywords language xx", err, "LANGUAGE_UNSUPPORTED", fields=["language"])

    reqs = [kw.GetKeywordsRequest(text=text, max_results=5, language="en", id="s%d" % i)
            for i, text in enumerate(TEXTS)]
    got = list(stub.StreamKeywords(iter(reqs), **kw_args))
    t.equal("StreamKeywords one response per request, in order", [g.id for g in got],
            ["s0", "s1", "s2"])
    for g in got:
        check_keywords_response(t, "StreamKeywords[%s]" % g.id, g, g.id, 5)

    seen = []

    def bad_stream():
        reqs = [kw.GetKeywordsRequest(text=TEXTS[0], id="ok"),
                kw.GetKeywordsRequest(text=TEXTS[1], max_results=101, id="bad")]
        for g in stub.StreamKeywords(iter(reqs), **kw_args):
            seen.append(g.id)

    err = t.code("StreamKeywords max_results 101 -> INVALID_ARGUMENT", bad_stream, C.INVALID_ARGUMENT)
    check_details(t, "StreamKeywords max_results 101", err, "MAX_RESULTS_OUT_OF_RANGE", fields=["max_results"],
                  metadata={"value": "101", "requestNumber": "2"})
    t.true("StreamKeywords answers only the valid request before failing", seen in ([], ["ok"]), seen)


# Metadata the streaming checks send: the -bin key carries raw bytes.
ECHO_KEYS = ["x-interop-a", "x-interop-b-bin"]
ECHO_MD = (
    ("x-interop-peer", "python"),
    ("x-interop-a", "alpha"),
    ("x-interop-b-bin", b"\x00\x01\xfe\xff"),
    ("x-interop-not-echoed", "nope"),
)


def check_echo(t, label, md):
    got = {}
    for k, v in md or ():
        got.setdefault(k, []).append(v)
    t.equal(label + " echoes x-interop-a", got.get("x-interop-a"), ["alpha"])
    t.equal(label + " echoes x-interop-b-bin", got.get("x-interop-b-bin"), [b"\x00\x01\xfe\xff"])
    t.true(label + " echoes only the asked keys",
           "x-interop-not-echoed" not in got and "x-interop-peer" not in got, sorted(got))


def streaming(channel, t):
    stub = st_grpc.StreamingServiceStub(channel)
    kw_args = dict(timeout=TIMEOUT, metadata=MD)

    # Unary.
    ctl = st.Controls(payload_size=1000, echo_metadata=ECHO_KEYS)
    r, call = stub.Unary.with_call(st.UnaryRequest(message="ping", controls=ctl),
                                   timeout=TIMEOUT, metadata=ECHO_MD)
    t.equal("Unary message and received", (r.message, r.received), ("ping", True))
    t.equal("Unary payload size", len(r.payload), 1000)
    check_echo(t, "Unary header", call.initial_metadata())
    check_echo(t, "Unary trailer", call.trailing_metadata())
    r = stub.Unary(st.UnaryRequest(message="big", controls=st.Controls(payload_size=1 << 20)), **kw_args)
    t.equal("Unary 1 MiB payload", len(r.payload), 1 << 20)
    err = t.code("Unary status_code NOT_FOUND with message",
                 lambda: stub.Unary(st.UnaryRequest(controls=st.Controls(status_code=5, status_message="no such thing")),
                                    **kw_args),
                 C.NOT_FOUND, "no such thing")
    check_no_details(t, "Unary status_code NOT_FOUND", err)
    err = t.code("Unary payload_size over 1 MiB -> INVALID_ARGUMENT",
                 lambda: stub.Unary(st.UnaryRequest(controls=st.Controls(payload_size=(1 << 20) + 1)), **kw_args),
                 C.INVALID_ARGUMENT)
    check_details(t, "Unary payload_size over 1 MiB", err, "CONTROL_OUT_OF_RANGE", fields=["controls.payload_size"],
                  metadata={"value": str((1 << 20) + 1), "min": "0", "max": str(1 << 20)})
    err = t.code("Unary status_code 17 -> INVALID_ARGUMENT",
                 lambda: stub.Unary(st.UnaryRequest(controls=st.Controls(status_code=17)), **kw_args),
                 C.INVALID_ARGUMENT)
    check_details(t, "Unary status_code 17", err, "CONTROL_OUT_OF_RANGE", fields=["controls.status_code"],
                  metadata={"value": "17", "max": "16"})

    # Server streaming.
    ctl = st.Controls(message_count=5, payload_size=16, echo_metadata=ECHO_KEYS)
    call = stub.ServerStream(st.ServerStreamRequest(message="tick", controls=ctl),
                             timeout=TIMEOUT, metadata=ECHO_MD)
    got = [(m.message, m.sequence, len(m.payload)) for m in call]
    t.equal("ServerStream 5 responses in sequence", got, [("tick", i, 16) for i in range(1, 6)])
    t.equal("ServerStream status", call.code(), C.OK)
    check_echo(t, "ServerStream header", call.initial_metadata())
    check_echo(t, "ServerStream trailer", call.trailing_metadata())
    seen = []

    def aborted_after_two():
        ctl = st.Controls(message_count=5, status_code=10, status_message="stop", status_after=2)
        for m in stub.ServerStream(st.ServerStreamRequest(message="x", controls=ctl), **kw_args):
            seen.append(m.sequence)

    t.code("ServerStream ABORTED after 2 responses", aborted_after_two, C.ABORTED, "stop")
    t.equal("ServerStream sent 2 responses before the status", seen, [1, 2])

    def slow_stream():
        ctl = st.Controls(message_count=5, interval_ms=1000)
        return list(stub.ServerStream(st.ServerStreamRequest(controls=ctl), timeout=0.5, metadata=MD))

    t.code("ServerStream past its deadline -> DEADLINE_EXCEEDED", slow_stream, C.DEADLINE_EXCEEDED)
    err = t.code("ServerStream message_count 10001 -> INVALID_ARGUMENT",
                 lambda: list(stub.ServerStream(
                     st.ServerStreamRequest(controls=st.Controls(message_count=10001)), **kw_args)),
                 C.INVALID_ARGUMENT)
    check_details(t, "ServerStream message_count 10001", err, "CONTROL_OUT_OF_RANGE",
                  fields=["controls.message_count"], metadata={"value": "10001"})
    err = t.code("ServerStream 10000 x 1 MiB -> INVALID_ARGUMENT",
                 lambda: list(stub.ServerStream(
                     st.ServerStreamRequest(controls=st.Controls(message_count=10000, payload_size=1 << 20)),
                     **kw_args)),
                 C.INVALID_ARGUMENT)
    check_details(t, "ServerStream 10000 x 1 MiB", err, "RESPONSE_BYTES_LIMIT",
                  fields=["message", "controls.payload_size", "controls.message_count"],
                  metadata={"responses": "10000", "limitBytes": str(64 << 20)})

    # Client streaming.
    reqs = [
        st.ClientStreamRequest(message="one", payload=b"\x00" * 10,
                               controls=st.Controls(echo_metadata=ECHO_KEYS)),
        st.ClientStreamRequest(message="two", payload=b"\x01" * 20),
        st.ClientStreamRequest(message="three"),
    ]
    r, call = stub.ClientStream.with_call(iter(reqs), timeout=TIMEOUT, metadata=ECHO_MD)
    t.equal("ClientStream summary", (r.message, r.message_count, r.byte_count),
            ("one two three", 3, 3 + 10 + 3 + 20 + 5))
    check_echo(t, "ClientStream header", call.initial_metadata())
    check_echo(t, "ClientStream trailer", call.trailing_metadata())
    failing = [st.ClientStreamRequest(message="m%d" % i) for i in range(4)]
    failing[0].controls.CopyFrom(st.Controls(status_code=8, status_message="enough", status_after=2))
    t.code("ClientStream RESOURCE_EXHAUSTED after 2 requests",
           lambda: stub.ClientStream(iter(failing), **kw_args), C.RESOURCE_EXHAUSTED, "enough")
    err = t.code("ClientStream interval_ms -1 -> INVALID_ARGUMENT",
                 lambda: stub.ClientStream(iter([st.ClientStreamRequest(controls=st.Controls(interval_ms=-1))]),
                                           **kw_args),
                 C.INVALID_ARGUMENT)
    check_details(t, "ClientStream interval_ms -1", err, "CONTROL_OUT_OF_RANGE", fields=["controls.interval_ms"],
                  metadata={"value": "-1", "min": "0", "max": "10000"})

    # Bidirectional: each request is sent only after the previous answer
    # arrived, which proves the server answers as requests come in.
    outbox = queue.Queue()
    texts = ["alpha", "beta", "gamma", "delta"]

    def requests():
        while True:
            item = outbox.get(timeout=TIMEOUT)
            if item is None:
                return
            yield item

    call = stub.BidiStream(requests(), timeout=TIMEOUT, metadata=ECHO_MD)
    outbox.put(st.BidiStreamRequest(message=texts[0], controls=st.Controls(payload_size=8, echo_metadata=ECHO_KEYS)))
    got = []
    for m in call:
        got.append((m.message, m.sequence, len(m.payload)))
        if len(got) < len(texts):
            outbox.put(st.BidiStreamRequest(message=texts[len(got)]))
        else:
            outbox.put(None)
    t.equal("BidiStream echoes each request in turn",
            got, [(text, i + 1, 8) for i, text in enumerate(texts)])
    t.equal("BidiStream status", call.code(), C.OK)
    check_echo(t, "BidiStream header", call.initial_metadata())
    check_echo(t, "BidiStream trailer", call.trailing_metadata())
    seen = []

    def bidi_fails_after_one():
        reqs = [st.BidiStreamRequest(message="a", controls=st.Controls(status_code=7, status_after=1)),
                st.BidiStreamRequest(message="b"), st.BidiStreamRequest(message="c")]
        for m in stub.BidiStream(iter(reqs), **kw_args):
            seen.append(m.message)

    t.code("BidiStream PERMISSION_DENIED after 1 response", bidi_fails_after_one, C.PERMISSION_DENIED)
    t.equal("BidiStream answered once before the status", seen, ["a"])
    err = t.code("BidiStream 65 echo keys -> INVALID_ARGUMENT",
                 lambda: list(stub.BidiStream(iter([st.BidiStreamRequest(
                     controls=st.Controls(echo_metadata=["k%d" % i for i in range(65)]))]), **kw_args)),
                 C.INVALID_ARGUMENT)
    check_details(t, "BidiStream 65 echo keys", err, "TOO_MANY_ECHO_KEYS", fields=["controls.echo_metadata"],
                  metadata={"keys": "65", "limit": "64"})


# A retry policy for the streaming service, as a gRPC service config: C core
# numbers each retry in the grpc-previous-rpc-attempts header, which our
# server's fail_first_attempts control reads.
RETRY_CONFIG = json.dumps({"methodConfig": [{
    "name": [{"service": "grpcexamples.streaming.v1.StreamingService"}],
    "retryPolicy": {
        "maxAttempts": 4,
        "initialBackoff": "0.01s",
        "maxBackoff": "0.1s",
        "backoffMultiplier": 2,
        "retryableStatusCodes": ["UNAVAILABLE"],
    },
}]})


def retries(channel, t, target):
    ctl = st.Controls(fail_first_attempts=2, status_code=14, status_message="try again")
    plain = st_grpc.StreamingServiceStub(channel)
    t.code("Unary failing its first 2 attempts, without a retry policy -> UNAVAILABLE",
           lambda: plain.Unary(st.UnaryRequest(message="r", controls=ctl), timeout=TIMEOUT, metadata=MD),
           C.UNAVAILABLE, "try again")
    def outcome(fn):
        """fn's result, or the code and message it failed with."""
        try:
            return fn()
        except grpc.RpcError as err:
            return (err.code(), err.details())

    options = [("grpc.service_config", RETRY_CONFIG), ("grpc.enable_retries", 1)]
    with grpc.insecure_channel(target, options=options) as retrying:
        stub = st_grpc.StreamingServiceStub(retrying)
        got = outcome(lambda: stub.Unary(st.UnaryRequest(message="third attempt", controls=ctl),
                                         timeout=TIMEOUT, metadata=MD).message)
        t.equal("Unary failing its first 2 attempts, retried by the policy", got, "third attempt")
        got = outcome(lambda: [m.sequence for m in stub.ServerStream(
            st.ServerStreamRequest(message="s", controls=st.Controls(
                message_count=2, fail_first_attempts=3, status_code=14)), timeout=TIMEOUT, metadata=MD)])
        t.equal("ServerStream failing its first 3 attempts, retried by the policy", got, [1, 2])
        t.code("Unary failing with a code the policy does not retry -> INTERNAL",
               lambda: stub.Unary(st.UnaryRequest(controls=st.Controls(
                   fail_first_attempts=1, status_code=13, status_message="not retried")),
                   timeout=TIMEOUT, metadata=MD),
               C.INTERNAL, "not retried")


def main():
    target = sys.argv[1]
    t = Checks("python v1 clients")
    with grpc.insecure_channel(target) as channel:
        for run in (calculator, greeter, keywords, streaming):
            t.run(run.__name__, run, channel, t)
        t.run("retries", retries, channel, t, target)
    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
