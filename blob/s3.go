package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// S3Config says where an S3 store keeps its blobs. The zero values of the
// optional fields suit AWS; MinIO and most other S3 APIs need Endpoint and
// PathStyle.
type S3Config struct {
	// Bucket is the bucket the blobs go in; it must exist. Required.
	Bucket string
	// Endpoint is the S3 API's base URL (http://minio:9000). Empty means
	// AWS, with the endpoint chosen from Region.
	Endpoint string
	// Region is the bucket's region. Empty means AWS_REGION, then
	// AWS_DEFAULT_REGION, then us-east-1 (what MinIO expects by default).
	Region string
	// Prefix is put before every key, so that one bucket can hold several
	// stores or other data. A "/" is added if it lacks one.
	Prefix string
	// AccessKeyID and SecretAccessKey are static credentials. Give both or
	// neither; with neither, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
	// AWS_SESSION_TOKEN from the environment are used.
	AccessKeyID     string
	SecretAccessKey string
	// PathStyle addresses the bucket in the URL path (endpoint/bucket/key)
	// instead of the host name (bucket.endpoint/key). MinIO and most
	// self-hosted S3 APIs need it.
	PathStyle bool
}

// Validate checks the configuration without contacting the server.
func (c S3Config) Validate() error {
	if c.Bucket == "" {
		return errors.New("blob: S3 bucket is required (--s3-bucket or WEFT_S3_BUCKET)")
	}
	if strings.ContainsAny(c.Bucket, "/ \t\r\n") {
		return fmt.Errorf("blob: S3 bucket %q: a bucket name has no slashes or spaces (put a key prefix in --s3-prefix)", c.Bucket)
	}
	if c.Endpoint != "" {
		u, err := url.Parse(c.Endpoint)
		switch {
		case err != nil:
			return fmt.Errorf("blob: S3 endpoint %q: %v", c.Endpoint, err)
		case u.Scheme != "http" && u.Scheme != "https":
			return fmt.Errorf("blob: S3 endpoint %q: want an http:// or https:// URL", c.Endpoint)
		case u.Host == "":
			return fmt.Errorf("blob: S3 endpoint %q: no host", c.Endpoint)
		case u.User != nil:
			return errors.New("blob: S3 endpoint: credentials do not belong in the URL (use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
		}
	}
	if strings.HasPrefix(c.Prefix, "/") {
		return fmt.Errorf("blob: S3 prefix %q: must not start with \"/\"", c.Prefix)
	}
	if (c.AccessKeyID == "") != (c.SecretAccessKey == "") {
		return errors.New("blob: S3 access key ID and secret access key go together: give both or neither")
	}
	return nil
}

// S3 is a Store in an S3 bucket. A blob is the object
// <prefix>sha256/<first two hex digits>/<hex>, uploaded with its SHA-256
// checksum so that the server rejects bytes damaged on the way.
type S3 struct {
	client   *s3.Client
	bucket   string
	prefix   string
	endpoint string // for error messages
}

// NewS3 checks cfg, resolves credentials and region, and makes sure the
// bucket is reachable: an unreachable endpoint or a missing bucket is an
// error here rather than at the first Put. A bucket that the credentials
// may not list (403 on HEAD) is accepted, since object access may still be
// allowed.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	id, secret, token := cfg.AccessKeyID, cfg.SecretAccessKey, ""
	if id == "" {
		id, secret, token = os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), os.Getenv("AWS_SESSION_TOKEN")
		if id == "" || secret == "" {
			return nil, errors.New("blob: no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
		}
	}
	region := firstNonEmpty(cfg.Region, os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"), "us-east-1")
	opts := s3.Options{
		Region:       region,
		Credentials:  aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(id, secret, token)),
		UsePathStyle: cfg.PathStyle,
	}
	if cfg.Endpoint != "" {
		opts.BaseEndpoint = aws.String(cfg.Endpoint)
	}
	prefix := cfg.Prefix
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	s := &S3{
		client:   s3.New(opts),
		bucket:   cfg.Bucket,
		prefix:   prefix,
		endpoint: firstNonEmpty(cfg.Endpoint, "AWS "+region),
	}
	_, err := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(s.bucket)})
	switch status := httpStatus(err); {
	case err == nil, status == http.StatusForbidden:
	case status == http.StatusNotFound:
		return nil, fmt.Errorf("blob: S3 bucket %q does not exist at %s", s.bucket, s.endpoint)
	default:
		return nil, fmt.Errorf("blob: S3 bucket %q at %s: %w", s.bucket, s.endpoint, err)
	}
	return s, nil
}

