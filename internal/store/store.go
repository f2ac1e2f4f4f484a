// Package store keeps the state signpost owns, as opposed to zone files:
// zinc's IPs, policies and members, store-managed zones and their records,
// API tokens and the event log. SQLite (pure Go, the default) or
// PostgreSQL, through database/sql; the schema's migrations are embedded
// and applied at Open, and a database written by a newer signpost is
// refused. Every write is one transaction (Update): a function that
// returns an error leaves nothing behind.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

//go:embed migrations
var migrations embed.FS

// dialect is which database a store is in.
type dialect string

// Dialects.
const (
	sqlite   dialect = "sqlite"
	postgres dialect = "postgres"
)

// driver is the database/sql driver's name.
func (d dialect) driver() string {
	if d == postgres {
		return "pgx"
	}
	return "sqlite"
}

func (d dialect) goose() goose.Dialect {
	if d == postgres {
		return goose.DialectPostgres
	}
	return goose.DialectSQLite3
}

// Store is an open database.
type Store struct {
	db      *sql.DB
	dialect dialect
	version int64
}

// ErrNewer means the database was written by a newer signpost.
var ErrNewer = errors.New("the database was written by a newer signpost")

// Open opens url — "postgres://..." (or "postgresql://...") for PostgreSQL,
// anything else a SQLite file path ("sqlite://" prefix optional) — and
// applies the embedded migrations.
func Open(ctx context.Context, url string) (*Store, error) {
	d, dsn := sqlite, sqliteDSN(url)
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		d, dsn = postgres, url
	}
	db, err := sql.Open(d.driver(), dsn)
	if err != nil {
		return nil, fmt.Errorf("opening the store: %w", err)
	}
	if d == sqlite {
		db.SetMaxOpenConns(1) // one writer; SQLite serializes anyway, and this keeps transactions from failing busy
	}
	s := &Store{db: db, dialect: d}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func sqliteDSN(url string) string {
	path := strings.TrimPrefix(url, "sqlite://")
	return "file:" + path + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)"
}

// migrate applies the embedded migrations, refusing a database newer than
// them.
func (s *Store) migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrations, "migrations/"+string(s.dialect))
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(s.dialect.goose(), s.db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("store migrations: %w", err)
	}
	sources := p.ListSources()
	known := sources[len(sources)-1].Version
	have, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("reading the store's schema version: %w", err)
	}
	if have > known {
		return fmt.Errorf("%w: its schema is version %d, this signpost knows up to %d; run the newer signpost or restore a backup", ErrNewer, have, known)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrating the store from version %d to %d: %w", have, known, err)
	}
	s.version = known
	return nil
}

// Version is the schema version in use.
func (s *Store) Version() int64 { return s.version }

// Dialect is "sqlite" or "postgres".
func (s *Store) Dialect() string { return string(s.dialect) }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// rebind turns "?" placeholders into PostgreSQL's "$1, $2, ...".
func (d dialect) rebind(query string) string {
	if d != postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
