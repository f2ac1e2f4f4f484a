// Command mkgeo writes the GeoIP database the DNS benchmark gives every
// server: documentation and shared-address ranges placed on continents.
package main

import (
	"fmt"
	"os"

	"github.com/signpost-dns/signpost/internal/geo/geotest"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mkgeo OUT.mmdb")
		os.Exit(2)
	}
	nets := append(geotest.Default, geotest.Network{CIDR: "100.64.0.0/10", Continent: "SA", Country: "BR"})
	if err := geotest.Write(os.Args[1], nets); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
