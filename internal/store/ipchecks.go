package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
)

// IPCheck is a provider's health check of an IP.
type IPCheck struct {
	Provider  string
	Address   netip.Addr
	Reference string // the CallerReference, saved before the check exists
	ID        string // "" until the check was created
}

// PutIPCheck saves c, replacing what the provider had for the address.
func (t *Tx) PutIPCheck(ctx context.Context, c *IPCheck) error {
	_, err := t.exec(ctx, `INSERT INTO ip_checks (provider, address, caller_reference, check_id) VALUES (?, ?, ?, ?)
		ON CONFLICT (provider, address) DO UPDATE SET caller_reference = excluded.caller_reference, check_id = excluded.check_id`,
		c.Provider, c.Address.String(), c.Reference, c.ID)
	return err
}

// IPCheck reads the provider's check of addr; ErrNotFound when it has none.
func (t *Tx) IPCheck(ctx context.Context, provider string, addr netip.Addr) (*IPCheck, error) {
	c := &IPCheck{Provider: provider, Address: addr}
	err := t.queryRow(ctx, `SELECT caller_reference, check_id FROM ip_checks WHERE provider = ? AND address = ?`, provider, addr.String()).
		Scan(&c.Reference, &c.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("check of %s at %s: %w", addr, provider, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return c, nil
}

// DeleteIPCheck forgets the provider's check of addr.
func (t *Tx) DeleteIPCheck(ctx context.Context, provider string, addr netip.Addr) error {
	res, err := t.exec(ctx, `DELETE FROM ip_checks WHERE provider = ? AND address = ?`, provider, addr.String())
	if err != nil {
		return err
	}
	return changed(res, "check of "+addr.String())
}

// IPChecks reads a provider's IP checks.
func (t *Tx) IPChecks(ctx context.Context, provider string) ([]*IPCheck, error) {
	return collect(ctx, t, scanIPCheck(provider), `SELECT address, caller_reference, check_id FROM ip_checks WHERE provider = ? ORDER BY address`, provider)
}

func scanIPCheck(provider string) func(scanner) (*IPCheck, error) {
	return func(row scanner) (*IPCheck, error) {
		c := &IPCheck{Provider: provider}
		var addr string
		if err := row.Scan(&addr, &c.Reference, &c.ID); err != nil {
			return nil, err
		}
		a, err := netip.ParseAddr(addr)
		c.Address = a
		return c, err
	}
}
