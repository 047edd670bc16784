import type { Deps } from "../deps";
import { markDelivered, markRead } from "../modules/conversations/read-state.service";
import { setTyping } from "../modules/conversations/typing.service";
import { requireMember } from "../modules/groups/groups.policy";
import { directHistory, sendDirect } from "../modules/messages/direct-messages.service";
import { groupHistory, sendGroupMessage } from "../modules/messages/group-messages.service";
import { deleteMessage, editOwnMessage, react } from "../modules/messages/lifecycle.service";
import { defineHandler, type SocketHandler } from "./define-handler";
import { groupRoom } from "./rooms";

/** The client events of API.md, each a thin call into the same services REST uses. */
export function createHandlers(deps: Deps): SocketHandler[] {
  return [
    defineHandler(deps, "joinGroup", async (socket, { groupId }) => {
      await requireMember(deps.access, groupId, socket.data.actor.id);
      await socket.join(groupRoom(groupId));
      return { ok: true as const };
    }),
    defineHandler(deps, "leaveGroup", async (socket, { groupId }) => {
      await socket.leave(groupRoom(groupId));
      return { ok: true as const };
    }),
    defineHandler(
      deps,
      "sendDM",
      (socket, { toId, ...input }, { queued }) => sendDirect(deps, socket.data.actor, toId, input, { onQueued: queued }),
      { serial: true, limit: "sends" },
    ),
    defineHandler(deps, "getDMHistory", (socket, { otherId, ...page }) => directHistory(deps, socket.data.actor, otherId, page)),
    defineHandler(
      deps,
      "sendGroupMessage",
      (socket, { groupId, ...input }, { queued }) => sendGroupMessage(deps, socket.data.actor, groupId, input, { onQueued: queued }),
      { serial: true, limit: "sends" },
    ),
    defineHandler(deps, "getGroupHistory", (socket, { groupId, ...page }) => groupHistory(deps, socket.data.actor, groupId, page)),
    defineHandler(deps, "markRead", (socket, { conversationId, seq }) =>
      markRead(deps, socket.data.actor, conversationId, seq, { socketId: socket.id }),
    ),
    defineHandler(deps, "markDelivered", (socket, { conversationId, seq }) => markDelivered(deps, socket.data.actor, conversationId, seq)),
    defineHandler(deps, "editMessage", (socket, { messageId, content }) => editOwnMessage(deps, socket.data.actor, messageId, content), {
      limit: "reactions",
    }),
    defineHandler(deps, "deleteMessage", async (socket, { messageId }) => {
      await deleteMessage(deps, socket.data.actor, messageId);
      return { ok: true as const };
    }),
    defineHandler(deps, "react", (socket, { messageId, emoji }) => react(deps, socket.data.actor, messageId, emoji, true), {
      limit: "reactions",
    }),
    defineHandler(deps, "unreact", (socket, { messageId, emoji }) => react(deps, socket.data.actor, messageId, emoji, false), {
      limit: "reactions",
    }),
    defineHandler(deps, "typing", (socket, { conversationId, typing }) => setTyping(deps, socket.data.actor, conversationId, typing)),
  ];
}
