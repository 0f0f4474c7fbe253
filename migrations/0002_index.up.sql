-- The indexer's tables: raw token, governor and timelock events of every community, the recent
-- blocks that reorg detection compares with the chain, the cursors, and the state derived from the
-- events (balances, voting power, delegates, supply, proposals, votes, tallies).
--
-- Conventions, relied on by other packages (rewards confirms mints from token_transfers and
-- token_reward_batches; governance builds on proposals, proposal_actions and votes):
--   * addresses are EIP-55 checksummed text ('0x' and 40 hex digits), as in communities;
--   * block and transaction hashes and batch ids are lower-case '0x' hex text;
--   * token amounts and proposal ids are numeric(78,0) (uint256);
--   * times on the governor's clock (vote_start, vote_end, eta, block_time) are Unix seconds;
--   * every event row carries block_number, block_hash, tx_hash and log_index; its natural key is
--     (block_hash, log_index), so writing an event twice does nothing;
--   * every row of a table here is on the canonical chain as of the community's index_progress:
--     on a reorg the indexer deletes the rows above the common ancestor and recomputes the derived
--     rows in the same transaction, so a reader in one REPEATABLE READ transaction sees events and
--     derived state that agree with each other and with the block index_progress names.

-- The indexer's frontier: the newest block every caught-up community is indexed through.
CREATE TABLE index_cursor (
    singleton    boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    block_number bigint      NOT NULL CHECK (block_number >= 0),
    block_hash   text        NOT NULL CHECK (block_hash ~ '^0x[0-9a-f]{64}$'),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Recent blocks (within the finality depth, plus the ends of backfill ranges) with their hashes:
-- each new block's parent hash is checked against them, and a reorg walks back through them to
-- the common ancestor.
CREATE TABLE index_blocks (
    block_number bigint PRIMARY KEY CHECK (block_number >= 0),
    block_hash   text   NOT NULL CHECK (block_hash ~ '^0x[0-9a-f]{64}$'),
    parent_hash  text   NOT NULL,
    block_time   bigint NOT NULL
);

-- How far each community is indexed: the block at which all of its rows below are exactly true
-- (the API's as_of). A community created while the indexer runs starts behind the cursor and
-- catches up on its own.
CREATE TABLE index_progress (
    community_id text   PRIMARY KEY REFERENCES communities (id) ON DELETE CASCADE,
    block_number bigint NOT NULL CHECK (block_number >= 0),
    block_hash   text   NOT NULL,
    block_time   bigint NOT NULL DEFAULT 0
);

-- Token Transfer events. Mints have from_address = 0x0000000000000000000000000000000000000000,
-- burns to_address = the same. Rewards confirm their mints here (by tx_hash, to_address, value).
CREATE TABLE token_transfers (
    community_id text          NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    block_number bigint        NOT NULL,
    block_hash   text          NOT NULL,
    block_time   bigint        NOT NULL,
    tx_hash      text          NOT NULL,
    log_index    integer       NOT NULL,
    from_address text          NOT NULL,
    to_address   text          NOT NULL,
    value        numeric(78,0) NOT NULL,
    PRIMARY KEY (block_hash, log_index)
);
CREATE INDEX token_transfers_block ON token_transfers (block_number);
CREATE INDEX token_transfers_from ON token_transfers (community_id, from_address, block_number DESC, log_index DESC);
CREATE INDEX token_transfers_to ON token_transfers (community_id, to_address, block_number DESC, log_index DESC);
CREATE INDEX token_transfers_tx ON token_transfers (tx_hash);

-- Token RewardBatchMinted events: one per mintBatch, batch_id being the id the minter chose.
CREATE TABLE token_reward_batches (
    community_id text          NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    block_number bigint        NOT NULL,
    block_hash   text          NOT NULL,
    block_time   bigint        NOT NULL,
    tx_hash      text          NOT NULL,
    log_index    integer       NOT NULL,
    batch_id     text          NOT NULL,
    count        numeric(78,0) NOT NULL,
    total        numeric(78,0) NOT NULL,
    PRIMARY KEY (block_hash, log_index)
);
CREATE INDEX token_reward_batches_block ON token_reward_batches (block_number);
CREATE INDEX token_reward_batches_batch ON token_reward_batches (community_id, batch_id);

-- Token DelegateChanged events.
CREATE TABLE token_delegate_changes (
    community_id  text    NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    block_number  bigint  NOT NULL,
    block_hash    text    NOT NULL,
    block_time    bigint  NOT NULL,
    tx_hash       text    NOT NULL,
    log_index     integer NOT NULL,
    delegator     text    NOT NULL,
    from_delegate text    NOT NULL,
    to_delegate   text    NOT NULL,
    PRIMARY KEY (block_hash, log_index)
);
CREATE INDEX token_delegate_changes_block ON token_delegate_changes (block_number);
CREATE INDEX token_delegate_changes_delegator ON token_delegate_changes (community_id, delegator, block_number DESC, log_index DESC);

-- Token DelegateVotesChanged events: new_votes is the delegate's voting power from then on.
CREATE TABLE token_delegate_votes (
    community_id   text          NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    block_number   bigint        NOT NULL,
    block_hash     text          NOT NULL,
    block_time     bigint        NOT NULL,
    tx_hash        text          NOT NULL,
    log_index      integer       NOT NULL,
    delegate       text          NOT NULL,
    previous_votes numeric(78,0) NOT NULL,
    new_votes      numeric(78,0) NOT NULL,
    PRIMARY KEY (block_hash, log_index)
);
CREATE INDEX token_delegate_votes_block ON token_delegate_votes (block_number);
CREATE INDEX token_delegate_votes_delegate ON token_delegate_votes (community_id, delegate, block_number DESC, log_index DESC);

-- Derived: one row per account that ever appeared in a community's token events. delegate is
-- null while the account has none; voting_power is the newest DelegateVotesChanged.new_votes.
-- (No CHECK on signs: rows are upserted with deltas, and a check would refuse a proposed row
-- before its conflict turns it into an update.)
CREATE TABLE token_accounts (
    community_id text          NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    address      text          NOT NULL,
    balance      numeric(78,0) NOT NULL DEFAULT 0,
    voting_power numeric(78,0) NOT NULL DEFAULT 0,
    delegate     text,
    PRIMARY KEY (community_id, address)
);
CREATE INDEX token_accounts_holders ON token_accounts (community_id, balance DESC, address) WHERE balance > 0;

-- Derived: a community's total supply (mints minus burns).
CREATE TABLE token_supply (
    community_id text          PRIMARY KEY REFERENCES communities (id) ON DELETE CASCADE,
    total_supply numeric(78,0) NOT NULL DEFAULT 0
);

-- Governor ProposalCreated events, with derived lifecycle and running tallies. title is the
-- description's first line. vote_end is the newest deadline (a ProposalExtended moves it). state
-- is the governor's state() at the community's index_progress block when the indexer could read
-- it (state_checked_block), else derived from the events and the clock.
CREATE TABLE proposals (
    community_id      text          NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    proposal_id       numeric(78,0) NOT NULL,
    proposer          text          NOT NULL,
    description       text          NOT NULL,
    title             text          NOT NULL,
    vote_start        bigint        NOT NULL,
    vote_end          bigint        NOT NULL,
    original_vote_end bigint        NOT NULL,
    block_number      bigint        NOT NULL,
    block_hash        text          NOT NULL,
    block_time        bigint        NOT NULL,
    tx_hash           text          NOT NULL,
    log_index         integer       NOT NULL,
    state             text          NOT NULL DEFAULT 'pending',
    state_checked_block bigint,
    eta               bigint,
    queued_block      bigint,
    executed_block    bigint,
    canceled_block    bigint,
    for_votes         numeric(78,0) NOT NULL DEFAULT 0,
    against_votes     numeric(78,0) NOT NULL DEFAULT 0,
    abstain_votes     numeric(78,0) NOT NULL DEFAULT 0,
    for_voters        integer       NOT NULL DEFAULT 0,
    against_voters    integer       NOT NULL DEFAULT 0,
    abstain_voters    integer       NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, proposal_id),
    UNIQUE (block_hash, log_index)
);
CREATE INDEX proposals_block ON proposals (block_number);
CREATE INDEX proposals_list ON proposals (community_id, block_number DESC, log_index DESC);

-- A proposal's actions, in order (targets[i], values[i], calldatas[i], signatures[i]).
CREATE TABLE proposal_actions (
    community_id text          NOT NULL,
    proposal_id  numeric(78,0) NOT NULL,
    index        integer       NOT NULL,
    target       text          NOT NULL,
    value        numeric(78,0) NOT NULL,
    calldata     bytea         NOT NULL,
    signature    text          NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, proposal_id, index),
    FOREIGN KEY (community_id, proposal_id) REFERENCES proposals (community_id, proposal_id) ON DELETE CASCADE
);

