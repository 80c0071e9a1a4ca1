-- Art. 518 is fined by the host party's size at the offence (000 offences section), and an auditor asks what was known at an
-- instant. host_parties.size held only the size now: a change re-priced every earlier offence and left no trace of who made it.
-- host_party_sizes keeps every size with the day it holds from, when and by whom it was recorded; host_parties.size stays the
-- size now. The trigger records every write of host_parties.size, by CaseFlow or by hand: a size set in SQL is recorded as from
-- today in Almaty by the database's user. CaseFlow names its own day and actor in the transaction (caseflow.today,
-- caseflow.actor), so a test clock drives the day. Owner: Core's HostPartyStore (writes through host_parties, reads here).
CREATE TABLE host_party_sizes (
    seq             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    host_party_id   uuid        NOT NULL REFERENCES host_parties (id),
    effective_from  date        NOT NULL,
    size            text        NOT NULL CHECK (size IN ('small', 'medium', 'large')),
    recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    recorded_by     text        NOT NULL
);
CREATE INDEX host_party_sizes_by_party ON host_party_sizes (host_party_id, effective_from, seq);

-- What was known before: each host party's size as it is now, holding for all time, recorded when the party was created.
INSERT INTO host_party_sizes (host_party_id, effective_from, size, recorded_at, recorded_by)
SELECT id, DATE '1900-01-01', size, created_at, created_by FROM host_parties;

CREATE FUNCTION host_party_size_recorded() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.size = OLD.size THEN
        RETURN NULL;
    END IF;
    INSERT INTO host_party_sizes (host_party_id, effective_from, size, recorded_by)
    VALUES (
        NEW.id,
        CASE WHEN TG_OP = 'INSERT' THEN DATE '1900-01-01'
             ELSE COALESCE(NULLIF(current_setting('caseflow.today', true), '')::date, (now() AT TIME ZONE 'Asia/Almaty')::date) END,
        NEW.size,
        CASE WHEN TG_OP = 'INSERT' THEN NEW.created_by
             ELSE COALESCE(NULLIF(current_setting('caseflow.actor', true), ''), 'db:' || current_user) END);
    RETURN NULL;
END $$;

CREATE TRIGGER host_party_size_recorded AFTER INSERT OR UPDATE OF size ON host_parties
    FOR EACH ROW EXECUTE FUNCTION host_party_size_recorded();
