package chain

import (
	"crypto/ecdsa"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall"
)

// OperatorKeyEnv is the environment variable that holds the operator's private key as hex.
const OperatorKeyEnv = "GUILDHALL_OPERATOR_KEY"

// LoadOperatorKey returns the operator's private key for an external chain, from exactly one
// source: the GUILDHALL_OPERATOR_KEY environment variable read through getenv (64 hex digits,
// with or without 0x), or the keystore JSON file at keystorePath decrypted with the first line
// of the file at passphrasePath. Every failure is an EINVALID *guildhall.Error with a one-line
// message that never contains key material: no source, both sources, a key that is not hex or
// not a valid secp256k1 key, an unreadable or malformed file, a wrong passphrase.
func LoadOperatorKey(getenv func(string) string, keystorePath, passphrasePath string) (*ecdsa.PrivateKey, error) {
	envKey := strings.TrimSpace(getenv(OperatorKeyEnv))
	switch {
	case envKey != "" && (keystorePath != "" || passphrasePath != ""):
		return nil, guildhall.Errorf(guildhall.EINVALID,
			"two operator keys: set %s or pass --operator-keystore and --operator-passphrase-file, not both", OperatorKeyEnv)
	case envKey != "":
		return parseHexKey(envKey)
	case keystorePath != "" && passphrasePath == "":
		return nil, guildhall.Errorf(guildhall.EINVALID, "--operator-keystore needs --operator-passphrase-file")
	case keystorePath == "" && passphrasePath != "":
		return nil, guildhall.Errorf(guildhall.EINVALID, "--operator-passphrase-file needs --operator-keystore")
	case keystorePath != "":
		return decryptKeystore(keystorePath, passphrasePath)
	default:
		return nil, guildhall.Errorf(guildhall.EINVALID,
			"no operator key: set %s or pass --operator-keystore and --operator-passphrase-file", OperatorKeyEnv)
	}
}

// parseHexKey parses a hex private key. Its errors describe the key's shape, never its content.
func parseHexKey(s string) (*ecdsa.PrivateKey, error) {
	digits := strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	if len(digits) != 64 {
		return nil, guildhall.Errorf(guildhall.EINVALID,
			"%s is not a private key: want 64 hex digits (with or without 0x), got %d characters", OperatorKeyEnv, len(digits))
	}
	raw, err := hex.DecodeString(digits)
	if err != nil {
		return nil, guildhall.Errorf(guildhall.EINVALID,
			"%s is not a private key: it has characters that are not hex digits", OperatorKeyEnv)
	}
	key, err := crypto.ToECDSA(raw)
	clear(raw)
	if err != nil {
		return nil, guildhall.Errorf(guildhall.EINVALID,
			"%s is not a valid secp256k1 private key (zero or out of range)", OperatorKeyEnv)
	}
	return key, nil
}

// decryptKeystore reads and decrypts a keystore file (Web3 Secret Storage, as geth and
// `cast wallet` write).
func decryptKeystore(keystorePath, passphrasePath string) (*ecdsa.PrivateKey, error) {
	keyJSON, err := os.ReadFile(keystorePath)
	if err != nil {
		return nil, guildhall.Errorf(guildhall.EINVALID, "cannot read operator keystore %s: %s", keystorePath, fileErrReason(err))
	}
	passFile, err := os.ReadFile(passphrasePath)
	if err != nil {
		return nil, guildhall.Errorf(guildhall.EINVALID, "cannot read operator passphrase file %s: %s", passphrasePath, fileErrReason(err))
	}
	// As geth's --password: the first line, without its line ending.
	passphrase, _, _ := strings.Cut(string(passFile), "\n")
	passphrase = strings.TrimSuffix(passphrase, "\r")

	key, err := keystore.DecryptKey(keyJSON, passphrase)
	switch {
	case errors.Is(err, keystore.ErrDecrypt):
		return nil, guildhall.Errorf(guildhall.EINVALID,
			"wrong passphrase for operator keystore %s (check %s)", keystorePath, passphrasePath)
	case err != nil:
		// DecryptKey's other errors are about the file's JSON or format, never the key.
		return nil, guildhall.Errorf(guildhall.EINVALID,
			"operator keystore %s is not a valid keystore file: %s", keystorePath, oneLine(err.Error()))
	}
	return key.PrivateKey, nil
}

// fileErrReason returns the operating system's reason from a file error, without the path
// (the caller's message names it already).
func fileErrReason(err error) string {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return pathErr.Err.Error()
	}
	return oneLine(err.Error())
}
