package siwe

import (
	"net/netip"
	"regexp"
	"strings"
	"time"
)

// The character classes of RFC 3986 (appendix A) that EIP-4361's ABNF builds on. ALPHA and
// DIGIT are always allowed; pct-encoded ("%" HEXDIG HEXDIG) only where a rule says so.
const (
	unreserved = "-._~"
	subDelims  = "!$&'()*+,;="
	genDelims  = ":/?#[]@"
	pcharExtra = unreserved + subDelims + ":@"
)

var (
	schemePattern    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`)
	noncePattern     = regexp.MustCompile(`^[A-Za-z0-9]{8,}$`)
	addressPattern   = regexp.MustCompile(`^0x[0-9a-fA-F]{40}$`)
	chainIDPattern   = regexp.MustCompile(`^[0-9]+$`)
	dnsLabelPattern  = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)
	ipvFuturePattern = regexp.MustCompile(`^v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+$`)
	// RFC 3339 date-time (section 5.6); "T" and "Z" may be lower case.
	dateTimePattern = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`)
)

// only reports whether every byte of s is a letter, a digit, a byte of set, or (when pct) a
// percent-encoded octet.
func only(s, set string, pct bool) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case pct && c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
			i += 2
		case c < 0x80 && strings.IndexByte(set, c) >= 0:
		default:
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// validStatement: statement = *( reserved / unreserved / " " ), so one line of printable ASCII
// without '"', '%', '<', '>', '\', '^', '`', '{', '|', '}'.
func validStatement(s string) bool { return only(s, unreserved+genDelims+subDelims+" ", false) }

// validRequestID: request-id = *pchar.
func validRequestID(s string) bool { return only(s, pcharExtra, true) }

// validURI: RFC 3986 URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ].
func validURI(s string) bool {
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok || !schemePattern.MatchString(scheme) {
		return false
	}
	rest, fragment, _ := strings.Cut(rest, "#")
	rest, query, _ := strings.Cut(rest, "?")
	if !only(fragment, pcharExtra+"/?", true) || !only(query, pcharExtra+"/?", true) {
		return false
	}
	if after, ok := strings.CutPrefix(rest, "//"); ok {
		authority, path := after, ""
		if i := strings.IndexByte(after, '/'); i >= 0 {
			authority, path = after[:i], after[i:]
		}
		if !validAuthority(authority, false) {
			return false
		}
		rest = path
	}
	return only(rest, pcharExtra+"/", true)
}

// validAuthority: authority = [ userinfo "@" ] host [ ":" port ]. With dnsHost (the domain of a
// sign-in message, the site a wallet shows) a reg-name host must be a DNS name (RFC 4501); in any
// other URI it is any RFC 3986 reg-name, possibly empty.
func validAuthority(a string, dnsHost bool) bool {
	if userinfo, hostport, found := strings.Cut(a, "@"); found {
		if !only(userinfo, unreserved+subDelims+":", true) {
			return false
		}
		a = hostport
	}
	host, port := a, ""
	if strings.HasPrefix(a, "[") {
		end := strings.IndexByte(a, ']')
		if end < 0 || !validIPLiteral(a[1:end]) {
			return false
		}
		host, port = "", a[end+1:]
		if port != "" {
			if port = strings.TrimPrefix(port, ":"); port == a[end+1:] {
				return false
			}
		}
	} else if i := strings.LastIndexByte(a, ':'); i >= 0 {
		host, port = a[:i], a[i+1:]
	}
	if port != "" && !chainIDPattern.MatchString(port) {
		return false
	}
	switch {
	case strings.HasPrefix(a, "["):
		return true
	case dnsHost:
		return validDNSName(host)
	default:
		return only(host, unreserved+subDelims, true)
	}
}

// validIPLiteral: IP-literal = "[" ( IPv6address / IPvFuture ) "]", without the brackets.
func validIPLiteral(s string) bool {
	if ipvFuturePattern.MatchString(s) {
		return true
	}
	addr, err := netip.ParseAddr(s)
	return err == nil && addr.Is6() && addr.Zone() == ""
}

// validDNSName: dot-separated labels of letters, digits and inner hyphens (an IPv4 address is one).
func validDNSName(host string) bool {
	if host == "" || len(host) > 253 {
		return false
	}
	for _, label := range strings.Split(host, ".") {
		if !dnsLabelPattern.MatchString(label) {
			return false
		}
	}
	return true
}

// parseTime reads an RFC 3339 date-time.
func parseTime(s string) (time.Time, error) {
	if !dateTimePattern.MatchString(s) {
		return time.Time{}, errNotDateTime
	}
	return time.Parse(time.RFC3339Nano, strings.ToUpper(s))
}
