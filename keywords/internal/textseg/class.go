package textseg

import "strings"

// Word classes of the English lexicon, coarse groups of Penn Treebank tags.
const (
	Noun       byte = 'N' // NN, NNS, NNP, NNPS, FW
	Adjective  byte = 'J' // JJ, JJR, JJS
	Verb       byte = 'V' // VB, VBP, VBZ
	Gerund     byte = 'G' // VBG
	Participle byte = 'D' // VBD, VBN
	Adverb     byte = 'R' // RB, RBR, RBS, WRB
	Other      byte = 'O' // determiners, pronouns, prepositions, ...
	// NounOrVerb is a word used mostly as a verb but often (a fifth of
	// its uses or more) as a noun, such as "control" or "uses"; context
	// decides (see package keywords).
	NounOrVerb byte = 'M'
)

// GuessClass is the class of a lower-case English word that is not in the
// lexicon, from its suffix: most unknown words of technical text are nouns.
// The generated lexicon stores only words whose class differs from the
// guess, which keeps it small.
func GuessClass(lower string) byte {
	switch {
	case len(lower) > 4 && strings.HasSuffix(lower, "ly"):
		return Adverb
	case len(lower) > 4 && strings.HasSuffix(lower, "ing"):
		return Gerund
	case len(lower) > 4 && strings.HasSuffix(lower, "ed"):
		return Participle
	case len(lower) > 5 && (strings.HasSuffix(lower, "ous") || strings.HasSuffix(lower, "ive") ||
		strings.HasSuffix(lower, "able") || strings.HasSuffix(lower, "ible") ||
		strings.HasSuffix(lower, "ical") || strings.HasSuffix(lower, "ful")):
		return Adjective
	}
	return Noun
}

// ClassOfTag maps a Penn Treebank tag to a word class.
func ClassOfTag(tag string) byte {
	switch tag {
	case "NN", "NNS", "NNP", "NNPS", "FW":
		return Noun
	case "JJ", "JJR", "JJS":
		return Adjective
	case "VB", "VBP", "VBZ":
		return Verb
	case "VBG":
		return Gerund
	case "VBD", "VBN":
		return Participle
	case "RB", "RBR", "RBS", "WRB":
		return Adverb
	}
	return Other
}
