import type { Message } from "@hestia/contracts";
import { AppError } from "../../errors";
import type { Announcements } from "../../realtime/announcements";
import { epochMoved } from "./message-body";
import type { AppendOutcome } from "./store/message-store";

/**
 * What a send answers, from what the store did with it: a new message is announced (broadcast, push)
 * before it is returned; a repeat returns the original, announcing it if it never was (its process died
 * between commit and broadcast); a refusal becomes its error, `gone` meaning whatever the conversation's
 * kind makes of it (`whenGone`).
 */
export async function answer(
  outcome: AppendOutcome,
  announcements: Announcements,
  announce: (message: Message) => void,
  whenGone: () => Promise<AppError>,
): Promise<Message> {
  switch (outcome.status) {
    case "stored":
      announce(outcome.message);
      announcements.record(outcome.message.id);
      return outcome.message;
    case "repeat":
      if (!(await announcements.seen(outcome.message.id))) {
        announce(outcome.message);
        announcements.record(outcome.message.id);
      }
      return outcome.message;
    case "refused":
      switch (outcome.reason) {
        case "epoch":
          throw epochMoved();
        case "encrypted-only":
          throw new AppError("BAD_REQUEST", "This group accepts only end-to-end encrypted messages");
        case "key-in-other-conversation":
          throw new AppError("CONFLICT", "idempotencyKey was already used for a message in another conversation");
        case "gone":
          throw await whenGone();
      }
  }
}
