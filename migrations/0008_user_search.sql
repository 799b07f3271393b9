-- User search (GET/POST /api/user/search), FusionAuth's database search engine: a `queryString` matches email,
-- username, firstName, lastName or fullName, case-insensitively, as a substring, or as an anchored pattern when it
-- holds `*` (store/user-search-store.ts). A LIKE over users.data would scan every user, so the five fields are kept
-- in an FTS5 trigram index, where any substring of three or more characters is an index lookup.
--
-- user_search_documents holds, per user, the five fields lower-cased and wrapped in char(2) ... char(3), so that a
-- prefix or suffix is itself a substring the trigram index can find ("\x02pied" = starts with "pied"). Its integer
-- id is the FTS rowid: users has no stable integer key of its own (an implicit rowid may change on VACUUM).
-- Triggers keep everything in step with users, so no code path that writes users can forget the index.

CREATE TABLE user_search_documents (
  id INTEGER PRIMARY KEY,
  -- deleting a user (or its tenant) deletes its document, and the document's trigger its index entry
  user_id TEXT NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
  tenant_id TEXT NOT NULL,
  email TEXT,
  username TEXT,
  first_name TEXT,
  last_name TEXT,
  full_name TEXT
);
CREATE INDEX user_search_documents_tenant ON user_search_documents (tenant_id);

-- A user's document, computed from its row: the one definition the triggers and the backfill below share. JSON that
-- SQLite cannot parse (a row stored nested deeper than its 1,000 levels, before request JSON was bounded) gives an
-- empty document instead of failing the user's write: json_extract raises on it, json_valid answers 0.
CREATE VIEW user_search_sources AS
SELECT
  id AS user_id,
  tenant_id,
  char(2) || lower(json_extract(CASE WHEN json_valid(data) THEN data END, '$.email')) || char(3) AS email,
  char(2) || lower(json_extract(CASE WHEN json_valid(data) THEN data END, '$.username')) || char(3) AS username,
  char(2) || lower(json_extract(CASE WHEN json_valid(data) THEN data END, '$.firstName')) || char(3) AS first_name,
  char(2) || lower(json_extract(CASE WHEN json_valid(data) THEN data END, '$.lastName')) || char(3) AS last_name,
  char(2) || lower(json_extract(CASE WHEN json_valid(data) THEN data END, '$.fullName')) || char(3) AS full_name
FROM users;

-- External content: the index stores no second copy of the text; 'rebuild' can recreate it from the documents.
CREATE VIRTUAL TABLE user_search USING fts5 (
  email, username, first_name, last_name, full_name,
  content = 'user_search_documents', content_rowid = 'id', tokenize = 'trigram'
);

INSERT INTO user_search_documents (user_id, tenant_id, email, username, first_name, last_name, full_name)
SELECT user_id, tenant_id, email, username, first_name, last_name, full_name FROM user_search_sources;
INSERT INTO user_search (user_search) VALUES ('rebuild');

CREATE TRIGGER user_search_documents_insert AFTER INSERT ON user_search_documents BEGIN
  INSERT INTO user_search (rowid, email, username, first_name, last_name, full_name)
  VALUES (new.id, new.email, new.username, new.first_name, new.last_name, new.full_name);
END;

CREATE TRIGGER user_search_documents_delete AFTER DELETE ON user_search_documents BEGIN
  INSERT INTO user_search (user_search, rowid, email, username, first_name, last_name, full_name)
  VALUES ('delete', old.id, old.email, old.username, old.first_name, old.last_name, old.full_name);
END;

CREATE TRIGGER user_search_documents_update AFTER UPDATE OF email, username, first_name, last_name, full_name ON user_search_documents BEGIN
  INSERT INTO user_search (user_search, rowid, email, username, first_name, last_name, full_name)
  VALUES ('delete', old.id, old.email, old.username, old.first_name, old.last_name, old.full_name);
  INSERT INTO user_search (rowid, email, username, first_name, last_name, full_name)
  VALUES (new.id, new.email, new.username, new.first_name, new.last_name, new.full_name);
END;

CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
  INSERT INTO user_search_documents (user_id, tenant_id, email, username, first_name, last_name, full_name)
  SELECT user_id, tenant_id, email, username, first_name, last_name, full_name FROM user_search_sources WHERE user_id = new.id;
END;

-- Most user updates (active, two-factor methods, password metadata) leave the five fields alone: the WHERE
-- skips those, so the index is rewritten only when a searched value changed.
CREATE TRIGGER users_search_update AFTER UPDATE OF data, tenant_id ON users BEGIN
  UPDATE user_search_documents
  SET (tenant_id, email, username, first_name, last_name, full_name) =
    (SELECT tenant_id, email, username, first_name, last_name, full_name FROM user_search_sources WHERE user_id = new.id)
  WHERE user_id = new.id
    AND (tenant_id, email, username, first_name, last_name, full_name) IS NOT
      (SELECT tenant_id, email, username, first_name, last_name, full_name FROM user_search_sources WHERE user_id = new.id);
END;
