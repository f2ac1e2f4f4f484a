package providertest_test

import (
	"testing"

	"github.com/signpost-dns/signpost/internal/plan"
	"github.com/signpost-dns/signpost/internal/provider"
	"github.com/signpost-dns/signpost/internal/provider/providertest"
)

func TestMemory(t *testing.T) {
	providertest.Run(t, providertest.Harness{New: func(testing.TB) provider.Provider { return providertest.NewMemory("mem", nil) }})
}

// TestMemoryWithoutDynamic runs the suite on a provider that takes only
// static records: the dynamic steps are skipped, and a dynamic record is
// refused with its file and line.
func TestMemoryWithoutDynamic(t *testing.T) {
	caps := plan.Supports(plan.RecordType("A"), plan.RecordType("CNAME"), plan.RecordType("MX"), plan.RecordType("TXT"))
	providertest.Run(t, providertest.Harness{New: func(testing.TB) provider.Provider { return providertest.NewMemory("static", caps) }})
}
