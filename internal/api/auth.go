package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"

	"github.com/signpost-dns/signpost/internal/store"
)

// NewToken returns a new random token and the hash the store keeps.
func NewToken() (token, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand never fails on Linux
	token = "sp_" + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is how tokens are kept: SHA-256, hex.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// authenticate finds the caller's token (Authorization: Bearer, or Basic
// with the token as the password, as zinc's clients send it). A write
// needs a token that is not read-only.
func (rest *Rest) authenticate(r *http.Request, write bool) (*store.Token, error) {
	token := bearer(r)
	if token == "" {
		return nil, &problem{http.StatusUnauthorized, map[string]string{"detail": "Authentication credentials were not provided."}}
	}
	var tok *store.Token
	err := rest.Store.View(r.Context(), func(tx *store.Tx) (err error) {
		tok, err = tx.TokenByHash(r.Context(), HashToken(token))
		return err
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, &problem{http.StatusUnauthorized, map[string]string{"detail": "Invalid token."}}
	case err != nil:
		return nil, err
	case write && tok.ReadOnly:
		return nil, &problem{http.StatusForbidden, map[string]string{"detail": "This token is read-only."}}
	}
	return tok, nil
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if t, ok := strings.CutPrefix(h, "Bearer "); ok {
		return strings.TrimSpace(t)
	}
	if _, pass, ok := r.BasicAuth(); ok {
		return pass
	}
	return ""
}
