package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall/postgres"
)

type memberCommunityJSON struct {
	CID             string   `json:"cid"`
	Balance         string   `json:"balance"`
	VotingPower     string   `json:"voting_power"`
	Delegate        *string  `json:"delegate"`
	RewardsReceived string   `json:"rewards_received"`
	VotesCast       int      `json:"votes_cast"`
	AsOf            asOfJSON `json:"as_of"`
}

// handleMe serves the signed-in member's standing in every community.
func (s *server) handleMe(c *gin.Context) {
	v, _ := c.Get(memberKey)
	sess := v.(*postgres.MemberSession)
	standings, err := s.gov.Members.MemberStandings(c.Request.Context(), sess.Address)
	if err != nil {
		s.writeError(c, err)
		return
	}
	items := make([]memberCommunityJSON, 0, len(standings))
	for _, st := range standings {
		m := memberCommunityJSON{
			CID: st.CommunityID, Balance: st.Balance, VotingPower: st.VotingPower,
			RewardsReceived: st.RewardsReceived, VotesCast: st.VotesCast,
			AsOf: asOfJSON{BlockNumber: uint64(st.AsOfNumber), BlockHash: st.AsOfHash},
		}
		if st.Delegate.Valid {
			d := st.Delegate.String
			m.Delegate = &d
		}
		items = append(items, m)
	}
	c.JSON(http.StatusOK, gin.H{
		"address":            sess.Address.Hex(),
		"session_expires_at": sess.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z07:00"),
		"communities":        items,
	})
}
