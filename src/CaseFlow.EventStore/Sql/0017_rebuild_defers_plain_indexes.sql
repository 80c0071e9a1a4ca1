-- Issue 14: a rebuild's first pass COPYs every case into the shadow tables. A shadow's plain indexes (not unique, backing no
-- constraint: the secondary ones, e.g. deadlines (due, kind), alert_dates (on_date)) are dropped before that pass and built again
-- after it, one sort each instead of one B-tree insert per row. Primary keys and unique indexes stay during the pass, so a duplicate
-- still fails its own batch (and is isolated down to its event) rather than the whole rebuild. Returns the statements that build the
-- dropped indexes again, as PostgreSQL writes them from the shadow's own catalogue (same names, columns, methods and predicates).
CREATE OR REPLACE FUNCTION caseflow_shadow_defer_indexes(shadow text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
    statements text[] := '{}';
    ix record;
BEGIN
    FOR ix IN
        SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
        FROM pg_index i
        WHERE i.indrelid = quote_ident(shadow)::regclass AND NOT i.indisunique AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY 1
    LOOP
        statements := statements || ix.definition;
        EXECUTE 'DROP INDEX ' || ix.name;
    END LOOP;
    RETURN statements;
END
$$;
