-- CreateIndex: a user's own messages in id order, read page by page for the data export.
CREATE INDEX `Message_senderId_id_idx` ON `Message`(`senderId`, `id`);
