// Package textseg splits text into the word, number and break tokens the
// keyphrase engine works on, and stems words. The engine and the generator
// of its data tables (internal/gendf) share it, so that the generated
// tables are keyed exactly as the engine looks them up.
package textseg

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clipperhouse/uax29/v2/words"
)

// Kind is the kind of a Token.
type Kind uint8

// Token kinds.
const (
	// Word is a run of letters (and digits, with inner hyphens, en
	// dashes, periods or apostrophes), e.g. "multi-step", "mp3", "u.s".
	Word Kind = iota
	// Number is a token without letters, e.g. "42", "3.5".
	Number
	// Break is punctuation or a line break: no phrase runs across it.
	Break
)

// Token is one token of a text. It is kept small (32 bytes), as a text of
// the engine's largest size can hold half a million of them.
type Token struct {
	Lower      string // lower-cased text of a Word or Number
	Start, End int32  // byte offsets of the token in the text
	Kind       Kind
	Cap        bool // first rune is upper case
	AllCaps    bool // every letter is upper case (and there are at least two)
	SentEnd    bool // a Break that ends a sentence (. ! ? or a line break)
}

// wordJoiners keeps hyphenated compounds ("multi-step") as one word, as
// they are one unit of a noun phrase, and so are names and terms joined by
// an en dash without spaces ("Levenberg–Marquardt", "pump–probe").
var wordJoiners = &words.Joiners[string]{Middle: []rune{'-', '–'}}

// Tokens appends the tokens of text to buf and returns it. Spaces are
// dropped; a line break, and any punctuation, becomes a Break. An English
// possessive "'s" is cut from its word and becomes a Break. Cost is linear
// in len(text). Offsets are int32: text must be shorter than 2 GiB.
func Tokens(buf []Token, text string) []Token {
	buf, _ = TokensUntil(buf, text, 0, nil)
	return buf
}

// StopEvery is how many segments TokensUntil reads between two calls of
// its stop function: a few hundred microseconds of work.
const StopEvery = 4096

// TokensUntil is Tokens that appends at most limit tokens (0: no limit),
// and that calls stop, when not nil, after every StopEvery segments of the
// text and returns early, with the tokens found so far and true, once stop
// returns true.
//
// Segments are those of UAX #29 with wordJoiners. Most of a text is ASCII
// whose segments its bytes alone decide (a run of letters and digits that
// a space or plain punctuation ends, a run of spaces, one punctuation
// mark, a line break); those are cut here in one pass, and the rest (a
// word with an inner period, apostrophe, colon or joiner, a number with a
// decimal point, anything next to a non-ASCII rune) by the UAX #29
// segmenter from the same boundary, so the segments are the same as the
// segmenter's alone.
func TokensUntil(buf []Token, text string, limit int, stop func() bool) ([]Token, bool) {
	var it *words.Iterator[string]
	if limit > 0 {
		limit += len(buf)
	}
	for pos, n := 0, 1; pos < len(text); n++ {
		if n%StopEvery == 0 {
			if stop != nil && stop() {
				return buf, true
			}
		}
		if limit > 0 && len(buf) >= limit {
			return buf, false
		}
		start := pos
		if text[pos] == ' ' {
			// Spaces, which are no token, unless an Extend or Format
			// rune after them makes them the segmenter's.
			e := pos + 1
			for e < len(text) && text[e] == ' ' {
				e++
			}
			if e == len(text) || text[e] < utf8.RuneSelf {
				pos = e
				continue
			}
		}
		// A run of ASCII letters and digits, the most common segment,
		// classed as it is read.
		if k := asciiClass[text[pos]]; k&clAlnum != 0 {
			e, upper, lower := pos+1, int(k&clUpper), int(k&clLower)
			for e < len(text) {
				k := asciiClass[text[e]]
				if k&clAlnum == 0 {
					break
				}
				upper += int(k & clUpper)
				lower += int(k & clLower)
				e++
			}
			if e == len(text) || !mayJoin(text, e) {
				pos = e
				if start > 0 && text[start-1] == '&' && e < len(text) && text[e] == ';' {
					// An HTML character reference left in the text
					// ("&quot;") is punctuation.
					buf = appendBreak(buf, start, e, false)
					continue
				}
				buf = appendASCIIWord(buf, text[start:e], start, upper, lower>>1)
				continue
			}
		}
		end := asciiSegment(text, pos)
		if end == 0 {
			if it == nil {
				it = words.FromString("")
				it.Joiners(wordJoiners)
			}
			it.SetText(text[pos:])
			it.Next()
			end = pos + it.End()
		}
		pos = end
		buf = appendSegment(buf, text, start, end)
	}
	return buf, false
}

