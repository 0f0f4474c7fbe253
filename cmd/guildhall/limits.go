package main

import (
	"flag"
	"net/netip"
	"strings"

	"golang.org/x/time/rate"

	"github.com/guildhall/guildhall/api"
)

// limitFlags are serve's abuse bounds: request rates per client address and per issuer key, and
// which reverse proxies' X-Forwarded-For to believe.
type limitFlags struct {
	clientRate, issuerRate float64
	trustedProxies         string
}

func (l *limitFlags) register(fs *flag.FlagSet) {
	fs.Float64Var(&l.clientRate, "client-rate", float64(api.DefaultLimits.PerIP),
		"unauthenticated writes (sign-in, relayed ballots and delegations) per second per client address, in bursts of 15x (0: no limit)")
	fs.Float64Var(&l.issuerRate, "issuer-rate", float64(api.DefaultLimits.PerIssuer),
		"requests per second per issuer API key, in bursts of 2x (0: no limit)")
	fs.StringVar(&l.trustedProxies, "trusted-proxies", "",
		"comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For names the client (default: none; behind a proxy every client then shares its limit)")
}

func (l *limitFlags) validate(fs *flag.FlagSet) error {
	if l.clientRate < 0 || l.issuerRate < 0 {
		return usageError(fs, "--client-rate and --issuer-rate must be 0 (no limit) or more")
	}
	for _, p := range l.proxies() {
		if _, err := netip.ParsePrefix(p); err != nil {
			if _, err := netip.ParseAddr(p); err != nil {
				return usageError(fs, "--trusted-proxies: %q is neither an address nor a CIDR range", p)
			}
		}
	}
	return nil
}

func (l *limitFlags) proxies() []string {
	var out []string
	for _, p := range strings.Split(l.trustedProxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// api returns the limits as the server takes them (a negative rate is "no limit" there).
func (l *limitFlags) api() api.Limits {
	rateOf := func(perSecond float64) rate.Limit {
		if perSecond == 0 {
			return -1
		}
		return rate.Limit(perSecond)
	}
	return api.Limits{
		PerIP: rateOf(l.clientRate), IPBurst: int(max(1, 15*l.clientRate)),
		PerIssuer: rateOf(l.issuerRate), IssuerBurst: int(max(1, 2*l.issuerRate)),
		TrustedProxies: l.proxies(),
	}
}
