-- A subscription says where CaseFlow sends a host party's alerts and its digest, and a digest names people (filled in as it leaves).
-- Someone who can write to the database but holds no key could point a subscription at their own address and have CaseFlow open and
-- mail what the database alone never shows. binding is an HMAC, under the secrets key kept outside the database, of the
-- subscription's id, host party, channel and target (Outbox.Address): written by CaseFlow when a subscription is made or its target
-- changed, checked by the dispatcher before every send. A row without one, or edited in SQL, is never sent to (its deliveries end
-- dead, naming why); setting the target again through the API binds it anew.
ALTER TABLE subscriptions ADD COLUMN binding bytea;
