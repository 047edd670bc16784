import { lifecycleContract } from "@hestia/contracts";
import { fromContract } from "../../trpc/from-contract";
import { conversationChanges, deleteMessage, editOwnMessage, messageEdits, react } from "./lifecycle.service";
import { searchOwnMessages } from "./search.service";

export const lifecycleRouter = {
  edit: fromContract(lifecycleContract.edit, ({ ctx, input }) => editOwnMessage(ctx.deps, ctx.actor, input.id, input.content), {
    limit: "reactions",
  }),
  edits: fromContract(lifecycleContract.edits, ({ ctx, input }) => messageEdits(ctx.deps, ctx.actor, input.id)),
  remove: fromContract(lifecycleContract.remove, async ({ ctx, input }) => {
    await deleteMessage(ctx.deps, ctx.actor, input.id);
    return {};
  }),
  react: fromContract(lifecycleContract.react, ({ ctx, input }) => react(ctx.deps, ctx.actor, input.id, input.emoji, true), {
    limit: "reactions",
  }),
  unreact: fromContract(lifecycleContract.unreact, ({ ctx, input }) => react(ctx.deps, ctx.actor, input.id, input.emoji, false), {
    limit: "reactions",
  }),
  changes: fromContract(lifecycleContract.changes, ({ ctx, input }) => conversationChanges(ctx.deps, ctx.actor, input.id, input)),

  search: fromContract(lifecycleContract.search, ({ ctx, input }) => searchOwnMessages(ctx.deps, ctx.actor, input), {
    limit: "messageSearch",
  }),
};
