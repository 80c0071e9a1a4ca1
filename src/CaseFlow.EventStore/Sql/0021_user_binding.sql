-- A user row says who an API key is: its role and host parties decide whose foreigners the API decrypts for it. Someone who can write
-- to the database but holds no key could widen a user's host parties, raise its role, point an admin's key hash at a key of their own,
-- or insert a user, and have the API read out what the database alone never shows (personal data is sealed under keys kept outside).
-- binding is an HMAC, under the blind-index key kept outside the database, of the user's id, name, role, host parties and key hash
-- (UserStore.Fact): written when CaseFlow makes the user, checked on every authentication. A row without one, or edited in SQL,
-- authenticates no one; `caseflow users bind` binds a row anew once an operator holding the keys has checked it.
ALTER TABLE users ADD COLUMN binding bytea;
