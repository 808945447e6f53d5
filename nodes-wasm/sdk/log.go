package sdk

import "fmt"

// Level is the severity of a log line, as the weft_v1 log import numbers it.
type Level int32

// The log levels.
const (
	LevelDebug Level = 0
	LevelInfo  Level = 1
	LevelWarn  Level = 2
	LevelError Level = 3
)

func (l Level) String() string {
	switch l {
	case LevelDebug:
		return "debug"
	case LevelInfo:
		return "info"
	case LevelWarn:
		return "warn"
	case LevelError:
		return "error"
	}
	return fmt.Sprintf("Level(%d)", int32(l))
}

// logOutput receives every log line. Inside a module it is the host's
// weft_v1.log import; elsewhere it writes to standard error.
var logOutput = defaultLogOutput

// Log sends one line to the host's log at the given level.
func Log(level Level, msg string) { logOutput(level, msg) }

// Logf formats a line as fmt.Sprintf does and sends it to the host's log.
func Logf(level Level, format string, args ...any) {
	logOutput(level, fmt.Sprintf(format, args...))
}

// SetLogOutput redirects log lines to f, for a node's tests to inspect them;
// nil restores the default. It is not meant for use inside a module.
func SetLogOutput(f func(level Level, msg string)) {
	if f == nil {
		f = defaultLogOutput
	}
	logOutput = f
}
