package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/signpost-dns/signpost/internal/api"
	"github.com/signpost-dns/signpost/internal/config"
	"github.com/signpost-dns/signpost/internal/store"
)

// withStore opens (creating if need be) the store the configuration at
// path names, and runs fn on it.
func withStore(ctx context.Context, path string, fn func(*store.Store) error) error {
	cfg, err := config.Load(path)
	if err != nil {
		return err
	}
	if cfg.Store.URL == "none" {
		return errors.New("store.url is none: there is no store to keep tokens in")
	}
	st, err := store.Open(ctx, cfg.Store.URL)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(st)
}

// CreateToken stores a new API token called name and returns it; only its
// hash is kept, so this is the one time it can be read.
func CreateToken(ctx context.Context, path, name string, readOnly bool) (string, error) {
	if name == "" {
		return "", errors.New("a token needs a name")
	}
	token, hash := api.NewToken()
	err := withStore(ctx, path, func(st *store.Store) error {
		return st.Update(ctx, func(tx *store.Tx) error {
			err := tx.CreateToken(ctx, &store.Token{Name: name, Hash: hash, ReadOnly: readOnly, Created: time.Now().UTC()})
			if errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("a token called %q exists; revoke it first", name)
			}
			return err
		})
	})
	return token, err
}

// Tokens lists the stored tokens (names, never the tokens).
func Tokens(ctx context.Context, path string) ([]*store.Token, error) {
	var out []*store.Token
	err := withStore(ctx, path, func(st *store.Store) error {
		return st.View(ctx, func(tx *store.Tx) (err error) { out, err = tx.Tokens(ctx); return err })
	})
	return out, err
}

// RevokeToken deletes the token called name.
func RevokeToken(ctx context.Context, path, name string) error {
	return withStore(ctx, path, func(st *store.Store) error {
		return st.Update(ctx, func(tx *store.Tx) error { return tx.RevokeToken(ctx, name) })
	})
}
