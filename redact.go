package guildhall

import (
	"net/url"
	"strings"
)

// HiddenURL is what RedactURL shows for a string it cannot take apart: it is not shown at all,
// since anything in it may be a secret.
const HiddenURL = "(not shown)"

// RedactURL returns where a connection string points, fit for messages and logs, never a secret
// it carries. It takes the two kinds Guildhall is given:
//
//   - A PostgreSQL connection string, as a URL (postgres://..., postgresql://...) or as libpq
//     key=value settings (host=... dbname=...): shown as postgres://user@host:port/dbname.
//     Passwords, query parameters (password=, sslkey=, ...) and every other setting are dropped.
//   - A node's URL (http, https, ws, wss, ...): shown without user info, query or fragment, and
//     with path segments that look like API keys (20 characters or more, as in /v3/<key>)
//     replaced by "***".
//
// A string that is neither is HiddenURL.
func RedactURL(raw string) string {
	if strings.HasPrefix(raw, "postgres://") || strings.HasPrefix(raw, "postgresql://") {
		return redactPostgresURL(raw)
	}
	if u, err := url.Parse(raw); err == nil && u.Scheme != "" && u.Host != "" {
		return redactNodeURL(u)
	}
	kv, ok := parseDSN(raw)
	if !ok {
		return HiddenURL
	}
	return postgresLocation(kv["user"], kv["host"], kv["port"], kv["dbname"])
}

// redactNodeURL drops u's user info, query and fragment and elides its key-like path segments.
func redactNodeURL(u *url.URL) string {
	u.User = nil
	u.RawQuery, u.ForceQuery, u.Fragment = "", false, ""
	segments := strings.Split(u.Path, "/")
	for i, s := range segments {
		if len(s) >= 20 {
			segments[i] = "***"
		}
	}
	u.Path = strings.Join(segments, "/")
	u.RawPath = u.Path // keeps "***" unescaped when the rest of the path allows
	return u.String()
}

// redactPostgresURL reads the user, host, port and database of a postgres:// URL, from its parts
// or its parameters (?host=...&user=...).
func redactPostgresURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return HiddenURL
	}
	var user string
	if u.User != nil {
		user = u.User.Username()
	}
	q := u.Query()
	return postgresLocation(orElse(user, q.Get("user")), orElse(u.Hostname(), q.Get("host")),
		orElse(u.Port(), q.Get("port")), orElse(strings.TrimPrefix(u.Path, "/"), q.Get("dbname")))
}

// postgresLocation writes postgres://user@host:port/dbname, leaving out what is empty; an empty
// host is localhost, lib/pq's default.
func postgresLocation(user, host, port, dbname string) string {
	if host == "" {
		host = "localhost"
	}
	out := "postgres://"
	if user != "" {
		out += url.PathEscape(user) + "@"
	}
	if strings.Contains(host, ":") && !strings.HasPrefix(host, "[") { // an IPv6 address
		host = "[" + host + "]"
	}
	out += host
	if port != "" {
		out += ":" + port
	}
	if dbname != "" {
		out += "/" + url.PathEscape(dbname)
	}
	return out
}

func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// parseDSN parses a libpq key=value connection string ("host=db user=app password='a b'"):
// values may be single-quoted, with backslash escapes. ok is false for anything else.
func parseDSN(s string) (map[string]string, bool) {
	kv := map[string]string{}
	rest := strings.TrimSpace(s)
	for rest != "" {
		eq := strings.IndexByte(rest, '=')
		if eq <= 0 {
			return nil, false
		}
		key := strings.TrimSpace(rest[:eq])
		if key == "" || strings.ContainsAny(key, " \t'") {
			return nil, false
		}
		var val string
		var ok bool
		if val, rest, ok = dsnValue(strings.TrimLeft(rest[eq+1:], " \t")); !ok {
			return nil, false
		}
		kv[key] = val
		rest = strings.TrimLeft(rest, " \t")
	}
	return kv, len(kv) > 0
}

// dsnValue reads one value at the start of s, single-quoted or up to the next blank, with
// backslash escapes; it returns the value and what follows it. ok is false for an unclosed quote.
func dsnValue(s string) (val, rest string, ok bool) {
	var b strings.Builder
	if strings.HasPrefix(s, "'") {
		for i := 1; i < len(s); i++ {
			switch c := s[i]; {
			case c == '\\' && i+1 < len(s):
				i++
				b.WriteByte(s[i])
			case c == '\'':
				return b.String(), s[i+1:], true
			default:
				b.WriteByte(c)
			}
		}
		return "", "", false
	}
	i := 0
	for ; i < len(s) && s[i] != ' ' && s[i] != '\t'; i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String(), s[i:], true
}
