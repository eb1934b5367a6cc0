package keywords

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/internal/rpcerr"
	keywordsv1 "github.com/seed717b8fd8/grpcexamples/pb/keywords/v1"
)

// Server implements keywordsv1.KeywordServiceServer
// (pb/proto/grpcexamples/keywords/v1/keywords.proto) over [ExtractContext]. Build one with
// [NewServer] and mount it with [Register]. It is safe for concurrent use.
//
// A caller can make it cost its host no more than a documented ceiling:
// texts are at most [MaxTextBytes], responses at most [MaxResultsLimit]
// phrases, extraction stops soon after the call's context ends, and at most
// [WithMaxConcurrentExtractions] extractions run at once.
type Server struct {
	keywordsv1.UnimplementedKeywordServiceServer

	opts          []Option // applied before each request's own settings; read-only
	maxConcurrent int      // set by options, read by NewServer only

	// limit is made by NewServer; limitOnce makes one for a Server built
	// without it (new(Server)), which would otherwise panic on its first call.
	limitOnce sync.Once
	limit     *limiter
}

// NewServer returns a Server configured by opts. Extraction options give
// the defaults of requests that leave a field unset: WithMaxResults(5)
// answers requests with max_results 0 with at most 5 keyphrases;
// WithLanguage("de") treats texts of requests without a language as German
// instead of detecting their language (a code not in [Languages] is
// ignored, as Extract ignores it). A request's own max_results and language
// take precedence. [WithMaxConcurrentExtractions] bounds the extractions
// running at once (default [DefaultMaxConcurrentExtractions]). Nil options
// are ignored.
func NewServer(opts ...ServerOption) *Server {
	s := &Server{maxConcurrent: DefaultMaxConcurrentExtractions()}
	for _, o := range opts {
		if o != nil {
			o.applyServer(s)
		}
	}
	s.opts = slices.Clip(s.opts)
	s.limit = newLimiter(s.maxConcurrent)
	return s
}

func (s *Server) limiter() *limiter {
	s.limitOnce.Do(func() {
		if s.limit == nil {
			s.limit = newLimiter(DefaultMaxConcurrentExtractions())
		}
	})
	return s.limit
}

// GetKeywords returns the keyphrases of req.text, best first, as [Extract]
// ranks them: keywords (field 1, the tutorial's field) holds the phrases, and
// keyphrases the same phrases with their scores. The proto promises scores
// in (0, 1], comparable within one response, so each is Extract's score
// divided by the best one's: the first keyphrase scores 1. language is the
// one whose stop list was used: the request's (in lower case; codes are
// case-insensitive), else the server's default from [NewServer], else the
// one [DetectLanguage] finds, else "en" for text mostly in the Latin script
// (as [Extract] does), else "" (no stop list, as for Chinese or Greek).
// id is copied from the request.
//
// Text that is empty or only white space has no keyphrases: the response is
// OK with empty lists (and the request's language, if any). This keeps a
// stream of texts going when one of them happens to be blank.
//
// Cost: the extraction runs under the call's context and stops soon after
// it ends. It takes one of the Server's [WithMaxConcurrentExtractions]
// slots, waiting for one while the context lives. A response holds at most
// [MaxResultsLimit] phrases of at most [MaxKeyphraseBytes] bytes each, twice
// (keywords and keyphrases), and an id of at most [MaxIDBytes]: it is at
// most [MaxResponseBytes] encoded.
//
// Status codes:
//   - InvalidArgument: text longer than [MaxTextBytes], max_results below 0
//     or above [MaxResultsLimit], a language not in [Languages], or an id
//     longer than [MaxIDBytes]. The
//     message names the value and the limit. Text that is not valid UTF-8
//     also fails with InvalidArgument, naming the offset of the first bad
//     byte, when GetKeywords is called directly in Go; over the wire,
//     grpc-go's proto codec refuses such a request before GetKeywords runs,
//     with Internal ("string field contains invalid UTF-8"). The status
//     carries a google.rpc.BadRequest naming the field and a
//     google.rpc.ErrorInfo with the reason and limit; the package
//     documentation lists them.
//   - Canceled, DeadlineExceeded: the call's context ended before or during
//     the extraction, or while the call waited for a slot.
//
// Over the wire the host's limits apply first: a request larger than its
// grpc.MaxRecvMsgSize (4 MiB by default) fails with ResourceExhausted.
func (s *Server) GetKeywords(ctx context.Context, req *keywordsv1.GetKeywordsRequest) (*keywordsv1.GetKeywordsResponse, error) {
	if err := checkRequest(req); err != nil {
		return nil, requestStatus(err, 0, "")
	}
	resp, err := s.answer(ctx, req)
	if err != nil {
		return nil, status.FromContextError(err).Err()
	}
	return resp, nil
}

