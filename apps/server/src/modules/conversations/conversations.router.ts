import { conversationsContract } from "@hestia/contracts";
import { fromContract } from "../../trpc/from-contract";
import { conversationHistory, getConversation, listConversations, unreadTotal } from "./inbox.service";
import { listReceipts, markDelivered, markRead } from "./read-state.service";
import { updateConversationSettings } from "./settings.service";

export const conversationsRouter = {
  list: fromContract(conversationsContract.list, ({ ctx, input }) => listConversations(ctx.deps, ctx.actor, ctx.request, input)),
  get: fromContract(conversationsContract.get, ({ ctx, input }) => getConversation(ctx.deps, ctx.actor, ctx.request, input.id)),
  messages: fromContract(conversationsContract.messages, ({ ctx, input }) => conversationHistory(ctx.deps, ctx.actor, input.id, input)),
  settings: fromContract(conversationsContract.settings, ({ ctx, input }) =>
    updateConversationSettings(ctx.deps, ctx.actor, ctx.request, input.id, input),
  ),
  read: fromContract(conversationsContract.read, ({ ctx, input }) => markRead(ctx.deps, ctx.actor, input.id, input.seq)),
  delivered: fromContract(conversationsContract.delivered, ({ ctx, input }) => markDelivered(ctx.deps, ctx.actor, input.id, input.seq)),
  receipts: fromContract(conversationsContract.receipts, ({ ctx, input }) => listReceipts(ctx.deps, ctx.actor, input.id)),
  unread: fromContract(conversationsContract.unread, ({ ctx }) => unreadTotal(ctx.deps, ctx.actor)),
};
