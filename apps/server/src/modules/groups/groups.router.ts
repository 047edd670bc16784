import { groupsContract } from "@hestia/contracts";
import { fromContract } from "../../trpc/from-contract";
import { groupHistory, sendGroupMessage } from "../messages/group-messages.service";
import * as groups from "./groups.service";

export const groupsRouter = {
  create: fromContract(groupsContract.create, ({ ctx, input }) => groups.createGroup(ctx.deps, ctx.actor, input)),
  list: fromContract(groupsContract.list, ({ ctx }) => groups.listGroups(ctx.deps, ctx.actor)),
  get: fromContract(groupsContract.get, ({ ctx, input }) => groups.getGroup(ctx.deps, ctx.actor, ctx.request, input.id)),
  update: fromContract(groupsContract.update, ({ ctx, input: { id, ...patch } }) => groups.updateGroup(ctx.deps, ctx.actor, id, patch)),
  remove: fromContract(groupsContract.remove, ({ ctx, input }) => groups.deleteGroup(ctx.deps, ctx.actor, input.id)),
  sendMessage: fromContract(groupsContract.sendMessage, ({ ctx, input }) => sendGroupMessage(ctx.deps, ctx.actor, input.id, input), {
    limit: "sends",
  }),
  messages: fromContract(groupsContract.messages, ({ ctx, input }) => groupHistory(ctx.deps, ctx.actor, input.id, input)),
  addMember: fromContract(groupsContract.addMember, ({ ctx, input }) => groups.addMember(ctx.deps, ctx.actor, input.id, input.userId)),
  removeMember: fromContract(groupsContract.removeMember, ({ ctx, input }) =>
    groups.removeMember(ctx.deps, ctx.actor, input.id, input.userId),
  ),
  setRole: fromContract(groupsContract.setRole, ({ ctx, input }) =>
    groups.setRole(ctx.deps, ctx.actor, input.id, input.userId, input.role),
  ),
};
