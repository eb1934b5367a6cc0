package keywords

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

// ClientOption configures [NewClient]. Create one with [WithTutorialServer].
type ClientOption func(*clientOptions)

type clientOptions struct {
	tutorialServer bool
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
