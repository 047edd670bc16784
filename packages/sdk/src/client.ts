import {
  type AuthResult,
  contract,
  type GroupRole,
  type Credentials as LoginInput,
  type PageQuery,
  type UserStatus,
} from "@hestia/contracts";
import { createAttachments } from "./attachments/attachments";
import { Conversations, type ConversationsOptions } from "./conversations/conversations";
import { Credentials, type Tokens } from "./credentials";
import { E2ee, type E2eeOptions } from "./e2ee/e2ee";
import { HestiaError } from "./errors";
import { call, callWithForm, type Transport } from "./http";
import { type RetryOptions, sendIdempotent } from "./idempotency";
import { createMessages } from "./messages/messages";
import { Realtime } from "./realtime/realtime";
import type { RealtimeOptions } from "./realtime/types";
import { createSafety } from "./safety";
import type { AvatarInput, CreateGroupInput, HistoryQuery, SendInput, UpdateGroupInput } from "./types";

const { health, auth, users, friends, groups, messages } = contract;

export interface ClientOptions {
  /** Where the Hestia server is, e.g. `http://localhost:4000`. */
  baseUrl: string;
  /** A token from an earlier login; `auth.register` and `auth.login` set it too. */
  token?: string;
  /**
   * The refresh token kept with `token`: an access token that expired is then renewed by the client
   * itself (on REST calls and socket reconnects), and the session goes on.
   */
  refreshToken?: string;
  /** Called with the new tokens after every login and renewal (to keep them), and with undefined on sign-out. */
  onTokens?: (tokens: Tokens | undefined) => void;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof globalThis.fetch;
  /** How long a REST request may take before it fails with TIMEOUT (default 30 s). */
  timeoutMs?: number;
  /** How sends are retried, with the same idempotency key, when the server could not be reached (default: twice, from 250 ms). */
  retry?: Partial<RetryOptions>;
  /** Options of `client.realtime`. */
  realtime?: RealtimeOptions;
  /** End-to-end encryption (`client.e2ee`): where this device keeps its keys. */
  e2ee?: E2eeOptions;
  /** Options of `client.conversations`. */
  conversations?: ConversationsOptions;
}

