package greeter

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/seed717b8fd8/grpcexamples/internal/rpcerr"
)

// quotedNameBytes is how much of a refused name a status message quotes.
// The message travels in an HTTP/2 trailer and often ends up in logs, so it
// stays short whatever limit the Server has; the code point and byte
// offset it also gives find the problem in a longer name.
const quotedNameBytes = 64

const (
	zwnj = '\u200C' // ZERO WIDTH NON-JOINER
	zwj  = '\u200D' // ZERO WIDTH JOINER
)

// blanks are letters and symbols that render as nothing: the Hangul fillers
// (placeholders in Korean encodings, Unicode's Default_Ignorable code
// points of category Lo) and the braille pattern with no dots. A name made
// only of them looks empty, so they do not count as visible.
var blanks = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x115F, Hi: 0x1160, Stride: 1}, // HANGUL CHOSEONG FILLER, HANGUL JUNGSEONG FILLER
		{Lo: 0x2800, Hi: 0x2800, Stride: 1}, // BRAILLE PATTERN BLANK
		{Lo: 0x3164, Hi: 0x3164, Stride: 1}, // HANGUL FILLER
		{Lo: 0xFFA0, Hi: 0xFFA0, Stride: 1}, // HALFWIDTH HANGUL FILLER
	},
}

// visible reports whether r shows as a glyph of its own: a letter, number,
// punctuation mark or symbol that is not a blank. Marks attach to another
// character and white space shows nothing, so neither counts.
func visible(r rune) bool {
	return unicode.In(r, unicode.L, unicode.N, unicode.P, unicode.S) && !unicode.Is(blanks, r)
}

// checkName returns an InvalidArgument status saying what is wrong with
// name, or nil when it may be greeted; see the package documentation for
// the rule and for the reasons and metadata of the status details. The
// length is checked first, so a name over limit is refused without being
// read; otherwise it takes one pass, and the first problem by position is
// the one reported.
func checkName(name string, limit int) error {
	if name == "" {
		return rpcerr.InvalidArgument("name", "NAME_EMPTY", rpcerr.Meta("limitBytes", limit),
			"name is empty: give a name of 1 to %d bytes", limit)
	}
	if len(name) > limit {
		return rpcerr.InvalidArgument("name", "NAME_TOO_LONG", rpcerr.Meta("lengthBytes", len(name), "limitBytes", limit),
			"name is %d bytes long; this server's limit is %d bytes (greeter.WithMaxNameBytes, default %d)",
			len(name), limit, MaxNameBytes)
	}
	seen := false // a visible character
	for i, r := range name {
		// The common cases first, each settled by one table lookup: a
		// letter, mark, number, punctuation or symbol is never refused.
		switch {
		case r < utf8.RuneSelf && r >= ' ' && r != 0x7f:
			seen = seen || r != ' '
			continue
		case r == utf8.RuneError && !strings.HasPrefix(name[i:], "\uFFFD"):
			return rpcerr.InvalidArgument("name", "NAME_INVALID_UTF8", rpcerr.Meta("offsetBytes", i),
				"name %s is not valid UTF-8 (first bad byte: 0x%02X at byte %d)", quote(name), name[i], i)
		case (r == zwj || r == zwnj) && joins(name, i, utf8.RuneLen(r)):
			continue
		case unicode.IsLetter(r):
			seen = seen || !unicode.Is(blanks, r)
			continue
		case unicode.IsMark(r):
			continue
		case unicode.In(r, unicode.N, unicode.P, unicode.S):
			seen = seen || !unicode.Is(blanks, r)
			continue
		}
		if what, fix, category := refused(name, i, r); what != "" {
			return rpcerr.InvalidArgument("name", "NAME_REFUSED_CHARACTER",
				rpcerr.Meta("codePoint", fmt.Sprintf("%U", r), "offsetBytes", i, "category", category),
				"name %s contains %U at byte %d, %s; %s", quote(name), r, i, what, fix)
		}
	}
	if !seen {
		if strings.TrimFunc(name, unicode.IsSpace) == "" {
			return rpcerr.InvalidArgument("name", "NAME_NOT_VISIBLE", nil,
				"name %s is only white space; give a name with at least one visible character", quote(name))
		}
		return rpcerr.InvalidArgument("name", "NAME_NOT_VISIBLE", nil,
			"name %s has no visible character (white space, combining marks and blank fillers such as U+3164 or U+2800 show nothing); give a name with at least one visible character",
			quote(name))
	}
	return nil
}

