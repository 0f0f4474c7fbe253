package rewards

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
)

// keyScheme prefixes every issuer API key, so a leaked key is recognizable (secret scanners).
const keyScheme = "ghi_"

// keyPrefixLen is how many characters of a key (after the scheme) are stored in clear to find it.
const keyPrefixLen = 12

// APIKey is a new issuer key: Secret is shown once and never stored; Prefix and Hash are.
type APIKey struct {
	Secret string
	Prefix string
	Hash   []byte
}

// NewAPIKey returns a key of 32 random bytes. Keys are high-entropy, so a fast hash (SHA-256) is
// the right way to store them: nothing is gained from a slow password hash.
func NewAPIKey() APIKey {
	raw := make([]byte, 32)
	_, _ = rand.Read(raw) // crypto/rand.Read never fails (Go 1.24+)
	secret := keyScheme + hex.EncodeToString(raw)
	return APIKey{Secret: secret, Prefix: secret[len(keyScheme) : len(keyScheme)+keyPrefixLen], Hash: HashKey(secret)}
}

// HashKey is how a key is stored.
func HashKey(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// KeyPrefix returns the lookup prefix of a presented key; ok is false when it cannot be a key.
func KeyPrefix(secret string) (string, bool) {
	rest, ok := strings.CutPrefix(secret, keyScheme)
	if !ok || len(rest) != 64 {
		return "", false
	}
	return rest[:keyPrefixLen], true
}

// KeyMatches compares a presented key with a stored hash in constant time.
func KeyMatches(secret string, hash []byte) bool {
	return subtle.ConstantTimeCompare(HashKey(secret), hash) == 1
}
