package json

import (
	stdjson "encoding/json"
	"testing"
)

// item1KB is a typical n8n item of about 1 KB.
const item1KB = `{"json":{"id":1042,"uuid":"7f9c2d4e-3b1a-4c5d-9e8f-0a1b2c3d4e5f","name":"Ada Lovelace","email":"ada@example.com","active":true,"score":98.5,"balance":-1234.56,"createdAt":"2024-03-01T09:30:00.000Z","tags":["math","poetry","engines","notes"],"address":{"street":"12 St James's Square","city":"London","zip":"SW1Y 4JH","country":"GB","geo":{"lat":51.5074,"lng":-0.1278}},"notes":"First programmer; wrote \"Notes\" on the Analytical Engine.\nLoves numbers \u2014 and poetry.","orders":[{"sku":"AE-1","qty":2,"price":19.99,"shipped":false},{"sku":"DE-2","qty":1,"price":249,"shipped":true},{"sku":"NB-7","qty":12,"price":0.5,"shipped":null}],"preferences":{"newsletter":true,"language":"en-GB","timezone":"Europe/London","theme":"dark"},"counters":[1,2,3,5,8,13,21,34,55,89,144],"bigId":12345678901234567890,"ratio":6.02214076e23,"unicode":"日本語 😀 café","source":{"system":"crm","workflow":"nightly-sync","run":381,"retries":0}},"pairedItem":{"item":0}}`

func TestItem1KBSize(t *testing.T) {
	if n := len(item1KB); n < 900 || n > 1200 {
		t.Fatalf("benchmark document is %d bytes, want about 1 KB", n)
	}
}

func BenchmarkParseSerialize1KB(b *testing.B) {
	data := []byte(item1KB)
	buf := make([]byte, 0, 2048)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		v, err := Parse(data)
		if err != nil {
			b.Fatal(err)
		}
		buf = v.AppendJSON(buf[:0])
	}
}

func BenchmarkParse1KB(b *testing.B) {
	data := []byte(item1KB)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSerialize1KB(b *testing.B) {
	v, err := ParseString(item1KB)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 2048)
	b.SetBytes(int64(len(item1KB)))
	b.ReportAllocs()
	for b.Loop() {
		buf = v.AppendJSON(buf[:0])
	}
}

// BenchmarkStdlibParseSerialize1KB is the same work done with encoding/json
// (which also loses key order), for comparison.
func BenchmarkStdlibParseSerialize1KB(b *testing.B) {
	data := []byte(item1KB)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var x any
		if err := stdjson.Unmarshal(data, &x); err != nil {
			b.Fatal(err)
		}
		if _, err := stdjson.Marshal(x); err != nil {
			b.Fatal(err)
		}
	}
}
