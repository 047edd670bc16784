import type { Welcome } from "@hestia/contracts";
import type { Actor, Deps } from "../../deps";
import { AppError } from "../../errors";
import { conversationTarget } from "./conversations.service";
import { requireOwnDevice } from "./e2ee.policy";

/** The welcomes waiting for one of the actor's devices, oldest first. */
export async function listWelcomes(deps: Deps, actor: Actor, deviceId: number): Promise<Welcome[]> {
  await requireOwnDevice(deps.db, actor.id, deviceId);
  const rows = await deps.db.mlsWelcome.findMany({
    where: { deviceId },
    orderBy: { id: "asc" },
    select: {
      id: true,
      conversationId: true,
      epoch: true,
      data: true,
      afterMessageId: true,
      conversation: { select: { id: true, kind: true, directKey: true } },
    },
  });
  return rows.map((row) => ({
    id: row.id,
    conversationId: row.conversationId,
    ...conversationTarget(row.conversation, actor.id),
    epoch: row.epoch,
    welcome: row.data,
    afterMessageId: row.afterMessageId,
  }));
}

/** Drops a processed welcome of one of the actor's devices (404 for anybody else's). */
export async function deleteWelcome(deps: Deps, actor: Actor, id: number): Promise<void> {
  const { count } = await deps.db.mlsWelcome.deleteMany({ where: { id, device: { userId: actor.id } } });
  if (count === 0) throw new AppError("NOT_FOUND", "Welcome not found");
}
