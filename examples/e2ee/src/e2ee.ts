import { join } from "node:path";
import { signIn } from "@hestia/example-hello";
import { createClient, type DecryptedMessage, type HestiaClient, HestiaError, type Message } from "@hestia/sdk";
import { fileStorage } from "@hestia/sdk/node";

export interface DemoOptions {
  baseUrl: string;
  /** Sender and recipient; accounts are created on first use. */
  from: { username: string; password: string };
  to: { username: string; password: string };
  text: string;
  /** Where each device keeps its keys (one folder per user): run again and the same devices go on. */
  keysDir: string;
}

export interface DemoResult {
  /** What the recipient's device decrypted. */
  received: DecryptedMessage;
  /** The message as the server stores it and any plain client reads it. */
  stored: Message;
  /** The safety number both users can compare out of band. */
  safetyNumber: string;
}

async function device(options: DemoOptions, account: { username: string; password: string }) {
  const client = createClient({ baseUrl: options.baseUrl, e2ee: { storage: fileStorage(join(options.keysDir, account.username)) } });
  const { user } = await signIn(client, account.username, account.password);
  return { client, user };
}

async function befriend(a: { client: HestiaClient }, b: { client: HestiaClient; user: { id: number } }, aId: number) {
  try {
    await a.client.friends.request(b.user.id);
    await b.client.friends.accept(aId);
  } catch (error) {
    if (!(error instanceof HestiaError && error.code === "ALREADY_FRIENDS")) throw error;
  }
}

/** Sends `text` from one user's device to the other's, end-to-end encrypted; resolves once it was decrypted. */
export async function demo(options: DemoOptions): Promise<DemoResult> {
  const sender = await device(options, options.from);
  const recipient = await device(options, options.to);
  try {
    await befriend(sender, recipient, sender.user.id);
    await Promise.all([sender.client.e2ee.enable(), recipient.client.e2ee.enable()]);
    const received = new Promise<DecryptedMessage>((resolve) => {
      const stop = recipient.client.e2ee.on("message", (message) => {
        if (message.sender.userId !== sender.user.id || message.text !== options.text) return;
        stop();
        resolve(message);
      });
    });
    const sent = await sender.client.e2ee.sendDM(recipient.user.id, options.text);
    const stored = (await sender.client.dms.history(recipient.user.id, { limit: 10 })).find((message) => message.id === sent.id);
    if (!stored) throw new Error("the sent message is not in the history");
    return { received: await received, stored, safetyNumber: await sender.client.e2ee.safetyNumber(recipient.user.id) };
  } finally {
    sender.client.realtime.disconnect();
    recipient.client.realtime.disconnect();
  }
}