// Put uploads data unless an object of the same size, modified less than
// RefreshAge ago, is already stored under its reference (one HEAD request
// instead of a second upload). An older one is uploaded again, which
// refreshes its modification time: content put over and over is uploaded
// at most once per RefreshAge.
func (s *S3) Put(ctx context.Context, data []byte) (Ref, error) {
	sum := sha256.Sum256(data)
	ref := Ref(refScheme + hex.EncodeToString(sum[:]))
	head, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: s.key(ref)})
	switch {
	case err == nil && aws.ToInt64(head.ContentLength) == int64(len(data)) && time.Since(aws.ToTime(head.LastModified)) < s3RefreshAge:
		return ref, nil
	case err != nil && !isNotFound(err):
		return "", fmt.Errorf("blob: put %s: %w", ref, err)
	}
	_, err = s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:         &s.bucket,
		Key:            s.key(ref),
		Body:           bytes.NewReader(data),
		ContentLength:  aws.Int64(int64(len(data))),
		ContentType:    aws.String("application/octet-stream"),
		ChecksumSHA256: aws.String(base64.StdEncoding.EncodeToString(sum[:])),
	})
	if err != nil {
		return "", fmt.Errorf("blob: put %s: %w", ref, err)
	}
	return ref, nil
}

// Get downloads ref and checks its hash.
func (s *S3) Get(ctx context.Context, ref Ref) ([]byte, error) {
	if err := check(ref); err != nil {
		return nil, err
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: s.key(ref)})
	if isNotFound(err) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, ref)
	}
	if err != nil {
		return nil, fmt.Errorf("blob: get %s: %w", ref, err)
	}
	defer out.Body.Close()
	var buf bytes.Buffer
	if n := aws.ToInt64(out.ContentLength); n > 0 && n < 1<<31 {
		buf.Grow(int(n))
	}
	if _, err := io.Copy(&buf, out.Body); err != nil {
		return nil, fmt.Errorf("blob: get %s: %w", ref, err)
	}
	if err := verify(ref, buf.Bytes()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Delete removes ref's object; S3 does not report whether it existed.
func (s *S3) Delete(ctx context.Context, ref Ref) error {
	if err := check(ref); err != nil {
		return err
	}
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: s.key(ref)})
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("blob: delete %s: %w", ref, err)
	}
	return nil
}

// Exists reports whether ref's object is present (a HEAD request).
func (s *S3) Exists(ctx context.Context, ref Ref) (bool, error) {
	if err := check(ref); err != nil {
		return false, err
	}
	_, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: s.key(ref)})
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("blob: exists %s: %w", ref, err)
	}
	return true, nil
}

// List lists the objects under <prefix>sha256/, a page at a time.
func (s *S3) List(ctx context.Context, f func(Info) error) error {
	prefix := s.prefix + keyDirName + "/"
	pages := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{
		Bucket:  &s.bucket,
		Prefix:  &prefix,
		MaxKeys: aws.Int32(s3ListPage),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("blob: list s3://%s/%s at %s: %w", s.bucket, prefix, s.endpoint, err)
		}
		for _, obj := range page.Contents {
			ref, ok := refOfKey(strings.TrimPrefix(aws.ToString(obj.Key), s.prefix))
			if !ok {
				continue
			}
			if err := f(Info{Ref: ref, Size: aws.ToInt64(obj.Size), ModTime: aws.ToTime(obj.LastModified)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// DeleteIfOlder checks the object's modification time with a HEAD request
// and deletes it if it is older than cutoff. S3 cannot delete on that
// condition, so a Put refreshing the object between the two requests can
// still lose it; the window is one round trip. S3 keeps times to the
// second, rounded down: the object counts as older only if it is a whole
// second before cutoff.
func (s *S3) DeleteIfOlder(ctx context.Context, ref Ref, cutoff time.Time) (bool, error) {
	if err := check(ref); err != nil {
		return false, err
	}
	head, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: s.key(ref)})
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("blob: delete %s: %w", ref, err)
	}
	if head.LastModified == nil || head.LastModified.Add(time.Second).After(cutoff) {
		return false, nil
	}
	if err := s.Delete(ctx, ref); err != nil {
		return false, err
	}
	return true, nil
}

// s3RefreshAge and s3ListPage are variables for tests.
var (
	s3RefreshAge       = RefreshAge
	s3ListPage   int32 = 1000
)

func (s *S3) key(ref Ref) *string {
	return aws.String(s.prefix + ref.key())
}

// isNotFound reports whether err says the object is missing: NoSuchKey on
// GET, a bare 404 on HEAD (which has no body to carry an error code).
func isNotFound(err error) bool {
	if err == nil {
		return false
	}
	var noKey *types.NoSuchKey
	var notFound *types.NotFound
	return errors.As(err, &noKey) || errors.As(err, &notFound) || httpStatus(err) == http.StatusNotFound
}

// httpStatus returns the HTTP status of a failed S3 call, 0 if there was no
// response (a network error, a cancelled context).
func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

var _ Store = (*S3)(nil)
