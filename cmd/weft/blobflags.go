package main

import (
	"context"
	"flag"
	"path/filepath"

	"github.com/weftrun/weft/blob"
	"github.com/weftrun/weft/runtime"
)

// blobFlags select the blob store: S3 when a bucket is given, else a
// directory.
type blobFlags struct {
	dir       string
	s3        blob.S3Config
	threshold string
	env       envDefaults
}

// payloadThreshold returns --payload-threshold in bytes.
func (b *blobFlags) payloadThreshold() (int, error) {
	n, err := runtime.ParseBytes(b.threshold)
	if err != nil || n <= 0 {
		return 0, fail(exitUsage, "--payload-threshold %q: want a size such as 256KiB", b.threshold)
	}
	return int(n), nil
}

func (b *blobFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&b.dir, "blob-dir", envOr("WEFT_BLOB_DIR", ""), "blob store directory, shared by every process that passes payloads through it (default <data>/blobs in the embedded mode, else none; env WEFT_BLOB_DIR)")
	fs.StringVar(&b.s3.Bucket, "s3-bucket", envOr("WEFT_S3_BUCKET", ""), "keep blobs in this S3 bucket (env WEFT_S3_BUCKET)")
	fs.StringVar(&b.s3.Endpoint, "s3-endpoint", envOr("WEFT_S3_ENDPOINT", ""), "S3 API base URL, e.g. http://minio:9000 (env WEFT_S3_ENDPOINT)")
	fs.StringVar(&b.s3.Region, "s3-region", envOr("WEFT_S3_REGION", ""), "S3 region (env WEFT_S3_REGION)")
	fs.StringVar(&b.s3.Prefix, "s3-prefix", envOr("WEFT_S3_PREFIX", ""), "key prefix in the bucket (env WEFT_S3_PREFIX)")
	fs.BoolVar(&b.s3.PathStyle, "s3-path-style", b.env.bool("s3-path-style", "WEFT_S3_PATH_STYLE", false), "address the bucket in the URL path, as MinIO needs (env WEFT_S3_PATH_STYLE)")
	fs.StringVar(&b.threshold, "payload-threshold", envOr("WEFT_PAYLOAD_THRESHOLD", "256KiB"), "task and result payloads above this size travel through the blob store (env WEFT_PAYLOAD_THRESHOLD)")
}

// open returns the configured store; nil when neither a bucket nor a
// directory is known (dataDir empty and no --blob-dir).
func (b *blobFlags) open(ctx context.Context, dataDir string) (blob.Store, error) {
	if b.s3.Bucket != "" {
		s, err := blob.NewS3(ctx, b.s3)
		if err != nil {
			return nil, fail(exitUsage, "%v", err)
		}
		return s, nil
	}
	dir := b.dir
	if dir == "" && dataDir != "" {
		dir = filepath.Join(dataDir, "blobs")
	}
	if dir == "" {
		return nil, nil
	}
	d, err := blob.OpenDir(dir)
	if err != nil {
		return nil, fail(exitUsage, "--blob-dir: %v", err)
	}
	return d, nil
}
