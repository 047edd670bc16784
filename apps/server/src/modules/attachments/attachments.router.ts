import { attachmentsContract } from "@hestia/contracts";
import { fromContract } from "../../trpc/from-contract";
import { describeAttachment } from "./attachments.service";
import { signedAttachmentUrl } from "./signed-links";

export const attachmentsRouter = {
  get: fromContract(attachmentsContract.get, ({ ctx, input }) => describeAttachment(ctx.deps, ctx.actor, input.id)),
  signedUrl: fromContract(attachmentsContract.signedUrl, ({ ctx, input }) => signedAttachmentUrl(ctx.deps, ctx.actor, input.id)),
};
