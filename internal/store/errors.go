package store

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// classify maps the databases' constraint errors onto ErrConflict
// (uniqueness) and ErrNotFound (a reference to a missing row).
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
		}
	}
	var sqErr *msqlite.Error
	if errors.As(err, &sqErr) {
		switch sqErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %s", ErrConflict, sqErr.Error())
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%w: %s", ErrNotFound, sqErr.Error())
		}
	}
	return fmt.Errorf("store: %w", err)
}
