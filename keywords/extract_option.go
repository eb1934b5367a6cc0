package keywords

// Option configures Extract (and the Server built on it).
type Option func(*options)

type options struct {
	maxResults int
	language   string
	format     Format
}

// WithMaxResults sets how many keyphrases Extract returns at most. Values
// below 1 mean DefaultMaxResults; values above MaxResultsLimit are cut to
// MaxResultsLimit (the gRPC service rejects them with InvalidArgument
// instead).
func WithMaxResults(n int) Option { return func(o *options) { o.maxResults = n } }

// WithLanguage sets the language of the text as an ISO 639-1 code, one of
// Languages() (case-insensitive, e.g. "en", "de"). The empty string, the
// default, means detect it with DetectLanguage. Extract ignores a code it
// does not support and detects the language instead (the gRPC service
// rejects such a code with InvalidArgument).
func WithLanguage(code string) Option { return func(o *options) { o.language = code } }
