package engine

import "github.com/signpost-dns/signpost/internal/model"

// unplaced ranks pools without a point behind every placed one: no two
// places on Earth are this far apart.
const unplaced = 1e6

// maxNearest bounds the pools a nearest rule orders without allocating;
// past it, the pools past the bound are tried in name order after them.
const maxNearest = 128

// nearest answers from the pool nearest the client that has an eligible
// value: pools in order of great-circle distance from the client's point,
// or in name order when the client's point is unknown.
func nearest(d *dynamic, owner string, c *client, h Health, r Rand, resp *Response, tr *Trace) (*cnameTarget, bool) {
	var dist [maxNearest]float64
	n := min(len(d.pools), maxNearest)
	pt := c.point(tr)
	for i := range n {
		pl := &d.pools[i]
		switch {
		case pt == nil:
			dist[i] = float64(i) // name order
		case pl.point == nil:
			dist[i] = unplaced + float64(i) // after every placed pool, in name order
		default:
			dist[i] = model.DistanceKm(*pt, *pl.point)
		}
	}
	if tr != nil && pt != nil {
		for i := range n {
			if dist[i] >= unplaced {
				tr.addf("region %s has no coordinates", d.pools[i].name)
			} else {
				tr.addf("region %s at %.0f km", d.pools[i].name, dist[i])
			}
		}
	}
	for range n {
		best := -1
		for i := range n {
			if dist[i] >= 0 && (best < 0 || dist[i] < dist[best]) {
				best = i
			}
		}
		pl := &d.pools[best]
		dist[best] = -1
		if first, ok := pick(pl, d.answers, owner, h, r, resp, tr); ok {
			resp.Pool = pl.name
			return first, true
		}
	}
	for i := n; i < len(d.pools); i++ {
		if first, ok := pick(&d.pools[i], d.answers, owner, h, r, resp, tr); ok {
			resp.Pool = d.pools[i].name
			return first, true
		}
	}
	return nil, false
}

// point returns the client's coordinates from its location, or nil.
func (c *client) point(tr *Trace) *model.Point {
	loc, ok := c.location()
	switch {
	case ok && loc.Point != nil:
		if tr != nil {
			tr.addf("client at %.2f, %.2f (%s)", loc.Point.Latitude, loc.Point.Longitude, loc.Code())
		}
		return loc.Point
	case tr != nil:
		tr.addf("client's coordinates unknown: regions in name order")
	}
	return nil
}
