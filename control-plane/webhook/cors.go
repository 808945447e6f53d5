package webhook

import "strings"

// AllowOrigin is the Access-Control-Allow-Origin a Webhook node answers a
// caller from origin with, under its allowedOrigins option, as n8n does:
// "*" (or empty) or an exact match allows the caller's own origin; from a
// comma-separated list, the caller's origin when listed, else the first.
// Browsers refuse the answer unless it names their origin.
func AllowOrigin(allowed, origin string) string {
	allowed = strings.TrimSpace(allowed)
	if allowed == "" || allowed == "*" || allowed == origin {
		return origin
	}
	list := strings.Split(allowed, ",")
	for i := range list {
		list[i] = strings.TrimSpace(list[i])
		if list[i] == origin {
			return origin
		}
	}
	return list[0]
}
