package blob

// SetTestHookBeforeRename lets tests stop a Dir write between writing the
// temporary file and renaming it into place.
func SetTestHookBeforeRename(f func(tmp string)) { testHookBeforeRename = f }
