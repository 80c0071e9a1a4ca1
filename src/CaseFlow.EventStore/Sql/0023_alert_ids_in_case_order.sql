-- ADR 28: alert ids and alert streams' ids keep their case's order (the case id's first 64 bits, then a name-based hash), so a
-- sweep over cases in id order writes its new alerts' index entries side by side rather than each on a random page. A stream's id
-- is part of its events' chain and cannot change: the cases whose alert stream began before this migration keep it, under its old
-- id (AlertRepository.LegacyStreamFor: the first 128 bits of the same hash), and are listed here. Nothing writes this table after
-- the migration; AlertRepository reads it. Their alerts keep their ids too: an alert counts as raised by its kind, due date and
-- level, whatever its id (AlertRules.ToRaise), so none is raised twice. Re-running this file changes nothing.
CREATE TABLE IF NOT EXISTS legacy_alert_streams (case_id uuid PRIMARY KEY);

INSERT INTO legacy_alert_streams (case_id)
SELECT DISTINCT (e.data->>'caseId')::uuid
FROM streams s JOIN events e ON e.stream_id = s.id AND e.version = 1
WHERE s.type = 'case-alerts'
ON CONFLICT DO NOTHING;
