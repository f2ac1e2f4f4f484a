package store

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrUnavailable is a transaction that could not start: the database does
// not answer.
var ErrUnavailable = errors.New("the store is unavailable")

// ErrFull is a write refused because the database's disk is full; the
// transaction was rolled back.
var ErrFull = errors.New("the store's disk is full")

// classify maps the databases' errors onto ErrConflict (uniqueness),
// ErrNotFound (a reference to a missing row) and ErrFull (no space left).
func classify(err error) error {
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return fmt.Errorf("%w: %s", ErrConflict, pgErr.Detail)
		case "23503":
			return fmt.Errorf("%w: %s", ErrNotFound, pgErr.Detail)
		case "53100":
			return fmt.Errorf("%w: %s", ErrFull, pgErr.Message)
		}
	}
	var sqErr *msqlite.Error
	if errors.As(err, &sqErr) {
		switch sqErr.Code() & 0xff {
		case sqlite3.SQLITE_FULL:
			return fmt.Errorf("%w: %s", ErrFull, sqErr.Error())
		}
		switch sqErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %s", ErrConflict, sqErr.Error())
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%w: %s", ErrNotFound, sqErr.Error())
		}
	}
	return fmt.Errorf("store: %w", err)
}
