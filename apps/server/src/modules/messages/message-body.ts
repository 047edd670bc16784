import type { SendMessage } from "@hestia/contracts";
import { AppError } from "../../errors";
import { applicationEpoch } from "../e2ee/mls-wire";
import type { MessageBody } from "./store/message-row";

/**
 * What a send stores. For an end-to-end encrypted one also the MLS epoch its ciphertext was made in,
 * which must still be the conversation's when it is written; a ciphertext that is not an application
 * message of this conversation's MLS group is refused (400).
 */
export function messageBody(conversationId: number, input: SendMessage): { body: MessageBody; epoch?: number } {
  if (input.encrypted === true && input.ciphertext !== undefined) {
    return { body: { encrypted: true, ciphertext: input.ciphertext }, epoch: applicationEpoch(input.ciphertext, conversationId) };
  }
  // A message that sends attachments may have no text.
  const content = input.content ?? (input.attachments?.length ? "" : undefined);
  if (input.encrypted !== true && content !== undefined) return { body: { encrypted: false, content } };
  throw new AppError("VALIDATION_ERROR", "A message carries its content, or encrypted: true and its ciphertext");
}

/** An encrypted send whose epoch is no longer the conversation's (a commit was accepted meanwhile). */
export const epochMoved = () =>
  new AppError("CONFLICT", "The conversation's MLS epoch moved on: process the new commits and encrypt again");
