package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"

	"github.com/google/uuid"

	"github.com/signpost-dns/signpost/internal/model"
)

// CreatePolicy adds p and its members, giving ids to those without one.
func (t *Tx) CreatePolicy(ctx context.Context, p *model.Policy) error {
	if p.ID == "" {
		p.ID = uuid.NewString()
	}
	if _, err := t.exec(ctx, `INSERT INTO policies (id, name, routing, ttl) VALUES (?, ?, ?, ?)`, p.ID, p.Name, string(p.Routing), p.TTL); err != nil {
		return err
	}
	return t.insertMembers(ctx, p)
}

// UpdatePolicy replaces the policy at p.ID: its fields and its members
// (members keep the ids they carry; new ones get ids).
func (t *Tx) UpdatePolicy(ctx context.Context, p *model.Policy) error {
	res, err := t.exec(ctx, `UPDATE policies SET name = ?, routing = ?, ttl = ? WHERE id = ?`, p.Name, string(p.Routing), p.TTL, p.ID)
	if err != nil {
		return err
	}
	if err := changed(res, "policy "+p.ID); err != nil {
		return err
	}
	if _, err := t.exec(ctx, `DELETE FROM members WHERE policy_id = ?`, p.ID); err != nil {
		return err
	}
	if err := t.markPolicies(ctx, p.ID); err != nil {
		return err
	}
	return t.insertMembers(ctx, p)
}

func (t *Tx) insertMembers(ctx context.Context, p *model.Policy) error {
	for i := range p.Members {
		m := &p.Members[i]
		if m.ID == "" {
			m.ID = uuid.NewString()
		}
		_, err := t.exec(ctx, `INSERT INTO members (id, policy_id, ip, region, weight, enabled) VALUES (?, ?, ?, ?, ?, ?)`,
			m.ID, p.ID, m.IP.String(), m.Region, m.Weight, m.Enabled)
		if err != nil {
			return fmt.Errorf("member %d (%s): %w", i, m.IP, err)
		}
	}
	return nil
}

// DeletePolicy removes a policy and its members.
func (t *Tx) DeletePolicy(ctx context.Context, id string) error {
	if err := t.markPolicies(ctx, id); err != nil {
		return err
	}
	res, err := t.exec(ctx, `DELETE FROM policies WHERE id = ?`, id)
	if err != nil {
		return err
	}
	return changed(res, "policy "+id)
}

// Policy reads one policy with its members.
func (t *Tx) Policy(ctx context.Context, id string) (*model.Policy, error) {
	p, err := scanPolicy(t.queryRow(ctx, `SELECT id, name, routing, ttl FROM policies WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("policy %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	members, err := t.members(ctx, `WHERE policy_id = ?`, id)
	p.Members = members[id]
	return p, err
}

// Policies reads every policy with its members, by name.
func (t *Tx) Policies(ctx context.Context) ([]*model.Policy, error) {
	out, err := collect(ctx, t, scanPolicy, `SELECT id, name, routing, ttl FROM policies ORDER BY name`)
	if err != nil {
		return nil, err
	}
	members, err := t.members(ctx, "")
	for _, p := range out {
		p.Members = members[p.ID]
	}
	return out, err
}

func scanPolicy(row scanner) (*model.Policy, error) {
	p := &model.Policy{}
	var routing string
	if err := row.Scan(&p.ID, &p.Name, &routing, &p.TTL); err != nil {
		return nil, err
	}
	p.Routing = model.Routing(routing)
	return p, nil
}

// members reads members by policy id, each policy's ordered by region
// then address, as zinc lists them.
func (t *Tx) members(ctx context.Context, where string, args ...any) (map[string][]model.Member, error) {
	rows, err := t.query(ctx, `SELECT policy_id, id, ip, region, weight, enabled FROM members `+where+` ORDER BY policy_id, region, ip`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]model.Member{}
	for rows.Next() {
		var policy, ip string
		var m model.Member
		if err := rows.Scan(&policy, &m.ID, &ip, &m.Region, &m.Weight, &m.Enabled); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		if m.IP, err = netip.ParseAddr(ip); err != nil {
			return nil, fmt.Errorf("store: member %s: %w", m.ID, err)
		}
		out[policy] = append(out[policy], m)
	}
	return out, rows.Err()
}

// PolicyNames returns every policy's name by id.
func (t *Tx) PolicyNames(ctx context.Context) (map[string]string, error) {
	type pair struct{ id, name string }
	pairs, err := collect(ctx, t, func(row scanner) (pair, error) {
		var p pair
		return p, row.Scan(&p.id, &p.name)
	}, `SELECT id, name FROM policies`)
	out := make(map[string]string, len(pairs))
	for _, p := range pairs {
		out[p.id] = p.name
	}
	return out, err
}

// PoliciesWithIP reads the policies that have addr as a member.
func (t *Tx) PoliciesWithIP(ctx context.Context, addr netip.Addr) ([]*model.Policy, error) {
	ids, err := t.policyIDsWithIP(ctx, addr)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Policy, 0, len(ids))
	for _, id := range ids {
		p, err := t.Policy(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func (t *Tx) policyIDsWithIP(ctx context.Context, addr netip.Addr) ([]string, error) {
	return collect(ctx, t, func(row scanner) (string, error) {
		var id string
		return id, row.Scan(&id)
	}, `SELECT DISTINCT policy_id FROM members WHERE ip = ?`, addr.String())
}

// markIP marks dirty the policy records of every policy addr is in.
func (t *Tx) markIP(ctx context.Context, addr netip.Addr) error {
	ids, err := t.policyIDsWithIP(ctx, addr)
	if err != nil {
		return err
	}
	return t.markPolicies(ctx, ids...)
}
