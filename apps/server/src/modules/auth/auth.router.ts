import { authContract } from "@hestia/contracts";
import { fromContract } from "../../trpc/from-contract";
import * as auth from "./auth.service";

export const authRouter = {
  register: fromContract(authContract.register, ({ ctx, input }) => auth.register(ctx.deps, ctx.request, input)),
  login: fromContract(authContract.login, ({ ctx, input }) => auth.login(ctx.deps, ctx.request, input)),
  signOutEverywhere: fromContract(authContract.signOutEverywhere, ({ ctx }) => auth.signOutEverywhere(ctx.deps, ctx.actor)),
  status: fromContract(authContract.status, ({ ctx }) => auth.status(ctx.actor)),
};
