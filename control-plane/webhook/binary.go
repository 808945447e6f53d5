package webhook

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// binaryData builds the binary property n8n's copyBinaryFile makes of a
// received file, with the data inline: {mimeType, fileType, fileExtension,
// data (base64), directory, fileName, fileSize}, absent fields left out,
// in n8n's key order.
func binaryData(data []byte, fileName, mimeType string) *object {
	ext := mimeExtension(mimeType)
	if mimeType == "" {
		mimeType = "text/plain"
	}
	o := newObject()
	o.set("mimeType", mimeType)
	if ft := fileType(mimeType); ft != "" {
		o.set("fileType", ft)
	}
	if ext != "" {
		o.set("fileExtension", ext)
	}
	o.set("data", base64.StdEncoding.EncodeToString(data))
	if fileName != "" {
		dir, base, fext := parsePath(fileName)
		if fext != "" {
			if _, ok := o.get("fileExtension"); ok {
				o.vals["fileExtension"] = fext
			} else {
				// n8n's object has the key from the start; keep its place.
				o.keys = append(o.keys[:len(o.keys)-1], "fileExtension", "data")
				o.vals["fileExtension"] = fext
			}
		}
		if dir != "" {
			o.set("directory", dir)
		}
		o.set("fileName", base)
	}
	o.set("fileSize", prettyBytes(len(data)))
	return o
}

// fileType is n8n's fileTypeFromMimeType.
func fileType(mimeType string) string {
	switch {
	case strings.HasPrefix(mimeType, "application/json"):
		return "json"
	case strings.HasPrefix(mimeType, "text/html"):
		return "html"
	case strings.HasPrefix(mimeType, "image/"):
		return "image"
	case strings.HasPrefix(mimeType, "audio/"):
		return "audio"
	case strings.HasPrefix(mimeType, "video/"):
		return "video"
	case strings.HasPrefix(mimeType, "text/"), strings.HasPrefix(mimeType, "application/javascript"):
		return "text"
	case strings.HasPrefix(mimeType, "application/pdf"):
		return "pdf"
	}
	return ""
}

// extensions maps common media types to the first extension the
// mime-types package (mime-db) lists for them; n8n names a received file's
// extension with it when the file name has none.
var extensions = map[string]string{
	"application/gzip":         "gz",
	"application/javascript":   "js",
	"application/json":         "json",
	"application/msword":       "doc",
	"application/octet-stream": "bin",
	"application/pdf":          "pdf",
	"application/rtf":          "rtf",
	"application/vnd.ms-excel": "xls",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         "xlsx",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   "docx",
	"application/x-tar":                 "tar",
	"application/xml":                   "xml",
	"application/yaml":                  "yaml",
	"application/zip":                   "zip",
	"audio/mp4":                         "m4a",
	"audio/mpeg":                        "mpga",
	"audio/ogg":                         "oga",
	"audio/wav":                         "wav",
	"audio/webm":                        "weba",
	"font/woff":                         "woff",
	"font/woff2":                        "woff2",
	"image/avif":                        "avif",
	"image/bmp":                         "bmp",
	"image/gif":                         "gif",
	"image/jpeg":                        "jpeg",
	"image/png":                         "png",
	"image/svg+xml":                     "svg",
	"image/tiff":                        "tif",
	"image/webp":                        "webp",
	"image/x-icon":                      "ico",
	"text/calendar":                     "ics",
	"text/css":                          "css",
	"text/csv":                          "csv",
	"text/html":                         "html",
	"text/javascript":                   "js",
	"text/markdown":                     "md",
	"text/plain":                        "txt",
	"text/xml":                          "xml",
	"text/yaml":                         "yaml",
	"video/mp4":                         "mp4",
	"video/mpeg":                        "mpeg",
	"video/quicktime":                   "qt",
	"video/webm":                        "webm",
	"application/x-www-form-urlencoded": "",
}

// mimeExtension is the mime-types package's extension(type): the type's
// parameters ignored, case-insensitive.
func mimeExtension(mimeType string) string {
	t, _, _ := strings.Cut(mimeType, ";")
	return extensions[strings.ToLower(strings.TrimSpace(t))]
}

// parsePath is Node's path.posix.parse for a file name: its directory,
// base name and extension without the dot ("a/b.tar.gz" is "a", "b.tar.gz",
// "gz"; ".profile" has no extension).
func parsePath(p string) (dir, base, ext string) {
	trimmed := strings.TrimRight(p, "/")
	if trimmed == "" {
		if p != "" {
			return "/", "", ""
		}
		return "", "", ""
	}
	if i := strings.LastIndexByte(trimmed, '/'); i >= 0 {
		dir, base = trimmed[:i], trimmed[i+1:]
		if dir == "" {
			dir = "/"
		}
	} else {
		base = trimmed
	}
	if i := strings.LastIndexByte(base, '.'); i > 0 && base != ".." {
		ext = base[i+1:]
	}
	return dir, base, ext
}

// prettyBytes is the pretty-bytes package's default format, which n8n
// stores as a file's size: "512 B", "1.02 kB", "3.5 MB".
func prettyBytes(n int) string {
	units := []string{"B", "kB", "MB", "GB", "TB", "PB"}
	if n < 1 {
		return strconv.Itoa(n) + " B"
	}
	exp := min(int(math.Floor(math.Log10(float64(n))/3)), len(units)-1)
	v := float64(n) / math.Pow(1000, float64(exp))
	s := strconv.FormatFloat(v, 'g', 3, 64)
	f, _ := strconv.ParseFloat(s, 64)
	return strconv.FormatFloat(f, 'f', -1, 64) + " " + units[exp]
}

// newFileName names a received file that came without a name: a random
// UUID, as n8n does. Tests replace it.
var newFileName = func() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// newUploadName names a multipart file part without a file name, as
// formidable does (random hex). Tests replace it.
var newUploadName = func() string {
	var b [13]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])[:25]
}
