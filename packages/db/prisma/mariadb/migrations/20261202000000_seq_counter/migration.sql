-- Conversation.lastSeq becomes the counter every new message takes its seq from (it was a floor kept
-- only when messages were deleted): bring it up to the newest stored message.
UPDATE `Conversation` SET `lastSeq` = GREATEST(`lastSeq`, COALESCE((SELECT MAX(`seq`) FROM `Message` WHERE `Message`.`conversationId` = `Conversation`.`id`), 0));
