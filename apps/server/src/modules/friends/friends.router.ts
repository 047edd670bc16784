import { friendsContract } from "@hestia/contracts";
import { fromContract } from "../../trpc/from-contract";
import * as friends from "./friends.service";

export const friendsRouter = {
  list: fromContract(friendsContract.list, ({ ctx }) => friends.listFriends(ctx.deps, ctx.actor, ctx.request)),
  remove: fromContract(friendsContract.remove, ({ ctx, input }) => friends.removeFriend(ctx.deps, ctx.actor, input.id)),
  sendRequest: fromContract(friendsContract.sendRequest, ({ ctx, input }) => friends.sendRequest(ctx.deps, ctx.actor, input.id), {
    limit: "friendRequests",
  }),
  incomingRequests: fromContract(friendsContract.incomingRequests, ({ ctx }) =>
    friends.listIncomingRequests(ctx.deps, ctx.actor, ctx.request),
  ),
  outgoingRequests: fromContract(friendsContract.outgoingRequests, ({ ctx }) =>
    friends.listOutgoingRequests(ctx.deps, ctx.actor, ctx.request),
  ),
  acceptRequest: fromContract(friendsContract.acceptRequest, ({ ctx, input }) => friends.acceptRequest(ctx.deps, ctx.actor, input.id)),
  declineRequest: fromContract(friendsContract.declineRequest, ({ ctx, input }) => friends.declineRequest(ctx.deps, ctx.actor, input.id)),
  cancelRequest: fromContract(friendsContract.cancelRequest, ({ ctx, input }) => friends.cancelRequest(ctx.deps, ctx.actor, input.id)),
};
