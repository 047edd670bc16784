-- AlterTable
ALTER TABLE `Conversation` ADD COLUMN `changeSeq` INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE `Message` ADD COLUMN `replyToId` INTEGER NULL,
    ADD COLUMN `editedAt` DATETIME(3) NULL,
    ADD COLUMN `changeSeq` INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE `MessageEdit` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `messageId` INTEGER NOT NULL,
    `content` TEXT NOT NULL,
    `editedAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `MessageEdit_messageId_id_idx`(`messageId`, `id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateTable
CREATE TABLE `Reaction` (
    `messageId` INTEGER NOT NULL,
    `userId` INTEGER NOT NULL,
    `emoji` VARCHAR(32) NOT NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `Reaction_userId_idx`(`userId`),
    PRIMARY KEY (`messageId`, `userId`, `emoji`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- CreateIndex
CREATE INDEX `Message_conversationId_changeSeq_idx` ON `Message`(`conversationId`, `changeSeq`);

-- AddForeignKey
ALTER TABLE `MessageEdit` ADD CONSTRAINT `MessageEdit_messageId_fkey` FOREIGN KEY (`messageId`) REFERENCES `Message`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `Reaction` ADD CONSTRAINT `Reaction_messageId_fkey` FOREIGN KEY (`messageId`) REFERENCES `Message`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `Reaction` ADD CONSTRAINT `Reaction_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- Existing messages count as changed when they were sent: the changes feed starts with history as it stands.
UPDATE `Message` SET `changeSeq` = `seq`;
UPDATE `Conversation` SET `changeSeq` = `lastSeq`;
