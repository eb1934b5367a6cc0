// Command errors shows how a program reads the details our services attach
// to a failed call, and acts on them instead of parsing the message.
//
//	go run ./examples/errors
//
// Every error of calculator, greeter, keywords and streaming is a gRPC
// status whose details (the grpc-status-details-bin trailer) hold a
// google.rpc.ErrorInfo (a reason such as INT32_OVERFLOW, the domain
// "grpcexamples", metadata such as the limit) and, for InvalidArgument, a
// google.rpc.BadRequest naming the request field at fault (AIP-193). The
// typed clients return the status unchanged, so status.FromError and
// (*status.Status).Details read them, as they would from any gRPC server.
//
// The program serves the services in memory (bufconntest), makes three
// calls that fail, prints their details, and then does what each detail
// allows: it reads the exact sum of an overflow from the metadata, and
// shortens a name to the limit the error names and greets it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/greeter"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "errors:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer) error {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		calculator.Register(s, calculator.NewServer())
		greeter.Register(s, greeter.NewServer())
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	calc := calculator.NewClient(srv.Conn)
	greet := greeter.NewClient(srv.Conn)

	// OutOfRange: an ErrorInfo whose metadata holds the exact result.
	_, err = calc.Add(ctx, math.MaxInt32, 1)
	info, err := explain(w, fmt.Sprintf("Add(%d, 1)", math.MaxInt32), err)
	if err != nil {
		return err
	}
	if info.GetReason() == "INT32_OVERFLOW" {
		exact, err := strconv.ParseInt(info.GetMetadata()["exactResult"], 10, 64)
		if err != nil {
			return fmt.Errorf("INT32_OVERFLOW without a usable exactResult: %w", err)
		}
		fmt.Fprintf(w, "  acting on it: the exact sum is %d, which needs int64\n", exact)
	}

	// InvalidArgument: the ErrorInfo, and a BadRequest naming the field.
	_, _, err = calc.Divide(ctx, 7, 0)
	if _, err := explain(w, "Divide(7, 0)", err); err != nil {
		return err
	}

	// A name over the server's limit: the limit is in the metadata, so the
	// program can fix its request without knowing the server's settings.
	name := strings.Repeat("x", 300)
	_, err = greet.SayHello(ctx, name)
	info, err = explain(w, fmt.Sprintf("SayHello(%d bytes)", len(name)), err)
	if err != nil {
		return err
	}
	if info.GetReason() == "NAME_TOO_LONG" {
		limit, err := strconv.Atoi(info.GetMetadata()["limitBytes"])
		if err != nil || limit < 1 || limit > len(name) {
			return fmt.Errorf("NAME_TOO_LONG with limitBytes %q, want 1 to %d", info.GetMetadata()["limitBytes"], len(name))
		}
		msg, err := greet.SayHello(ctx, name[:limit])
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  acting on it: limitBytes is %d, and SayHello(%d bytes) answers %d bytes\n", limit, limit, len(msg))
	}
	return nil
}

// explain prints err's code and message and every detail it carries, and
// returns its ErrorInfo. It fails when err is nil, is not a gRPC status or
// has no ErrorInfo: each call here is meant to fail with details.
func explain(w io.Writer, call string, err error) (*errdetails.ErrorInfo, error) {
	if err == nil {
		return nil, fmt.Errorf("%s succeeded; it was meant to fail", call)
	}
	st, ok := status.FromError(err)
	if !ok {
		return nil, fmt.Errorf("%s: not a gRPC status: %w", call, err)
	}
	fmt.Fprintf(w, "%s -> %v: %s\n", call, st.Code(), st.Message())
	var info *errdetails.ErrorInfo
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			info = d
			fmt.Fprintf(w, "  ErrorInfo: reason %s, domain %s, metadata %s\n", d.GetReason(), d.GetDomain(), sortedPairs(d.GetMetadata()))
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				fmt.Fprintf(w, "  BadRequest: field %q, reason %s: %s\n", v.GetField(), v.GetReason(), v.GetDescription())
			}
		case error:
			// A detail whose type is not linked into this program (or
			// that does not parse) comes back as an error, not a message.
			fmt.Fprintf(w, "  detail not understood: %v\n", d)
		default:
			fmt.Fprintf(w, "  other detail: %T\n", d)
		}
	}
	if info == nil {
		return nil, errors.New(call + ": no ErrorInfo in the status details")
	}
	return info, nil
}

// sortedPairs formats metadata as key=value pairs in key order, so that the
// output is the same on every run (Go maps have no order).
func sortedPairs(m map[string]string) string {
	pairs := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		pairs = append(pairs, k+"="+m[k])
	}
	return strings.Join(pairs, " ")
}
