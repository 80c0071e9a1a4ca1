-- Issue 14: a page of a host party's caseload is read in the list's own order from an index, not sorted out of every case the host
-- party has (a host party with 27,000 cases took 22 ms a page). The list sorts cases without a deadline last.
CREATE INDEX case_status_list_order ON case_status (host_party_id, (COALESCE(next_deadline_due, 'infinity'::date)), case_id);
