import { authContract } from "@hestia/contracts";
import { fromContract } from "../../trpc/from-contract";
import * as sessions from "../sessions/sessions.service";
import * as auth from "./auth.service";

export const authRouter = {
  register: fromContract(authContract.register, ({ ctx, input }) => auth.register(ctx.deps, ctx.request, input)),
  login: fromContract(authContract.login, ({ ctx, input }) => auth.login(ctx.deps, ctx.request, input)),
  refresh: fromContract(authContract.refresh, ({ ctx, input }) => sessions.refresh(ctx.deps, ctx.request, input.refreshToken)),
  logout: fromContract(authContract.logout, ({ ctx }) => sessions.logout(ctx.deps, ctx.actor)),
  sessions: fromContract(authContract.sessions, ({ ctx, input }) => sessions.listSessions(ctx.deps, ctx.actor, input)),
  revokeSession: fromContract(authContract.revokeSession, ({ ctx, input }) => sessions.revokeSession(ctx.deps, ctx.actor, input.id)),
  changePassword: fromContract(authContract.changePassword, ({ ctx, input }) =>
    auth.changePassword(ctx.deps, ctx.actor, ctx.request, input),
  ),
  signOutEverywhere: fromContract(authContract.signOutEverywhere, ({ ctx }) => auth.signOutEverywhere(ctx.deps, ctx.actor, ctx.request)),
  status: fromContract(authContract.status, ({ ctx }) => auth.status(ctx.actor)),
};
