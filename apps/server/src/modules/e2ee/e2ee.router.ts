import { e2eeContract } from "@hestia/contracts";
import { fromContract } from "../../trpc/from-contract";
import { listCommits, publishCommit } from "./commits.service";
import { directE2eeConversation, getE2eeConversation } from "./conversations.service";
import * as devices from "./devices.service";
import { claimKeyPackages, uploadKeyPackages } from "./key-packages.service";
import { deleteWelcome, listWelcomes } from "./welcomes.service";

export const e2eeRouter = {
  registerDevice: fromContract(e2eeContract.registerDevice, ({ ctx, input }) => devices.registerDevice(ctx.deps, ctx.actor, input)),
  devices: fromContract(e2eeContract.devices, ({ ctx, input }) => devices.listDevices(ctx.deps, ctx.actor, input.userId)),
  device: fromContract(e2eeContract.device, ({ ctx, input }) => devices.getOwnDevice(ctx.deps, ctx.actor, input.deviceId)),
  removeDevice: fromContract(e2eeContract.removeDevice, ({ ctx, input }) => devices.removeDevice(ctx.deps, ctx.actor, input.deviceId)),
  uploadKeyPackages: fromContract(e2eeContract.uploadKeyPackages, ({ ctx, input }) => uploadKeyPackages(ctx.deps, ctx.actor, input)),
  claimKeyPackages: fromContract(e2eeContract.claimKeyPackages, ({ ctx, input }) => claimKeyPackages(ctx.deps, ctx.actor, input)),
  direct: fromContract(e2eeContract.direct, ({ ctx, input }) => directE2eeConversation(ctx.deps, ctx.actor, input.userId)),
  conversation: fromContract(e2eeContract.conversation, ({ ctx, input }) => getE2eeConversation(ctx.deps, ctx.actor, input.conversationId)),
  commit: fromContract(e2eeContract.commit, ({ ctx, input }) => publishCommit(ctx.deps, ctx.actor, input)),
  commits: fromContract(e2eeContract.commits, ({ ctx, input }) => listCommits(ctx.deps, ctx.actor, input)),
  welcomes: fromContract(e2eeContract.welcomes, ({ ctx, input }) => listWelcomes(ctx.deps, ctx.actor, input.deviceId)),
  deleteWelcome: fromContract(e2eeContract.deleteWelcome, ({ ctx, input }) => deleteWelcome(ctx.deps, ctx.actor, input.id)),
};
