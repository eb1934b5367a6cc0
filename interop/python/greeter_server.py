"""The greeter tutorial's server, in Python: greeter.Greeter, and beside it
the grpc.io quick start's helloworld.Greeter, which has SayHello only (its
SayHelloAgain answers UNIMPLEMENTED, as the quick start's own server does).

Called by interop/goclient (our Go greeter client). Stubs: gen/tutorial/.

Usage: /usr/bin/python3 greeter_server.py [PORT]   (0, the default, picks a free port)
"""

import sys
from concurrent import futures

import grpc

import greeter_pb2
import greeter_pb2_grpc
import helloworld_pb2
import helloworld_pb2_grpc


class Greeter(greeter_pb2_grpc.GreeterServicer):
    def SayHello(self, request, context):
        return greeter_pb2.HelloReply(message="Hello, %s!" % request.name)

    def SayHelloAgain(self, request, context):
        return greeter_pb2.HelloReply(message="Hello again, %s!" % request.name)


class QuickStartGreeter(helloworld_pb2_grpc.GreeterServicer):
    def SayHello(self, request, context):
        return helloworld_pb2.HelloReply(message="Hello, %s!" % request.name)


def serve(port):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=10))
    greeter_pb2_grpc.add_GreeterServicer_to_server(Greeter(), server)
    helloworld_pb2_grpc.add_GreeterServicer_to_server(QuickStartGreeter(), server)
    bound = server.add_insecure_port("127.0.0.1:%d" % port)
    server.start()
    print("listening on 127.0.0.1:%d" % bound, flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    serve(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
