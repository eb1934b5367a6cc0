// Package rankmodel is the form of the keyword engine's ranking model,
// shared by the engine (package keywords), the generator that fits its
// weights (internal/genrank) and kpeval's explanations: the features of a
// candidate phrase, and the log-linear score they make with the fitted
// weights.
//
// A candidate's score is exp(Σ wᵢ·fᵢ): each feature fᵢ multiplies the
// score by exp(wᵢ·fᵢ), so a feature's contribution wᵢ·fᵢ says how much it
// raised or lowered the phrase, and a feature that is a product of two
// signals (one-word phrase × the text's share of names) lets the weight
// of one kind of phrase depend on the text. The form is that of a
// conditional log-linear (maximum-entropy) ranking model, as in the
// supervised keyphrase rankers of Jiang, Hu & Li (2009) and Kea (Witten et
// al. 1999), over the signals of the unsupervised methods the engine
// started from (TfIdf, PositionRank, YAKE, KP-Miner).
package rankmodel

import "math"

// The features of a candidate phrase c in a text of N words. "ln" is the
// natural logarithm; L = ln(1 + N/100) grows with the text's length. The
// text-wide shares are scaled to about the range of the other features.
const (
	// Freq is ln(occurrences of c): standalone, inside longer candidates,
	// and, for a name of several words, the later one-word mentions of it
	// ("Andrew" after "Hurricane Andrew").
	Freq = iota
	// FreqLong is Freq × L: repetition says more in a long text.
	FreqLong
	// Standalone is ln(1 + occurrences of c as a whole noun-phrase run).
	Standalone
	// Nested is 1 when c never stands alone, only inside longer
	// candidates.
	Nested
	// LongRun is 1 when c stands only as a part of runs longer than a
	// keyphrase.
	LongRun
	// IDF is ln(Σ idf(wᵢ)²) over c's words (English document
	// frequencies; 1 a word in other languages, so ln of its length).
	IDF
	// Position is ln(1 + mean over occurrences of 1/(word index + 1) ×
	// N/10), after PositionRank.
	Position
	// PositionUntitled is Position in English text that does not open
	// with a title line (a paragraph from the middle of an article).
	PositionUntitled
	// First is ln(1 + word index of the first occurrence): the lead of a
	// news story or an abstract names its topics first.
	First
	// Spread is (last − first occurrence)/N, after YAKE.
	Spread
	// Title is 1 when c occurs in the text's title or headline line.
	Title
	// TitleAll is 1 when c is the whole title line: the subject of a
	// document titled by it alone, as a manual page, a README or a
	// changelog names its command or package.
	TitleAll
	// OneWord is 1 for a phrase of one word.
	OneWord
	// LongPhrase is 1 for a phrase of three or more words.
	LongPhrase
	// OneWordMulti is OneWord × 10 × (the share of the text's distinct
	// candidates that have several words − 0.5), KP-Miner's statistic.
	OneWordMulti
	// OneWordNames is OneWord × 10 × the share of the text's words that
	// are proper names (news is dense in them).
	OneWordNames
	// OneWordLong is OneWord × L.
	OneWordLong
	// OneWordOther is OneWord in a language other than English, which
	// has no word classes or document frequencies here.
	OneWordOther
	// OneWordTitled is OneWord in a text that opens with a title or
	// headline line.
	OneWordTitled
	// OneWordNamesTitled is OneWordNames in a text that opens with a
	// title or headline line: a news story with a headline.
	OneWordNamesTitled
	// Name is 1 when c holds a proper name word.
	Name
	// NameNames is Name × 10 × the text's share of proper-name words.
	NameNames
	// FullName is 1 for a name of two or more words ("Hurricane Andrew").
	FullName
	// FullNameNames is FullName × 10 × the text's share of proper-name
	// words.
	FullNameNames
	// Acronym is 1 when c holds a word in capitals ("PLO", "APT").
	Acronym
	// Joined is 1 when c holds a connector ("of", "de").
	Joined
	// Bias is 1 for every candidate. It moves no candidate against
	// another within a text, and the fit keeps its weight at 0.
	Bias
	// N is the number of features.
	N
)

