package keywords

import (
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/seed717b8fd8/grpcexamples/keywords/internal/textseg"
)

//go:generate go run -C internal/gendf . -data ../../../../shared/data/keywords -out ../..

// The English tables, parsed once from the generated data on first use.
var (
	tablesOnce sync.Once
	lexicon    map[string]byte    // lower-case word -> class, where not textseg.GuessClass
	idfTable   map[string]float32 // English stem -> inverse document frequency
	idfUnseen  float64            // idf of a stem absent from the table
)

func loadTables() {
	tablesOnce.Do(func() {
		lexicon = make(map[string]byte, strings.Count(lexiconData, "\n"))
		for line := range strings.SplitSeq(lexiconData, "\n") {
			if i := strings.LastIndexByte(line, ' '); i > 0 && i == len(line)-2 {
				lexicon[line[:i]] = line[i+1]
			}
		}
		idfTable = make(map[string]float32, strings.Count(dfData, "\n"))
		for line := range strings.SplitSeq(dfData, "\n") {
			i := strings.LastIndexByte(line, ' ')
			if i <= 0 {
				continue
			}
			n, err := strconv.Atoi(line[i+1:])
			if err != nil {
				continue
			}
			idfTable[line[:i]] = float32(idf(n))
		}
		idfUnseen = idf(1)
	})
}

// idf is the smoothed inverse document frequency of a term found in df of
// the dfDocs reference documents (Spärck Jones 1972).
func idf(df int) float64 {
	return math.Log(float64(dfDocs+1) / float64(df+1))
}

// wordClass returns the class of an English lower-case word: the lexicon's
// class, else the suffix guess.
func wordClass(lower string) byte {
	if c, ok := lexicon[lower]; ok {
		return c
	}
	return textseg.GuessClass(lower)
}