-- Governor VoteCast and VoteCastWithParams events (params is null for VoteCast). support: 0
-- against, 1 for, 2 abstain.
CREATE TABLE votes (
    community_id text          NOT NULL,
    proposal_id  numeric(78,0) NOT NULL,
    voter        text          NOT NULL,
    support      smallint      NOT NULL,
    weight       numeric(78,0) NOT NULL,
    reason       text          NOT NULL,
    params       bytea,
    block_number bigint        NOT NULL,
    block_hash   text          NOT NULL,
    block_time   bigint        NOT NULL,
    tx_hash      text          NOT NULL,
    log_index    integer       NOT NULL,
    PRIMARY KEY (block_hash, log_index),
    UNIQUE (community_id, proposal_id, voter),
    FOREIGN KEY (community_id, proposal_id) REFERENCES proposals (community_id, proposal_id) ON DELETE CASCADE
);
CREATE INDEX votes_block ON votes (block_number);
CREATE INDEX votes_list ON votes (community_id, proposal_id, block_number DESC, log_index DESC);

-- Governor ProposalQueued (eta set), ProposalExecuted, ProposalCanceled and ProposalExtended
-- (extended_deadline set) events; kind is 'queued', 'executed', 'canceled' or 'extended'.
CREATE TABLE proposal_events (
    community_id      text          NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    proposal_id       numeric(78,0) NOT NULL,
    kind              text          NOT NULL CHECK (kind IN ('queued', 'executed', 'canceled', 'extended')),
    eta               bigint,
    extended_deadline bigint,
    block_number      bigint        NOT NULL,
    block_hash        text          NOT NULL,
    block_time        bigint        NOT NULL,
    tx_hash           text          NOT NULL,
    log_index         integer       NOT NULL,
    PRIMARY KEY (block_hash, log_index)
);
CREATE INDEX proposal_events_block ON proposal_events (block_number);
CREATE INDEX proposal_events_proposal ON proposal_events (community_id, proposal_id);

-- Timelock CallScheduled, CallExecuted and Cancelled events; kind is 'scheduled', 'executed' or
-- 'cancelled'. operation_id is the timelock's operation id (bytes32, hex).
CREATE TABLE timelock_events (
    community_id text          NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    kind         text          NOT NULL CHECK (kind IN ('scheduled', 'executed', 'cancelled')),
    operation_id text          NOT NULL,
    call_index   numeric(78,0),
    target       text,
    value        numeric(78,0),
    data         bytea,
    predecessor  text,
    delay        numeric(78,0),
    block_number bigint        NOT NULL,
    block_hash   text          NOT NULL,
    block_time   bigint        NOT NULL,
    tx_hash      text          NOT NULL,
    log_index    integer       NOT NULL,
    PRIMARY KEY (block_hash, log_index)
);
CREATE INDEX timelock_events_block ON timelock_events (block_number);
CREATE INDEX timelock_events_operation ON timelock_events (community_id, operation_id);
