package blob_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/weftrun/weft/blob"
	"github.com/weftrun/weft/blob/blobtest"
	"github.com/weftrun/weft/internal/s3test"
)

// s3Config returns the configuration of a store on a fresh S3 API server
// (or under a fresh prefix of WEFT_TEST_S3_ENDPOINT's bucket).
func s3Config(t testing.TB) blob.S3Config {
	endpoint, bucket := s3test.Start(t)
	id, secret := s3test.Credentials()
	return blob.S3Config{
		Bucket:          bucket,
		Endpoint:        endpoint,
		Region:          s3test.Region(),
		Prefix:          strings.TrimSuffix(s3test.Prefix(t, endpoint, bucket), "/"),
		AccessKeyID:     id,
		SecretAccessKey: secret,
		PathStyle:       true,
	}
}

// objectKey is where an S3 store with prefix p (ending in "/") keeps ref,
// spelled out here so that a change of layout fails the tests.
func objectKey(p string, ref blob.Ref) string {
	return p + "sha256/" + ref.Digest()[:2] + "/" + ref.Digest()
}

func TestS3(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) (blob.Store, blobtest.Tamper) {
		// Refresh on every Put, so the suite need not wait RefreshAge.
		blob.SetS3RefreshAge(t, 0)
		cfg := s3Config(t)
		s, err := blob.NewS3(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		raw := s3test.Client(cfg.Endpoint)
		return s, func(t *testing.T, ref blob.Ref, data []byte) {
			_, err := raw.PutObject(context.Background(), &s3.PutObjectInput{
				Bucket: aws.String(cfg.Bucket),
				Key:    aws.String(objectKey(cfg.Prefix+"/", ref)),
				Body:   bytes.NewReader(data),
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestS3_Layout(t *testing.T) {
	ctx := context.Background()
	cfg := s3Config(t)
	s, err := blob.NewS3(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := s.Put(ctx, []byte("abc"))
	if err != nil {
		t.Fatal(err)
	}
	// The prefix was given without its trailing slash.
	key := cfg.Prefix + "/sha256/ba/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	out, err := s3test.Client(cfg.Endpoint).GetObject(ctx, &s3.GetObjectInput{Bucket: &cfg.Bucket, Key: &key})
	if err != nil {
		t.Fatalf("object for %s at %s: %v", ref, key, err)
	}
	defer out.Body.Close()
	if got, _ := io.ReadAll(out.Body); string(got) != "abc" {
		t.Fatalf("object at %s holds %q", key, got)
	}
}

func TestNewS3_MissingBucket(t *testing.T) {
	cfg := s3Config(t)
	cfg.Bucket = "weft-no-such-bucket"
	_, err := blob.NewS3(context.Background(), cfg)
	want := `blob: S3 bucket "weft-no-such-bucket" does not exist at ` + cfg.Endpoint
	if err == nil || err.Error() != want {
		t.Fatalf("NewS3 with a missing bucket: %v\nwant: %s", err, want)
	}
}

func TestNewS3_Unreachable(t *testing.T) {
	cfg := s3Config(t)
	cfg.Endpoint = "http://127.0.0.1:1"
	_, err := blob.NewS3(context.Background(), cfg)
	if err == nil || !strings.HasPrefix(err.Error(), `blob: S3 bucket "`+cfg.Bucket+`" at http://127.0.0.1:1: `) {
		t.Fatalf("NewS3 with an unreachable endpoint: %v", err)
	}
	t.Log(err)
}

func TestNewS3_Credentials(t *testing.T) {
	cfg := s3Config(t)
	cfg.AccessKeyID, cfg.SecretAccessKey = "", ""
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	_, err := blob.NewS3(context.Background(), cfg)
	if want := "blob: no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"; err == nil || err.Error() != want {
		t.Fatalf("NewS3 without credentials: %v\nwant: %s", err, want)
	}

	id, secret := s3test.Credentials()
	t.Setenv("AWS_ACCESS_KEY_ID", id)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	s, err := blob.NewS3(context.Background(), cfg)
	if err != nil {
		t.Fatalf("NewS3 with credentials from the environment: %v", err)
	}
	if _, err := s.Put(context.Background(), []byte("env")); err != nil {
		t.Fatal(err)
	}
}

func TestS3Config_Validate(t *testing.T) {
	ok := blob.S3Config{Bucket: "weft"}
	tests := []struct {
		name string
		edit func(*blob.S3Config)
		want string // "" for valid
	}{
		{"Minimal", func(*blob.S3Config) {}, ""},
		{"MinIO", func(c *blob.S3Config) {
			c.Endpoint, c.PathStyle, c.Prefix = "http://minio:9000", true, "weft/blobs"
			c.AccessKeyID, c.SecretAccessKey = "minio", "minio123"
		}, ""},
		{"NoBucket", func(c *blob.S3Config) { c.Bucket = "" },
			"blob: S3 bucket is required (--s3-bucket or WEFT_S3_BUCKET)"},
		{"BucketWithPath", func(c *blob.S3Config) { c.Bucket = "weft/blobs" },
			`blob: S3 bucket "weft/blobs": a bucket name has no slashes or spaces (put a key prefix in --s3-prefix)`},
		{"EndpointNoScheme", func(c *blob.S3Config) { c.Endpoint = "minio:9000" },
			`blob: S3 endpoint "minio:9000": want an http:// or https:// URL`},
		{"EndpointNoHost", func(c *blob.S3Config) { c.Endpoint = "http:///bucket" },
			`blob: S3 endpoint "http:///bucket": no host`},
		{"EndpointWithSecret", func(c *blob.S3Config) { c.Endpoint = "http://key:secret@minio:9000" },
			"blob: S3 endpoint: credentials do not belong in the URL (use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"},
		{"PrefixSlash", func(c *blob.S3Config) { c.Prefix = "/weft" },
			`blob: S3 prefix "/weft": must not start with "/"`},
		{"KeyWithoutSecret", func(c *blob.S3Config) { c.AccessKeyID = "AKIA" },
			"blob: S3 access key ID and secret access key go together: give both or neither"},
		{"SecretWithoutKey", func(c *blob.S3Config) { c.SecretAccessKey = "s" },
			"blob: S3 access key ID and secret access key go together: give both or neither"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ok
			tc.edit(&cfg)
			err := cfg.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tc.want != "" && (err == nil || err.Error() != tc.want):
				t.Fatalf("Validate() = %v\nwant: %s", err, tc.want)
			}
			if tc.want != "" {
				// NewS3 refuses the same configuration before any I/O.
				if _, err := blob.NewS3(context.Background(), cfg); err == nil || err.Error() != tc.want {
					t.Fatalf("NewS3 = %v, want the Validate error", err)
				}
			}
			if err != nil && strings.Contains(err.Error(), "key:secret") {
				t.Fatalf("error repeats the credentials: %v", err)
			}
		})
	}
}

// TestS3_ListBlobs checks that List reports only the blobs under the
// store's own prefix, skipping foreign objects beside them, across pages.
func TestS3_ListBlobs(t *testing.T) {
	ctx := context.Background()
	cfg := s3Config(t)
	s, err := blob.NewS3(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	other := cfg
	other.Prefix += "-other"
	o, err := blob.NewS3(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Put(ctx, []byte("another store's blob")); err != nil {
		t.Fatal(err)
	}
	raw := s3test.Client(cfg.Endpoint)
	digest := blob.RefOf([]byte("foreign")).Digest()
	for _, key := range []string{
		"sha256/README",
		"sha256/" + digest[:2] + "/" + digest + ".txt",
		"sha256/00/" + digest, // in the wrong fan-out directory
		"notes/" + digest,
	} {
		k := cfg.Prefix + "/" + key
		if _, err := raw.PutObject(ctx, &s3.PutObjectInput{Bucket: &cfg.Bucket, Key: &k, Body: strings.NewReader("foreign")}); err != nil {
			t.Fatal(err)
		}
	}
	want := map[blob.Ref]bool{}
	for i := range 5 {
		ref, err := s.Put(ctx, blobtest.Payload(uint64(40+i), 100))
		if err != nil {
			t.Fatal(err)
		}
		want[ref] = true
	}
	blob.SetS3ListPage(t, 2)
	got := map[blob.Ref]bool{}
	if err := s.List(ctx, func(i blob.Info) error { got[i.Ref] = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Errorf("List reported %d blobs, want %d: %v", len(got), len(want), got)
	}
	for ref := range want {
		if !got[ref] {
			t.Errorf("List did not report %s", ref)
		}
	}
}

// TestS3_PutRefreshesOnlyOldObjects: a Put of content already stored
// uploads it again only once the object is RefreshAge old.
func TestS3_PutRefreshesOnlyOldObjects(t *testing.T) {
	ctx := context.Background()
	s, err := blob.NewS3(ctx, s3Config(t))
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("hot content")
	modified := func() time.Time {
		t.Helper()
		var at time.Time
		err := s.List(ctx, func(i blob.Info) error { at = i.ModTime; return nil })
		if err != nil || at.IsZero() {
			t.Fatalf("List: %v, modified at %v", err, at)
		}
		return at
	}
	if _, err := s.Put(ctx, data); err != nil {
		t.Fatal(err)
	}
	first := modified()
	time.Sleep(1100 * time.Millisecond)
	if _, err := s.Put(ctx, data); err != nil {
		t.Fatal(err)
	}
	if again := modified(); !again.Equal(first) {
		t.Fatalf("a Put within RefreshAge uploaded again: modified %v, then %v", first, again)
	}
	blob.SetS3RefreshAge(t, time.Second)
	if _, err := s.Put(ctx, data); err != nil {
		t.Fatal(err)
	}
	if again := modified(); !again.After(first) {
		t.Fatalf("a Put past RefreshAge did not refresh the object: modified %v, then %v", first, again)
	}
}