/** Creates a typed Hestia client: REST methods, and `realtime` for Socket.IO. */
export function createClient(options: ClientOptions) {
  let selfId: number | undefined;
  const transport: Transport = {
    baseUrl: options.baseUrl,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    getToken: () => credentials.token,
    renew: (rejected) => credentials.renew(rejected),
    timeoutMs: options.timeoutMs ?? 30_000,
  };
  const credentials = new Credentials(
    options,
    (refreshToken) => call(transport, auth.refresh, { refreshToken }),
    (tokens) => options.onTokens?.(tokens),
  );
  const signIn = (result: AuthResult) => {
    // The realtime connection belongs to the account that opened it.
    if (selfId !== undefined && selfId !== result.user.id) realtime.disconnect();
    credentials.set(result);
    selfId = result.user.id;
    return result;
  };
  const signOut = () => {
    credentials.clear();
    selfId = undefined;
    realtime.disconnect();
  };

  const realtime = new Realtime(
    {
      baseUrl: options.baseUrl,
      getToken: () => credentials.token,
      renew: (rejected) => credentials.renew(rejected),
      selfId: async () => (selfId ??= (await call(transport, users.me, {})).id),
      changes: (conversationId, page) => call(transport, contract.lifecycle.changes, { ...page, id: conversationId, limit: 100 }),
    },
    options.realtime,
  );

  const signOutEverywhere = async () => {
    const wasConnected = realtime.connected;
    const result = signIn(await call(transport, auth.signOutEverywhere, {}));
    // The server closed this account's sockets: come back with the new token (at once if the automatic retry was refused).
    if (wasConnected) await realtime.connect().catch(() => undefined);
    return result;
  };

  const conversations = new Conversations(
    {
      call: (endpoint, input) => call(transport, endpoint, input),
      realtime,
      selfId: async () => (selfId ??= (await call(transport, users.me, {})).id),
    },
    options.conversations,
  );

  const e2ee = new E2ee(
    {
      call: (endpoint, input) => call(transport, endpoint, input),
      signOutEverywhere: async () => void (await signOutEverywhere()),
      selfId: async () => (selfId ??= (await call(transport, users.me, {})).id),
      realtime,
      retry: options.retry,
    },
    options.e2ee,
  );
  // The server cannot count mentions inside ciphertext: the unread counts take them from this device's decryption.
  e2ee.on("message", (message) => {
    if (message.mentionsMe) conversations.unread.mentioned(message.conversationId, message.seq);
  });
  e2ee.on("messageDeleted", ({ conversationId, seq }) => conversations.unread.unmentioned(conversationId, seq));

  return {
    /** The token requests are sent with, if any. */
    get token() {
      return credentials.token;
    },
    /** The refresh token that renews it, if any. */
    get refreshToken() {
      return credentials.refreshToken;
    },
    /** Uses other tokens (for example ones kept from an earlier session); undefined signs out locally. */
    setToken(value: string | undefined, refreshToken?: string) {
      if (value !== credentials.token) selfId = undefined;
      if (value === undefined) credentials.clear();
      else credentials.set({ token: value, refreshToken });
    },
    health: () => call(transport, health.check, {}),

    auth: {
      /** Creates an account and keeps its token in the client. */
      register: async (input: LoginInput) => signIn(await call(transport, auth.register, input)),
      /** Logs in and keeps the token in the client. */
      login: async (input: LoginInput) => signIn(await call(transport, auth.login, input)),
      /** Whether the client's token is valid, and whose it is. */
      status: () => call(transport, auth.status, {}),
      /**
       * Revokes every token of the account (every session on every device, e.g. a lost phone's) and keeps
       * the new one this client gets; other devices must log in again.
       */
      signOutEverywhere,
      /**
       * Ends this session on the server (its tokens stop working everywhere), forgets the tokens and closes
       * the realtime connection. Never fails: resolves to whether the server ended the session (false when
       * it could not be reached, or had already ended it); the client is signed out either way.
       */
      logout: async (): Promise<boolean> => {
        const ended = credentials.token
          ? await call(transport, auth.logout, {}).then(
              () => true,
              () => false,
            )
          : false;
        signOut();
        return ended;
      },
      /** Renews the access token now with the refresh token (the client also does it by itself when it expires). */
      refresh: async () => {
        if (!(await credentials.renew(credentials.token))) throw new HestiaError(401, "UNAUTHORIZED", "No session to renew: sign in again");
        return { token: credentials.token, refreshToken: credentials.refreshToken };
      },
      /** Your signed-in sessions (devices), most recently used first; `current` marks this one. */
      sessions: (query: PageQuery = {}) => call(transport, auth.sessions, query),
      /** Ends one of your sessions (e.g. a lost phone's): its tokens stop working and its connections close. */
      revokeSession: (id: number) => call(transport, auth.revokeSession, { id }),
      /** Changes the password; every other session ends, this one goes on. */
      changePassword: (currentPassword: string, newPassword: string) =>
        call(transport, auth.changePassword, { currentPassword, newPassword }),
    },

    users: {
      me: () => call(transport, users.me, {}),
      byId: (id: number) => call(transport, users.byId, { id }),
      byUsername: (username: string) => call(transport, users.byUsername, { username }),
      updateBio: (bio: string) => call(transport, users.setBio, { bio }),
      setStatus: (status: UserStatus) => call(transport, users.setStatus, { status }),
      /** Registers this device's Firebase Cloud Messaging token for push notifications. */
      setFcmToken: (fcmToken: string) => call(transport, users.setFcmToken, { token: fcmToken }),
      /** Unregisters a device token (on logout), so the device gets no more pushes for this account. */
      removeFcmToken: (fcmToken: string) => call(transport, users.removeFcmToken, { token: fcmToken }),
      /**
       * Sets the profile picture: an image (a Blob or File in browsers, a Buffer or Uint8Array in Node;
       * PNG, JPEG, WebP or GIF up to 5 MB, re-encoded by the server), an https URL, or null to remove it.
       */
      setAvatar: (image: AvatarInput) => {
        if (image === null || typeof image === "string") return call(transport, users.setProfilePictureUrl, { profilePictureUrl: image });
        const form = new FormData();
        form.append(
          "avatar",
          image instanceof Blob ? image : new Blob([image as Uint8Array<ArrayBuffer>]),
          image instanceof File ? image.name : "avatar",
        );
        return callWithForm(transport, users.setProfilePictureUrl, form);
      },
      /** Users whose username starts with `q` (2+ characters, any case), in username order; at most `limit` (≤ 50). */
      search: (q: string, limit?: number) => call(transport, users.search, { q, limit }),
      /** Your settings (`readReceipts`). */
      settings: () => call(transport, users.settings, {}),
      /** Turns read receipts off (others see your read cursor as null; you see theirs as null) or on. */
      updateSettings: (settings: { readReceipts?: boolean }) => call(transport, users.updateSettings, settings),
      /** Deletes the account for good; the client forgets its token. */
      deleteMe: async () => {
        await call(transport, users.deleteMe, {});
        signOut();
      },
    },

    friends: {
      /** Your friends' profiles. */
      list: () => call(transport, friends.list, {}),
      /** Pending requests sent to you. */
      requests: () => call(transport, friends.incomingRequests, {}),
      /** Pending requests you sent. */
      outgoing: () => call(transport, friends.outgoingRequests, {}),
      /** Asks a user to be friends (accepts at once if they already asked you). */
      request: (userId: number) => call(transport, friends.sendRequest, { id: userId }),
      accept: (userId: number) => call(transport, friends.acceptRequest, { id: userId }),
      decline: (userId: number) => call(transport, friends.declineRequest, { id: userId }),
      /** Withdraws a request you sent. */
      cancel: (userId: number) => call(transport, friends.cancelRequest, { id: userId }),
      remove: (userId: number) => call(transport, friends.remove, { id: userId }),
    },

    groups: {
      create: (input: CreateGroupInput) => call(transport, groups.create, input),
      list: () => call(transport, groups.list, {}),
      get: (id: number) => call(transport, groups.get, { id }),
      update: (id: number, patch: UpdateGroupInput) => call(transport, groups.update, { ...patch, id }),
      /** Deletes a group with its messages (owner only). */
      remove: (id: number) => call(transport, groups.remove, { id }),
      addMember: (id: number, userId: number) => call(transport, groups.addMember, { id, userId }),
      /** Removes a member (admins), or leaves when `userId` is your own. */
      removeMember: (id: number, userId: number) => call(transport, groups.removeMember, { id, userId }),
      /** Makes a member an admin or a plain member (owner only). */
      setRole: (id: number, userId: number, role: Exclude<GroupRole, "OWNER">) => call(transport, groups.setRole, { id, userId, role }),
      sendMessage: (id: number, input: SendInput) =>
        sendIdempotent(input, (keyed) => call(transport, groups.sendMessage, { ...keyed, id }), options.retry),
      messages: (id: number, query: HistoryQuery = {}) => call(transport, groups.messages, { ...query, id }),
    },

    dms: {
      send: (userId: number, input: SendInput) =>
        sendIdempotent(input, (keyed) => call(transport, messages.sendDirect, { ...keyed, userId }), options.retry),
      history: (userId: number, query: HistoryQuery = {}) => call(transport, messages.directHistory, { ...query, userId }),
    },

    /** Blocks, reports and your data export. */
    safety: createSafety(transport),
    /** Files: streamed uploads with progress, downloads, signed links, and end-to-end encrypted files. */
    attachments: createAttachments(transport),

    /** Edits, deletion, reactions, the changes feed and search (replies: `replyToId` on any send). */
    messages: createMessages(transport),

    /** Socket.IO: live messages and presence, with reconnect and catch-up. Call `connect()` first. */
    realtime,

    /** The inbox: conversations with unread counts, read and delivered cursors, receipts, typing, mute. */
    conversations,

    /** End-to-end encrypted messages (MLS): call `enable()` first; needs `createClient({ e2ee: { storage } })`. */
    e2ee,
  };
}

export type HestiaClient = ReturnType<typeof createClient>;