// Names are the features' short names, in order, for explanations and the
// generated weights.
var Names = [N]string{
	"freq", "freq_long", "standalone", "nested", "long_run", "idf", "position",
	"position_untitled", "first", "spread", "title", "title_all", "one_word", "long_phrase",
	"one_word_multi", "one_word_names", "one_word_long", "one_word_other", "one_word_titled",
	"one_word_names_titled", "name", "name_names",
	"full_name", "full_name_names", "acronym", "joined", "bias",
}

// Vector holds the features of one candidate.
type Vector [N]float64

// Weights are a model's weights, one per feature.
type Weights [N]float64

// Log returns Σ wᵢ·fᵢ, the candidate's log score.
func (w *Weights) Log(v *Vector) float64 {
	var s float64
	for i := range v {
		s += w[i] * v[i]
	}
	return s
}

// Score returns exp(w.Log(v)), kept finite and above zero.
func (w *Weights) Score(v *Vector) float64 {
	return math.Exp(max(-700, min(700, w.Log(v))))
}

// Candidate is one candidate phrase of a text as the engine ranked it, for
// the generator and for explanations.
type Candidate struct {
	// Text is the phrase as Extract would return it.
	Text string
	// Key holds the indices of the phrase's stems plus one, zeros after
	// the last: equal keys are the same phrase.
	Key [5]uint16
	// Words is the number of words; First is the word index of the first
	// occurrence, which breaks ties between equal scores.
	Words, First int
	// Standalone counts the occurrences as a whole noun-phrase run;
	// Folded is true for a one-word name whose mentions count toward a
	// longer name; Run is the long run c stands for, 0 if none.
	Standalone int
	Folded     bool
	Run        int32
	// Features are the phrase's features, Terms their contributions to
	// its log score (weight × feature), Score its score with the engine's
	// weights.
	Features Vector
	Terms    Vector
	Score    float64
	// Kept is true for the phrases Extract returns, in its order.
	Kept bool
}

// Candidates returns every candidate of text that the engine scores
// (with all true) or only those it returns (all false), best first,
// using maxResults as Extract's WithMaxResults. Package keywords sets it;
// it is a hook rather than an API, so that the generator and kpeval can see
// the engine's working without it being part of the library.
var Candidates func(text string, maxResults int, all bool) []Candidate

// Kept is a candidate the selection kept: its stems, and the long run
// it stands for (0 if none).
type Kept struct {
	Key []uint16
	Run int32
}

// Drop reports whether the selection leaves out a candidate of the
// stems key, standing alone standalone times, after the kept candidates
// (better ranked, in order):
//   - a phrase inside a kept one ("services" after "grpc services"),
//     unless the text also uses it alone at least twice, when it names a
//     topic of its own ("sign problem" beside "sign problem in the
//     thermodynamic limit"), and unless folded, when its mentions count
//     toward the longer name ("Andrew" after "Hurricane Andrew");
//   - a window of a long run moved by one word from a kept one;
//   - a part of a long run (run > 0) of which a part is kept already:
//     the run stands for its best part, not for overlapping windows.
func Drop(key []uint16, standalone int, folded bool, run int32, kept []Kept) bool {
	for _, k := range kept {
		if (standalone < 2 || folded) && Contained(key, k.Key) || Shifted(key, k.Key) ||
			run > 0 && standalone == 0 && k.Run == run {
			return true
		}
	}
	return false
}

// Contained reports whether short is a run of the words of long, which is
// longer: "services" in "grpc services".
func Contained(short, long []uint16) bool {
	for off := 0; off+len(short) <= len(long) && len(long) > len(short); off++ {
		if equal(long[off:off+len(short)], short) {
			return true
		}
	}
	return false
}

// Shifted reports whether a and b, of the same three or more words,
// are one window of a run moved by one word: they share all but one word
// at one end.
func Shifted(a, b []uint16) bool {
	n := len(a)
	if n < 3 || len(b) != n {
		return false
	}
	return equal(a[:n-1], b[1:]) || equal(b[:n-1], a[1:])
}

func equal(a, b []uint16) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
