-- AlterTable
ALTER TABLE "User" ADD COLUMN "readReceipts" BOOLEAN NOT NULL DEFAULT true;

-- RedefineTables (SQLite cannot add a column whose default is CURRENT_TIMESTAMP)
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Membership" (
    "conversationId" INTEGER NOT NULL,
    "userId" INTEGER NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'MEMBER',
    "joinedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readSeq" INTEGER NOT NULL DEFAULT 0,
    "deliveredSeq" INTEGER NOT NULL DEFAULT 0,
    "muted" BOOLEAN NOT NULL DEFAULT false,
    "mutedUntil" DATETIME,
    "activityAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("conversationId", "userId"),
    CONSTRAINT "Membership_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Membership" ("conversationId", "joinedAt", "role", "userId", "activityAt")
    SELECT "conversationId", "joinedAt", "role", "userId", "joinedAt" FROM "Membership";
DROP TABLE "Membership";
ALTER TABLE "new_Membership" RENAME TO "Membership";
CREATE INDEX "Membership_userId_activityAt_conversationId_idx" ON "Membership"("userId", "activityAt", "conversationId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateTable
CREATE TABLE "Mention" (
    "messageId" INTEGER NOT NULL,
    "userId" INTEGER NOT NULL,
    "conversationId" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,

    PRIMARY KEY ("messageId", "userId"),
    CONSTRAINT "Mention_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Mention_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Mention_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MessageGap" (
    "conversationId" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,

    PRIMARY KEY ("conversationId", "seq"),
    CONSTRAINT "MessageGap_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Mention_userId_conversationId_seq_idx" ON "Mention"("userId", "conversationId", "seq");

-- CreateIndex
CREATE INDEX "Mention_conversationId_seq_idx" ON "Mention"("conversationId", "seq");

-- Read state starts where history stands: what was sent before read cursors existed counts as read.
UPDATE "Membership" SET "readSeq" = (SELECT "lastSeq" FROM "Conversation" WHERE "Conversation"."id" = "Membership"."conversationId"),
    "deliveredSeq" = (SELECT "lastSeq" FROM "Conversation" WHERE "Conversation"."id" = "Membership"."conversationId");
-- Inbox order: the newest message, or joining, whichever is later (timestamps in the format Prisma writes).
UPDATE "Membership" SET "activityAt" = (SELECT MAX("createdAt") FROM "Message" WHERE "Message"."conversationId" = "Membership"."conversationId")
    WHERE (SELECT MAX("createdAt") FROM "Message" WHERE "Message"."conversationId" = "Membership"."conversationId") > "joinedAt";
INSERT INTO "MessageGap" ("conversationId", "seq") SELECT "conversationId", "seq" FROM "Message" WHERE "deletedAt" IS NOT NULL;

-- A message that becomes a tombstone leaves a gap in the unread counts, whichever code deletes it.
CREATE TRIGGER "Message_deleted_gap" AFTER UPDATE OF "deletedAt" ON "Message"
WHEN OLD."deletedAt" IS NULL AND NEW."deletedAt" IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO "MessageGap" ("conversationId", "seq") VALUES (NEW."conversationId", NEW."seq");
END;
