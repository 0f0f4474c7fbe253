package chain

import (
	"crypto/ecdsa"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall"
)

func TestLoadOperatorKey(t *testing.T) {
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	keyHex := hex.EncodeToString(crypto.FromECDSA(key))
	dir := t.TempDir()
	keystorePath := writeKeystore(t, dir, key, "correct horse")
	passPath := writeFile(t, dir, "pass.txt", "correct horse\n")
	wrongPassPath := writeFile(t, dir, "wrong.txt", "battery staple\n")
	notKeystore := writeFile(t, dir, "not-a-keystore.json", `{"hello": "world"}`)
	missing := filepath.Join(dir, "missing.json")

	tests := map[string]struct {
		env         string
		keystore    string
		passphrase  string
		wantErr     bool
		errContains []string
	}{
		"env key with 0x":             {env: "0x" + keyHex},
		"env key without 0x":          {env: keyHex},
		"env key with spaces":         {env: "  " + keyHex + "\n"},
		"keystore and passphrase":     {keystore: keystorePath, passphrase: passPath},
		"missing":                     {wantErr: true, errContains: []string{"no operator key: set GUILDHALL_OPERATOR_KEY or pass --operator-keystore and --operator-passphrase-file"}},
		"env key too short":           {env: keyHex[:40], wantErr: true, errContains: []string{"GUILDHALL_OPERATOR_KEY", "64 hex digits", "got 40"}},
		"env key not hex":             {env: "zz" + keyHex[2:], wantErr: true, errContains: []string{"GUILDHALL_OPERATOR_KEY", "not hex digits"}},
		"env key zero":                {env: strings.Repeat("0", 64), wantErr: true, errContains: []string{"not a valid secp256k1 private key"}},
		"both sources":                {env: keyHex, keystore: keystorePath, passphrase: passPath, wantErr: true, errContains: []string{"not both"}},
		"keystore without passphrase": {keystore: keystorePath, wantErr: true, errContains: []string{"--operator-keystore needs --operator-passphrase-file"}},
		"passphrase without keystore": {passphrase: passPath, wantErr: true, errContains: []string{"--operator-passphrase-file needs --operator-keystore"}},
		"wrong passphrase":            {keystore: keystorePath, passphrase: wrongPassPath, wantErr: true, errContains: []string{"wrong passphrase", keystorePath}},
		"keystore unreadable":         {keystore: missing, passphrase: passPath, wantErr: true, errContains: []string{"cannot read operator keystore", missing, "no such file"}},
		"passphrase unreadable":       {keystore: keystorePath, passphrase: missing, wantErr: true, errContains: []string{"cannot read operator passphrase file", missing}},
		"not a keystore":              {keystore: notKeystore, passphrase: passPath, wantErr: true, errContains: []string{"not a valid keystore file", notKeystore}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			getenv := func(name string) string {
				if name == "GUILDHALL_OPERATOR_KEY" {
					return tc.env
				}
				return ""
			}
			got, err := LoadOperatorKey(getenv, tc.keystore, tc.passphrase)
			if !tc.wantErr {
				if err != nil {
					t.Fatalf("LoadOperatorKey() = %v", err)
				}
				if !got.Equal(key) {
					t.Fatal("LoadOperatorKey() returned another key")
				}
				return
			}
			if err == nil {
				t.Fatal("LoadOperatorKey() succeeded, want an error")
			}
			assertUserError(t, err, guildhall.EINVALID, tc.errContains...)
			assertNoKeyMaterial(t, err.Error(), key)
		})
	}
}

// assertNoKeyMaterial fails if msg contains the key, or a long piece of it, in hex.
func assertNoKeyMaterial(t *testing.T, msg string, key *ecdsa.PrivateKey) {
	t.Helper()
	keyHex := hex.EncodeToString(crypto.FromECDSA(key))
	lower := strings.ToLower(msg)
	for i := 0; i+8 <= len(keyHex); i++ {
		if strings.Contains(lower, keyHex[i:i+8]) {
			t.Fatalf("error %q contains key material", msg)
		}
	}
}

func writeKeystore(t *testing.T, dir string, key *ecdsa.PrivateKey, passphrase string) string {
	t.Helper()
	ks := keystore.NewKeyStore(filepath.Join(dir, "keystore"), keystore.LightScryptN, keystore.LightScryptP)
	account, err := ks.ImportECDSA(key, passphrase)
	if err != nil {
		t.Fatal(err)
	}
	return account.URL.Path
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
