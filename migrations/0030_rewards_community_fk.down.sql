ALTER TABLE rewards ADD CONSTRAINT rewards_community_id_fkey FOREIGN KEY (community_id) REFERENCES communities (id);
