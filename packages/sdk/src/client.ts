import { contract, type AuthResult, type Credentials, type UserStatus } from "@hestia/contracts";
import { call, type Transport } from "./http";

export interface ClientOptions {
  /** Where the Hestia server is, e.g. `http://localhost:4000`. */
  baseUrl: string;
  /** A token from an earlier login; `auth.register` and `auth.login` set it too. */
  token?: string;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof globalThis.fetch;
}

/** Creates a typed Hestia client. */
export function createClient(options: ClientOptions) {
  let token = options.token;
  const transport: Transport = {
    baseUrl: options.baseUrl,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    getToken: () => token,
  };
  const keepToken = (result: AuthResult) => {
    token = result.token;
    return result;
  };
  const { health, auth, users } = contract;

  return {
    /** The token requests are sent with, if any. */
    get token() {
      return token;
    },
    setToken(value: string | undefined) {
      token = value;
    },
    health: () => call(transport, health.check, {}),
    auth: {
      /** Creates an account and keeps its token in the client. */
      register: async (credentials: Credentials) => keepToken(await call(transport, auth.register, credentials)),
      /** Logs in and keeps the token in the client. */
      login: async (credentials: Credentials) => keepToken(await call(transport, auth.login, credentials)),
      status: () => call(transport, auth.status, {}),
      /** Forgets the token. */
      logout: () => {
        token = undefined;
      },
    },
    users: {
      me: () => call(transport, users.me, {}),
      byId: (id: number) => call(transport, users.byId, { id }),
      byUsername: (username: string) => call(transport, users.byUsername, { username }),
      updateBio: (bio: string) => call(transport, users.setBio, { bio }),
      setStatus: (status: UserStatus) => call(transport, users.setStatus, { status }),
      setFcmToken: (fcmToken: string) => call(transport, users.setFcmToken, { token: fcmToken }),
      /** Sets the profile picture to an https URL, or removes it with null. */
      setAvatar: (url: string | null) => call(transport, users.setProfilePictureUrl, { profilePictureUrl: url }),
      /** Deletes the account for good; the client forgets its token. */
      deleteMe: async () => {
        await call(transport, users.deleteMe, {});
        token = undefined;
      },
    },
  };
}

export type HestiaClient = ReturnType<typeof createClient>;
