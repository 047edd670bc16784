import type { Message, SendMessage } from "@hestia/contracts";
import type { Actor, Deps } from "../../deps";
import { loadHistory, storeAndAnnounce, type HistoryOptions } from "../messages/message-store";
import { requireMember } from "./groups.policy";

const groupRef = (groupId: number) => ({ id: groupId, kind: "GROUP", directKey: null });

export async function sendGroupMessage(deps: Deps, actor: Actor, groupId: number, input: SendMessage): Promise<Message> {
  await requireMember(deps.db, groupId, actor.id);
  return storeAndAnnounce(
    deps.db,
    { conversation: groupRef(groupId), sender: actor, content: input.content, idempotencyKey: input.idempotencyKey },
    (message) => {
      deps.broadcaster.groupMessage({ ...message, groupId });
      deps.push.notify(message, { kind: "group", groupId });
    },
  );
}

export async function groupHistory(deps: Deps, actor: Actor, groupId: number, options: HistoryOptions): Promise<Message[]> {
  await requireMember(deps.db, groupId, actor.id);
  return loadHistory(deps.db, groupRef(groupId), options);
}
