package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Tx is one transaction; its methods read and write inside it.
type Tx struct {
	tx      *sql.Tx
	dialect dialect
}

// ErrNotFound is a read or write of something that does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is a write that would break a uniqueness rule.
var ErrConflict = errors.New("conflict")

// Update runs fn in a transaction and commits if it returns nil; on an
// error (fn's, or the commit's) nothing it wrote stays.
func (s *Store) Update(ctx context.Context, fn func(*Tx) error) error {
	return s.run(ctx, false, fn)
}

// View runs fn in a read-only transaction.
func (s *Store) View(ctx context.Context, fn func(*Tx) error) error {
	return s.run(ctx, true, fn)
}

func (s *Store) run(ctx context.Context, readOnly bool, fn func(*Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: readOnly}
	if s.dialect == sqlite {
		opts = nil // SQLite's driver refuses read-only transactions with a pool of one
	}
	sqlTx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		if c := classify(err); errors.Is(c, ErrFull) {
			return c
		}
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	tx := &Tx{tx: sqlTx, dialect: s.dialect}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", classify(err))
	}
	return nil
}

func (t *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := t.tx.ExecContext(ctx, t.dialect.rebind(query), args...)
	if err != nil {
		return nil, classify(err)
	}
	return res, nil
}

func (t *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := t.tx.QueryContext(ctx, t.dialect.rebind(query), args...)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return rows, nil
}

func (t *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.dialect.rebind(query), args...)
}

// changed requires a write to have touched a row.
func changed(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}

// collect runs a query and scans every row with scan.
func collect[T any](ctx context.Context, t *Tx, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
