import type { Audience } from "../../realtime/broadcaster";
import { type ConversationRef, otherParticipant } from "../messages/store/message-row";

/**
 * The other members of a conversation, as the audience of an event about one member: the other user of a
 * direct conversation (all their devices), or the sockets in a group's room (as for its messages).
 */
export function othersOf(ref: ConversationRef, userId: number): Audience {
  if (ref.kind === "GROUP") return { groupId: ref.id, exceptUserIds: [userId] };
  return { userIds: ref.directKey ? [otherParticipant(ref.directKey, userId)] : [] };
}
