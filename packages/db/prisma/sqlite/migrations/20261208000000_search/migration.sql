-- Full-text search over plaintext messages: an FTS5 index whose content is Message.content (external
-- content, so the text is stored once), kept in step by triggers whichever code writes a message.
-- Encrypted messages and tombstones have no content and so are never indexed.
CREATE VIRTUAL TABLE "MessageSearch" USING fts5("content", content='Message', content_rowid='id', tokenize='unicode61 remove_diacritics 2');

-- A deletion removes the words from the index itself, not just masks them (the text of a deleted message
-- must be gone from storage).
INSERT INTO "MessageSearch" ("MessageSearch", "rank") VALUES ('secure-delete', 1);

INSERT INTO "MessageSearch" ("rowid", "content") SELECT "id", "content" FROM "Message" WHERE "content" IS NOT NULL;

CREATE TRIGGER "Message_search_insert" AFTER INSERT ON "Message"
WHEN NEW."content" IS NOT NULL
BEGIN
    INSERT INTO "MessageSearch" ("rowid", "content") VALUES (NEW."id", NEW."content");
END;

CREATE TRIGGER "Message_search_update" AFTER UPDATE OF "content" ON "Message"
BEGIN
    INSERT INTO "MessageSearch" ("MessageSearch", "rowid", "content") SELECT 'delete', OLD."id", OLD."content" WHERE OLD."content" IS NOT NULL;
    INSERT INTO "MessageSearch" ("rowid", "content") SELECT NEW."id", NEW."content" WHERE NEW."content" IS NOT NULL;
END;

CREATE TRIGGER "Message_search_delete" AFTER DELETE ON "Message"
WHEN OLD."content" IS NOT NULL
BEGIN
    INSERT INTO "MessageSearch" ("MessageSearch", "rowid", "content") VALUES ('delete', OLD."id", OLD."content");
END;
