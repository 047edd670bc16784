import type { Deps } from "../deps";
import { requireMember } from "../modules/groups/groups.policy";
import { directHistory, sendDirect } from "../modules/messages/direct-messages.service";
import { groupHistory, sendGroupMessage } from "../modules/messages/group-messages.service";
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
  ];
}
