-- CaseFlow signs what it sends (t=...,v1=...), so a receiver trusts a webhook's body as CaseFlow's word. Someone who can write to the
-- database could edit a delivery still owed (an overstay alert re-dated or re-worded, a digest rewritten, one host party's alert put
-- in another's delivery) and CaseFlow would sign and send it. payload_mac is an HMAC, under the blind-index key kept outside the
-- database, of the host party, the kind and the body as CaseFlow wrote it (Outbox.PayloadFact): written with the delivery, checked
-- by the dispatcher before every send. A delivery without one, or whose payload no longer holds it, is never sent (it ends dead,
-- naming why).
ALTER TABLE deliveries ADD COLUMN payload_mac bytea;
