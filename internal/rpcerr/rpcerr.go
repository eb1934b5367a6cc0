// Package rpcerr builds the status errors of this module's services with
// the machine-readable details of Google's API error model (AIP-193,
// google.rpc.Status), so that every service reports a refused request the
// same way:
//
//   - every error carries a google.rpc.ErrorInfo: a reason in
//     UPPER_SNAKE_CASE ("NAME_TOO_LONG", "INT32_OVERFLOW") that a program
//     can switch on, the domain [Domain], and metadata such as the limit
//     and the value that passed it;
//   - an InvalidArgument error also carries a google.rpc.BadRequest with
//     one field violation per request field at fault: its path
//     ("name", "controls.payload_size"), the same reason, and a
//     description.
//
// The status code and message stay what they would be without details, so
// a caller that reads only status.Code and the message sees no difference.
// The details travel in the grpc-status-details-bin trailer, which every
// gRPC implementation passes through; clients read them with
// status.FromError(err) and (*status.Status).Details.
package rpcerr

import (
	"fmt"
	"slices"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"
)

// Domain is the google.rpc.ErrorInfo domain of every error built here: the
// name of this module's group of services, in which each reason is unique.
const Domain = "grpcexamples"

// Error describes one error of a service. Build the status with [Error.Err].
type Error struct {
	// Code is the gRPC status code.
	Code codes.Code
	// Message is the status message, for people.
	Message string
	// Reason is the ErrorInfo reason, UPPER_SNAKE_CASE and at most 63
	// bytes; on an InvalidArgument error it is also every field
	// violation's reason.
	Reason string
	// Metadata is the ErrorInfo metadata: lowerCamelCase keys with the
	// unit in the key ("limitBytes"), decimal values. Values a caller sent
	// must be clipped before they are put here: they travel in a trailer.
	Metadata map[string]string
	// Fields are the paths of the request fields at fault, one BadRequest
	// field violation each. An InvalidArgument error has at least one;
	// other codes carry no BadRequest.
	Fields []string
	// Description is each field violation's description; empty means
	// Message.
	Description string
}

// Err returns e as a status error with its details attached. A code of
// codes.OK gives nil, as status.Error does.
func (e Error) Err() error {
	if e.Code == codes.OK {
		return nil
	}
	st := status.New(e.Code, e.Message)
	details := []protoadapt.MessageV1{&errdetails.ErrorInfo{
		Reason:   e.Reason,
		Domain:   Domain,
		Metadata: e.Metadata,
	}}
	if len(e.Fields) > 0 {
		desc := e.Description
		if desc == "" {
			desc = e.Message
		}
		bad := &errdetails.BadRequest{}
		for _, f := range e.Fields {
			bad.FieldViolations = append(bad.FieldViolations, &errdetails.BadRequest_FieldViolation{
				Field:       f,
				Reason:      e.Reason,
				Description: desc,
			})
		}
		details = append(details, bad)
	}
	withDetails, err := st.WithDetails(details...)
	if err != nil {
		// Only a message that cannot be marshalled fails, and these can
		// all be; the bare status still has the code and message.
		return st.Err()
	}
	return withDetails.Err()
}

// InvalidArgument returns a codes.InvalidArgument status whose message is
// format and args as fmt.Sprintf makes it, with an ErrorInfo of reason and
// meta and a BadRequest field violation for field.
func InvalidArgument(field, reason string, meta map[string]string, format string, args ...any) error {
	return Error{
		Code:     codes.InvalidArgument,
		Message:  fmt.Sprintf(format, args...),
		Reason:   reason,
		Metadata: meta,
		Fields:   []string{field},
	}.Err()
}

// New returns a status of code c whose message is format and args as
// fmt.Sprintf makes it, with an ErrorInfo of reason and meta. It is for
// codes other than InvalidArgument (OutOfRange, ResourceExhausted,
// DeadlineExceeded at a server's ceiling), which name no field.
func New(c codes.Code, reason string, meta map[string]string, format string, args ...any) error {
	return Error{Code: c, Message: fmt.Sprintf(format, args...), Reason: reason, Metadata: meta}.Err()
}

// Meta returns ErrorInfo metadata from alternating keys and values, each
// value formatted with fmt.Sprint ("limitBytes", 256, "lengthBytes", 300).
// A key without a value maps to "".
func Meta(kv ...any) map[string]string {
	m := make(map[string]string, (len(kv)+1)/2)
	for i := 0; i < len(kv); i += 2 {
		v := ""
		if i+1 < len(kv) {
			v = fmt.Sprint(kv[i+1])
		}
		m[fmt.Sprint(kv[i])] = v
	}
	return m
}

// Summary is what a program can read from the details of a status error:
// tests compare it whole with the error they expect.
type Summary struct {
	Code     codes.Code
	Reason   string // of the ErrorInfo; "" when there is none
	Domain   string
	Metadata map[string]string
	// Fields are the BadRequest field paths, in order (nil when none).
	Fields []string
	// FieldReasons are the field violations' reasons, in order.
	FieldReasons []string
	// Descriptions are the field violations' descriptions, in order.
	Descriptions []string
}

// Summarize reads err's details. Details of other types are ignored.
func Summarize(err error) Summary {
	st := status.Convert(err)
	s := Summary{Code: st.Code()}
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			s.Reason, s.Domain, s.Metadata = d.GetReason(), d.GetDomain(), d.GetMetadata()
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				s.Fields = append(s.Fields, v.GetField())
				s.FieldReasons = append(s.FieldReasons, v.GetReason())
				s.Descriptions = append(s.Descriptions, v.GetDescription())
			}
		}
	}
	s.Fields = slices.Clip(s.Fields)
	return s
}
