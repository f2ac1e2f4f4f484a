package plan

import (
	"fmt"
	"io"
)

// Print writes each zone plan's steps and record-level changes and a
// summary line; verbose adds each change's native lines.
func (p *Plan) Print(w io.Writer, verbose bool) {
	if len(p.Zones) == 0 {
		fmt.Fprintln(w, "No zone has a target (zones.targets).")
	}
	for i := range p.Zones {
		p.Zones[i].Print(w, verbose)
	}
}

var marks = map[Action]string{Create: "+", Update: "~", Delete: "-"}

// Print writes one zone plan.
func (z *ZonePlan) Print(w io.Writer, verbose bool) {
	fmt.Fprintf(w, "%s -> %s\n", z.Zone, z.Target)
	for _, s := range z.Steps {
		fmt.Fprintf(w, "  * %s\n", s)
	}
	for _, c := range z.Changes {
		fmt.Fprintf(w, "  %s %s %s %s (%d native changes)\n", marks[c.Action], c.Action, c.Name, c.Type, len(c.Native))
		if verbose {
			for _, n := range c.Native {
				fmt.Fprintf(w, "      %s\n", n)
			}
		}
	}
	for _, warn := range z.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", warn)
	}
	c, u, d := z.Counts()
	fmt.Fprintf(w, "Summary: %s -> %s: Creates=%d, Updates=%d, Deletes=%d, Existing=%d, Steps=%d\n",
		z.Zone, z.Target, c, u, d, z.Existing, len(z.Steps))
}
