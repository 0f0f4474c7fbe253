package chain

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall"
)

// DeploymentKeys are the keys a community's deployment is recorded under in the sender's table:
// its token, timelock and governor creations, in nonce order.
func DeploymentKeys(communityID string) []string {
	keys := make([]string, len(deployedContracts))
	for k, what := range deployedContracts {
		keys[k] = "deploy/" + communityID + "/" + what
	}
	return keys
}

// deployRecorded deploys through d.Sender (see Deployer.Sender): it records the three creations
// at consecutive nonces of the key's one nonce sequence, or finds them recorded by an earlier run,
// and waits until they are mined.
func (d *Deployer) deployRecorded(ctx context.Context, chainID *big.Int, spec CommunitySpec) (*Deployment, error) {
	from := d.Address()
	if spec.ID == "" || d.Sender.From() != from {
		return nil, fmt.Errorf("deploy community: a deployment through the sender needs the community's id and the sender of the deploying key")
	}
	keys := DeploymentKeys(spec.ID)
	gas, err := d.creationGas(ctx, chainID, keys[0], spec)
	if err != nil {
		return nil, err
	}
	recs, err := d.Sender.SendCreations(ctx, keys, func(first uint64) ([]Creation, error) {
		p := planDeployment(from, first, spec)
		creations := make([]Creation, len(p.code))
		for k := range p.code {
			creations[k] = Creation{Data: p.code[k], Gas: gas[k]}
		}
		return creations, nil
	})
	if err != nil {
		return nil, fmt.Errorf("deploy community %q: %w", spec.ID, err)
	}
	plan := planDeployment(from, recs[0].Nonce, spec)
	for k, rec := range recs {
		if !bytes.Equal(rec.Data, plan.code[k]) {
			return nil, guildhall.Errorf(guildhall.ECONFLICT,
				"a deployment of community %q with other settings is already recorded (%s, nonces from %d); run the same create again to finish it, or choose another id",
				spec.ID, strings.Join(keys, ", "), recs[0].Nonce)
		}
	}
	d.logger().Info("community deployment recorded; waiting for its blocks", "id", spec.ID, "nonce", recs[0].Nonce,
		"token", plan.want.Token, "timelock", plan.want.Timelock, "governor", plan.want.Governor)
	ids := []int64{recs[0].ID, recs[1].ID, recs[2].ID}
	mined, err := d.waitMined(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("deploy community %q: %w", spec.ID, err)
	}
	if err := failedCreations(spec.ID, plan.want, keys, mined); err != nil {
		return nil, err
	}
	if err := d.checkAddresses(ctx, plan.want, mined[0].MinedHash, mined[1].MinedHash, mined[2].MinedHash); err != nil {
		// Only a transaction sent from the key outside Guildhall (a wallet holding it) can do that.
		return nil, fmt.Errorf("%w (sent from outside Guildhall): the contracts do not name each other; the deployment is recorded under %s: create the community under another id",
			err, strings.Join(keys, ", "))
	}
	plan.want.Block, plan.want.TxHash = mined[0].BlockNumber, mined[0].MinedHash
	return &plan.want, nil
}

// creationGas returns the gas limits of the token's, the timelock's and the governor's creation,
// after checking the key can pay for them (see checkFunds); nothing when the deployment is already
// recorded under firstKey (its limits are recorded). The token's and the timelock's are estimated
// at any nonce: their constructors store the addresses the nonces name, whichever they are.
func (d *Deployer) creationGas(ctx context.Context, chainID *big.Int, firstKey string, spec CommunitySpec) ([]uint64, error) {
	if rec, err := d.Sender.Tx(ctx, firstKey); err != nil || rec != nil {
		return nil, err
	}
	guess, err := d.Sender.pendingNonce(ctx)
	if err != nil {
		return nil, err
	}
	p := planDeployment(d.Address(), guess, spec)
	est, err := d.checkFunds(ctx, chainID, d.Address(), p.code[0], p.code[1])
	if err != nil {
		return nil, err
	}
	return []uint64{GasWithHeadroom(est[0]), GasWithHeadroom(est[1]), governorDeployGas}, nil
}

// waitMined waits until every intent of ids is in a block (as the leading sender's Run records
// it), calling Mine meanwhile when set, and returns where they are, in the order of ids.
func (d *Deployer) waitMined(ctx context.Context, ids []int64) ([]TxStatus, error) {
	delay := 50 * time.Millisecond
	for {
		st, err := d.Sender.TxStatuses(ctx, ids)
		if err != nil {
			return nil, err
		}
		out := make([]TxStatus, len(ids))
		done := true
		for k, id := range ids {
			out[k] = st[id]
			done = done && (out[k].State == TxMined || out[k].State == TxFinal)
		}
		if done {
			return out, nil
		}
		d.mine()
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for the deployment's transactions (recorded; they are sent by whichever process leads the operator's sender, and running the same create again resumes): %w", ctx.Err())
		case <-time.After(delay):
		}
		delay = min(delay*2, 500*time.Millisecond)
	}
}

// failedCreations reports a deployment one of whose creations reverted: which one, with its
// transaction, and which contracts it left deployed without a community.
func failedCreations(id string, want Deployment, keys []string, mined []TxStatus) error {
	addrs := [3]common.Address{want.Token, want.Timelock, want.Governor}
	var failed, deployed []string
	for k, st := range mined {
		if st.Succeeded {
			deployed = append(deployed, fmt.Sprintf("the %s at %s", deployedContracts[k], addrs[k].Hex()))
		} else {
			failed = append(failed, fmt.Sprintf("the %s (transaction %s)", deployedContracts[k], st.MinedHash.Hex()))
		}
	}
	if len(failed) == 0 {
		return nil
	}
	left := "nothing was deployed"
	if len(deployed) > 0 {
		left = strings.Join(deployed, " and ") + " belong to no community"
	}
	return guildhall.Errorf(guildhall.EUNAVAILABLE,
		"deploy community %q: the creation of %s reverted; %s (recorded under %s); create the community again under another id",
		id, strings.Join(failed, " and "), left, strings.Join(keys, ", "))
}
