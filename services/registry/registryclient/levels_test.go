package registryclient

import (
	"testing"

	registryv1 "github.com/ntmsuite/ntm/proto/gen/go/ntm/registry/v1"
)

// A level is read as the decisions' words, their shortenings or the API's
// name, in any case.
func TestLevelWords(t *testing.T) {
	for cell, want := range map[string]registryv1.RecognitionLevel{
		"Đạt chuẩn nông thôn mới": registryv1.RecognitionLevel_STANDARD, "đạt chuẩn NTM": registryv1.RecognitionLevel_STANDARD,
		"NTM nâng cao": registryv1.RecognitionLevel_ADVANCED, "Nông thôn mới kiểu mẫu": registryv1.RecognitionLevel_MODEL,
		"NTM kiểu mẫu": registryv1.RecognitionLevel_MODEL, "modern": registryv1.RecognitionLevel_MODERN,
		"Hoàn thành nhiệm vụ xây dựng nông thôn mới": registryv1.RecognitionLevel_COMPLETED,
	} {
		if got, ok := ReadLevel(cell); !ok || got != want {
			t.Errorf("ReadLevel(%q) = %v, %v; want %v", cell, got, ok, want)
		}
	}
	for _, cell := range []string{"", "Xuất sắc", "RECOGNITION_LEVEL_UNSPECIFIED"} {
		if got, ok := ReadLevel(cell); ok {
			t.Errorf("ReadLevel(%q) = %v, want refused", cell, got)
		}
	}
}
