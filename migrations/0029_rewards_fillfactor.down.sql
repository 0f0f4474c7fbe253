ALTER TABLE rewards RESET (fillfactor);
