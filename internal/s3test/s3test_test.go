package s3test_test

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/weftrun/weft/internal/s3test"
)

func TestStart(t *testing.T) {
	ctx := context.Background()
	var endpoint string
	t.Run("Serve", func(t *testing.T) {
		var bucket string
		endpoint, bucket = s3test.Start(t)
		prefix := s3test.Prefix(t, endpoint, bucket)
		if !strings.HasSuffix(prefix, "/") || !strings.Contains(prefix, "TestStart-Serve") {
			t.Errorf("Prefix = %q", prefix)
		}
		key := prefix + "hello.txt"
		client := s3test.Client(endpoint)
		_, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: strings.NewReader("hello")})
		if err != nil {
			t.Fatal(err)
		}
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key})
		if err != nil {
			t.Fatal(err)
		}
		defer out.Body.Close()
		if got, _ := io.ReadAll(out.Body); string(got) != "hello" {
			t.Fatalf("read back %q", got)
		}
	})
	if os.Getenv("WEFT_TEST_S3_ENDPOINT") != "" {
		return
	}
	// The in-memory server stops with the test that started it.
	_, err := s3test.Client(endpoint).ListBuckets(ctx, &s3.ListBucketsInput{})
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("server still answers after cleanup: %v", err)
	}
}
