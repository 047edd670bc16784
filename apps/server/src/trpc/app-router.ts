import { attachmentsRouter } from "../modules/attachments/attachments.router";
import { authRouter } from "../modules/auth/auth.router";
import { conversationsRouter } from "../modules/conversations/conversations.router";
import { e2eeRouter } from "../modules/e2ee/e2ee.router";
import { friendsRouter } from "../modules/friends/friends.router";
import { groupsRouter } from "../modules/groups/groups.router";
import { healthRouter } from "../modules/health/health.router";
import { lifecycleRouter } from "../modules/messages/lifecycle.router";
import { messagesRouter } from "../modules/messages/messages.router";
import { adminRouter, blocksRouter, reportsRouter } from "../modules/moderation/moderation.router";
import { usersRouter } from "../modules/users/users.router";
import { router } from "./init";

export const appRouter = router({
  health: healthRouter,
  auth: authRouter,
  users: usersRouter,
  friends: friendsRouter,
  groups: groupsRouter,
  messages: messagesRouter,
  conversations: conversationsRouter,
  e2ee: e2eeRouter,
  blocks: blocksRouter,
  reports: reportsRouter,
  admin: adminRouter,
  attachments: attachmentsRouter,
  lifecycle: lifecycleRouter,
});

/** The server's router type, for `@trpc/client` users of `/trpc`. */
export type AppRouter = typeof appRouter;
