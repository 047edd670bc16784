-- AlterTable
ALTER TABLE "User" ADD COLUMN "readReceipts" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN "lastMessageAt" DATETIME;

-- AlterTable
ALTER TABLE "Membership" ADD COLUMN "readSeq" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Membership" ADD COLUMN "deliveredSeq" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Membership" ADD COLUMN "muted" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Membership" ADD COLUMN "mutedUntil" DATETIME;

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
UPDATE "Conversation" SET "lastMessageAt" = (SELECT MAX("createdAt") FROM "Message" WHERE "Message"."conversationId" = "Conversation"."id");
INSERT INTO "MessageGap" ("conversationId", "seq") SELECT "conversationId", "seq" FROM "Message" WHERE "deletedAt" IS NOT NULL;

-- A message that becomes a tombstone leaves a gap in the unread counts, whichever code deletes it.
CREATE TRIGGER "Message_deleted_gap" AFTER UPDATE OF "deletedAt" ON "Message"
WHEN OLD."deletedAt" IS NULL AND NEW."deletedAt" IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO "MessageGap" ("conversationId", "seq") VALUES (NEW."conversationId", NEW."seq");
END;
