-- Build whatever is still deferred, then forget the mechanism.
SELECT index_restore();
DROP FUNCTION index_restore();
DROP FUNCTION index_defer(text[]);
DROP TABLE index_deferred;
