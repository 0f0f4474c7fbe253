package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
)

// tokenDecimals is the GuildToken's decimals(): fixed by the contract.
const tokenDecimals = 18

// clockMode is the governor's CLOCK_MODE() (ERC-6372): its clock counts seconds.
const clockMode = "mode=timestamp"

// tokenJSON is a community's ERC-20 token.
type tokenJSON struct {
	Address  string `json:"address"`
	Name     string `json:"name"`
	Symbol   string `json:"symbol"`
	Decimals int    `json:"decimals"`
}

// communityJSON is a community as lists show it.
type communityJSON struct {
	ID              string    `json:"id"`
	Name            string    `json:"name"`
	ChainID         uint64    `json:"chain_id"`
	Token           tokenJSON `json:"token"`
	Governor        string    `json:"governor"`
	Timelock        string    `json:"timelock"`
	DeploymentBlock uint64    `json:"deployment_block"`
}

// communityDetailJSON is one community with its governance settings. Durations are whole seconds,
// as the governor's timestamp clock counts them; the threshold is a decimal string in base units.
type communityDetailJSON struct {
	communityJSON
	VotingDelay         int64  `json:"voting_delay"`
	VotingPeriod        int64  `json:"voting_period"`
	TimelockDelay       int64  `json:"timelock_delay"`
	LateQuorumExtension int64  `json:"late_quorum_extension"`
	ProposalThreshold   string `json:"proposal_threshold"`
	QuorumNumerator     uint8  `json:"quorum_numerator"`
	ClockMode           string `json:"clock_mode"`
	// MinReward is the smallest reward the community mints, base units ("0": any).
	MinReward string `json:"min_reward"`
}

// communityListJSON is one page of communities. NextCursor is nil on the last page.
type communityListJSON struct {
	Items      []communityJSON `json:"items"`
	NextCursor *string         `json:"next_cursor"`
}

// newCommunityJSON returns the list view of c. The token is deployed with the community's name
// and symbol, so those are its ERC-20 name() and symbol().
func newCommunityJSON(c *guildhall.Community) communityJSON {
	return communityJSON{
		ID:      c.ID,
		Name:    c.Name,
		ChainID: c.ChainID,
		Token: tokenJSON{
			Address:  c.TokenAddress,
			Name:     c.Name,
			Symbol:   c.Symbol,
			Decimals: tokenDecimals,
		},
		Governor:        c.GovernorAddress,
		Timelock:        c.TimelockAddress,
		DeploymentBlock: c.DeploymentBlock,
	}
}

// newCommunityDetailJSON returns the detail view of c. A nil proposal threshold is zero.
func newCommunityDetailJSON(c *guildhall.Community) communityDetailJSON {
	threshold := "0"
	if t := c.Settings.ProposalThreshold; t != nil {
		threshold = t.String()
	}
	return communityDetailJSON{
		communityJSON:       newCommunityJSON(c),
		VotingDelay:         seconds(c.Settings.VotingDelay),
		VotingPeriod:        seconds(c.Settings.VotingPeriod),
		TimelockDelay:       seconds(c.Settings.TimelockDelay),
		LateQuorumExtension: seconds(c.Settings.LateQuorumExtension),
		ProposalThreshold:   threshold,
		QuorumNumerator:     c.Settings.QuorumPercent,
		ClockMode:           clockMode,
		MinReward:           amount(c.MinReward),
	}
}

// seconds returns d in whole seconds, the unit of the governor's clock.
func seconds(d time.Duration) int64 {
	return int64(d / time.Second)
}

// handleListCommunities serves one page of communities ordered by id.
func (s *server) handleListCommunities(c *gin.Context) {
	page, err := parsePage(c, keyPosition)
	if err != nil {
		s.writeError(c, err)
		return
	}
	after := ""
	if page.After != nil {
		after = *page.After
	}
	// One more than asked tells whether another page follows, so the last page says so
	// instead of pointing at an empty one.
	communities, err := s.communities.Communities(c.Request.Context(), after, page.Limit+1)
	if err != nil {
		s.writeError(c, err)
		return
	}
	resp := communityListJSON{Items: make([]communityJSON, 0, min(len(communities), page.Limit))}
	if len(communities) > page.Limit {
		communities = communities[:page.Limit]
		next := encodeCursor(communities[len(communities)-1].ID)
		resp.NextCursor = &next
	}
	for _, community := range communities {
		resp.Items = append(resp.Items, newCommunityJSON(community))
	}
	c.JSON(http.StatusOK, resp)
}
