// Package greeter is the grpc.io quick start's greeting service as a
// library: SayHello answers "Hello, NAME!" and SayHelloAgain answers
// "Hello again, NAME!".
//
// It follows the Python greeter tutorial (service greeter.Greeter with
// SayHello and SayHelloAgain, pb/tutorial/greeter.proto), itself the grpc.io
// quick start's helloworld.Greeter (pb/tutorial/helloworld.proto) with a
// second method. Its own contract is grpcexamples.greeter.v1.Greeter in
// pb/proto/grpcexamples/greeter/v1/greeter.proto. Unlike the tutorial it
// checks the name (see Names).
//
// # Mounting
//
// [Register] adds the service to your own server, next to your services; it
// creates no server, listener or goroutine:
//
//	s := grpc.NewServer()
//	greeter.Register(s, greeter.NewServer())
//
// [NewServer] takes one setting, [WithMaxNameBytes], the longest name it
// greets.
//
// With [WithTutorialNames] the same server also answers the tutorials'
// method paths, /greeter.Greeter/... and /helloworld.Greeter/..., so their
// clients (the Python tutorial's, grpc-go's examples/helloworld) work
// unchanged.
//
// # Calling
//
// [Client] takes and returns Go values:
//
//	msg, err := greeter.NewClient(conn).SayHello(ctx, "Happy Chappy")
//	// msg == "Hello, Happy Chappy!"
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
//		greeter.Register(s, greeter.NewServer())
//	})
//	msg, err := greeter.NewClient(srv.Conn).SayHello(t.Context(), "Ada")
//
// # Names
//
// The name is greeted exactly as given (no trimming, no case change, no
// normalization) when it is one short line of visible text. Otherwise both
// methods fail with codes.InvalidArgument and a message saying what is
// wrong and, for a character, naming its code point (U+XXXX), its Unicode
// category in words and its byte offset:
//
//   - the name is empty;
//   - it is longer than the Server's limit: [MaxNameBytes] (256) bytes by
//     default, set per Server with [WithMaxNameBytes] up to
//     [MaxNameBytesCeiling] (4096). A longer name is refused on its length
//     alone, without being read;
//   - it is not valid UTF-8 (see "Invalid UTF-8" below for what a gRPC
//     caller sees instead); UTF-16 surrogates (category Cs) cannot be
//     encoded in UTF-8, so they are refused as invalid UTF-8;
//   - it contains a control character (category Cc: C0 controls such as
//     newline or tab, DEL, C1 controls) or a line or paragraph separator
//     (U+2028, Zl; U+2029, Zp), which would break the one-line greeting and
//     could forge lines in logs that print it;
//   - it contains a format character (category Cf): invisible characters
//     such as U+200B ZERO WIDTH SPACE, U+00AD SOFT HYPHEN, U+FEFF (the byte
//     order mark), the bidirectional controls U+200E, U+200F and U+202A to
//     U+202E (U+202E RIGHT-TO-LEFT OVERRIDE makes text read backwards) and
//     U+2066 to U+2069, and the tag characters U+E0001 and U+E0020 to
//     U+E007F, which can carry hidden text. Emoji tag sequences (the flags
//     of England, Scotland and Wales) are therefore refused too. Zero-width
//     joiners are the exception (see below);
//   - it contains a private-use code point (category Co: U+E000 to U+F8FF
//     and planes 15 and 16), whose glyph depends on the font;
//   - it contains a code point unassigned (category Cn) in the Unicode
//     version of the Go release that built the server (unicode.Version:
//     15.0.0 in Go 1.25 and 1.26), noncharacters such as U+FFFF included.
//     Characters added by a later Unicode are refused until the server is
//     built with a Go release that knows them;
//   - it has no visible character: only white space (Unicode White_Space),
//     combining marks, and the blank characters U+115F, U+1160, U+3164 and
//     U+FFA0 (Hangul fillers) and U+2800 (BRAILLE PATTERN BLANK), which are
//     letters or symbols but show nothing. These are accepted next to a
//     visible character.
//
// U+200D ZERO WIDTH JOINER and U+200C ZERO WIDTH NON-JOINER are format
// characters that real names need: Devanagari, Sinhala and Malayalam use
// them after a virama to choose a conjunct or half form (RFC 5892,
// Appendix A.1 and A.2, admits them there in domain names), Persian and
// Arabic between letters, and emoji ZWJ sequences (Unicode UTS #51) between
// pictographs, such as U+1F469 U+200D U+1F4BB (WOMAN TECHNOLOGIST). So a
// joiner is accepted between two letters, marks or symbols, and after a
// combining mark at the end of a word (Malayalam chillus written as
// consonant, virama, joiner). Anywhere else (at the start, at the end after
// a letter, beside a space or another joiner) it is refused: there it
// changes nothing visible and only makes two names that look the same
// differ.
//
// Status messages quote at most the first 64 bytes of the name, escaping
// every character that shows nothing, so they stay short and readable
// whatever the limit.
//
// # Error details
//
// Each refusal also carries details a program can act on without parsing
// the message (AIP-193's google.rpc error model, in the
// grpc-status-details-bin trailer, which clients in every language read):
// a google.rpc.BadRequest whose one field violation names the field
// "name", and a google.rpc.ErrorInfo with domain "grpcexamples", the same
// reason and metadata:
//
//	reason                  when                                   ErrorInfo metadata
//	NAME_EMPTY              the name is empty                      limitBytes
//	NAME_TOO_LONG           longer than the Server's limit         lengthBytes, limitBytes
//	NAME_INVALID_UTF8       not UTF-8 (direct calls only)          offsetBytes (of the first bad byte)
//	NAME_REFUSED_CHARACTER  a character names may not contain      codePoint ("U+200B"), offsetBytes,
//	                                                               category ("Cc", "Cf", "Co", "Cn", "Zl", "Zp")
//	NAME_NOT_VISIBLE        nothing visible (only white space,     -
//	                        marks or blanks)
//
// The [Client] returns the status unchanged; read the details with
// status.FromError and (*status.Status).Details:
//
//	_, err := greeter.NewClient(conn).SayHello(ctx, strings.Repeat("x", 300))
//	st, _ := status.FromError(err)
//	for _, d := range st.Details() {
//		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetReason() == "NAME_TOO_LONG" {
//			limit, _ := strconv.Atoi(info.GetMetadata()["limitBytes"]) // 256
//			// shorten the name to limit bytes and call again
//		}
//	}
//
// errdetails is google.golang.org/genproto/googleapis/rpc/errdetails.
//
// # Invalid UTF-8
//
// A proto3 string field must hold UTF-8, and grpc-go enforces it at both
// ends: grpc-go's client refuses to marshal such a name, failing the call
// with codes.Internal before anything is sent, and when a client that does
// not check sends one (a hand-built message, a library that does not
// validate), grpc-go's server fails the call with codes.Internal ("grpc:
// failed to unmarshal the received message: ... invalid UTF-8") before the
// service's handler runs. A service cannot change that code, since the
// codec belongs to the whole *grpc.Server. Direct calls of the [Server]
// methods, without gRPC, get codes.InvalidArgument.
//
// # Size
//
// A request larger than the host server's grpc.MaxRecvMsgSize (4 MiB by
// default) fails with codes.ResourceExhausted in grpc-go before the
// service sees it. A request under that size is read and checked for UTF-8
// by grpc-go's codec; the service then refuses a name over its limit
// without reading it. A reply is at most the limit plus 14 bytes of
// greeting.
//
// The tutorials' servers accept any name, the empty one included.
package greeter
