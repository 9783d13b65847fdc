//go:build race

package awsjson

// raceEnabled: the race detector's sync.Pool drops some of what it is
// given, so allocation counts are not the program's.
const raceEnabled = true
