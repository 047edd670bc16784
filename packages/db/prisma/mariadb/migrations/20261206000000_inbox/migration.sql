-- AlterTable
ALTER TABLE `User` ADD COLUMN `readReceipts` BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE `Membership` ADD COLUMN `readSeq` INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN `deliveredSeq` INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN `muted` BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN `mutedUntil` DATETIME(3) NULL,
    ADD COLUMN `activityAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3);

-- CreateIndex (it also serves the foreign key on userId, so the old index on userId alone goes)
CREATE INDEX `Membership_userId_activityAt_conversationId_idx` ON `Membership`(`userId`, `activityAt`, `conversationId`);

-- DropIndex
DROP INDEX `Membership_userId_idx` ON `Membership`;

-- CreateTable
CREATE TABLE `Mention` (
    `messageId` INTEGER NOT NULL,
    `userId` INTEGER NOT NULL,
    `conversationId` INTEGER NOT NULL,
    `seq` INTEGER NOT NULL,

    INDEX `Mention_userId_conversationId_seq_idx`(`userId`, `conversationId`, `seq`),
    INDEX `Mention_conversationId_seq_idx`(`conversationId`, `seq`),
    PRIMARY KEY (`messageId`, `userId`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `MessageGap` (
    `conversationId` INTEGER NOT NULL,
    `seq` INTEGER NOT NULL,

    PRIMARY KEY (`conversationId`, `seq`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- AddForeignKey
ALTER TABLE `Mention` ADD CONSTRAINT `Mention_messageId_fkey` FOREIGN KEY (`messageId`) REFERENCES `Message`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `Mention` ADD CONSTRAINT `Mention_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `Mention` ADD CONSTRAINT `Mention_conversationId_fkey` FOREIGN KEY (`conversationId`) REFERENCES `Conversation`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `MessageGap` ADD CONSTRAINT `MessageGap_conversationId_fkey` FOREIGN KEY (`conversationId`) REFERENCES `Conversation`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- Read state starts where history stands: what was sent before read cursors existed counts as read.
UPDATE `Membership` JOIN `Conversation` ON `Conversation`.`id` = `Membership`.`conversationId`
    SET `Membership`.`readSeq` = `Conversation`.`lastSeq`, `Membership`.`deliveredSeq` = `Conversation`.`lastSeq`;
-- Inbox order: the newest message, or joining, whichever is later.
UPDATE `Membership` LEFT JOIN (SELECT `conversationId`, MAX(`createdAt`) AS `newest` FROM `Message` GROUP BY `conversationId`) AS `n`
    ON `n`.`conversationId` = `Membership`.`conversationId`
    SET `Membership`.`activityAt` = GREATEST(`Membership`.`joinedAt`, COALESCE(`n`.`newest`, `Membership`.`joinedAt`));
INSERT INTO `MessageGap` (`conversationId`, `seq`) SELECT `conversationId`, `seq` FROM `Message` WHERE `deletedAt` IS NOT NULL;

-- A message that becomes a tombstone leaves a gap in the unread counts, whichever code deletes it.
CREATE TRIGGER `Message_deleted_gap` AFTER UPDATE ON `Message` FOR EACH ROW
    INSERT IGNORE INTO `MessageGap` (`conversationId`, `seq`)
    SELECT NEW.`conversationId`, NEW.`seq` FROM DUAL WHERE OLD.`deletedAt` IS NULL AND NEW.`deletedAt` IS NOT NULL;
