import type { AppRouter } from "@hestia/server";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";

/**
 * A tRPC client for a Hestia server's `/trpc` endpoint, typed by the server's router: procedures are
 * `client.<area>.<name>.query(input)` for reads and `.mutate(input)` for changes. `token` is sent as a
 * bearer token.
 */
export function createHestiaTrpc(url: string, token?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url.replace(/\/+$/, "")}/trpc`,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
      }),
    ],
  });
}

export type HestiaTrpc = ReturnType<typeof createHestiaTrpc>;

/** The API's error code of a failed call (e.g. "UNAUTHORIZED"), or undefined when it is not a tRPC error. */
export function errorCode(error: unknown) {
  return error instanceof TRPCClientError ? (error as TRPCClientError<AppRouter>).data?.appCode : undefined;
}
