// Package calculator is a gRPC calculator service doing checked int32
// arithmetic: Add, Subtract, Multiply and Divide (quotient and remainder).
//
// It follows the Python calculator tutorial (service calculator.Calculator
// with Add and Subtract on int32 operands, pb/tutorial/calculator.proto) and
// adds the two operations a user would expect next. Its own contract is
// grpcexamples.calculator.v1.Calculator in
// pb/proto/grpcexamples/calculator/v1/calculator.proto.
//
// # Mounting
//
// [Register] adds the service to your own server, next to your services; it
// creates no server, listener or goroutine:
//
//	s := grpc.NewServer()
//	calculator.Register(s, calculator.NewServer())
//
// [NewServer] takes no options: a request is two int32 operands, so there
// is no size or amount of work for a setting to bound.
//
// With [WithTutorialNames] the same server also answers the tutorial's
// method paths, /calculator.Calculator/Add and /calculator.Calculator/Subtract,
// so the tutorial's Python client works unchanged.
//
// # Calling
//
// [Client] takes and returns Go values:
//
//	calc := calculator.NewClient(conn)
//	sum, err := calc.Add(ctx, 2, 3)      // 5
//	q, r, err := calc.Divide(ctx, -7, 2) // -3, -1
//
// Each method passes its grpc.CallOptions to the call; [WithCallOptions]
// gives a Client options for every call.
//
// # Testing
//
// [github.com/seed717b8fd8/grpcexamples/bufconntest] runs the service in
// memory, over a real gRPC connection but without a port:
//
//	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
//		calculator.Register(s, calculator.NewServer())
//	})
//	sum, err := calculator.NewClient(srv.Conn).Add(t.Context(), 2, 3)
//
// # Status codes
//
// Every result is exact or an error; the service never wraps around:
//
//   - codes.OutOfRange when the exact result does not fit in an int32
//     (-2147483648..2147483647), for example 2147483647 + 1 or
//     -2147483648 / -1. The message names the operation and both operands.
//   - codes.InvalidArgument when Divide is asked to divide by zero. The
//     message names the dividend.
//
// Each error also carries details a program can act on without parsing
// the message (AIP-193's google.rpc error model, in the
// grpc-status-details-bin trailer, which clients in every language read):
// a google.rpc.ErrorInfo with domain "grpcexamples", a reason and
// metadata, and, for InvalidArgument, a google.rpc.BadRequest naming the
// field at fault.
//
//	code             reason            BadRequest field  ErrorInfo metadata
//	OutOfRange       INT32_OVERFLOW    -                 operation ("add", "subtract", "multiply",
//	                                                     "divide"), a, b, exactResult, min, max
//	InvalidArgument  DIVISION_BY_ZERO  b                 operation ("divide"), a
//
// The [Client] returns the status unchanged; read the details with
// status.FromError and (*status.Status).Details:
//
//	_, err := calc.Add(ctx, math.MaxInt32, 1)
//	if st, ok := status.FromError(err); ok {
//		for _, d := range st.Details() {
//			if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetReason() == "INT32_OVERFLOW" {
//				exact, _ := strconv.ParseInt(info.GetMetadata()["exactResult"], 10, 64)
//				// exact == 2147483648: retry in wider arithmetic
//			}
//		}
//	}
//
// errdetails is google.golang.org/genproto/googleapis/rpc/errdetails.
//
// # Requests on the wire
//
// A Go client always sends well-formed requests; a client in another
// language, or one built by hand, may not. What grpc-go and the service
// then do:
//
//   - bytes that are not a protobuf message (garbage, a truncated varint, a
//     length past the end) fail with codes.Internal ("grpc: failed to
//     unmarshal the received message") from grpc-go's codec, before the
//     service runs. A service cannot change that code, since the codec
//     belongs to the whole *grpc.Server;
//   - a request larger than the host server's grpc.MaxRecvMsgSize (4 MiB by
//     default) fails with codes.ResourceExhausted, also before the service
//     runs;
//   - unknown fields are ignored, a missing operand is 0, and an operand
//     sent with the wrong wire type is an unknown field, so it reads as 0
//     too; when a field is repeated the last value wins (protobuf's rules);
//   - an operand varint wider than 32 bits keeps its low 32 bits, as the
//     protobuf language guide specifies for a number parsed into a
//     narrower type (the C++ cast) and protobuf-go does: 4294967298
//     (2^32 + 2) arrives as 2. The service cannot tell; a client that needs
//     wider numbers must not use this contract.
//
// The tutorial's Python server behaves differently on overflow (Python
// raises when it stores the result, and the client sees codes.Unknown).
package calculator
