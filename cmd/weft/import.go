package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/weftrun/weft/api"
	"github.com/weftrun/weft/control-plane/webhook"
)

// importCmd saves a workflow export on a running server, optionally
// activates it, and prints its id and webhook URLs.
func (c cli) importCmd(ctx context.Context, args []string) error {
	fs := c.flagSet("import")
	server := fs.String("server", envOr("WEFT_SERVER", "http://127.0.0.1:5678"), "the Weft server's base URL (env WEFT_SERVER)")
	activate := fs.Bool("activate", false, "activate the workflow, so its webhooks and schedules run")
	fs.Usage = func() {
		fmt.Fprintln(c.stderr, "usage: weft import WORKFLOW.json [--activate] [--server http://127.0.0.1:5678]")
		fmt.Fprintln(c.stderr, "Saves an n8n workflow export on a running Weft server and prints its id and webhook URLs.")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fail(exitUsage, "import: want one workflow file")
	}
	doc, err := c.readFileOrStdin(pos[0])
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	wf, err := api.ParseWorkflow(doc)
	if err != nil {
		return fail(exitUsage, "%s: %v", pos[0], err)
	}
	base := strings.TrimSuffix(*server, "/")
	client := &http.Client{Timeout: 30 * time.Second}
	var created struct {
		ID string `json:"id"`
	}
	if err := post(ctx, client, base+"/api/v1/workflows", doc, &created); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "imported %q as workflow %s\n", wf.Name, created.ID)
	if *activate {
		if err := post(ctx, client, base+"/api/v1/workflows/"+created.ID+"/activate", nil, nil); err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, "activated")
	}
	wf.ID = created.ID
	eps, _ := webhook.Endpoints(wf)
	for _, ep := range eps {
		prefix := "/webhook-test/"
		if *activate {
			prefix = "/webhook/"
		}
		fmt.Fprintf(c.stdout, "webhook %q: %s %s%s%s\n", ep.Node, strings.Join(ep.Methods, "|"), base, prefix, ep.URLPath)
	}
	return nil
}

// post sends a JSON request and decodes the answer; a problem answer
// becomes the error.
func post(ctx context.Context, client *http.Client, url string, body []byte, into any) error {
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := client.Do(req)
	if err != nil {
		return fail(exitFailed, "%v (is `weft server` running?)", err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		var p struct {
			Detail string   `json:"detail"`
			Errors []string `json:"errors"`
		}
		_ = json.Unmarshal(b, &p)
		msg := strings.TrimSpace(p.Detail + "\n" + strings.Join(p.Errors, "\n"))
		if msg == "" {
			msg = string(b)
		}
		return fail(exitFailed, "%s: %s\n%s", url, res.Status, msg)
	}
	if into != nil {
		if err := json.Unmarshal(b, into); err != nil {
			return fail(exitFailed, "%s: %v", url, err)
		}
	}
	return nil
}
