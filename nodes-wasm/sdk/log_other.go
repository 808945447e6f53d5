//go:build !wasip1

package sdk

import "os"

func defaultLogOutput(level Level, msg string) {
	os.Stderr.WriteString("[" + level.String() + "] " + msg + "\n")
}
