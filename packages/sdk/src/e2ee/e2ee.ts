// The public face of end-to-end encryption: each method of `E2ee` waits for the device to be enabled and
// hands the work to the module doing that job (kept out of the published types, hence no JSDoc here).
//   registration.ts    the device on the server: registered, or resumed from storage
//   key-packages.ts    keeping one-time key packages on the server, for others to add this device with
//   welcomes.ts        joining the groups this device was added to; dropping welcomes that can never be used
//   inbox.ts           applying the commits the server accepted, in epoch order, recognising this device's own
//   group-sync.ts      each group's devices in line with its members': creating it, reacting to device changes
//   committer.ts       publishing a commit, converging when another device's commit won the epoch (409)
//   membership.ts      deciding a commit: which devices to add (claiming their key packages) and remove
//   content.ts         the typed payloads inside the ciphertext: a message, an edit, a reaction
//   sending.ts         encrypting and posting a payload
//   lifecycle.ts       replies' targets, edits, reactions and deletion on the sending side
//   receiving.ts       reading a conversation's new messages and decrypting them
//   applying.ts        what a decrypted payload does (an edit only from its message's author)
//   known.ts           the newest messages a device remembers, to apply edits and deletions to
//   active-device.ts   a registered device at work: its realtime reactions and catching up

import { contract, type Device, type Group } from "@hestia/contracts";
import type { EncryptedFileRef } from "../attachments/file-crypto";
import { createEmitter } from "../realtime/emitter";
import { ActiveDevice } from "./active-device";
import { decryptedMessage, type TextPayload } from "./content";
import { asHestiaError, e2eeError, follow } from "./context";
import type { ConversationRecord } from "./device-store";
import { changeMembers, groupOf, syncAllRosters } from "./group-sync";
import * as lifecycle from "./lifecycle";
import * as mls from "./mls";
import { safetyNumberOf } from "./safety-number";
import { send } from "./sending";
import type { DecryptedMessage, E2eeEvents, E2eeOptions, E2eeSession } from "./types";

export type { DecryptedMessage, DecryptedReaction, E2eeEvents, E2eeOptions, E2eeSession } from "./types";

/**
 * What an encrypted send may carry besides its text: encrypted files from
 * `client.attachments.uploadEncrypted`, the id of the message it replies to, and the users it mentions.
 * All of it travels inside the ciphertext.
 */
export interface EncryptedSendOptions {
  files?: EncryptedFileRef[];
  replyToId?: number;
  mentions?: number[];
}

/** The parts of a text payload that `options` give. */
const textPayload = (text: string, options: EncryptedSendOptions): TextPayload => ({
  type: "text",
  text,
  ...(options.files?.length ? { files: options.files } : {}),
  ...(options.replyToId !== undefined ? { replyTo: options.replyToId } : {}),
  ...(options.mentions?.length ? { mentions: [...new Set(options.mentions)] } : {}),
});

const { e2ee, messages, groups } = contract;

/**
 * End-to-end encrypted messaging (MLS) for one device: the SDK instance. Every direct conversation and
 * encrypted group is an MLS group of all its members' devices; the server only relays ciphertext.
 */
export class E2ee {
  readonly #session: E2eeSession;
  readonly #options: E2eeOptions | undefined;
  readonly #events = createEmitter<E2eeEvents>();
  /** The device once registered (set before it has caught up, so `deviceId` is known early). */
  #active: ActiveDevice | undefined;
  #enabling: Promise<ActiveDevice> | undefined;

  constructor(session: E2eeSession, options: E2eeOptions | undefined) {
    this.#session = session;
    this.#options = options;
  }

  /** This device's id once enabled. */
  get deviceId(): number | undefined {
    return this.#active?.ctx.device.deviceId;
  }

  /** Calls `handler` on each `event`; returns a function that stops it. */
  on<K extends keyof E2eeEvents>(event: K, handler: (payload: E2eeEvents[K]) => void): () => void {
    return this.#events.on(event, handler);
  }

  /** Stops calling a handler passed to `on`. */
  off<K extends keyof E2eeEvents>(event: K, handler: (payload: E2eeEvents[K]) => void): void {
    this.#events.off(event, handler);
  }

  /**
   * Makes this SDK instance a device of the signed-in user: registers it (or resumes it from storage),
   * keeps key packages on the server, connects realtime and reads what arrived meanwhile.
   */
  async enable(): Promise<{ deviceId: number }> {
    const { ctx } = await this.#ready();
    return { deviceId: ctx.device.deviceId };
  }

