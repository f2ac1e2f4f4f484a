package reconcile

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/signpost-dns/signpost/internal/plan"
)

// SavePlan writes p as JSON to path (`plan --out`).
func SavePlan(path string, p *plan.Plan) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding plan: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing plan: %w", err)
	}
	return nil
}

// LoadPlan reads a plan SavePlan wrote (`apply --plan`).
func LoadPlan(path string) (*plan.Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading plan: %w", err)
	}
	var p plan.Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("reading plan %s: %w", path, err)
	}
	return &p, nil
}
