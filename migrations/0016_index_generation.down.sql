ALTER TABLE index_progress DROP COLUMN generation;
