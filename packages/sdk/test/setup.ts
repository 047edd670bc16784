import { randomBytes } from "node:crypto";
import type { TestServer } from "@hestia/server/testing";
import { type ClientOptions, createClient, type HestiaClient } from "../src/index";

/** A registered client with its user's id and name. */
export interface SignedIn {
  client: HestiaClient;
  id: number;
  username: string;
}

let counter = 0;

/** Registers a fresh user through the SDK. */
export async function signUp(server: Pick<TestServer, "url">, prefix = "sdk", options: Partial<ClientOptions> = {}): Promise<SignedIn> {
  counter += 1;
  const client = createClient({ baseUrl: server.url, ...options });
  const username = `${prefix}_${counter}_${randomBytes(3).toString("hex")}`;
  const { user } = await client.auth.register({ username, password: "password123" });
  return { client, id: user.id, username };
}

/** Makes two signed-in users friends through the SDK. */
export async function makeFriends(a: SignedIn, b: SignedIn): Promise<void> {
  await a.client.friends.request(b.id);
  await b.client.friends.accept(a.id);
}
