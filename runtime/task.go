package runtime

import (
	"bytes"
	"context"
	"errors"
	"time"

	wapi "github.com/weftrun/weft/api"
	"github.com/weftrun/weft/hostfuncs"
)

// taskState is the per-task state host functions reach through the context.
// One goroutine runs a task, so it needs no locking.
type taskState struct {
	ctx      context.Context
	lim      Limits
	slice    int64
	deadline time.Time
	// granted is the fuel handed to the guest so far, consumed or not.
	granted uint64
	// refills counts the guest's refill calls.
	refills int
	calls   int

	maxLog        int
	logBytes      int
	logs          []wapi.LogEntry
	logsTruncated bool

	// limit is set when a host function stops the task, so that the limit
	// is reported rather than whatever wazero wrapped around the trap.
	limit error
}

// newTaskState is the state of one of m's tasks.
func (m *Module) newTaskState(ctx context.Context, lim Limits) *taskState {
	deadline := time.Now().Add(lim.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	return &taskState{ctx: ctx, lim: lim, slice: m.fuelSlice, deadline: deadline, maxLog: m.eng.cfg.maxLogBytes}
}

// grant hands out the first slice of a task, so a task that finishes within
// one slice makes no refill call at all.
func (s *taskState) grant() int64 {
	next := min(uint64(s.slice), s.lim.Fuel)
	s.granted = next
	return int64(next)
}

// used is the fuel consumed given the counter's final value.
func (s *taskState) used(counter int64) uint64 {
	if counter < 0 {
		return s.granted + uint64(-counter)
	}
	return s.granted - min(uint64(counter), s.granted)
}

// Refill implements hostfuncs.Task.
func (s *taskState) Refill(current int64) (int64, error) {
	s.refills++
	used := s.used(current)
	if used >= s.lim.Fuel {
		return 0, s.stop(&LimitError{Kind: LimitFuel, Limit: s.lim.Fuel})
	}
	if err := s.checkTime(); err != nil {
		return 0, err
	}
	next := min(uint64(s.slice), s.lim.Fuel-used)
	s.granted = used + next
	return int64(next), nil
}

func (s *taskState) checkTime() error {
	if !time.Now().Before(s.deadline) {
		return s.stop(&LimitError{Kind: LimitDeadline, Limit: uint64(s.lim.Timeout)})
	}
	if err := s.ctx.Err(); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return s.stop(&LimitError{Kind: LimitDeadline, Limit: uint64(s.lim.Timeout)})
		}
		return s.stop(err)
	}
	return nil
}

func (s *taskState) stop(err error) error {
	if s.limit == nil {
		s.limit = err
	}
	return s.limit
}

// HostCall implements hostfuncs.Task.
func (s *taskState) HostCall() error {
	s.calls++
	if s.calls > s.lim.MaxHostCalls {
		return s.stop(&LimitError{Kind: LimitHostCalls, Limit: uint64(s.lim.MaxHostCalls)})
	}
	return s.checkTime()
}

// MaxLogBytes implements hostfuncs.Task.
func (s *taskState) MaxLogBytes() int { return s.maxLog }

// Log implements hostfuncs.Task.
func (s *taskState) Log(level hostfuncs.Level, msg []byte) {
	s.addLog(level.String(), msg)
}

func (s *taskState) addLog(level string, msg []byte) {
	if s.logsTruncated {
		return
	}
	if room := s.maxLog - s.logBytes; len(msg) > room {
		msg = msg[:max(room, 0)]
		s.logsTruncated = true
		if len(msg) == 0 {
			return
		}
	}
	s.logBytes += len(msg)
	s.logs = append(s.logs, wapi.LogEntry{Level: level, Message: string(msg)})
}

// streamLog turns a guest's standard stream into log entries, one per line.
// The task it feeds is swapped per task on pooled instances.
type streamLog struct {
	st      *taskState
	level   string
	partial []byte
}

func (w *streamLog) Write(p []byte) (int, error) {
	n := len(p)
	if w.st == nil {
		return n, nil
	}
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			if len(w.partial) < w.st.maxLog {
				w.partial = append(w.partial, p[:min(len(p), w.st.maxLog-len(w.partial))]...)
			}
			break
		}
		line := p[:i]
		if len(w.partial) > 0 {
			line = append(w.partial, line...)
			w.partial = w.partial[:0]
		}
		w.st.addLog(w.level, line)
		p = p[i+1:]
	}
	return n, nil
}

// flush ends a task: a last line without a newline is logged, and the writer
// is detached so nothing of one task leaks into the next task's logs.
func (w *streamLog) flush() {
	if w.st != nil && len(w.partial) > 0 {
		w.st.addLog(w.level, w.partial)
	}
	w.partial = w.partial[:0]
	w.st = nil
}

// limitedBuffer collects a command's standard output up to max bytes and
// records how much more was offered.
type limitedBuffer struct {
	buf     []byte
	max     int
	written uint64
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	b.written += uint64(len(p))
	if len(b.buf)+len(p) > b.max {
		return 0, errOutputFull
	}
	b.buf = append(b.buf, p...)
	return len(p), nil
}

var errOutputFull = errors.New("output limit reached")

var _ hostfuncs.Task = (*taskState)(nil)
