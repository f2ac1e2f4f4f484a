package provider

import "context"

// HealthView says whether a pool value is serving now, by its record
// ("fqdn TYPE", lower case) and value; a value it does not know serves.
type HealthView func(record, value string) bool

// HealthFollower is a provider whose writes depend on health (a server
// that cannot steer per client gets what the record answers now): serve
// pushes to it as soon as a health transition happens.
type HealthFollower interface {
	FollowsHealth() bool
}

type healthKey struct{}

// WithHealth returns ctx carrying the health a plan is made with.
func WithHealth(ctx context.Context, v HealthView) context.Context {
	return context.WithValue(ctx, healthKey{}, v)
}

// HealthOf returns the health ctx carries; nil means every value serves
// (plan and apply from the command line, without a running node).
func HealthOf(ctx context.Context) HealthView {
	v, _ := ctx.Value(healthKey{}).(HealthView)
	return v
}
