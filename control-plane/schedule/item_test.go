package schedule

import (
	"encoding/json"
	"testing"
	"time"
)

func TestItem(t *testing.T) {
	load := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	tests := []struct {
		at   string
		tz   *time.Location
		want string
	}{
		// n8n's manual-run test: the emission time keeps its milliseconds.
		{"2023-12-28T12:34:56.789Z", load("Europe/Berlin"),
			`{"timestamp":"2023-12-28T13:34:56.789+01:00","Readable date":"December 28th 2023, 1:34:56 pm","Readable time":"1:34:56 pm",` +
				`"Day of week":"Thursday","Year":"2023","Month":"December","Day of month":"28","Hour":"13","Minute":"34","Second":"56",` +
				`"Timezone":"Europe/Berlin (UTC+01:00)"}`},
		{"2024-07-01T04:05:06Z", load("America/New_York"),
			`{"timestamp":"2024-07-01T00:05:06.000-04:00","Readable date":"July 1st 2024, 12:05:06 am","Readable time":"12:05:06 am",` +
				`"Day of week":"Monday","Year":"2024","Month":"July","Day of month":"01","Hour":"00","Minute":"05","Second":"06",` +
				`"Timezone":"America/New_York (UTC-04:00)"}`},
		{"2024-10-05T15:30:00Z", load("Australia/Lord_Howe"),
			`{"timestamp":"2024-10-06T02:30:00.000+11:00","Readable date":"October 6th 2024, 2:30:00 am","Readable time":"2:30:00 am",` +
				`"Day of week":"Sunday","Year":"2024","Month":"October","Day of month":"06","Hour":"02","Minute":"30","Second":"00",` +
				`"Timezone":"Australia/Lord_Howe (UTC+11:00)"}`},
		{"2024-06-22T12:00:00Z", nil,
			`{"timestamp":"2024-06-22T12:00:00.000+00:00","Readable date":"June 22nd 2024, 12:00:00 pm","Readable time":"12:00:00 pm",` +
				`"Day of week":"Saturday","Year":"2024","Month":"June","Day of month":"22","Hour":"12","Minute":"00","Second":"00",` +
				`"Timezone":"UTC (UTC+00:00)"}`},
	}
	for _, tt := range tests {
		it := Item(ts(t, tt.at), tt.tz)
		if got := string(it.JSON); got != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.at, got, tt.want)
		}
		if it.Binary != nil || it.PairedItem != nil {
			t.Errorf("%s: item has more than json: %+v", tt.at, it)
		}
		var m map[string]any
		if err := json.Unmarshal(it.JSON, &m); err != nil || len(m) != 11 {
			t.Errorf("%s: %d fields, %v", tt.at, len(m), err)
		}
	}
}

func TestOrdinal(t *testing.T) {
	want := map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 10: "10th", 11: "11th", 12: "12th", 13: "13th",
		20: "20th", 21: "21st", 22: "22nd", 23: "23rd", 24: "24th", 30: "30th", 31: "31st"}
	for n, w := range want {
		if got := ordinal(n); got != w {
			t.Errorf("ordinal(%d) = %s, want %s", n, got, w)
		}
	}
}
