// The end-to-end encryption tests' server (with a fake FCM and a logger whose output they inspect) and
// their SDK devices, which record every decrypted message and error.

import type { MessageDeleted } from "@hestia/contracts";
import { type FakeFcm, memoryLogger, startFakeFcm, startServer, type TestServer } from "@hestia/server/testing";
import { afterAll, afterEach, beforeAll } from "vitest";
import {
  createClient,
  type DecryptedMessage,
  type DecryptedReaction,
  type E2eeStorage,
  type HestiaError,
  memoryStorage,
} from "../src/index";
import { type SignedIn, signUp } from "./setup";

export interface Device extends SignedIn {
  storage: E2eeStorage;
  received: DecryptedMessage[];
  errors: HestiaError[];
  /** Edits (`messageUpdated`), reactions and deletions, in the order they came. */
  updates: DecryptedMessage[];
  reactions: DecryptedReaction[];
  deletions: MessageDeleted[];
}

export const texts = (device: Device) => device.received.map((message) => message.text);
export const marker = () => `MARKER-${crypto.randomUUID()}`;

/**
 * Starts the server for a test file (before its tests; stopped after them) and returns it with the
 * functions that make devices on it. Every client made through them is disconnected after each test.
 */
export function e2eeSuite() {
  let server: TestServer | undefined;
  let fcm: FakeFcm | undefined;
  const logs = memoryLogger();
  const clients: SignedIn[] = [];

  beforeAll(async () => {
    fcm = await startFakeFcm();
    fcm.behave(() => "ok");
    server = await startServer(
      { FIREBASE_SERVICE_ACCOUNT: fcm.serviceAccount, KEY_PACKAGE_CLAIMS_PER_MINUTE: "10000" },
      { firebase: { httpAgent: fcm.agent, credential: fcm.credential }, logger: logs.logger },
    );
  });
  afterEach(() => {
    for (const user of clients.splice(0)) user.client.realtime.disconnect();
  });
  afterAll(async () => {
    await server?.close();
    await fcm?.close();
  });

  const suite = {
    get server(): TestServer {
      if (!server) throw new Error("the server starts before the tests");
      return server;
    },
    get fcm(): FakeFcm {
      if (!fcm) throw new Error("the fake FCM starts before the tests");
      return fcm;
    },
    logs,

    /** Follows a client's decrypted messages, edits, reactions, deletions and errors. */
    watch(user: SignedIn, storage: E2eeStorage): Device {
      const device: Device = { ...user, storage, received: [], errors: [], updates: [], reactions: [], deletions: [] };
      user.client.e2ee.on("message", (message) => device.received.push(message));
      user.client.e2ee.on("messageUpdated", ({ message }) => device.updates.push(message));
      user.client.e2ee.on("reaction", (reaction) => device.reactions.push(reaction));
      user.client.e2ee.on("messageDeleted", (deleted) => device.deletions.push(deleted));
      user.client.e2ee.on("error", (error) => device.errors.push(error));
      clients.push(user);
      return device;
    },

    /** A new user with an encryption-enabled device. */
    async enabledUser(prefix: string, storage: E2eeStorage = memoryStorage()): Promise<Device> {
      const user = await signUp(suite.server, prefix, { e2ee: { storage } });
      const device = suite.watch(user, storage);
      await user.client.e2ee.enable();
      return device;
    },

    /** Another device (SDK instance) of an existing user. */
    async secondDevice(of: SignedIn, storage: E2eeStorage = memoryStorage(), options: { fetch?: typeof fetch } = {}): Promise<Device> {
      const client = createClient({ baseUrl: suite.server.url, token: of.client.token, e2ee: { storage }, ...options });
      const device = suite.watch({ client, id: of.id, username: of.username }, storage);
      await client.e2ee.enable();
      return device;
    },
  };
  return suite;
}
