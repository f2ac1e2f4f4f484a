package completion

import (
	"reflect"
	"testing"
)

func TestParseHelp(t *testing.T) {
	for _, tc := range []struct {
		name, help string
		want       Command
	}{
		{"flags of every shape", "Usage: prog plan --config FILE [--zone Z]...\n\nFlags:\n" +
			"  -config string\n    \tconfiguration file (default \"x.yaml\")\n" +
			"  -detailed-exitcode\n    \texit 2 with changes\n" +
			"  -v\talso print native changes\n" +
			"  -zone value\n    \tplan only this zone (repeatable)\n",
			Command{Name: "plan", Flags: []Flag{
				{Name: "config", TakesArg: true, Doc: `configuration file (default "x.yaml")`, FileValue: true},
				{Name: "detailed-exitcode", Doc: "exit 2 with changes"},
				{Name: "v", Doc: "also print native changes"},
				{Name: "zone", TakesArg: true, Doc: "plan only this zone (repeatable)"},
			}}},
		{"subcommands", "Usage: prog token create|list|revoke --config FILE\n\nFlags:\n  -read-only\n    \tread only\n",
			Command{Name: "token", Subcommands: []string{"create", "list", "revoke"}, Flags: []Flag{{Name: "read-only", Doc: "read only"}}}},
		{"one subcommand", "Usage: prog import zinc --from DSN\n\nFlags:\n  -from string\n    \tzinc's database\n",
			Command{Name: "import", Subcommands: []string{"zinc"}, Flags: []Flag{{Name: "from", TakesArg: true, Doc: "zinc's database"}}}},
		{"positional argument is not a subcommand", "Usage: prog query --config FILE NAME [TYPE]\n",
			Command{Name: "query"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ParseHelp(tc.want.Name, tc.help); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
