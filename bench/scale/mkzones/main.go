// Command mkzones writes a large zone set for measuring serve by hand:
// mkzones [-plain] DIR ZONES RECORDS_PER_ZONE.
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"

	"github.com/signpost-dns/signpost/bench/scale/zonegen"
)

func main() {
	plain := flag.Bool("plain", false, "one A record per name, every tenth dynamic")
	flag.Parse()
	if flag.NArg() != 3 {
		fmt.Fprintln(os.Stderr, "usage: mkzones [-plain] DIR ZONES RECORDS_PER_ZONE")
		os.Exit(2)
	}
	zones, err1 := strconv.Atoi(flag.Arg(1))
	records, err2 := strconv.Atoi(flag.Arg(2))
	if err1 != nil || err2 != nil {
		fmt.Fprintln(os.Stderr, "ZONES and RECORDS_PER_ZONE are numbers")
		os.Exit(2)
	}
	mix := zonegen.Realistic
	if *plain {
		mix = zonegen.Plain
	}
	n, err := zonegen.Write(flag.Arg(0), zones, records, mix)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%d records in %d zones\n", n, zones)
}