// StreamKeywords answers each request as it arrives, in order, with one
// response per request, each as GetKeywords would answer it. It returns OK
// when the client closes its side of the stream. Each request takes one of
// the Server's [WithMaxConcurrentExtractions] slots for its extraction only,
// not while the stream waits for the next request or for the client to read.
//
// Status codes:
//   - InvalidArgument: a request failed GetKeywords' validation. The stream
//     ends there; the message names the request by its position in the
//     stream (counting from 1) and its id. Responses to earlier requests have
//     already been sent. The details are GetKeywords', with the position in
//     the ErrorInfo metadata as requestNumber.
//   - Internal: a request whose text is not valid UTF-8 (grpc-go's proto
//     codec refuses it before StreamKeywords sees it). The stream ends there.
//   - Canceled, DeadlineExceeded: the client's context ended; the extraction
//     in progress, if any, stops soon after.
func (s *Server) StreamKeywords(stream keywordsv1.KeywordService_StreamKeywordsServer) error {
	ctx := stream.Context()
	for n := 1; ; n++ {
		req, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err // already a status (Canceled, DeadlineExceeded, ...)
		}
		if err := checkRequest(req); err != nil {
			return requestStatus(err, n, quoteClipped(req.GetId()))
		}
		resp, err := s.answer(ctx, req)
		if err != nil {
			return status.FromContextError(err).Err()
		}
		if err := stream.Send(resp); err != nil {
			return err
		}
	}
}

// answer answers a request that passed checkRequest. Its only errors are
// ctx's: context.Canceled or context.DeadlineExceeded.
func (s *Server) answer(ctx context.Context, req *keywordsv1.GetKeywordsRequest) (*keywordsv1.GetKeywordsResponse, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	resp := &keywordsv1.GetKeywordsResponse{Id: req.GetId(), Language: strings.ToLower(req.GetLanguage())}
	text := req.GetText()
	if strings.TrimSpace(text) == "" {
		return resp, nil
	}
	opts := slices.Clip(s.opts)
	if resp.Language != "" {
		opts = append(opts, WithLanguage(resp.Language))
	}
	// The engine caps its output too, but the wire contract should not
	// depend on it: a response never holds more than the caller asked for
	// or MaxResultsLimit phrases.
	most := MaxResultsLimit
	if n := int(req.GetMaxResults()); n > 0 {
		opts = append(opts, WithMaxResults(n))
		most = min(most, n)
	}
	lim := s.limiter()
	if err := lim.acquire(ctx); err != nil {
		return nil, err
	}
	phrases, lang, err := extract(ctx, text, opts)
	lim.release()
	if err != nil {
		return nil, err
	}
	phrases = phrases[:min(len(phrases), most)]
	resp.Language = lang
	resp.Keywords = make([]string, len(phrases))
	resp.Keyphrases = make([]*keywordsv1.Keyphrase, len(phrases))
	for i, p := range phrases {
		score := p.Score
		if top := phrases[0].Score; top > 0 {
			score /= top
		}
		resp.Keywords[i] = p.Text
		resp.Keyphrases[i] = &keywordsv1.Keyphrase{Text: p.Text, Score: score}
	}
	return resp, nil
}

// requestError says why a request cannot be answered: in words a caller
// can act on (Error), and as the details a program reads from the status
// (see requestStatus).
type requestError struct {
	field  string            // the request field at fault, as in the proto
	reason string            // google.rpc.ErrorInfo reason, UPPER_SNAKE_CASE
	meta   map[string]string // google.rpc.ErrorInfo metadata
	msg    string
}

func (e *requestError) Error() string { return e.msg }

