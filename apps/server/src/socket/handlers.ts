import type { Deps } from "../deps";
import { requireMember } from "../modules/groups/groups.policy";
import { directHistory, sendDirect } from "../modules/messages/direct-messages.service";
import { groupHistory, sendGroupMessage } from "../modules/messages/group-messages.service";
import { defineHandler } from "./define-handler";
import type { HestiaSocket } from "./io";
import { groupRoom } from "./rooms";

/** The client events of API.md, each a thin call into the same services REST uses. */
export function registerHandlers(socket: HestiaSocket, deps: Deps): void {
  const actor = socket.data.actor;
  defineHandler(socket, deps, "joinGroup", async ({ groupId }) => {
    await requireMember(deps.access, groupId, actor.id);
    await socket.join(groupRoom(groupId));
    return { ok: true as const };
  });
  defineHandler(socket, deps, "leaveGroup", async ({ groupId }) => {
    await socket.leave(groupRoom(groupId));
    return { ok: true as const };
  });
  defineHandler(socket, deps, "sendDM", ({ toId, ...input }) => sendDirect(deps, actor, toId, input), { serial: true });
  defineHandler(socket, deps, "getDMHistory", ({ otherId, ...page }) => directHistory(deps, actor, otherId, page));
  defineHandler(socket, deps, "sendGroupMessage", ({ groupId, ...input }) => sendGroupMessage(deps, actor, groupId, input), {
    serial: true,
  });
  defineHandler(socket, deps, "getGroupHistory", ({ groupId, ...page }) => groupHistory(deps, actor, groupId, page));
}