// appendSegment appends the token of the segment text[start:end], a UAX
// #29 segment: a Word or Number, a Break for punctuation and line breaks
// (merged with a Break before it), or nothing for other spaces.
func appendSegment(buf []Token, text string, start, end int) []Token {
	tok := text[start:end]
	c := tok[0]
	if c < utf8.RuneSelf {
		switch {
		case c == ' ' || c == '\t':
			return buf
		case c == '\n' || c == '\r':
			return appendBreak(buf, start, end, true)
		case isASCIIAlnum(c):
			if start > 0 && text[start-1] == '&' && end < len(text) && text[end] == ';' {
				// An HTML character reference left in the text
				// ("&quot;") is punctuation.
				return appendBreak(buf, start, end, false)
			}
			return appendWord(buf, tok, start)
		case c == '-' || c == '/' || c == '\'' || c == '"':
			return appendBreak(buf, start, end, false)
		}
		sentEnd := c == '.' || c == '!' || c == '?' || c == ';'
		if c == '.' && abbreviation(buf, start) {
			sentEnd = false
		}
		return appendBreak(buf, start, end, sentEnd)
	}
	r, _ := utf8.DecodeRuneInString(tok)
	switch {
	case runeKind(r)&(rkLetter|rkDigitMark) != 0:
		return appendWord(buf, tok, start)
	case unicode.IsSpace(r):
		if strings.ContainsAny(tok, "\n\r\u2028\u2029\u0085") {
			return appendBreak(buf, start, end, true)
		}
		return buf
	}
	sentEnd := r == '。' || r == '！' || r == '？' || r == '…'
	return appendBreak(buf, start, end, sentEnd)
}

// asciiSegment returns the end of the UAX #29 segment (with wordJoiners)
// that starts at text[pos], not a run of letters and digits, when its
// ASCII bytes alone decide it; or 0 when the rules need the UAX #29
// segmenter: at a non-ASCII rune, at a run of letters and digits that the
// byte after it may join to what follows (a MidLetter, MidNum or
// MidNumLet character, an ExtendNumLet '_', a joiner '-', or a non-ASCII
// rune, which may be an Extend or Format character that belongs to the
// segment), or before a non-ASCII rune.
func asciiSegment(text string, pos int) int {
	c := text[pos]
	e := pos + 1
	switch {
	case isASCIIAlnum(c):
		return 0 // a run that mayJoin lets continue
	case c == ' ':
		for e < len(text) && text[e] == ' ' {
			e++
		}
	case c == '\r':
		if e < len(text) && text[e] == '\n' {
			e++
		}
		return e // nothing attaches to a line break (WB3a)
	case c == '\n':
		return e
	case c >= utf8.RuneSelf || c == '_':
		return 0
	}
	if e < len(text) && text[e] >= utf8.RuneSelf {
		return 0
	}
	return e
}

// Bits of asciiClass.
const (
	clUpper = 1 << 0 // A-Z
	clLower = 1 << 1 // a-z
	clAlnum = 1 << 2 // A-Z, a-z, 0-9
	clDigit = 1 << 3 // 0-9
)

// asciiClass classes the bytes of ASCII letters and digits.
var asciiClass = func() (t [256]byte) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = clLower | clAlnum
		t[c-'a'+'A'] = clUpper | clAlnum
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = clAlnum | clDigit
	}
	return t
}()

