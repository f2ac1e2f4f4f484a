package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Token is an API token as stored: its hash only.
type Token struct {
	Name     string    `json:"name"`
	Hash     string    `json:"-"`
	ReadOnly bool      `json:"read_only"`
	Created  time.Time `json:"created"`
}

// CreateToken stores a token; ErrConflict if the name is taken.
func (t *Tx) CreateToken(ctx context.Context, tok *Token) error {
	_, err := t.exec(ctx, `INSERT INTO tokens (name, hash, read_only, created_at) VALUES (?, ?, ?, ?)`,
		tok.Name, tok.Hash, tok.ReadOnly, tok.Created.UnixNano())
	return err
}

// Tokens lists every token, by name.
func (t *Tx) Tokens(ctx context.Context) ([]*Token, error) {
	return collect(ctx, t, scanToken, `SELECT name, hash, read_only, created_at FROM tokens ORDER BY name`)
}

// TokenByHash finds the token with hash.
func (t *Tx) TokenByHash(ctx context.Context, hash string) (*Token, error) {
	tok, err := scanToken(t.queryRow(ctx, `SELECT name, hash, read_only, created_at FROM tokens WHERE hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("token: %w", ErrNotFound)
	}
	return tok, err
}

// RevokeToken deletes the token called name.
func (t *Tx) RevokeToken(ctx context.Context, name string) error {
	res, err := t.exec(ctx, `DELETE FROM tokens WHERE name = ?`, name)
	if err != nil {
		return err
	}
	return changed(res, "token "+name)
}

func scanToken(row scanner) (*Token, error) {
	tok := &Token{}
	var created int64
	if err := row.Scan(&tok.Name, &tok.Hash, &tok.ReadOnly, &created); err != nil {
		return nil, err
	}
	tok.Created = time.Unix(0, created).UTC()
	return tok, nil
}
