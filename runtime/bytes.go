package runtime

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseBytes reads a size such as "16MiB", "512KiB", "1 GiB", "64k" or
// "65536". Units are binary (KiB = 1024 bytes); K, M, G and KB, MB, GB are
// read as their binary counterparts too, since memory is counted in pages.
func ParseBytes(s string) (uint64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, fmt.Errorf("invalid size %q: want a number with an optional unit, like 16MiB, 512KiB or 65536", s)
	}
	n, err := strconv.ParseUint(t[:i], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid size %q: %w", s, err)
	}
	var mult uint64
	switch strings.ToLower(strings.TrimSpace(t[i:])) {
	case "", "b", "bytes":
		mult = 1
	case "k", "kb", "kib":
		mult = 1 << 10
	case "m", "mb", "mib":
		mult = 1 << 20
	case "g", "gb", "gib":
		mult = 1 << 30
	default:
		return 0, fmt.Errorf("invalid size %q: unknown unit %q (use KiB, MiB or GiB)", s, strings.TrimSpace(t[i:]))
	}
	if n > (1<<64-1)/mult {
		return 0, fmt.Errorf("invalid size %q: too large", s)
	}
	return n * mult, nil
}
