//go:build !race

package awsjson

const raceEnabled = false
