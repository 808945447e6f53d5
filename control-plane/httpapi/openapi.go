package httpapi

import (
	_ "embed"

	"github.com/valyala/fasthttp"
)

// openAPIDocument is the OpenAPI 3.1 description of the API, served at
// /api/v1/openapi.json. openapi_test.go drives the real handlers and checks
// every answer against it, so a route, status or field that changes without
// the document fails the tests.
//
//go:embed openapi.json
var openAPIDocument []byte

func serveOpenAPI(ctx *fasthttp.RequestCtx) {
	ctx.SetContentType("application/json")
	ctx.SetBody(openAPIDocument)
}
