package bus

import "testing"

// TestTaskNode reads node names back out of task IDs, slashes and percent
// signs in them included.
func TestTaskNode(t *testing.T) {
	for _, name := range []string{"Wait", "Wait / approve", "100% done", "a%2Fb"} {
		id := TaskID("ex1", name, 2, 1)
		if got, ok := TaskNode("ex1", id); !ok || got != name {
			t.Errorf("TaskNode of %q = %q, %v; want %q", id, got, ok, name)
		}
	}
	for _, id := range []string{"ex2/Wait/0/0", "ex1", "ex1/Wait"} {
		if got, ok := TaskNode("ex1", id); ok {
			t.Errorf("TaskNode of %q = %q, want none", id, got)
		}
	}
}