// mayJoin reports whether the byte at text[e], after a run of ASCII
// letters and digits, may join the run to what follows under UAX #29 (with
// wordJoiners), so that the segmenter must decide: an ExtendNumLet '_'; a
// MidNum (',' ';') between digits; a MidNumLet, Single_Quote or joiner
// ('.', an apostrophe, '-') between letters or between digits; a MidLetter (':')
// between letters; or a non-ASCII rune on either side, which may be a
// letter, a digit, or an Extend or Format character that the rules skip.
func mayJoin(text string, e int) bool {
	c := text[e]
	if c >= utf8.RuneSelf || c == '_' {
		return true
	}
	if e+1 == len(text) {
		return false
	}
	last, next := asciiClass[text[e-1]], text[e+1]
	if next >= utf8.RuneSelf {
		return c == ',' || c == ';' || c == '.' || c == '\'' || c == '-' || c == ':'
	}
	nk := asciiClass[next]
	letters := last&(clUpper|clLower) != 0 && nk&(clUpper|clLower) != 0
	digits := last&clDigit != 0 && nk&clDigit != 0
	switch c {
	case ',', ';':
		return digits
	case '.', '\'', '-':
		return letters || digits
	case ':':
		return letters
	}
	return false
}

// EstimateTokens returns about how many tokens Tokens finds in text, to
// size its buffer: seldom fewer, and at most a few times more (for text in
// alphabets of two-byte letters). A run of ASCII letters and digits, of
// two-byte letters, or of spaces and punctuation counts once; every other
// rune (an ideograph, say, which is a word of its own) counts once. It
// reads each byte once, without decoding.
func EstimateTokens(text string) int {
	n := 0
	prev := byte(0)
	for i := 0; i < len(text); i++ {
		class := byteClass[text[i]]
		switch class {
		case classCont:
			continue // a continuation byte belongs to the rune before
		case classOther:
			n++ // ideographs, kana, symbols, emoji: a token each
			prev = classOther
			continue
		}
		if class != classSpace && class != prev {
			n++
		}
		prev = class
	}
	return n
}

// Byte classes of EstimateTokens.
const (
	classSpace byte = iota
	classPunct
	classWord
	classCont
	classOther
)

// byteClass classes each byte value for EstimateTokens: a space or tab; an
// ASCII letter or digit, or the lead byte of a letter of a script written
// with spaces (two-byte runes, and the three-byte leads of Indic, Hangul
// and other such scripts); other ASCII; a continuation byte; any other
// lead byte.
var byteClass = func() (t [256]byte) {
	for c := range 256 {
		b := byte(c)
		switch {
		case b == ' ' || b == '\t':
			t[c] = classSpace
		case b < utf8.RuneSelf && isASCIIAlnum(b), b >= 0xC2 && b <= 0xDF,
			b == 0xE0, b == 0xE1, b >= 0xEA && b <= 0xED:
			t[c] = classWord
		case b < utf8.RuneSelf:
			t[c] = classPunct
		case b < 0xC0:
			t[c] = classCont
		default:
			t[c] = classOther
		}
	}
	return t
}()

// abbreviation reports whether a period at byte start closes an
// abbreviation such as "e.g." or "U.S.": it follows, without a space, a
// word that holds a period itself.
func abbreviation(buf []Token, start int) bool {
	n := len(buf)
	if n == 0 || buf[n-1].Kind != Word || int(buf[n-1].End) != start {
		return false
	}
	return strings.IndexByte(buf[n-1].Lower, '.') >= 0
}

func isASCIIAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func appendBreak(buf []Token, start, end int, sentEnd bool) []Token {
	if n := len(buf); n > 0 && buf[n-1].Kind == Break {
		buf[n-1].End = int32(end)
		buf[n-1].SentEnd = buf[n-1].SentEnd || sentEnd
		return buf
	}
	return append(buf, Token{Start: int32(start), End: int32(end), Kind: Break, SentEnd: sentEnd})
}

