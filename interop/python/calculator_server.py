"""The calculator tutorial's server, in Python: calculator.Calculator.

Called by interop/goclient (our Go calculator client) to show the contract
works in the other direction too. Stubs: gen/tutorial/ (see run.sh).

Usage: /usr/bin/python3 calculator_server.py [PORT]   (0, the default, picks a free port)
"""

import sys
from concurrent import futures

import grpc

import calculator_pb2
import calculator_pb2_grpc


class CalculatorServicer(calculator_pb2_grpc.CalculatorServicer):
    def Add(self, request, context):
        result = request.a + request.b
        return calculator_pb2.AddResponse(result=result)

    def Subtract(self, request, context):
        result = request.a - request.b
        return calculator_pb2.SubtractResponse(result=result)


def serve(port):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=10))
    calculator_pb2_grpc.add_CalculatorServicer_to_server(CalculatorServicer(), server)
    bound = server.add_insecure_port("127.0.0.1:%d" % port)
    server.start()
    print("listening on 127.0.0.1:%d" % bound, flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    serve(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
