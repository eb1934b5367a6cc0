// Package calculator is a gRPC calculator service doing checked int32
// arithmetic: Add, Subtract, Multiply and Divide (quotient and remainder).
//
// It follows the Python calculator tutorial (service calculator.Calculator
// with Add and Subtract on int32 operands, pb/tutorial/calculator.proto) and
// adds the two operations a user would expect next. Its own contract is
// grpcexamples.calculator.v1.Calculator in pb/calculator/v1/calculator.proto.
//
// # Mounting
//
// [Register] adds the service to your own server, next to your services; it
// creates no server, listener or goroutine:
//
//	s := grpc.NewServer()
//	calculator.Register(s, calculator.NewServer())
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
// The tutorial's Python server behaves differently on overflow (Python
// raises when it stores the result, and the client sees codes.Unknown).
package calculator