func appendWord(buf []Token, tok string, start int) []Token {
	// Cut a trailing possessive or a dangling joiner.
	possessive := false
	if n := len(tok); n > 2 && (tok[n-2:] == "'s" || tok[n-2:] == "'S") {
		tok = tok[:n-2]
		possessive = true
	} else if strings.HasSuffix(tok, "’s") && len(tok) > len("’s") {
		tok = tok[:len(tok)-len("’s")]
		possessive = true
	}
	t := Token{Start: int32(start), End: int32(start + len(tok)), Kind: Number}
	upper, lower, letters := 0, 0, 0
	ascii := true
	for i, r := range tok {
		if r >= utf8.RuneSelf {
			ascii = false
		}
		if k := runeKind(r); k&rkLetter != 0 {
			letters++
			if k&rkUpper != 0 {
				upper++
				if i == 0 {
					t.Cap = true
				}
			} else {
				lower++
			}
		}
	}
	if letters > 0 {
		t.Kind = Word
	}
	t.AllCaps = upper >= 2 && lower == 0
	if upper == 0 {
		t.Lower = tok
	} else if ascii {
		t.Lower = asciiLower(tok)
	} else {
		t.Lower = strings.ToLower(tok)
	}
	buf = append(buf, t)
	if possessive {
		buf = appendBreak(buf, int(t.End), int(t.End)+2, false)
	}
	return buf
}

// appendASCIIWord appends the Word or Number token of tok, a run of ASCII
// letters and digits with upper capitals and lower small letters: appendWord
// without decoding runes.
func appendASCIIWord(buf []Token, tok string, start, upper, lower int) []Token {
	t := Token{Lower: tok, Start: int32(start), End: int32(start + len(tok)), Kind: Number}
	if upper+lower > 0 {
		t.Kind = Word
	}
	t.Cap = tok[0] >= 'A' && tok[0] <= 'Z'
	t.AllCaps = upper >= 2 && lower == 0
	if upper > 0 {
		t.Lower = asciiLower(tok)
	}
	return append(buf, t)
}

func asciiLower(s string) string {
	b := make([]byte, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return string(b)
}

// Bits of runeKind.
const (
	rkLetter    = 1 << 0 // unicode.IsLetter
	rkUpper     = 1 << 1 // unicode.IsUpper
	rkDigitMark = 1 << 2 // unicode.IsDigit or unicode.IsMark
)

// runeKind returns whether r is a letter, a capital, a digit or a mark,
// as package unicode says, without searching its tables for the runes of
// the most common scripts (see latinKinds), Han, kana and Hangul.
func runeKind(r rune) byte {
	switch {
	case r < rune(len(latinKinds)):
		return latinKinds[r]
	case r >= 0x4E00 && r <= 0x9FFF, r >= 0x3041 && r <= 0x3096, r >= 0x30A1 && r <= 0x30FA, r >= 0xAC00 && r <= 0xD7A3:
		// CJK unified ideographs, hiragana, katakana and Hangul
		// syllables: letters without case.
		return rkLetter
	case r >= 0x1F000 && r <= 0x1FAFF:
		return 0 // emoji and other pictographs
	}
	return kindOf(r)
}

// kindOf is runeKind from package unicode's tables.
func kindOf(r rune) byte {
	var k byte
	if unicode.IsLetter(r) {
		k |= rkLetter
		if unicode.IsUpper(r) {
			k |= rkUpper
		}
	}
	if unicode.IsDigit(r) || unicode.IsMark(r) {
		k |= rkDigitMark
	}
	return k
}

// latinKinds holds runeKind for the runes of the alphabets of Europe, the
// Middle East and India: U+0000 to U+0FFF, from Latin to Tibetan.
var latinKinds = func() (t [0x1000]byte) {
	for r := range rune(len(t)) {
		t[r] = kindOf(r)
	}
	return t
}()
