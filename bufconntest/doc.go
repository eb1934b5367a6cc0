// Package bufconntest starts gRPC servers in memory for tests and examples,
// in the manner of net/http/httptest: start a server, use its connection,
// Close it.
//
// The server listens on a [bufconn.Listener] rather than a TCP port, so
// tests need no free port, no network and no cleanup of processes. The
// returned [Server.Conn] is a real *grpc.ClientConn: every interceptor,
// codec, deadline, metadata and status code behaves as it does over TCP.
//
// A test of a service from this module takes three lines:
//
//	func TestAdd(t *testing.T) {
//		srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
//			calculator.Register(s, calculator.NewServer())
//		})
//		got, err := calculator.NewClient(srv.Conn).Add(t.Context(), 2, 3)
//		// check got == 5 and err == nil
//	}
//
// [WithReflection] adds gRPC server reflection, for tests that list or
// describe services as grpcurl does.
//
// Start stops the server when the test ends. Outside tests (the tour in
// examples/tour uses this package too) call [NewServer] and defer
// [Server.Close].
package bufconntest
