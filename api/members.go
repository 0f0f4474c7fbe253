package api

import (
	"net/http"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
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
	sess := v.(*guildhall.MemberSession)
	standings, err := s.gov.Members.MemberStandings(c.Request.Context(), common.HexToAddress(sess.Address))
	if err != nil {
		s.writeError(c, err)
		return
	}
	items := make([]memberCommunityJSON, 0, len(standings))
	for _, st := range standings {
		m := memberCommunityJSON{
			CID: st.CommunityID, Balance: amount(st.Balance), VotingPower: amount(st.VotingPower),
			RewardsReceived: amount(st.RewardsReceived), VotesCast: st.VotesCast, AsOf: newAsOf(st.AsOf),
		}
		if st.Delegate != "" {
			d := st.Delegate
			m.Delegate = &d
		}
		items = append(items, m)
	}
	c.JSON(http.StatusOK, gin.H{
		"address":            sess.Address,
		"session_expires_at": sess.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z07:00"),
		"communities":        items,
	})
}
