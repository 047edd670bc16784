import { adminContract, blocksContract, reportsContract } from "@hestia/contracts";
import { fromContract } from "../../trpc/from-contract";
import { deleteAnyMessage } from "./admin-messages.service";
import { reportsQueue, resolveReport } from "./admin-reports.service";
import { suspend, unsuspend } from "./admin-users.service";
import { listActions } from "./audit-log";
import { block, listBlocked, unblock } from "./blocks.service";
import { createReport } from "./reports.service";

export const blocksRouter = {
  block: fromContract(blocksContract.block, ({ ctx, input }) => block(ctx.deps, ctx.actor, input.id)),
  unblock: fromContract(blocksContract.unblock, ({ ctx, input }) => unblock(ctx.deps, ctx.actor, input.id)),
  blocked: fromContract(blocksContract.blocked, ({ ctx, input }) => listBlocked(ctx.deps, ctx.actor, ctx.request, input)),
};

export const reportsRouter = {
  create: fromContract(reportsContract.create, ({ ctx, input }) => createReport(ctx.deps, ctx.actor, input)),
};

export const adminRouter = {
  reports: fromContract(adminContract.reports, ({ ctx, input }) => reportsQueue(ctx.deps, ctx.actor, input)),
  resolveReport: fromContract(adminContract.resolveReport, ({ ctx, input }) =>
    resolveReport(ctx.deps, ctx.actor, input.id, input.resolution),
  ),
  suspend: fromContract(adminContract.suspend, ({ ctx, input }) => suspend(ctx.deps, ctx.actor, input.id, input.reason)),
  unsuspend: fromContract(adminContract.unsuspend, ({ ctx, input }) => unsuspend(ctx.deps, ctx.actor, input.id)),
  deleteMessage: fromContract(adminContract.deleteMessage, ({ ctx, input }) => deleteAnyMessage(ctx.deps, ctx.actor, input.id)),
  actions: fromContract(adminContract.actions, ({ ctx, input }) => listActions(ctx.deps, ctx.actor, input)),
};