// refused describes r, at byte i of name, when a name may not contain it:
// what it is, what to do, and its Unicode general category ("Cc", "Cf",
// ...). It returns "", "", "" for a code point names may contain.
// checkName calls it only for white space, separators and category C
// (control, format, private use, unassigned).
func refused(name string, i int, r rune) (what, fix, category string) {
	const oneLine = "a name must be one line of visible text"
	switch {
	case unicode.Is(unicode.Cc, r):
		return "a control character (Unicode category Cc)", oneLine, "Cc"
	case r == '\u2028':
		return "a line separator (Unicode category Zl)", oneLine, "Zl"
	case r == '\u2029':
		return "a paragraph separator (Unicode category Zp)", oneLine, "Zp"
	case r == zwj || r == zwnj:
		if joins(name, i, utf8.RuneLen(r)) {
			return "", "", ""
		}
		kind := "zero-width joiner"
		if r == zwnj {
			kind = "zero-width non-joiner"
		}
		return "a " + kind + " (Unicode category Cf) that joins no two visible characters",
			"U+200C and U+200D are accepted only between two letters, marks or symbols, or after a combining mark at the end of a word",
			"Cf"
	case unicode.Is(unicode.Cf, r):
		return "an invisible format character (Unicode category Cf)",
			"remove it: format characters can hide or reorder text", "Cf"
	case unicode.Is(unicode.Co, r):
		return "a private-use character (Unicode category Co)",
			"its meaning is private to a font or program, so it shows differently everywhere", "Co"
	case unicode.Is(unicode.Cn, r):
		return fmt.Sprintf("a code point unassigned in Unicode %s, the version this server knows (category Cn)", unicode.Version),
			"if it is a newer character, the server needs a Go release with newer Unicode tables", "Cn"
	}
	return "", "", ""
}

// joins reports whether the joiner of size bytes at byte i of name joins
// two visible characters: it follows a letter, mark or symbol, and
// precedes one, or ends a word after a combining mark. That admits what the
// joiners are for: Indic conjuncts and half forms (a virama, then the
// joiner: RFC 5892 Appendix A.1 and A.2), Malayalam chillus written with a
// word-final joiner, Persian and Arabic words joined or split inside (ZWNJ
// between letters) and emoji ZWJ sequences (Unicode UTS #51, pictographs
// and modifiers being symbols). It refuses a joiner at the start, at the
// end after a letter, next to another joiner or next to a space, where it
// could only make two names that look the same differ.
func joins(name string, i, size int) bool {
	if i == 0 {
		return false
	}
	prev, _ := utf8.DecodeLastRuneInString(name[:i])
	if !joinable(prev) {
		return false
	}
	afterMark := unicode.Is(unicode.M, prev)
	rest := name[i+size:]
	if rest == "" {
		return afterMark
	}
	next, _ := utf8.DecodeRuneInString(rest)
	return joinable(next) || (afterMark && (unicode.IsSpace(next) || unicode.IsPunct(next)))
}

func joinable(r rune) bool { return unicode.In(r, unicode.L, unicode.M, unicode.S) }

// quote returns name in double quotes, at most its first quotedNameBytes
// bytes (then "..."), as Go's %q would but also escaping every character
// that shows nothing (spaces other than U+0020, blanks, format characters,
// variation selectors) and every combining mark with no visible character
// before it: a reader sees exactly what was sent.
func quote(name string) string {
	s, more := name, ""
	if len(s) > quotedNameBytes {
		cut := quotedNameBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s, more = s[:cut], "..."
	}
	b := make([]byte, 0, len(s)+len(more)+2)
	b = append(b, '"')
	based := false // the last rune written is one a mark can sit on
	for i, r := range s {
		raw := false
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			b = fmt.Appendf(b, `\x%02x`, s[i])
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == ' ' || visible(r) ||
			based && unicode.Is(unicode.M, r) && !unicode.In(r, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point):
			b = utf8.AppendRune(b, r)
			raw = r != ' '
		default:
			q := strconv.QuoteRuneToASCII(r) // '\n', '\x00', '\u200b', ...
			b = append(b, q[1:len(q)-1]...)
		}
		based = raw
	}
	b = append(b, '"')
	return string(b) + more
}
