// Package signpost holds what every copy of signpost carries with it: its
// NOTICE (the licence and the attributions the embedded data requires),
// printed by `signpost version --verbose`. The program is cmd/signpost;
// its parts are under internal/.
package signpost

import _ "embed"

// Notice is the NOTICE file.
//
//go:embed NOTICE
var Notice string
