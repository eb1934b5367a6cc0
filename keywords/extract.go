package keywords

// PLACEHOLDER owned by the engine work: signatures are the contract, the
// body is replaced by the real extractor.

// Keyphrase is one ranked phrase.
type Keyphrase struct {
	Text  string
	Score float64
}

// MaxTextBytes is the largest text accepted, in bytes.
const MaxTextBytes = 1 << 20

// DefaultMaxResults is the number of keyphrases returned when not set.
const DefaultMaxResults = 10

// MaxResultsLimit is the largest max-results value accepted.
const MaxResultsLimit = 100

// Option configures Extract (and NewServer's defaults).
type Option func(*options)

type options struct {
	maxResults int
	language   string
}

// WithMaxResults sets the number of keyphrases returned.
func WithMaxResults(n int) Option { return func(o *options) { o.maxResults = n } }

// WithLanguage sets the ISO 639-1 code of the text's language.
func WithLanguage(code string) Option { return func(o *options) { o.language = code } }

// Languages returns the supported ISO 639-1 codes.
func Languages() []string { return []string{"en"} }

// DetectLanguage returns the ISO 639-1 code of text's language, or "" if unknown.
func DetectLanguage(text string) string { return "en" }

// Extract returns text's keyphrases, best first.
func Extract(text string, opts ...Option) []Keyphrase { return nil }
