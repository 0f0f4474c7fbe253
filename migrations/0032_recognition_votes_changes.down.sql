DROP TRIGGER votes_recognition_truncate ON votes;
DROP TRIGGER votes_recognition_delete ON votes;
DROP TRIGGER votes_recognition_insert ON votes;
