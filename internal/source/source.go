// Package source provides signpost's desired state: zones from wherever
// they are kept, behind one small interface, with a signal when they
// change. The zone-file directory is the first source; a change to any
// source makes the server build the next state beside the running one and
// swap it in.
package source

import (
	"context"

	"github.com/signpost-dns/signpost/internal/model"
)

// Source is one place desired zones come from.
type Source interface {
	// Name says where the zones come from, for logs.
	Name() string
	// Zones reads every zone. Problems are about records (with file and
	// line where there is one); the error is about the source as a whole.
	Zones(ctx context.Context) ([]*model.Zone, model.Problems, error)
	// Watch calls changed whenever the zones may differ from those Zones
	// last returned, until ctx is done. changed must not block.
	Watch(ctx context.Context, changed func(why string))
}
