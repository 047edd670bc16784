import { usersContract } from "@hestia/contracts";
import { fromContract } from "../../trpc/from-contract";
import { getUserSettings, updateUserSettings } from "../conversations/settings.service";
import { searchUsers } from "./search.service";
import * as users from "./users.service";

export const usersRouter = {
  me: fromContract(usersContract.me, ({ ctx }) => users.getById(ctx.deps, ctx.request, ctx.actor.id)),
  deleteMe: fromContract(usersContract.deleteMe, ({ ctx }) => users.deleteAccount(ctx.deps, ctx.actor)),
  byUsername: fromContract(usersContract.byUsername, ({ ctx, input }) => users.getByUsername(ctx.deps, ctx.request, input.username), {
    limit: "lookups",
  }),
  byId: fromContract(usersContract.byId, ({ ctx, input }) => users.getById(ctx.deps, ctx.request, input.id), { limit: "lookups" }),
  setProfilePictureUrl: fromContract(usersContract.setProfilePictureUrl, ({ ctx, input }) =>
    users.setProfilePictureUrl(ctx.deps, ctx.actor, ctx.request, input.profilePictureUrl),
  ),
  setStatus: fromContract(usersContract.setStatus, ({ ctx, input }) => users.setStatus(ctx.deps, ctx.actor, ctx.request, input.status)),
  setFcmToken: fromContract(usersContract.setFcmToken, ({ ctx, input }) => users.addPushToken(ctx.deps, ctx.actor, input.token)),
  removeFcmToken: fromContract(usersContract.removeFcmToken, ({ ctx, input }) => users.removePushToken(ctx.deps, ctx.actor, input.token)),
  setBio: fromContract(usersContract.setBio, ({ ctx, input }) => users.setBio(ctx.deps, ctx.actor, ctx.request, input.bio)),
  search: fromContract(usersContract.search, ({ ctx, input }) => searchUsers(ctx.deps, ctx.actor, ctx.request, input), {
    limit: "userSearch",
  }),
  settings: fromContract(usersContract.settings, ({ ctx }) => getUserSettings(ctx.deps, ctx.actor)),
  updateSettings: fromContract(usersContract.updateSettings, ({ ctx, input }) => updateUserSettings(ctx.deps, ctx.actor, input)),
};
