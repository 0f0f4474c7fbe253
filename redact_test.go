package guildhall_test

import (
	"strings"
	"testing"

	"github.com/guildhall/guildhall"
)

func TestRedactURLOfANode(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"local node":        {"http://127.0.0.1:8545", "http://127.0.0.1:8545"},
		"short path kept":   {"https://rpc.example.org/rpc", "https://rpc.example.org/rpc"},
		"api key in path":   {"https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef", "https://mainnet.infura.io/v3/***"},
		"user info dropped": {"https://user:secret@node.example.org:8545", "https://node.example.org:8545"},
		"query dropped":     {"wss://node.example.org/ws?apikey=secret", "wss://node.example.org/ws"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := guildhall.RedactURL(tc.in); got != tc.want {
				t.Errorf("RedactURL(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestRedactURLOfADatabase(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://postgres@127.0.0.1:54329/guildhall?sslmode=disable":               "postgres://postgres@127.0.0.1:54329/guildhall",
		"postgres://app:s3cret@db.example.org:5432/guild?sslmode=require":             "postgres://app@db.example.org:5432/guild",
		"postgresql://app@db.example.org/guild?password=s3cret&sslmode=verify-full":   "postgres://app@db.example.org/guild",
		"postgres://app:s3cret@db.example.org/guild?sslpassword=s3cret":               "postgres://app@db.example.org/guild",
		"postgres:///guild?host=/var/run/postgresql&user=app&password=s3cret":         "postgres://app@/var/run/postgresql/guild",
		"postgres://app:s3cret@[::1]:5432/guild":                                      "postgres://app@[::1]:5432/guild",
		"host=db.example.org port=5432 user=app password=s3cret dbname=guild":         "postgres://app@db.example.org:5432/guild",
		"host=db user=app password='s3cret with spaces' dbname=guild sslmode=require": "postgres://app@db/guild",
		"user = app password = s3cret dbname = guild":                                 "postgres://app@localhost/guild",
		`password='it\'s s3cret' user=app host=db`:                                    "postgres://app@db",
		"postgres://app:s3cret@db.example.org:notaport/guild":                         guildhall.HiddenURL,
		"app:s3cret@db.example.org/guild":                                             guildhall.HiddenURL,
		"host=db password='s3cret":                                                    guildhall.HiddenURL,
	} {
		got := guildhall.RedactURL(in)
		if got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
		if strings.Contains(got, "s3cret") {
			t.Errorf("RedactURL(%q) = %q shows the password", in, got)
		}
	}
}
