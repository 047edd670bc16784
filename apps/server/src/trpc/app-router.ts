import { authRouter } from "../modules/auth/auth.router";
import { healthRouter } from "../modules/health/health.router";
import { usersRouter } from "../modules/users/users.router";
import { router } from "./init";

export const appRouter = router({
  health: healthRouter,
  auth: authRouter,
  users: usersRouter,
});

/** The server's router type, for `@trpc/client` users of `/trpc`. */
export type AppRouter = typeof appRouter;
