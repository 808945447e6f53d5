package bus

import "testing"

func TestIsTaskAckSubject(t *testing.T) {
	for s, want := range map[string]bool{
		"$JS.ACK.WEFT_TASKS.runners.1.42.42.1764800000000000000.0":             true,
		"$JS.ACK.hub.ACCHASH.WEFT_TASKS.runners.1.42.42.1764800000000000000.0": true,
		"":              false,
		"weft.tasks.e1": false,
		"$JS.ACK.WEFT_RESULTS.control-planes.1.42.42.1764800000000000000.0": false,
		"$JS.ACK.WEFT_TASKS.other.1.42.42.1764800000000000000.0":            false,
		"$JS.ACK.WEFT_TASKS.runners.>":                                      false,
		"$JS.ACK.WEFT_TASKS.runners.*.1":                                    false,
		"$JS.API.STREAM.DELETE.WEFT_TASKS.runners.x":                        false,
	} {
		if got := IsTaskAckSubject(s); got != want {
			t.Errorf("IsTaskAckSubject(%q) = %v, want %v", s, got, want)
		}
	}
}
