// Package schedule computes when an n8n Schedule Trigger node
// (n8n-nodes-base.scheduleTrigger, type versions 1 to 1.3) fires, and the
// item it outputs when it does. It is pure computation: the control plane
// decides which instance fires and starts the executions.
//
// # Rules
//
// The node's rule.interval list holds rules; the node fires at every
// instant any rule names (once, when several name the same instant). Each
// rule becomes the cron expression n8n's toCronExpression builds (six
// fields, seconds first), with n8n's parameter defaults for absent
// parameters:
//
//	seconds         */N * * * * *            N = secondsInterval (30)
//	minutes         S */N * * * *            N = minutesInterval (5)
//	hours           S M */N * * *            N = hoursInterval (1), when N divides 24
//	                S M * * * *              otherwise, every N hours (below)
//	days            S M H * * *              every daysInterval (1) days
//	weeks           S M H * * D              D = triggerAtDay ([0], Sunday; [] is every day),
//	                                         every weeksInterval (1) weeks
//	months          S M H DOM * *            DOM = triggerAtDayOfMonth (1), every monthsInterval (1) months
//	cronExpression  expression as written    5 fields (seconds 0) or 6, the cron package's syntax
//
// M is triggerAtMinute (0) and H triggerAtHour (0). S, the second, is
// n8n's deterministic filler: the first four bytes of
// SHA-256("<workflow id>:<node id>:second") modulo 60 (WithWorkflowID; the
// node's name stands in for a missing id), so every control plane, and
// n8n, fires the same node at the same second. A time parameter set to
// null gets the same kind of filler ("minute", "hour", "dayOfMonth" 1-28).
// From typeVersion 1.3 the intervals are checked as n8n checks them
// (seconds and minutes 1-59, hours 1-23, days 1-31); every version needs
// whole numbers of at least 1.
//
// Cron expressions follow the `cron` npm package n8n uses: month and
// weekday names, @daily and the other presets, 7 for Sunday, day of month
// and day of week combined with OR when both are restricted. An expression
// that can never match (30 February) is an error, as n8n rejects it.
//
// "Every N" rules: n8n fires the first match after activation and then
// filters by how many hours, days, weeks or months have passed since the
// last firing, state kept in the workflow's static data. Here the count
// runs from a fixed anchor instead (WithAnchor; midnight, 1 January 1970,
// in the workflow's timezone by default), so that Next is a function of
// its argument: every N days fires on the days whose distance in days from
// the anchor's date is a multiple of N, weeks (Sunday to Saturday, n8n's
// weeks) and months likewise; every N hours, N not a divisor of 24, fires
// at the first reading of S M at or after each anchor + k·N hours of
// elapsed time. With the default anchor, "every 2, 3, 4, 6 or 12 months"
// fires in January and every N months after, which is n8n's */N; for N not a
// divisor of 12 n8n's mix of */N and its filter has no steady period, and
// this one has.
//
// # Time zone and daylight saving
//
// Rules are evaluated on the wall clock of the workflow's timezone
// (settings.timezone; "" and "DEFAULT" are the server's, WithDefaultTimezone,
// UTC by default). Where daylight saving moves the clock, an expression
// whose hour field covers all 24 hours (seconds, minutes, hourly rules,
// crons such as "*/5 * * * *") repeats through the day and follows the
// clock's reading at each instant: when the clock is set back it fires in
// both passes through the repeated hour (every hour stays an hour of
// elapsed time: 01:30 EDT, 01:30 EST, 02:30 EST), and when it is set
// forward the skipped readings do not occur (01:30 EST, then 03:30 EDT).
// Any other expression names times of day, and each wall-clock time it
// names fires exactly once:
//
//   - a time the clock reads twice fires at its first occurrence only
//     (01:30 on the night New York sets clocks back fires at 01:30 EDT);
//   - a time the clock skips fires at the first instant after the gap,
//     the instant the clock jumps (02:30 on the night New York sets clocks
//     forward fires at 03:00:00 EDT; all the times a gap skips fire there
//     together, once). This is what n8n's cron package does: it schedules
//     "on the first tick after the forward jump".
//
// When the clock is set back, n8n's cron package (going by its source) also
// returns the instant of the change and the second pass of a repeated time
// as firings; those duplicates are not kept here.
//
// # Missed firings
//
// After downtime (no control plane ran the trigger), Missed decides: of the
// firings due after the last one made and up to now, at most one is made
// up, the most recent, and only if it is no more than the grace window
// before now (Schedule.Grace, DefaultGrace = 1 hour). Older missed firings
// are skipped; a control plane that was down for a day runs a minutely
// schedule once on restart, not 1,440 times. n8n itself makes up none.
//
// # The item
//
// Item builds the item the trigger outputs, with n8n's field names and
// formats (all strings): timestamp, "Readable date", "Readable time",
// "Day of week", Year, Month, "Day of month", Hour, Minute, Second,
// Timezone.
package schedule
