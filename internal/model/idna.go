package model

import (
	"fmt"
	"strings"

	"golang.org/x/net/idna"
)

// idnaProfile encodes as octoDNS's idna_encode does with Python's idna
// package: IDNA 2008, strict (no mapping beyond lower-casing), with the
// bidi and joiner rules.
var idnaProfile = idna.New(idna.ValidateForRegistration(), idna.BidiRule(), idna.CheckJoiners(true))

// IDNA returns name in its ASCII form, as octoDNS stores names and the
// DNS carries them: lower-cased, each non-ASCII label punycoded
// ("café" -> "xn--caf-dma"); a leading "*." stays. An ASCII name comes
// back as it is, untouched.
func IDNA(name string) (string, error) {
	if isASCII(name) {
		return name, nil
	}
	lower := strings.ToLower(name)
	rest, wild := strings.CutPrefix(lower, "*.")
	trail := strings.HasSuffix(rest, ".")
	enc, err := idnaProfile.ToASCII(strings.TrimSuffix(rest, "."))
	if err != nil {
		return "", fmt.Errorf("invalid IDNA name %q: %w", name, err)
	}
	if trail {
		enc += "."
	}
	if wild {
		enc = "*." + enc
	}
	return enc, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
