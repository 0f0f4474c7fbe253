-- The minter rewrites every reward twice after its insert: claimed into a batch (batch_id and
-- status) and confirmed (status). The confirmation changes no indexed column, so it can stay on
-- the reward's page (a HOT update: no new entry in any of the ledger's five indexes) when the page
-- has room, which full pages never had. Pages now keep a fifth free for it (new pages only; the
-- rows already there move as they are rewritten). A round of 4 batches of 300 on a ledger of
-- 30,000 rewards: its confirmation 17 ms with full pages, 12.7 ms with a fifth free.
ALTER TABLE rewards SET (fillfactor = 80);
