// Package s3test gives tests a real S3 API over HTTP on loopback: an
// in-memory gofakes3 server per call, or, when WEFT_TEST_S3_ENDPOINT is
// set, an existing server such as MinIO, so that the same tests run against
// the real thing.
//
// With WEFT_TEST_S3_ENDPOINT, the bucket is WEFT_TEST_S3_BUCKET (default
// "weft-test"), created if missing; credentials and region come from
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION. The server must
// accept path-style requests.
package s3test

import (
	"context"
	"crypto/rand"
	"errors"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Credentials the in-memory server accepts (it accepts any).
const (
	fakeAccessKeyID     = "weft-test"
	fakeSecretAccessKey = "weft-test-secret"
	defaultBucket       = "weft-test"
)

// Start returns the endpoint URL and the bucket of an S3 API for this test.
// The in-memory server is private to the test and stops at its cleanup; an
// external one is shared, so tests should write under a prefix of their
// own (see Prefix).
func Start(tb testing.TB) (endpoint, bucket string) {
	tb.Helper()
	if endpoint := os.Getenv("WEFT_TEST_S3_ENDPOINT"); endpoint != "" {
		bucket := os.Getenv("WEFT_TEST_S3_BUCKET")
		if bucket == "" {
			bucket = defaultBucket
		}
		createBucket(tb, endpoint, bucket)
		return endpoint, bucket
	}

	backend := s3mem.New()
	if err := backend.CreateBucket(defaultBucket); err != nil {
		tb.Fatalf("s3test: create bucket: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("s3test: listen: %v", err)
	}
	srv := &http.Server{
		Handler:           gofakes3.New(backend).Server(),
		ReadHeaderTimeout: 10 * time.Second,
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	tb.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			tb.Errorf("s3test: serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String(), defaultBucket
}

// Credentials returns the access key ID and secret to use with the server
// Start returned: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY when set,
// else a fixed pair the in-memory server accepts.
func Credentials() (accessKeyID, secretAccessKey string) {
	id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		return fakeAccessKeyID, fakeSecretAccessKey
	}
	return id, secret
}

// Region returns AWS_REGION, or us-east-1.
func Region() string {
	if r := os.Getenv("AWS_REGION"); r != "" {
		return r
	}
	return "us-east-1"
}

// Prefix returns a key prefix unique to this test, ending in "/", so that
// tests sharing an external bucket do not see each other's objects. On an
// external server the objects under it are deleted at cleanup.
func Prefix(tb testing.TB, endpoint, bucket string) string {
	tb.Helper()
	prefix := "weft-test/" + strings.ReplaceAll(tb.Name(), "/", "-") + "-" + rand.Text() + "/"
	if os.Getenv("WEFT_TEST_S3_ENDPOINT") != "" {
		tb.Cleanup(func() { deletePrefix(tb, endpoint, bucket, prefix) })
	}
	return prefix
}

// Client returns a plain S3 client for endpoint, for tests that need to
// reach under the code they test (overwrite an object, list keys).
func Client(endpoint string) *s3.Client {
	id, secret := Credentials()
	return s3.New(s3.Options{
		Region:       Region(),
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, ""),
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
	})
}

func createBucket(tb testing.TB, endpoint, bucket string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := Client(endpoint).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	var owned *types.BucketAlreadyOwnedByYou
	var exists *types.BucketAlreadyExists
	if err != nil && !errors.As(err, &owned) && !errors.As(err, &exists) {
		tb.Fatalf("s3test: create bucket %q at %s: %v", bucket, endpoint, err)
	}
}

func deletePrefix(tb testing.TB, endpoint, bucket, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client := Client(endpoint)
	pages := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			tb.Logf("s3test: list %s for cleanup: %v", prefix, err)
			return
		}
		for _, obj := range page.Contents {
			if _, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &bucket, Key: obj.Key}); err != nil {
				tb.Logf("s3test: delete %s: %v", aws.ToString(obj.Key), err)
			}
		}
	}
}
