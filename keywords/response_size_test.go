package keywords

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	keywordsv1 "github.com/seed717b8fd8/grpcexamples/pb/keywords/v1"
)

// TestMaxResponseBytes builds the largest response the service can send
// (every limit reached at once) and checks that MaxResponseBytes bounds
// it, and bounds it closely: a bound far above the truth would let the
// documented figure drift.
func TestMaxResponseBytes(t *testing.T) {
	resp := &keywordsv1.GetKeywordsResponse{
		Id:       strings.Repeat("i", MaxIDBytes),
		Language: "nb", // the longest code in Languages has two letters
	}
	for _, lang := range Languages() {
		if len(lang) > len(resp.Language) {
			t.Fatalf("language %q longer than the test's %q", lang, resp.Language)
		}
	}
	phrase := strings.Repeat("p", MaxKeyphraseBytes)
	for range MaxResultsLimit {
		resp.Keywords = append(resp.Keywords, phrase)
		resp.Keyphrases = append(resp.Keyphrases, &keywordsv1.Keyphrase{Text: phrase, Score: 0.123456789})
	}
	size := proto.Size(resp)
	if size > MaxResponseBytes {
		t.Errorf("largest response is %d bytes, above MaxResponseBytes = %d", size, MaxResponseBytes)
	}
	if slack := MaxResponseBytes - size; slack > 64 {
		t.Errorf("MaxResponseBytes = %d is %d bytes above the largest response (%d)", MaxResponseBytes, slack, size)
	}
}
