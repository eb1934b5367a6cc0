package keywords

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	keywordsv1 "github.com/seed717b8fd8/grpcexamples/pb/keywords/v1"
)

// Server implements keywordsv1.KeywordServiceServer
// (pb/keywords/v1/keywords.proto) over [Extract]. Build one with
// [NewServer] and mount it with [Register]. It is safe for concurrent use.
type Server struct {
	keywordsv1.UnimplementedKeywordServiceServer

	opts []Option // applied before each request's own settings; read-only
}

// NewServer returns a Server whose extractions start from opts: the
// defaults for requests that leave a field unset. WithMaxResults(5) answers
// requests with max_results 0 with at most 5 keyphrases; WithLanguage("de")
// treats texts of requests without a language as German instead of
// detecting their language (a code not in [Languages] is ignored, as
// Extract ignores it). A request's own max_results and language take
// precedence.
func NewServer(opts ...Option) *Server {
	return &Server{opts: slices.Clone(opts)}
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
// Status codes:
//   - InvalidArgument: text longer than [MaxTextBytes], text that is not
//     valid UTF-8, max_results below 0 or above [MaxResultsLimit], or a
//     language not in [Languages]. The message names the value and the limit.
//   - Canceled, DeadlineExceeded: the call's context ended before the
//     extraction started.
func (s *Server) GetKeywords(ctx context.Context, req *keywordsv1.GetKeywordsRequest) (*keywordsv1.GetKeywordsResponse, error) {
	if err := checkRequest(req); err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	if err := ctx.Err(); err != nil {
		return nil, status.FromContextError(err).Err()
	}
	return s.extract(req), nil
}

// StreamKeywords answers each request as it arrives, in order, with one
// response per request, each as GetKeywords would answer it. It returns OK
// when the client closes its side of the stream.
//
// Status codes:
//   - InvalidArgument: a request failed GetKeywords' validation. The stream
//     ends there; the message names the request by its position in the
//     stream (counting from 1) and its id. Responses to earlier requests have
//     already been sent.
//   - Canceled, DeadlineExceeded: the client's context ended; the server
//     stops after the extraction in progress, if any.
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
			return status.Errorf(codes.InvalidArgument, "request %d (id %q): %v", n, req.GetId(), err)
		}
		if err := ctx.Err(); err != nil {
			return status.FromContextError(err).Err()
		}
		if err := stream.Send(s.extract(req)); err != nil {
			return err
		}
	}
}

// extract answers a request that passed checkRequest.
func (s *Server) extract(req *keywordsv1.GetKeywordsRequest) *keywordsv1.GetKeywordsResponse {
	resp := &keywordsv1.GetKeywordsResponse{Id: req.GetId(), Language: strings.ToLower(req.GetLanguage())}
	text := req.GetText()
	if strings.TrimSpace(text) == "" {
		return resp
	}
	opts := slices.Clip(s.opts)
	if resp.Language != "" {
		opts = append(opts, WithLanguage(resp.Language))
	}
	if limit := int(req.GetMaxResults()); limit > 0 {
		opts = append(opts, WithMaxResults(limit))
	}
	var phrases []Keyphrase
	phrases, resp.Language, _ = extract(context.Background(), text, opts)
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
	return resp
}

// checkRequest returns why req cannot be answered, in words a caller can act
// on, or nil.
func checkRequest(req *keywordsv1.GetKeywordsRequest) error {
	if err := checkText(req.GetText()); err != nil {
		return err
	}
	if n := req.GetMaxResults(); n < 0 || n > MaxResultsLimit {
		return fmt.Errorf("max_results is %d; use 1 to %d, or 0 for the server's default", n, MaxResultsLimit)
	}
	return checkLanguage(req.GetLanguage())
}

func checkText(text string) error {
	if len(text) > MaxTextBytes {
		return fmt.Errorf("text is %d bytes; the limit is %d bytes (keywords.MaxTextBytes): split it and send the parts separately", len(text), MaxTextBytes)
	}
	if !utf8.ValidString(text) {
		return fmt.Errorf("text is not valid UTF-8 (first invalid byte at offset %d)", invalidUTF8Offset(text))
	}
	return nil
}

func checkLanguage(lang string) error {
	if lang == "" {
		return nil
	}
	supported := Languages()
	if !slices.Contains(supported, strings.ToLower(lang)) {
		return fmt.Errorf("language %q is not supported; use one of %s (ISO 639-1 codes) or leave it empty to detect it", lang, strings.Join(supported, ", "))
	}
	return nil
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
