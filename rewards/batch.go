package rewards

import (
	"encoding/binary"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// BatchID is the on-chain id of the ledger's mint batch row id in community: keccak256 of a
// domain tag, the community id and the row id. It follows from the ledger alone, so a batch sent
// again after a crash carries the same id, and GuildToken refuses to mint it twice.
func BatchID(communityID string, rowID int64) common.Hash {
	var id [8]byte
	binary.BigEndian.PutUint64(id[:], uint64(rowID))
	return crypto.Keccak256Hash([]byte("guildhall/reward-batch/v1\x00"), []byte(communityID), []byte{0}, id[:])
}

// Batch is a set of rewards minted by one mintBatch call.
type Batch struct {
	ID          int64
	CommunityID string
	Token       common.Address
	BatchID     common.Hash
	Count       int      // rewards in the batch
	Total       *big.Int // their sum
	State       string   // "open" (claimed, no transaction yet), "sent", "confirmed"
	TxID        int64    // the sender's transaction, 0 until sent
	CreatedAt   time.Time
}

// Batch states.
const (
	BatchOpen      = "open"
	BatchSent      = "sent"
	BatchConfirmed = "confirmed"
)

// Mint is one recipient of a batch: a wallet and the sum of its rewards in the batch.
type Mint struct {
	Wallet common.Address
	Amount *big.Int
}

// Coalesce sums rewards per wallet, in the order wallets first appear: one Transfer (and one
// balance and checkpoint write) per wallet instead of per reward.
func Coalesce(rs []*Reward) []Mint {
	idx := map[common.Address]int{}
	var out []Mint
	for _, r := range rs {
		w := common.HexToAddress(r.Wallet)
		if i, ok := idx[w]; ok {
			out[i].Amount.Add(out[i].Amount, r.Amount)
			continue
		}
		idx[w] = len(out)
		out = append(out, Mint{Wallet: w, Amount: new(big.Int).Set(r.Amount)})
	}
	return out
}
