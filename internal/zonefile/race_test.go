//go:build race

package zonefile_test

const raceEnabled = true
