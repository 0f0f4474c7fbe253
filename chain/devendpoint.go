package chain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// devEndpoint is the file through which a running dev chain tells other commands sharing its
// data directory where to reach it (go-ethereum locks the chain directory, so they cannot open
// it a second time).
type devEndpoint struct {
	RPCURL    string    `json:"rpc_url"`
	PID       int       `json:"pid"`
	StartedAt time.Time `json:"started_at"`
}

func devEndpointPath(dataDir string) string {
	return filepath.Join(dataDir, "chain", "endpoint.json")
}

// WriteDevEndpoint records in dataDir (Guildhall's data directory) that the dev chain answers
// JSON-RPC at rpcURL. The file is replaced atomically, so readers see the old record or the new
// one, never a part. StartDevChain calls it; DevChain.Close removes the file.
func WriteDevEndpoint(dataDir, rpcURL string) error {
	path := devEndpointPath(dataDir)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write dev chain endpoint: %w", err)
	}
	data, err := json.MarshalIndent(devEndpoint{RPCURL: rpcURL, PID: os.Getpid(), StartedAt: time.Now().UTC()}, "", "  ")
	if err != nil {
		return fmt.Errorf("write dev chain endpoint: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".endpoint-*.json")
	if err != nil {
		return fmt.Errorf("write dev chain endpoint: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write dev chain endpoint: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write dev chain endpoint: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write dev chain endpoint: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write dev chain endpoint: %w", err)
	}
	return nil
}

// ReadDevEndpoint returns the JSON-RPC URL recorded in dataDir by a dev chain. ok is false, with
// a nil error, when none is recorded. A record only says a chain was started: it outlives a
// crashed process, so check it answers (DevChainInUse does).
func ReadDevEndpoint(dataDir string) (url string, ok bool, err error) {
	data, err := os.ReadFile(devEndpointPath(dataDir))
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read dev chain endpoint: %w", err)
	}
	var e devEndpoint
	if err := json.Unmarshal(data, &e); err != nil {
		return "", false, fmt.Errorf("read dev chain endpoint %s: %w", devEndpointPath(dataDir), err)
	}
	if e.RPCURL == "" {
		return "", false, fmt.Errorf("read dev chain endpoint %s: no rpc_url", devEndpointPath(dataDir))
	}
	return e.RPCURL, true, nil
}

// removeDevEndpoint deletes the endpoint record; a missing one is fine.
func removeDevEndpoint(dataDir string) error {
	if err := os.Remove(devEndpointPath(dataDir)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove dev chain endpoint: %w", err)
	}
	return nil
}

// devChainProbeTimeout bounds DevChainInUse's check of a recorded endpoint.
const devChainProbeTimeout = 2 * time.Second

// DevChainInUse reports whether a dev chain of dataDir is running in another process, and where:
// ok is true only if an endpoint is recorded and it answers as this data directory's dev chain
// (chain id 1337 and the genesis recorded in dataDir, so a stale record now pointing at another
// local node, or at the dev chain of another data directory, is not mistaken for it).
// It waits at most a couple of seconds, less if ctx ends first.
func DevChainInUse(ctx context.Context, dataDir string) (rpcURL string, ok bool) {
	url, ok, err := ReadDevEndpoint(dataDir)
	if err != nil || !ok {
		return "", false
	}
	genesis, err := dataDirGenesis(dataDir)
	if err != nil {
		return "", false
	}
	ctx, cancel := context.WithTimeout(ctx, devChainProbeTimeout)
	defer cancel()
	client, err := Connect(ctx, url)
	if err != nil {
		return "", false
	}
	defer client.Close()
	id, err := Identity(ctx, client)
	if err != nil || id.ChainID != DevChainID || id.GenesisHash != genesis.ToBlock().Hash().Hex() {
		return "", false
	}
	return url, true
}
