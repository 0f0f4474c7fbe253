package postgres

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// secretBox seals the secrets Guildhall must read back (a webhook's signing secret) before they
// are stored, so a copy of the database does not reveal them: AES-256-GCM under a key derived from
// a key the database never holds (the operator's, see SecretKey).
type secretBox struct{ aead cipher.AEAD }

// sealedPrefix marks a sealed value and its scheme.
const sealedPrefix = "sealed.v1:"

// SecretKey derives the key that seals stored secrets from root (the operator key's bytes): every
// process that runs the jobs holds it, the database does not.
func SecretKey(root []byte) []byte {
	mac := hmac.New(sha256.New, root)
	mac.Write([]byte("guildhall stored secrets v1"))
	return mac.Sum(nil)
}

func newSecretBox(key []byte) (*secretBox, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &secretBox{aead: aead}, nil
}

func (b *secretBox) seal(plain string) string {
	nonce := make([]byte, b.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(b.aead.Seal(nonce, nonce, []byte(plain), nil))
}

func (b *secretBox) open(stored string) (string, error) {
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(stored, sealedPrefix))
	if err != nil || !strings.HasPrefix(stored, sealedPrefix) || len(raw) < b.aead.NonceSize() {
		return "", errors.New("a stored secret is not sealed")
	}
	n := b.aead.NonceSize()
	plain, err := b.aead.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return "", errors.New("a stored secret does not open with this key (was the operator key changed?)")
	}
	return string(plain), nil
}
