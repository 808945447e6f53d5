package webhook

import "testing"

func TestAllowOrigin(t *testing.T) {
	cases := []struct{ allowed, origin, want string }{
		{"", "https://app.example", "https://app.example"},
		{"*", "https://app.example", "https://app.example"},
		{"https://app.example", "https://app.example", "https://app.example"},
		{"https://app.example", "https://evil.example", "https://app.example"},
		{"https://a.example, https://b.example", "https://b.example", "https://b.example"},
		{"https://a.example,https://b.example", "https://evil.example", "https://a.example"},
	}
	for _, c := range cases {
		if got := AllowOrigin(c.allowed, c.origin); got != c.want {
			t.Errorf("AllowOrigin(%q, %q) = %q, want %q", c.allowed, c.origin, got, c.want)
		}
	}
}
