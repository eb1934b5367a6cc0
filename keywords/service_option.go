package keywords

import "google.golang.org/grpc"

// ServerOption configures [NewServer]. Every extraction [Option]
// ([WithMaxResults], [WithLanguage]) is one, and sets the default of
// requests that leave that field unset; [WithMaxConcurrentExtractions]
// bounds the work of the whole Server.
type ServerOption interface {
	applyServer(*Server)
}

// applyServer makes every extraction Option a ServerOption: NewServer
// applies it before each request's own settings.
func (o Option) applyServer(s *Server) { s.opts = append(s.opts, o) }

type serverOptionFunc func(*Server)

func (f serverOptionFunc) applyServer(s *Server) { f(s) }

// WithMaxConcurrentExtractions sets how many extractions one [Server] runs
// at once, over all its calls (GetKeywords calls and StreamKeywords
// requests together). The default, [DefaultMaxConcurrentExtractions], is
// one less than runtime.GOMAXPROCS(0) (at least 1) when [NewServer] runs:
// an extraction is CPU-bound, so more than one per core only adds memory
// and makes every call slower, and the core left free keeps the host's
// other methods answering. A host that serves only keyphrases can raise it
// to GOMAXPROCS. n < 1 keeps the default.
//
// One extraction costs at most about 130 ms of one core and 34 MB of
// allocations (a text of [MaxTextBytes] built to be expensive; see the
// package documentation), so the Server's extractions together use at
// most n cores and n times that memory. A call beyond the limit waits for a free slot while
// its context lives, holding only its request (at most the host's
// grpc.MaxRecvMsgSize, 4 MiB by default); if the context ends first it
// fails with Canceled or DeadlineExceeded. Bound the number of calls that
// can wait with the host's grpc.MaxConcurrentStreams. Blank texts and
// invalid requests take no slot.
func WithMaxConcurrentExtractions(n int) ServerOption {
	return serverOptionFunc(func(s *Server) {
		if n > 0 {
			s.maxConcurrent = n
		}
	})
}

// RegisterOption configures [Register]. Create one with [WithTutorialNames].
type RegisterOption func(*registerOptions)

type registerOptions struct {
	tutorialNames bool
}

// WithTutorialNames makes [Register] also serve the keyword tutorial's wire
// name, /KeywordService/GetKeywords (pb/tutorial/nltk_service.proto: no proto
// package, Request{string text = 1}, Response{repeated string keywords = 1}),
// so the tutorial's clients work unchanged. It behaves as the v1 GetKeywords
// with only text set: the server's default number of results, the detected
// language, and the v1 response (whose field 1 is the tutorial's keywords;
// the extra fields are unknown to a tutorial client and ignored).
//
// It is opt-in because an application may already serve a service named
// KeywordService, and a *grpc.Server treats a duplicate registration as
// fatal (it logs the error and exits the process).
func WithTutorialNames() RegisterOption {
	return func(o *registerOptions) { o.tutorialNames = true }
}

// ClientOption configures [NewClient]. Create one with [WithTutorialServer]
// or [WithCallOptions].
type ClientOption func(*clientOptions)

type clientOptions struct {
	tutorialServer bool
	callOpts       []grpc.CallOption
}

// WithTutorialServer makes the [Client] talk to a server of the keyword
// tutorial's contract (the tutorial's Python server, or one mounted with
// [WithTutorialNames]) instead of the v1 service:
//
//   - [Client.GetKeywords] calls /KeywordService/GetKeywords with only the
//     text. That contract returns bare phrases, so every [Keyphrase] has
//     Score 0 and [Result.Language] is empty. [Request.MaxResults] is applied
//     on the client by keeping the first MaxResults phrases (0 keeps them
//     all); [Request.Language] is not sent, since the contract has no field
//     for it, and is ignored. [Request.ID] is copied to [Result.ID].
//   - [Client.Stream] fails with codes.Unimplemented without calling the
//     server: the tutorial contract has no stream method.
func WithTutorialServer() ClientOption {
	return func(o *clientOptions) { o.tutorialServer = true }
}

// WithCallOptions adds call options to every call the [Client] makes, before
// the options given to the call itself (which win where they conflict).
// For example grpc.WaitForReady(true) or grpc.UseCompressor("gzip").
func WithCallOptions(opts ...grpc.CallOption) ClientOption {
	return func(o *clientOptions) { o.callOpts = append(o.callOpts, opts...) }
}
