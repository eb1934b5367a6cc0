"""Python clients of our Go server over TLS and mTLS, with bearer tokens and gzip.

run.sh starts examples/server twice, with certificates from interop/lib.sh's
make_certs (CERTS: ca.pem, client.pem/.key, stranger.pem/.key):

  tls   -tls-cert -tls-key -auth-tokens -authz-policy (examples/server/auth/)
  mtls  the same certificate, and -tls-client-ca CERTS/ca.pem

and runs this script against each. Every call verifies the server's
certificate against ca.pem, by the name "localhost" that it holds.

Usage: /usr/bin/python3 tls_clients.py tls|mtls HOST:PORT CERTS_DIR
"""

import os
import sys

import grpc

from grpcexamples.calculator.v1 import calculator_pb2 as calc
from grpcexamples.calculator.v1 import calculator_pb2_grpc as calc_grpc
from grpcexamples.greeter.v1 import greeter_pb2 as greet
from grpcexamples.greeter.v1 import greeter_pb2_grpc as greet_grpc
from grpcexamples.streaming.v1 import streaming_pb2 as st
from grpcexamples.streaming.v1 import streaming_pb2_grpc as st_grpc

from checks import Checks

TIMEOUT = 10
C = grpc.StatusCode
# The example token file's fake tokens (examples/server/auth/tokens.txt):
# the example policy lets bob greet and alice call everything.
ALICE = "fake-demo-token-alice-00000000"
BOB = "fake-demo-token-bob-11111111"
# The server's certificate is for localhost, 127.0.0.1 and ::1; the name is
# what a client checks.
OPTIONS = (("grpc.ssl_target_name_override", "localhost"),)


def read(certs, name):
    with open(os.path.join(certs, name), "rb") as f:
        return f.read()


def channel(target, certs, client=None, token=None, compression=None):
    """A TLS channel trusting ca.pem, presenting client (a file stem) if given,
    sending token as a bearer token on every call if given."""
    key = chain = None
    if client:
        key, chain = read(certs, client + ".key"), read(certs, client + ".pem")
    creds = grpc.ssl_channel_credentials(
        root_certificates=read(certs, "ca.pem"), private_key=key, certificate_chain=chain)
    if token:
        # gRPC Python's own per-call credentials for a bearer token:
        # "authorization: Bearer TOKEN", sent only over a secure channel.
        creds = grpc.composite_channel_credentials(creds, grpc.access_token_call_credentials(token))
    return grpc.secure_channel(target, creds, options=OPTIONS, compression=compression)


def tls(target, certs, t):
    with channel(target, certs, token=BOB) as ch:
        r, call = greet_grpc.GreeterStub(ch).SayHello.with_call(greet.HelloRequest(name="Ada"), timeout=TIMEOUT)
        t.equal("SayHello over TLS as bob", r.message, "Hello, Ada!")
        ids = [v for k, v in call.trailing_metadata() if k == "x-request-id"]
        t.true("the trailer carries the server's x-request-id", len(ids) == 1 and ids[0], ids)
        t.code("Add as bob -> PERMISSION_DENIED (the example policy)",
               lambda: calc_grpc.CalculatorStub(ch).Add(calc.AddRequest(a=1, b=2), timeout=TIMEOUT),
               C.PERMISSION_DENIED)
    with channel(target, certs, token=ALICE) as ch:
        r = calc_grpc.CalculatorStub(ch).Add(calc.AddRequest(a=1, b=2), timeout=TIMEOUT)
        t.equal("Add over TLS as alice", r.result, 3)
        # gzip on one call: the request goes compressed, and the server
        # answers in kind.
        msg = "compressible " * 10000
        r = st_grpc.StreamingServiceStub(ch).Unary(
            st.UnaryRequest(message=msg), timeout=TIMEOUT, compression=grpc.Compression.Gzip)
        t.equal("Unary with a 130 kB gzip-compressed request", r.message, msg)
    with channel(target, certs, token=ALICE, compression=grpc.Compression.Gzip) as ch:
        got = [m.sequence for m in st_grpc.StreamingServiceStub(ch).ServerStream(
            st.ServerStreamRequest(message="s", controls=st.Controls(message_count=3)), timeout=TIMEOUT)]
        t.equal("ServerStream on a gzip channel", got, [1, 2, 3])
    with channel(target, certs) as ch:
        t.code("Add without a token -> UNAUTHENTICATED",
               lambda: calc_grpc.CalculatorStub(ch).Add(calc.AddRequest(a=1, b=2), timeout=TIMEOUT),
               C.UNAUTHENTICATED)
    with grpc.insecure_channel(target) as ch:
        t.code("Add in plaintext to a TLS server -> UNAVAILABLE",
               lambda: calc_grpc.CalculatorStub(ch).Add(calc.AddRequest(a=1, b=2), timeout=TIMEOUT),
               C.UNAVAILABLE)


def mtls(target, certs, t):
    with channel(target, certs, client="client") as ch:
        r = greet_grpc.GreeterStub(ch).SayHello(greet.HelloRequest(name="mTLS"), timeout=TIMEOUT)
        t.equal("SayHello with a client certificate", r.message, "Hello, mTLS!")
    for label, client in (("no client certificate", None), ("a certificate from another CA", "stranger")):
        with channel(target, certs, client=client) as ch:
            t.code("SayHello with %s -> UNAVAILABLE" % label,
                   lambda: greet_grpc.GreeterStub(ch).SayHello(greet.HelloRequest(name="x"), timeout=TIMEOUT),
                   C.UNAVAILABLE)


def main():
    mode, target, certs = sys.argv[1:4]
    t = Checks("python %s clients" % mode)
    t.run(mode, {"tls": tls, "mtls": mtls}[mode], target, certs, t)
    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