  /** Sends an encrypted direct message to a friend (a reply, with mentions and encrypted files if asked). */
  async sendDM(userId: number, text: string, options: EncryptedSendOptions = {}): Promise<DecryptedMessage> {
    const { ctx } = await this.#ready();
    const conversation = await this.#session.call(e2ee.direct, { userId });
    const payload = textPayload(text, options);
    const message = await send(ctx, conversation, payload, (keyed) => this.#session.call(messages.sendDirect, { ...keyed, userId }));
    const record: ConversationRecord = {
      conversationId: message.conversationId,
      kind: "DIRECT",
      peerUserId: userId,
      cursor: 0,
      joinedEpoch: 0,
    };
    return decryptedMessage(record, message, payload, ctx.device.deviceId, ctx.device.userId);
  }

  /** Creates an encrypted group with you as owner and these friends as members. */
  async createGroup(input: { name: string; description?: string; members?: number[] }): Promise<Group> {
    const active = await this.#ready();
    const group = await this.#session.call(groups.create, { name: input.name, description: input.description, encrypted: true });
    await changeMembers(active.ctx, group.id, { add: input.members ?? [] });
    await follow(active.ctx, group.id);
    return group;
  }

  /** Adds a friend to an encrypted group you administer: their devices join the MLS group in the same step. */
  async addMember(groupId: number, userId: number): Promise<void> {
    const { ctx } = await this.#ready();
    await changeMembers(ctx, groupId, { add: [userId] });
  }

  /** Removes a member from an encrypted group you administer; their devices cannot read what is sent afterwards. */
  async removeMember(groupId: number, userId: number): Promise<void> {
    const { ctx } = await this.#ready();
    await changeMembers(ctx, groupId, { remove: [userId] });
  }

  /** Sends an encrypted message to a group (a reply, with mentions and encrypted files if asked). */
  async sendGroupMessage(groupId: number, text: string, options: EncryptedSendOptions = {}): Promise<DecryptedMessage> {
    const { ctx } = await this.#ready();
    const conversation = await this.#session.call(e2ee.conversation, { conversationId: groupId });
    const payload = textPayload(text, options);
    const message = await send(ctx, conversation, payload, (keyed) => this.#session.call(groups.sendMessage, { ...keyed, id: groupId }));
    const record: ConversationRecord = { conversationId: groupId, kind: "GROUP", cursor: 0, joinedEpoch: 0 };
    return decryptedMessage(record, message, payload, ctx.device.deviceId, ctx.device.userId);
  }

  /**
   * Changes the text of your own encrypted message (one this device sent or decrypted among the
   * conversation's latest 500): the new text travels as an encrypted edit, and the other devices emit
   * `messageUpdated`. Someone else's message is 403, an unknown one 404, a deleted one 409.
   */
  async edit(messageId: number, text: string): Promise<DecryptedMessage> {
    const { ctx } = await this.#ready();
    const { record, message, editedAt } = await lifecycle.edit(ctx, messageId, text);
    return { ...decryptedMessage(record, message, { text }, ctx.device.deviceId, ctx.device.userId), editedAt };
  }

  /** Reacts to a message of an encrypted conversation with one emoji; the other devices emit `reaction`. */
  async react(messageId: number, emoji: string): Promise<void> {
    await lifecycle.react((await this.#ready()).ctx, messageId, emoji, "add");
  }

  /** Takes back a reaction to a message of an encrypted conversation. */
  async unreact(messageId: number, emoji: string): Promise<void> {
    await lifecycle.react((await this.#ready()).ctx, messageId, emoji, "remove");
  }

  /**
   * Deletes a message of an encrypted conversation for everyone (as `client.messages.delete`: yours, or
   * any in a group you own or administer): the server erases its ciphertext, and this device also deletes
   * the encrypted edits of it that it knows of. Members' devices emit `messageDeleted`.
   */
  async delete(messageId: number): Promise<void> {
    await lifecycle.remove((await this.#ready()).ctx, messageId);
  }

  /**
   * A number to compare with a friend out of band (read aloud, or side by side): it is computed from
   * the signature keys of every device of both of you in your direct conversation's group, so it matches
   * on both sides only if nobody slipped in a device.
   */
  async safetyNumber(userId: number): Promise<string> {
    const { ctx } = await this.#ready();
    const group = await groupOf(ctx, await this.#session.call(e2ee.direct, { userId }));
    return safetyNumberOf(mls.groupMembers(group), ctx.device.userId, userId);
  }

  /** Your devices (this one included). */
  async devices(): Promise<Device[]> {
    const { ctx } = await this.#ready();
    return this.#session.call(e2ee.devices, { userId: ctx.device.userId });
  }

  /**
   * Removes one of your devices (a lost phone): the server forgets it, every session of your account is
   * signed out but this one (so the lost device cannot come back as a new device; your other devices log
   * in again; pass `{ signOutEverywhere: false }` to keep them), and this device takes it out of the
   * groups of every conversation it is in, so it cannot read what is sent afterwards. Removing this
   * device itself also deletes its keys from storage.
   */
  async removeDevice(deviceId: number, options: { signOutEverywhere?: boolean } = {}): Promise<void> {
    const active = await this.#ready();
    const self = active.ctx.device.deviceId;
    // Signed out first: the lost device's token must not outlive its registration.
    if (deviceId !== self && (options.signOutEverywhere ?? true)) await this.#session.signOutEverywhere();
    await this.#session.call(e2ee.removeDevice, { deviceId });
    if (deviceId === self) return this.#forget(active);
    await syncAllRosters(active.ctx);
  }

  /** Joins conversations this device was added to and reads every conversation's new messages. */
  async sync(): Promise<void> {
    await (await this.#ready()).syncAll();
  }

  /** The device, enabled once (again after a failure, or after it removed itself). */
  #ready(): Promise<ActiveDevice> {
    this.#enabling ??= this.#enable().catch((error: unknown) => {
      this.#enabling = undefined;
      throw error;
    });
    return this.#enabling;
  }

  async #enable(): Promise<ActiveDevice> {
    if (!this.#options) throw e2eeError("E2EE_NOT_READY", "End-to-end encryption needs storage: createClient({ e2ee: { storage } })");
    // A device left by an earlier attempt that failed half-way stops reacting; this one takes over.
    this.#active?.stop();
    const active = await ActiveDevice.register(this.#session, this.#options, {
      report: (error) => this.#events.emit("error", asHestiaError(error)),
      emit: (event, payload) => this.#events.emit(event, payload),
    });
    this.#active = active;
    await active.start();
    return active;
  }

  /** Deletes this device's keys and group states from storage and stops listening. */
  async #forget(active: ActiveDevice): Promise<void> {
    await active.forget();
    this.#active = undefined;
    this.#enabling = undefined;
  }
}
