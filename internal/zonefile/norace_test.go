//go:build !race

package zonefile_test

const raceEnabled = false