// requestStatus returns err, a *requestError, as an InvalidArgument status
// with a google.rpc.BadRequest violation of its field and a
// google.rpc.ErrorInfo. On a stream, n is the request's position (from 1)
// and id its id, quoted and clipped; they prefix the message and n goes in
// the metadata as requestNumber. n is 0 for a unary call. Any other error becomes a bare
// InvalidArgument status with its text.
func requestStatus(err error, n int, id string) error {
	var re *requestError
	if !errors.As(err, &re) {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	e := rpcerr.Error{
		Code: codes.InvalidArgument, Message: re.msg, Reason: re.reason,
		Metadata: re.meta, Fields: []string{re.field},
	}
	if n > 0 {
		e.Message = fmt.Sprintf("request %d (id %s): %s", n, id, re.msg)
		e.Description = re.msg
		e.Metadata = maps.Clone(re.meta)
		if e.Metadata == nil {
			e.Metadata = map[string]string{}
		}
		e.Metadata["requestNumber"] = strconv.Itoa(n)
	}
	return e.Err()
}

// checkRequest returns why req cannot be answered, a *requestError, or nil.
func checkRequest(req *keywordsv1.GetKeywordsRequest) error {
	if err := checkText(req.GetText()); err != nil {
		return err
	}
	if n := req.GetMaxResults(); n < 0 || n > MaxResultsLimit {
		return &requestError{
			field: "max_results", reason: "MAX_RESULTS_OUT_OF_RANGE",
			meta: rpcerr.Meta("value", n, "min", 0, "max", MaxResultsLimit),
			msg:  fmt.Sprintf("max_results is %d; use 1 to %d, or 0 for the server's default", n, MaxResultsLimit),
		}
	}
	if err := checkLanguage(req.GetLanguage()); err != nil {
		return err
	}
	if n := len(req.GetId()); n > MaxIDBytes {
		return &requestError{
			field: "id", reason: "ID_TOO_LONG",
			meta: rpcerr.Meta("lengthBytes", n, "limitBytes", MaxIDBytes),
			msg:  fmt.Sprintf("id is %d bytes; the limit is %d bytes (keywords.MaxIDBytes): use a short key and keep the rest on the client", n, MaxIDBytes),
		}
	}
	return nil
}

// MaxIDBytes is the longest request id, in bytes, the service accepts: the
// id is copied into the response (and, clipped, into the status message of
// a refused stream request), so a longer one would let the caller choose
// the size of the response and the cost of copying it. A longer id fails
// with InvalidArgument (reason ID_TOO_LONG). 256 bytes hold any UUID, hash
// or database key.
const MaxIDBytes = 256

// MaxResponseBytes bounds the encoded size, in bytes, of one
// GetKeywordsResponse, from GetKeywords or StreamKeywords:
// [MaxResultsLimit] keyphrases, each sent twice (in keywords, and in
// keyphrases with its score) at [MaxKeyphraseBytes] bytes with their
// protobuf framing, an id of [MaxIDBytes] and the language code: about
// 64.5 KiB.
const MaxResponseBytes = MaxResultsLimit*keyphraseWireBytes + MaxIDBytes + 16

// keyphraseWireBytes is the most one keyphrase adds to a response: in
// keywords a tag, a two-byte length and the text; in keyphrases a tag and a
// two-byte length around a Keyphrase holding the same and a double.
const keyphraseWireBytes = (1 + 2 + MaxKeyphraseBytes) + (1 + 2 + (1 + 2 + MaxKeyphraseBytes) + (1 + 8))

// DefaultMaxConcurrentExtractions returns the number of extractions a
// [Server] runs at once unless [WithMaxConcurrentExtractions] says
// otherwise: runtime.GOMAXPROCS(0) - 1, at least 1. Extractions are
// CPU-bound; leaving one core free keeps the host's other methods
// answering while every slot is busy. [NewServer] reads it when it runs.
func DefaultMaxConcurrentExtractions() int {
	return max(runtime.GOMAXPROCS(0)-1, 1)
}

// checkText returns why text cannot be answered, a *requestError, or nil.
func checkText(text string) error {
	if len(text) > MaxTextBytes {
		return &requestError{
			field: "text", reason: "TEXT_TOO_LONG",
			meta: rpcerr.Meta("lengthBytes", len(text), "limitBytes", MaxTextBytes),
			msg:  fmt.Sprintf("text is %d bytes; the limit is %d bytes (keywords.MaxTextBytes): split it and send the parts separately", len(text), MaxTextBytes),
		}
	}
	if !utf8.ValidString(text) {
		at := invalidUTF8Offset(text)
		return &requestError{
			field: "text", reason: "TEXT_INVALID_UTF8",
			meta: rpcerr.Meta("offsetBytes", at),
			msg:  fmt.Sprintf("text is not valid UTF-8 (first invalid byte at offset %d)", at),
		}
	}
	return nil
}

// checkLanguage returns why lang cannot be used, a *requestError, or nil.
func checkLanguage(lang string) error {
	if lang == "" {
		return nil
	}
	supported := Languages()
	if !slices.Contains(supported, strings.ToLower(lang)) {
		return &requestError{
			field: "language", reason: "LANGUAGE_UNSUPPORTED",
			meta: rpcerr.Meta("supportedLanguages", strings.Join(supported, ",")),
			msg:  fmt.Sprintf("language %s is not supported; use one of %s (ISO 639-1 codes) or leave it empty to detect it", quoteClipped(lang), strings.Join(supported, ", ")),
		}
	}
	return nil
}

// maxQuotedBytes bounds how much of a caller's value an error message
// quotes: enough to recognise it, while the status message (sent back in the
// trailer, and logged by the host) stays small whatever was sent.
const maxQuotedBytes = 64

// quoteClipped quotes s as %q does, cut to maxQuotedBytes on a rune boundary
// with its full length noted when longer.
func quoteClipped(s string) string {
	if len(s) <= maxQuotedBytes {
		return strconv.Quote(s)
	}
	cut := maxQuotedBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q... (%d bytes)", s[:cut], len(s))
}

func invalidUTF8Offset(s string) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}
