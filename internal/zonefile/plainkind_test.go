package zonefile

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

// plainKind's shortcuts must type every plain scalar as yaml.v3 does.
func TestPlainKindAgreesWithYAML(t *testing.T) {
	for _, s := range []string{
		"", "~", "<<", "<", ".", ".5", ".inf", "-.inf", ".nan", "+1", "-1", "1_000", "0x1F", "0o17",
		"true", "True", "TRUE", "tRUE", "false", "False", "FALSE", "null", "Null", "NULL", "nul",
		"yes", "no", "on", "off", "y", "n", "Y", "N", "t", "f", "o", "O", "Yes", "NO", "On", "OFF",
		"ns1.example.net.", "type", "values", "fallback", "o.k",
		"0", "7", "60", "300", "0123", "09", "10", "1e3", "1.5", "123456789012345678", "1234567890123456789",
		"99999999999999999999", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "12:30", "127.0.0.1", "10.0.0.0/16",
		"1.2", "1.2.3", "2001:db8::1", "1a", "1 2", "1:2", "1:30:00", "0:0", "2001:db8::", "00:1", "1e3:1", "1_0:1",
		"2001-12-14 21:59:43.10 -5", "0.5", "00", "0_0",
	} {
		want := scalarKind(&yaml.Node{Kind: yaml.ScalarNode, Value: s})
		if got := plainKind(s); got != want {
			t.Errorf("plainKind(%q) = %v, yaml.v3 says %v", s, got, want)
		}
	}
}
