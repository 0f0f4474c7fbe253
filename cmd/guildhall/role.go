package main

import (
	"fmt"
	"strings"
)

// role is what a serve process does (--role). Any number of processes of each role may share one
// database; the jobs a worker runs each have exactly one leader at a time (a PostgreSQL advisory
// lock), the other workers wait for it.
type role string

const (
	roleAll    role = "all"    // the API and the jobs
	roleAPI    role = "api"    // HTTP only: reads, rewards into the ledger, relays handed to the sender through PostgreSQL
	roleWorker role = "worker" // the indexer, the minter and the sender; HTTP only for /healthz, /readyz and /metrics
)

// String and Set make role a flag.Value.
func (r *role) String() string { return string(*r) }

func (r *role) Set(s string) error {
	switch role(s) {
	case roleAll, roleAPI, roleWorker:
		*r = role(s)
		return nil
	}
	return fmt.Errorf("must be %s", strings.Join([]string{string(roleAll), string(roleAPI), string(roleWorker)}, ", "))
}

// runsJobs reports whether the process runs (or queues to lead) the indexer, minter and sender.
func (r role) runsJobs() bool { return r != roleAPI }

// servesAPI reports whether the process serves the API routes.
func (r role) servesAPI() bool { return r != roleWorker }
