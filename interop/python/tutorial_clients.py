"""Tutorial-style Python clients, run against our Go server with -tutorial-names.

Each function is written the way the Python tutorials write their clients:
open an insecure channel, build the generated stub, build a request object and
call the method on the stub. The stubs come from pb/tutorial/*.proto, compiled
by run.sh with protoc and grpc_python_plugin into gen/tutorial/ (on sys.path).

Usage: /usr/bin/python3 tutorial_clients.py HOST:PORT
"""

import sys

import grpc

import bidirectional_pb2
import bidirectional_pb2_grpc
import calculator_pb2
import calculator_pb2_grpc
import greeter_pb2
import greeter_pb2_grpc
import grpctest_pb2
import grpctest_pb2_grpc
import helloworld_pb2
import helloworld_pb2_grpc
import nltk_service_pb2
import nltk_service_pb2_grpc
import unary_pb2
import unary_pb2_grpc

from checks import Checks

TIMEOUT = 10  # seconds; every call has a deadline


def calculator(target, t):
    with grpc.insecure_channel(target) as channel:
        stub = calculator_pb2_grpc.CalculatorStub(channel)
        add_response = stub.Add(calculator_pb2.AddRequest(a=5, b=3), timeout=TIMEOUT)
        t.equal("calculator.Calculator/Add 5+3", add_response.result, 8)
        subtract_response = stub.Subtract(calculator_pb2.SubtractRequest(a=10, b=4), timeout=TIMEOUT)
        t.equal("calculator.Calculator/Subtract 10-4", subtract_response.result, 6)
        negative = stub.Subtract(calculator_pb2.SubtractRequest(a=-7, b=12), timeout=TIMEOUT)
        t.equal("calculator.Calculator/Subtract -7-12", negative.result, -19)


def greeters(target, t):
    # greeter.Greeter: the Python greeter tutorial's service.
    with grpc.insecure_channel(target) as channel:
        stub = greeter_pb2_grpc.GreeterStub(channel)
        response = stub.SayHello(greeter_pb2.HelloRequest(name="Happy Chappy"), timeout=TIMEOUT)
        t.equal("greeter.Greeter/SayHello", response.message, "Hello, Happy Chappy!")
        response = stub.SayHelloAgain(greeter_pb2.HelloRequest(name="Happy Chappy"), timeout=TIMEOUT)
        t.equal("greeter.Greeter/SayHelloAgain", response.message, "Hello again, Happy Chappy!")

    # helloworld.Greeter: the grpc.io quick start's service.
    with grpc.insecure_channel(target) as channel:
        stub = helloworld_pb2_grpc.GreeterStub(channel)
        response = stub.SayHello(helloworld_pb2.HelloRequest(name="you"), timeout=TIMEOUT)
        t.equal("helloworld.Greeter/SayHello", response.message, "Hello, you!")
        response = stub.SayHelloAgain(helloworld_pb2.HelloRequest(name="you"), timeout=TIMEOUT)
        t.equal("helloworld.Greeter/SayHelloAgain", response.message, "Hello again, you!")


KEYWORD_TEXT = (
    "Protocol buffers are a language-neutral mechanism for serializing "
    "structured data. A gRPC service defined with protocol buffers can be "
    "called from Go, Python and Node clients, and the protocol buffers "
    "compiler generates the client stubs."
)


def keywords(target, t):
    with grpc.insecure_channel(target) as channel:
        stub = nltk_service_pb2_grpc.KeywordServiceStub(channel)
        response = stub.GetKeywords(nltk_service_pb2.Request(text=KEYWORD_TEXT), timeout=TIMEOUT)
        got = list(response.keywords)
        print("  /KeywordService/GetKeywords ->", got)
        t.true("/KeywordService/GetKeywords returns keywords", len(got) > 0, got)
        lowered = KEYWORD_TEXT.lower()
        missing = [k for k in got for w in k.lower().split() if w not in lowered]
        t.true("/KeywordService/GetKeywords words come from the text", not missing, missing)
        t.true(
            "/KeywordService/GetKeywords finds 'protocol buffers'",
            any("protocol buffer" in k.lower() for k in got),
            got,
        )


def unary_tutorials(target, t):
    message = "Hello Server you there?"
    want = 'Hello I am up and running received "%s" message from you' % message

    # unary.Unary: the unary tutorial's client keeps its stub on an object.
    class UnaryClient(object):
        def __init__(self):
            self.channel = grpc.insecure_channel(target)
            self.stub = unary_pb2_grpc.UnaryStub(self.channel)

        def get_url(self, message):
            message = unary_pb2.Message(message=message)
            return self.stub.GetServerResponse(message, timeout=TIMEOUT)

    client = UnaryClient()
    result = client.get_url(message=message)
    client.channel.close()
    t.equal("unary.Unary/GetServerResponse message", result.message, want)
    t.equal("unary.Unary/GetServerResponse received", result.received, True)

    # grpctest.Grpctest: the "Hello World" tutorial's client, same shape.
    class GrpctestClient(object):
        def __init__(self):
            self.channel = grpc.insecure_channel(target)
            self.stub = grpctest_pb2_grpc.GrpctestStub(self.channel)

        def get_url(self, message):
            message = grpctest_pb2.Message(message=message)
            return self.stub.GetServerResponse(message, timeout=TIMEOUT)

    client = GrpctestClient()
    result = client.get_url(message=message)
    client.channel.close()
    t.equal("grpctest.Grpctest/GetServerResponse message", result.message, want)
    t.equal("grpctest.Grpctest/GetServerResponse received", result.received, True)


def bidirectional(target, t):
    sent = [
        "Hello Server Sending you the %s message" % n
        for n in ("First", "Second", "Third", "Fourth", "Fifth")
    ]

    def make_message(text):
        return bidirectional_pb2.Message(message=text)

    def generate_messages():
        for text in sent:
            yield make_message(text)

    with grpc.insecure_channel(target) as channel:
        stub = bidirectional_pb2_grpc.BidirectionalStub(channel)
        responses = stub.GetServerResponse(generate_messages(), timeout=TIMEOUT)
        got = [response.message for response in responses]
    t.equal("bidirectional.Bidirectional/GetServerResponse echoes in order", got, sent)


def main():
    target = sys.argv[1]
    t = Checks("python tutorial clients")
    for run in (calculator, greeters, keywords, unary_tutorials, bidirectional):
        t.run(run.__name__, run, target, t)
    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
