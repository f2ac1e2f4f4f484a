package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"

	"github.com/signpost-dns/signpost/internal/model"
)

// CreateIP adds ip; ErrConflict if its address exists.
func (t *Tx) CreateIP(ctx context.Context, ip *model.IP) error {
	hc, err := encodeCheck(ip.Healthcheck)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO ips (address, hostname, friendly_name, enabled, healthcheck) VALUES (?, ?, ?, ?, ?)`,
		ip.Address.String(), ip.Hostname, ip.FriendlyName, ip.Enabled, hc)
	return err
}

// UpdateIP replaces the fields of the IP at ip.Address.
func (t *Tx) UpdateIP(ctx context.Context, ip *model.IP) error {
	hc, err := encodeCheck(ip.Healthcheck)
	if err != nil {
		return err
	}
	if err := t.markIP(ctx, ip.Address); err != nil {
		return err
	}
	res, err := t.exec(ctx, `UPDATE ips SET hostname = ?, friendly_name = ?, enabled = ?, healthcheck = ? WHERE address = ?`,
		ip.Hostname, ip.FriendlyName, ip.Enabled, hc, ip.Address.String())
	if err != nil {
		return err
	}
	return changed(res, "ip "+ip.Address.String())
}

// DeleteIP removes an IP and, with it, its policy memberships.
func (t *Tx) DeleteIP(ctx context.Context, addr netip.Addr) error {
	if err := t.markIP(ctx, addr); err != nil {
		return err
	}
	res, err := t.exec(ctx, `DELETE FROM ips WHERE address = ?`, addr.String())
	if err != nil {
		return err
	}
	return changed(res, "ip "+addr.String())
}

// IP reads one IP.
func (t *Tx) IP(ctx context.Context, addr netip.Addr) (*model.IP, error) {
	ip, err := scanIP(t.queryRow(ctx, `SELECT address, hostname, friendly_name, enabled, healthcheck FROM ips WHERE address = ?`, addr.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("ip %s: %w", addr, ErrNotFound)
	}
	return ip, err
}

// IPs reads every IP, by address.
func (t *Tx) IPs(ctx context.Context) ([]*model.IP, error) {
	return collect(ctx, t, scanIP, `SELECT address, hostname, friendly_name, enabled, healthcheck FROM ips ORDER BY address`)
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanIP(row scanner) (*model.IP, error) {
	var addr, hc string
	ip := &model.IP{}
	if err := row.Scan(&addr, &ip.Hostname, &ip.FriendlyName, &ip.Enabled, &hc); err != nil {
		return nil, err
	}
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return nil, fmt.Errorf("store: ip %q: %w", addr, err)
	}
	ip.Address = a
	if hc != "" {
		ip.Healthcheck = &model.Healthcheck{}
		if err := json.Unmarshal([]byte(hc), ip.Healthcheck); err != nil {
			return nil, fmt.Errorf("store: health check of %s: %w", addr, err)
		}
	}
	return ip, nil
}

func encodeCheck(hc *model.Healthcheck) (string, error) {
	if hc == nil {
		return "", nil
	}
	b, err := json.Marshal(hc)
	return string(b), err
}
