-- A community's index generation (issue 15, `guildhall reindex`). The reindex rebuilds a
-- community's indexed and derived rows from the chain and swaps them in at the same block the
-- live index had reached: as_of (block number and hash) does not move, yet the rows under it may
-- have changed. Caches keyed on the as_of block hash (the health figures, the delegated supply of
-- a tally) key on (block hash, generation), and the swap bumps the generation in its transaction,
-- so no process serves a figure cached from the rows it replaced.
ALTER TABLE index_progress ADD COLUMN generation bigint NOT NULL DEFAULT 0;
