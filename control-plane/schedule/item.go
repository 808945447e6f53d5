package schedule

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/weftrun/weft/api"
)

// triggerItem is n8n's Schedule Trigger output (buildScheduleTriggerItem),
// fields in n8n's order. Every value is a string, as moment's format
// returns them.
type triggerItem struct {
	Timestamp    string `json:"timestamp"`
	ReadableDate string `json:"Readable date"`
	ReadableTime string `json:"Readable time"`
	DayOfWeek    string `json:"Day of week"`
	Year         string `json:"Year"`
	Month        string `json:"Month"`
	DayOfMonth   string `json:"Day of month"`
	Hour         string `json:"Hour"`
	Minute       string `json:"Minute"`
	Second       string `json:"Second"`
	Timezone     string `json:"Timezone"`
}

// Item is the item a Schedule Trigger outputs when it fires at `at`, with
// the fields and formats n8n gives it in timezone tz (nil is UTC), for
// 2023-12-28 15:47:13 in Europe/Berlin:
//
//	{"timestamp": "2023-12-28T15:47:13.000+01:00",
//	 "Readable date": "December 28th 2023, 3:47:13 pm", "Readable time": "3:47:13 pm",
//	 "Day of week": "Thursday", "Year": "2023", "Month": "December", "Day of month": "28",
//	 "Hour": "15", "Minute": "47", "Second": "13", "Timezone": "Europe/Berlin (UTC+01:00)"}
//
// The Timezone field names tz as it was loaded (tz.String()).
func Item(at time.Time, tz *time.Location) api.Item {
	if tz == nil {
		tz = time.UTC
	}
	t := at.In(tz)
	it := triggerItem{
		Timestamp:    t.Format("2006-01-02T15:04:05.000-07:00"),
		ReadableDate: t.Format("January ") + ordinal(t.Day()) + t.Format(" 2006, 3:04:05 pm"),
		ReadableTime: t.Format("3:04:05 pm"),
		DayOfWeek:    t.Format("Monday"),
		Year:         t.Format("2006"),
		Month:        t.Format("January"),
		DayOfMonth:   t.Format("02"),
		Hour:         t.Format("15"),
		Minute:       t.Format("04"),
		Second:       t.Format("05"),
		Timezone:     tz.String() + " (UTC" + t.Format("-07:00") + ")",
	}
	b, err := json.Marshal(it)
	if err != nil {
		panic(err) // strings only: cannot fail
	}
	return api.Item{JSON: b}
}

// ordinal is moment's English "Do": 1st, 2nd, 3rd, 4th, 11th, 12th, 13th,
// 21st, 22nd, 23rd, 31st.
func ordinal(n int) string {
	suffix := "th"
	if n%100/10 != 1 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}
