-- Full-text search over plaintext messages: a FULLTEXT index on Message.content, which the database keeps
-- in step by itself (encrypted messages and tombstones have no content). The column takes a
-- case-insensitive collation so that words match whatever their case (nothing compares message texts).
ALTER TABLE `Message` MODIFY `content` TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL;

-- CreateIndex
CREATE FULLTEXT INDEX `Message_content_search_idx` ON `Message`(`content`);
