package registryclient

import (
	"strings"

	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// The recognition levels in the words of the decisions, which the forms
// of recognitions and of registrations offer and read.

// levelWords are the levels as decisions word them.
var levelWords = []struct {
	word  string
	level registryv1.RecognitionLevel
}{
	{"Đạt chuẩn nông thôn mới", registryv1.RecognitionLevel_STANDARD},
	{"Nông thôn mới nâng cao", registryv1.RecognitionLevel_ADVANCED},
	{"Nông thôn mới kiểu mẫu", registryv1.RecognitionLevel_MODEL},
	{"Nông thôn mới hiện đại", registryv1.RecognitionLevel_MODERN},
	{"Hoàn thành nhiệm vụ xây dựng nông thôn mới", registryv1.RecognitionLevel_COMPLETED},
}

// shortWords are the shortenings offices write for the same levels.
var shortWords = map[string]registryv1.RecognitionLevel{
	"đạt chuẩn ntm": registryv1.RecognitionLevel_STANDARD, "đạt chuẩn": registryv1.RecognitionLevel_STANDARD,
	"ntm nâng cao": registryv1.RecognitionLevel_ADVANCED, "nâng cao": registryv1.RecognitionLevel_ADVANCED,
	"ntm kiểu mẫu": registryv1.RecognitionLevel_MODEL, "kiểu mẫu": registryv1.RecognitionLevel_MODEL,
	"ntm hiện đại": registryv1.RecognitionLevel_MODERN, "hiện đại": registryv1.RecognitionLevel_MODERN,
	"hoàn thành nhiệm vụ xây dựng ntm": registryv1.RecognitionLevel_COMPLETED, "hoàn thành nhiệm vụ": registryv1.RecognitionLevel_COMPLETED,
}

// ReadLevel reads a level as decisions and forms word it, a shortening
// (any case) or the API's name ("ADVANCED").
func ReadLevel(cell string) (registryv1.RecognitionLevel, bool) {
	for _, w := range levelWords {
		if strings.EqualFold(cell, w.word) {
			return w.level, true
		}
	}
	if l, ok := shortWords[strings.ToLower(cell)]; ok {
		return l, true
	}
	l, ok := registryv1.RecognitionLevel_value[strings.ToUpper(cell)]
	if !ok || l == 0 {
		return 0, false
	}
	return registryv1.RecognitionLevel(l), true
}

// LevelWords are the levels' words, in the order of the levels.
func LevelWords() []string {
	words := make([]string, len(levelWords))
	for i, w := range levelWords {
		words[i] = w.word
	}
	return words
}
