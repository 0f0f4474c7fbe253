package chain

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestDevEndpoint(t *testing.T) {
	dataDir := t.TempDir()
	if url, ok, err := ReadDevEndpoint(dataDir); ok || err != nil || url != "" {
		t.Fatalf("ReadDevEndpoint() on a fresh data dir = %q, %v, %v; want nothing recorded", url, ok, err)
	}
	for _, want := range []string{"http://127.0.0.1:8545", "http://127.0.0.1:34567"} {
		if err := WriteDevEndpoint(dataDir, want); err != nil {
			t.Fatalf("WriteDevEndpoint() = %v", err)
		}
		if got, ok, err := ReadDevEndpoint(dataDir); !ok || err != nil || got != want {
			t.Errorf("ReadDevEndpoint() = %q, %v, %v; want %q", got, ok, err, want)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(dataDir, "chain", ".endpoint-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}

	if err := os.WriteFile(devEndpointPath(dataDir), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := ReadDevEndpoint(dataDir); ok || err == nil {
		t.Errorf("ReadDevEndpoint() of a corrupt record = ok %v, err %v; want an error", ok, err)
	}
}

func TestDevChainInUse(t *testing.T) {
	ctx := context.Background()
	tests := map[string]struct {
		record func(t *testing.T, dataDir string)
		want   bool
	}{
		"nothing recorded": {
			record: func(t *testing.T, dataDir string) {},
		},
		"stale record of a stopped chain": {
			record: func(t *testing.T, dataDir string) {
				if err := WriteDevEndpoint(dataDir, "http://"+closedAddr(t)); err != nil {
					t.Fatal(err)
				}
			},
		},
		"running dev chain": {
			record: func(t *testing.T, dataDir string) {
				startDevChain(t, DevChainConfig{DataDir: dataDir, HTTPAddr: "127.0.0.1:0"})
			},
			want: true,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dataDir := t.TempDir()
			tc.record(t, dataDir)
			url, ok := DevChainInUse(ctx, dataDir)
			if ok != tc.want {
				t.Fatalf("DevChainInUse() = %q, %v; want ok %v", url, ok, tc.want)
			}
			if recorded, _, _ := ReadDevEndpoint(dataDir); ok && url != recorded {
				t.Errorf("DevChainInUse() = %q, want the recorded %q", url, recorded)
			}
		})
	}
}
