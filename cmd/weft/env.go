package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/weftrun/weft/store/sqlstore"
)

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// envDefaults reads the WEFT_* variables that give typed flags their
// defaults. A value that does not parse is not replaced by the built-in
// default without a word, which would run a deployment with settings
// nobody chose: check refuses it, unless the flag was given, since a flag
// on the command line wins over its variable.
type envDefaults struct {
	bad []badEnv
}

// badEnv is a variable whose value does not parse as its flag's type.
type badEnv struct {
	flag, variable, value, want string
}

func (e *envDefaults) int(flagName, variable string, def int) int {
	return envValue(e, flagName, variable, def, strconv.Atoi, "a whole number, such as 4")
}

func (e *envDefaults) duration(flagName, variable string, def time.Duration) time.Duration {
	return envValue(e, flagName, variable, def, time.ParseDuration, "a duration with its unit, such as 30s, 5m or 1h")
}

func (e *envDefaults) bool(flagName, variable string, def bool) bool {
	return envValue(e, flagName, variable, def, strconv.ParseBool, "true or false")
}

// envValue is variable's value parsed, def when it is unset; a value that
// does not parse is noted for check, as want describes it, and def stands
// in meanwhile.
func envValue[T any](e *envDefaults, flagName, variable string, def T, parse func(string) (T, error), want string) T {
	v := os.Getenv(variable)
	if v == "" {
		return def
	}
	x, err := parse(v)
	if err != nil {
		e.bad = append(e.bad, badEnv{flagName, variable, v, want})
		return def
	}
	return x
}

// check refuses the first variable that did not parse, unless its flag was
// given on the command line (parsed by fs).
func (e *envDefaults) check(fs *flag.FlagSet) error {
	for _, b := range e.bad {
		if !given(fs, b.flag) {
			return fail(exitUsage, "%s=%q: want %s", b.variable, b.value, b.want)
		}
	}
	return nil
}

// given reports whether flag name was on the command line fs parsed.
func given(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// origin names where flag name's value came from, for messages: the
// variable when it set the value, else the flag.
func origin(fs *flag.FlagSet, name, variable string) string {
	if os.Getenv(variable) != "" && !given(fs, name) {
		return variable
	}
	return "--" + name
}

// setting is origin with the value, as the user would write it:
// "WEFT_LEASE=0s" or "--lease 0s".
func setting(fs *flag.FlagSet, name, variable string) string {
	if o := origin(fs, name, variable); o == variable {
		return variable + "=" + os.Getenv(variable)
	}
	return "--" + name + " " + fs.Lookup(name).Value.String()
}

// checkPostgresURL accepts postgres:// and postgresql:// URLs only. The
// store would take anything else for a SQLite file name, so a typo or a
// key=value connection string would start an empty database. The message
// names the scheme, never the value, which may hold a password.
func checkPostgresURL(fs *flag.FlagSet, variable, s string) error {
	if strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://") {
		return nil
	}
	got := "is not a URL"
	if scheme, ok := sqlstore.URLScheme(s); ok {
		got = fmt.Sprintf("has the scheme %q", scheme)
	} else if strings.Contains(s, "=") {
		got = "is a key=value connection string, not a URL"
	}
	return fail(exitUsage, "%s %s: want a Postgres URL, postgres://USER:PASSWORD@HOST:5432/DATABASE (or postgresql://…)", origin(fs, "postgres", variable), got)
}
