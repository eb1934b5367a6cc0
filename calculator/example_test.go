package calculator_test

import (
	"context"
	"fmt"
	"log"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/calculator"
)

// Mount the calculator on a server (here one in memory) and call it.
func Example() {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		calculator.Register(s, calculator.NewServer())
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	ctx := context.Background()
	calc := calculator.NewClient(srv.Conn)
	sum, err := calc.Add(ctx, 5, 3)
	if err != nil {
		log.Fatal(err)
	}
	product, err := calc.Multiply(ctx, 6, 7)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sum, product)
	// Output: 8 42
}

// Divide truncates toward zero, as Go does; the remainder keeps the
// dividend's sign.
func ExampleClient_Divide() {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		calculator.Register(s, calculator.NewServer())
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	q, r, err := calculator.NewClient(srv.Conn).Divide(context.Background(), -7, 2)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(q, r)
	// Output: -3 -1
}

// Results that do not fit in an int32 are errors with code OutOfRange,
// never wrapped values.
func ExampleClient_Add_overflow() {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		calculator.Register(s, calculator.NewServer())
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	_, err = calculator.NewClient(srv.Conn).Add(context.Background(), 2147483647, 1)
	st := status.Convert(err)
	fmt.Println(st.Code())
	fmt.Println(st.Message())
	// Output:
	// OutOfRange
	// add 2147483647 + 1 overflows int32 (range -2147483648..2147483647): the exact result is 2147483648
}

// An error carries details a program can act on without parsing the
// message: a google.rpc.ErrorInfo with a reason and metadata, and for
// InvalidArgument a google.rpc.BadRequest naming the field at fault.
func ExampleClient_Divide_errorDetails() {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		calculator.Register(s, calculator.NewServer())
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	calc := calculator.NewClient(srv.Conn)
	for _, b := range []int32{0, -1} {
		_, _, err := calc.Divide(context.Background(), -2147483648, b)
		st, _ := status.FromError(err)
		fmt.Println(st.Code())
		for _, d := range st.Details() {
			switch d := d.(type) {
			case *errdetails.ErrorInfo:
				fmt.Printf("  %s %s\n", d.GetDomain(), d.GetReason())
				if exact, ok := d.GetMetadata()["exactResult"]; ok {
					fmt.Println("  exact result:", exact)
				}
			case *errdetails.BadRequest:
				for _, v := range d.GetFieldViolations() {
					fmt.Println("  field", v.GetField()+":", v.GetDescription())
				}
			}
		}
	}
	// Output:
	// InvalidArgument
	//   grpcexamples DIVISION_BY_ZERO
	//   field b: divide -2147483648 / 0: division by zero (divisor b must not be 0)
	// OutOfRange
	//   grpcexamples INT32_OVERFLOW
	//   exact result: 2147483648
}

// Serve the tutorial's names too, and call them as the tutorial's Python
// client would, here through our Client told to use the tutorial contract.
func ExampleWithTutorialNames() {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		calculator.Register(s, calculator.NewServer(), calculator.WithTutorialNames())
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	ctx := context.Background()
	tutorial := calculator.NewClient(srv.Conn, calculator.WithTutorialServer())
	sum, err := tutorial.Add(ctx, 5, 3)
	if err != nil {
		log.Fatal(err)
	}
	diff, err := tutorial.Subtract(ctx, 10, 4)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Add Result:", sum)
	fmt.Println("Subtract Result:", diff)
	// Output:
	// Add Result: 8
	// Subtract Result: 6
}
