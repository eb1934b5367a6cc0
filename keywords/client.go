package keywords

import (
	"context"
	"fmt"
	"slices"
	"unicode/utf8"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	keywordsv1 "github.com/seed717b8fd8/grpcexamples/pb/keywords/v1"
)

// Request is one text to extract keyphrases from, as sent by
// [Client.GetKeywords] and [Stream.Send] (keywordsv1.GetKeywordsRequest).
type Request struct {
	// Text is UTF-8, at most MaxTextBytes bytes.
	Text string
	// MaxResults is the most keyphrases to return, 0 to MaxResultsLimit;
	// 0 means the server's default (DefaultMaxResults unless the server was
	// built with other options).
	MaxResults int
	// Language is an ISO 639-1 code from Languages(); empty means the server
	// detects it.
	Language string
	// ID is the caller's label, copied to Result.ID (useful on a Stream).
	ID string
}

// Result is the server's answer to one [Request]
// (keywordsv1.GetKeywordsResponse).
type Result struct {
	// ID is Request.ID.
	ID string
	// Keyphrases are best first, with scores in (0, 1] comparable within one
	// Result only: the best scores 1 (or 0 from a tutorial server, see
	// WithTutorialServer).
	Keyphrases []Keyphrase
	// Language is the ISO 639-1 code the server used: the requested one, or
	// the server's default, or the detected one; empty when the text was
	// blank or its language could not be told.
	Language string
}

// Client calls a KeywordService. Build one with [NewClient]; it is safe for
// concurrent use, as is the connection it wraps.
type Client struct {
	cc       grpc.ClientConnInterface
	v1       keywordsv1.KeywordServiceClient
	tutorial bool
	callOpts []grpc.CallOption // from WithCallOptions; read-only
}

// NewClient returns a Client that calls the v1 KeywordService over cc (a
// *grpc.ClientConn, or bufconntest.Server.Conn in tests), or the tutorial's
// service with [WithTutorialServer]. [WithCallOptions] sets call options
// for all its calls. Nil options are ignored.
func NewClient(cc grpc.ClientConnInterface, opts ...ClientOption) *Client {
	var o clientOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return &Client{
		cc:       cc,
		v1:       keywordsv1.NewKeywordServiceClient(cc),
		tutorial: o.tutorialServer,
		callOpts: slices.Clip(o.callOpts),
	}
}

// opts returns the client's call options followed by those of the call, so
// that the call's win where they conflict (grpc-go applies them in order).
func (c *Client) opts(call []grpc.CallOption) []grpc.CallOption {
	if len(c.callOpts) == 0 {
		return call
	}
	return slices.Concat(c.callOpts, call)
}

// GetKeywords returns the keyphrases of req.Text, best first, passing the
// client's [WithCallOptions] and then opts to the call (deadlines come from
// ctx).
//
// Server errors are returned unchanged, so status.Code(err) gives their
// code: InvalidArgument for a request the server refuses (see
// [Server.GetKeywords]), Unavailable when no server is reachable, and so on.
// Text that is not valid UTF-8 fails with InvalidArgument before anything is
// sent, because protobuf cannot encode it. With [WithTutorialServer], a
// MaxResults outside 0..MaxResultsLimit also fails with InvalidArgument
// before sending, as the v1 server would fail it.
func (c *Client) GetKeywords(ctx context.Context, req Request, opts ...grpc.CallOption) (Result, error) {
	if !utf8.ValidString(req.Text) {
		return Result{}, requestStatus(checkText(req.Text), 0, "")
	}
	if c.tutorial {
		return c.getTutorial(ctx, req, c.opts(opts))
	}
	resp, err := c.v1.GetKeywords(ctx, toProto(req), c.opts(opts)...)
	if err != nil {
		return Result{}, err
	}
	return fromProto(resp), nil
}

// getTutorial calls the tutorial's /KeywordService/GetKeywords. The v1
// request with only text set encodes to the same bytes as the tutorial's
// Request, and the tutorial's Response decodes into the v1 response's
// field 1.
func (c *Client) getTutorial(ctx context.Context, req Request, opts []grpc.CallOption) (Result, error) {
	if req.MaxResults < 0 || req.MaxResults > MaxResultsLimit {
		return Result{}, status.Error(codes.InvalidArgument,
			fmt.Sprintf("MaxResults is %d; use 1 to %d, or 0 for all the server returns", req.MaxResults, MaxResultsLimit))
	}
	in := &keywordsv1.GetKeywordsRequest{Text: req.Text}
	out := new(keywordsv1.GetKeywordsResponse)
	if err := c.cc.Invoke(ctx, tutorialGetKeywords, in, out, opts...); err != nil {
		return Result{}, err
	}
	words := out.GetKeywords()
	if req.MaxResults > 0 && len(words) > req.MaxResults {
		words = words[:req.MaxResults]
	}
	res := Result{ID: req.ID, Keyphrases: make([]Keyphrase, len(words))}
	for i, w := range words {
		res.Keyphrases[i] = Keyphrase{Text: w}
	}
	return res, nil
}

func toProto(req Request) *keywordsv1.GetKeywordsRequest {
	return &keywordsv1.GetKeywordsRequest{
		Text:       req.Text,
		MaxResults: clampInt32(req.MaxResults),
		Language:   req.Language,
		Id:         req.ID,
	}
}

// clampInt32 keeps an out-of-range int out of range after conversion, so
// the server reports it instead of a wrapped value passing validation.
func clampInt32(n int) int32 {
	const maxInt32, minInt32 = 1<<31 - 1, -1 << 31
	switch {
	case n > maxInt32:
		return maxInt32
	case n < minInt32:
		return minInt32
	}
	return int32(n)
}

func fromProto(resp *keywordsv1.GetKeywordsResponse) Result {
	res := Result{ID: resp.GetId(), Language: resp.GetLanguage()}
	kps := resp.GetKeyphrases()
	res.Keyphrases = make([]Keyphrase, len(kps))
	for i, kp := range kps {
		res.Keyphrases[i] = Keyphrase{Text: kp.GetText(), Score: kp.GetScore()}
	}
	return res
}
