import { messagesContract } from "@hestia/contracts";
import { fromContract } from "../../trpc/from-contract";
import { directHistory, sendDirect } from "./direct-messages.service";

export const messagesRouter = {
  directHistory: fromContract(messagesContract.directHistory, ({ ctx, input }) => directHistory(ctx.deps, ctx.actor, input.userId, input)),
  sendDirect: fromContract(messagesContract.sendDirect, ({ ctx, input }) => sendDirect(ctx.deps, ctx.actor, input.userId, input), {
    limit: "sends",
  }),
};
