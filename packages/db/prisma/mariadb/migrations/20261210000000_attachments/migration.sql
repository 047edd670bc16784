-- CreateTable
CREATE TABLE `Attachment` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `ownerId` INTEGER NOT NULL,
    `state` VARCHAR(10) NOT NULL DEFAULT 'pending',
    `messageId` INTEGER NULL,
    `conversationId` INTEGER NULL,
    `storageKey` VARCHAR(128) NOT NULL,
    `thumbnailKey` VARCHAR(128) NULL,
    `name` VARCHAR(255) NOT NULL,
    `mimeType` VARCHAR(127) NOT NULL,
    `size` INTEGER NOT NULL,
    `width` INTEGER NULL,
    `height` INTEGER NULL,
    `encrypted` BOOLEAN NOT NULL DEFAULT false,
    `inline` BOOLEAN NOT NULL DEFAULT false,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `Attachment_ownerId_state_idx`(`ownerId`, `state`),
    INDEX `Attachment_messageId_idx`(`messageId`),
    INDEX `Attachment_state_createdAt_idx`(`state`, `createdAt`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- AddForeignKey
ALTER TABLE `Attachment` ADD CONSTRAINT `Attachment_ownerId_fkey` FOREIGN KEY (`ownerId`) REFERENCES `User`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `Attachment` ADD CONSTRAINT `Attachment_messageId_fkey` FOREIGN KEY (`messageId`) REFERENCES `Message`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;
