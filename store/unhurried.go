package store

import "context"

type unhurriedKey struct{}

// Unhurried marks ctx for a write whose caller is in no hurry: the
// execution's outcome has been delivered already and others are running,
// whose writes will come soon. The store may then hold the write briefly
// to commit it with theirs.
func Unhurried(ctx context.Context) context.Context {
	return context.WithValue(ctx, unhurriedKey{}, true)
}

// IsUnhurried reports whether ctx was marked by Unhurried.
func IsUnhurried(ctx context.Context) bool {
	v, _ := ctx.Value(unhurriedKey{}).(bool)
	return v
}
