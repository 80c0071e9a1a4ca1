-- A rebuild's shadow table, made like the live table a migration created (columns, defaults, constraints, indexes): the only table
-- DDL the runtime needs, kept here with the rest so that no table is ever shaped from C#.
CREATE OR REPLACE FUNCTION caseflow_create_shadow(live text, shadow text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('DROP TABLE IF EXISTS %I', shadow);
    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING ALL)', shadow, live);
END
$$;
