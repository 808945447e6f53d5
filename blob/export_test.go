package blob

import "time"

// SetTestHookBeforeRename lets tests stop a Dir write between writing the
// temporary file and renaming it into place.
func SetTestHookBeforeRename(f func(tmp string)) { testHookBeforeRename = f }

// SetS3RefreshAge changes how old an S3 object must be for a Put of its
// content to upload it again, until the test ends.
func SetS3RefreshAge(t interface{ Cleanup(func()) }, age time.Duration) {
	old := s3RefreshAge
	s3RefreshAge = age
	t.Cleanup(func() { s3RefreshAge = old })
}

// SetS3ListPage changes how many keys an S3 List asks for at a time, until
// the test ends.
func SetS3ListPage(t interface{ Cleanup(func()) }, n int32) {
	old := s3ListPage
	s3ListPage = n
	t.Cleanup(func() { s3ListPage = old })
}
