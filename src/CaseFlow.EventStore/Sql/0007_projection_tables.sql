-- The async projections' tables, owned by their projections (src/CaseFlow.Api/Projections) and created here, never from C#: a column
-- change is a new migration that reaches every live table. Rebuilds create their shadow tables with LIKE ... INCLUDING ALL from these,
-- and rename the shadow's indexes back to these default names at the swap. Until now the runner created them (IF NOT EXISTS keeps
-- existing databases as they are).
CREATE TABLE IF NOT EXISTS deadlines (
    case_id uuid NOT NULL, kind text NOT NULL, due date NOT NULL, status text NOT NULL, host_party_id uuid NOT NULL,
    rule text NOT NULL, catalogue_version text NOT NULL, PRIMARY KEY (case_id, kind, due));
CREATE INDEX IF NOT EXISTS deadlines_due_kind_idx ON deadlines (due, kind);

CREATE TABLE IF NOT EXISTS dashboard_cases (
    case_id uuid PRIMARY KEY, host_party_id uuid NOT NULL, status text NOT NULL, next_due date, overstay_from date,
    fine_mci numeric NOT NULL, fine_tenge numeric);
CREATE INDEX IF NOT EXISTS dashboard_cases_host_party_id_idx ON dashboard_cases (host_party_id);

CREATE TABLE IF NOT EXISTS offences (
    case_id uuid NOT NULL, host_party_id uuid NOT NULL, article int NOT NULL, party text NOT NULL, offence_date date NOT NULL,
    tier text NOT NULL, mci numeric NOT NULL, tenge numeric, rule text NOT NULL, PRIMARY KEY (case_id, article, party, offence_date));
CREATE INDEX IF NOT EXISTS offences_host_party_id_offence_date_idx ON offences (host_party_id, offence_date);

CREATE TABLE IF NOT EXISTS case_timeline (
    case_id uuid NOT NULL, version bigint NOT NULL, seq bigint NOT NULL, recorded_at timestamptz NOT NULL, actor text NOT NULL,
    business_date date, type text NOT NULL, text text NOT NULL, PRIMARY KEY (case_id, version));

-- Indexes the runner created under its own names before this migration: the same columns, kept once.
DROP INDEX IF EXISTS deadlines_due;
DROP INDEX IF EXISTS dashboard_cases_host;
DROP INDEX IF EXISTS offences_host;
