import {
  contract,
  type Device,
  deviceIdentity,
  type E2eeConversation,
  type Endpoint,
  type EndpointInput,
  type EndpointOutput,
  type Group,
  type Message,
  mlsGroupId,
  parseDeviceIdentity,
  type Welcome,
} from "@hestia/contracts";
import { HestiaError } from "../errors";
import { type RetryOptions, sendIdempotent } from "../idempotency";
import { createEmitter } from "../realtime/emitter";
import type { Realtime } from "../realtime/realtime";
import { decodeText, encodeText } from "./content";
import { type ConversationRecord, type DeviceRecord, DeviceStore } from "./device-store";
import { createKeyedLock } from "./lock";
import * as mls from "./mls";
import { accepted, type Outcome, refused } from "./outcome";
import { type ListedDevice, listedDevices, rosterDiff, speaksFor } from "./roster";
import { safetyNumber } from "./safety-number";
import type { E2eeStorage } from "./storage";

const { e2ee, messages, groups } = contract;

export interface E2eeOptions {
  /** Where this device keeps its keys and group states (see `memoryStorage`, and `fileStorage` from `@hestia/sdk/node`). */
  storage: E2eeStorage;
  /** A name for this device that its user sees in their device list. */
  deviceName?: string;
  /** How many one-time key packages the device keeps on the server (default 20). */
  keyPackages?: number;
}

/** A decrypted message. */
export interface DecryptedMessage {
  id: number;
  seq: number;
  conversationId: number;
  /** Set for group messages. */
  groupId?: number;
  /** Set for direct messages: the other user. */
  peerUserId?: number;
  text: string;
  createdAt: string;
  /** The device that sent it, as its MLS credential (whose signature was verified) names it. */
  sender: { userId: number; deviceId: number; username: string };
}

export interface E2eeEvents {
  /** A message decrypted on this device (never your own device's sends); each once, in order per conversation. */
  message: DecryptedMessage;
  /** A message could not be decrypted (a replay, a message from before this device joined ...), or background work failed. */
  error: HestiaError;
}

/** What the encryption layer needs from the client it belongs to. */
export interface E2eeSession {
  call<E extends Endpoint>(endpoint: E, input: EndpointInput<E>): Promise<EndpointOutput<E>>;
  /** Revokes every token of the account and keeps a new one for this client. */
  signOutEverywhere(): Promise<void>;
  selfId(): Promise<number>;
  realtime: Realtime;
  retry?: Partial<RetryOptions>;
}

interface Changes {
  add: { deviceId: number; keyPackage: string }[];
  remove: number[];
  members?: { add: number[]; remove: number[] };
}

type EncryptedSend = { encrypted: true; ciphertext: string; idempotencyKey?: string };

const PAGE = 100;
/** How long the devices of a group spread their reactions to a device change over. */
const DEVICE_SYNC_SPREAD_MS = 1_000;
/** How long a device not yet in a conversation's group waits for a member's device to add it. */
const JOIN_WAIT_MS = 5_000;
const MAX_COMMIT_ATTEMPTS = 6;

/** Whether a change of `userId`'s devices concerns a conversation: its peer, yourself, or a user with a device in its group. */
function concerns(record: ConversationRecord, group: mls.MlsGroup, userId: number, selfId: number): boolean {
  if (userId === selfId || record.peerUserId === userId) return true;
  return record.kind === "GROUP" && mls.groupMembers(group).some((member) => parseDeviceIdentity(member.identity)?.userId === userId);
}

/** The server accepted another commit first: this device's view of the group is one epoch behind. */
const isEpochConflict = (error: unknown) => error instanceof HestiaError && error.code === "CONFLICT" && /epoch/i.test(error.message);

const e2eeError = (code: "DECRYPTION_FAILED" | "E2EE_NOT_READY", message: string, details?: unknown) =>
  new HestiaError(0, code, message, details);

/**
 * End-to-end encrypted messaging (MLS) for one device: the SDK instance. Every direct conversation and
 * encrypted group is an MLS group of all its members' devices; the server only relays ciphertext.
 */
export class E2ee {
  readonly #session: E2eeSession;
  readonly #options: E2eeOptions | undefined;
  readonly #events = createEmitter<E2eeEvents>();
  readonly #withLock = createKeyedLock<number>();
  readonly #groups = new Map<number, mls.MlsGroup>();
  #device: DeviceRecord | undefined;
  #enabling: Promise<{ deviceId: number }> | undefined;
  #welcomes: Promise<void> = Promise.resolve();
  #store!: DeviceStore;
  #unsubscribe: (() => void)[] = [];

  constructor(session: E2eeSession, options: E2eeOptions | undefined) {
    this.#session = session;
    this.#options = options;
  }

  /** This device's id once enabled. */
  get deviceId(): number | undefined {
    return this.#device?.deviceId;
  }

  on<K extends keyof E2eeEvents>(event: K, handler: (payload: E2eeEvents[K]) => void): () => void {
    return this.#events.on(event, handler);
  }

  off<K extends keyof E2eeEvents>(event: K, handler: (payload: E2eeEvents[K]) => void): void {
    this.#events.off(event, handler);
  }

  /**
   * Makes this SDK instance a device of the signed-in user: registers it (or resumes it from storage),
   * keeps key packages on the server, connects realtime and reads what arrived meanwhile.
   */
  enable(): Promise<{ deviceId: number }> {
    this.#enabling ??= this.#enable().catch((error: unknown) => {
      this.#enabling = undefined;
      throw error;
    });
    return this.#enabling;
  }

  /** Sends an encrypted direct message to a friend. */
  async sendDM(userId: number, text: string): Promise<DecryptedMessage> {
    await this.enable();
    const conversation = await this.#session.call(e2ee.direct, { userId });
    return this.#send(conversation, text, (keyed) => this.#session.call(messages.sendDirect, { ...keyed, userId }));
  }

  /** Creates an encrypted group with you as owner and these friends as members. */
  async createGroup(input: { name: string; description?: string; members?: number[] }): Promise<Group> {
    await this.enable();
    const group = await this.#session.call(groups.create, { name: input.name, description: input.description, encrypted: true });
    await this.#withLock(group.id, async () => {
      const record = await this.#ensureGroup(await this.#conversation(group.id));
      if (input.members?.length) await this.#commitChanges(record, (info) => this.#membershipChanges(info, { add: input.members! }));
    });
    await this.#follow(group.id);
    return group;
  }

  /** Adds a friend to an encrypted group you administer: their devices join the MLS group in the same step. */
  async addMember(groupId: number, userId: number): Promise<void> {
    await this.enable();
    await this.#withLock(groupId, async () => {
      const record = await this.#ensureGroup(await this.#conversation(groupId));
      await this.#commitChanges(record, (info) => this.#membershipChanges(info, { add: [userId] }));
    });
  }

  /** Removes a member from an encrypted group you administer; their devices cannot read what is sent afterwards. */
  async removeMember(groupId: number, userId: number): Promise<void> {
    await this.enable();
    await this.#withLock(groupId, async () => {
      const record = await this.#ensureGroup(await this.#conversation(groupId));
      await this.#commitChanges(record, (info) => this.#membershipChanges(info, { remove: [userId] }));
    });
  }

  /** Sends an encrypted message to a group. */
  async sendGroupMessage(groupId: number, text: string): Promise<DecryptedMessage> {
    await this.enable();
    const conversation = await this.#conversation(groupId);
    return this.#send(conversation, text, (keyed) => this.#session.call(groups.sendMessage, { ...keyed, id: groupId }));
  }

  /**
   * A number to compare with a friend out of band (read aloud, or side by side): it is computed from
   * the signature keys of every device of both of you in your direct conversation's group, so it matches
   * on both sides only if nobody slipped in a device.
   */
  async safetyNumber(userId: number): Promise<string> {
    await this.enable();
    const conversation = await this.#session.call(e2ee.direct, { userId });
    const group = await this.#withLock(conversation.conversationId, async () => {
      await this.#ensureGroup(conversation);
      return this.#groups.get(conversation.conversationId)!;
    });
    const keysOf = (user: number) =>
      mls
        .groupMembers(group)
        .filter((member) => parseDeviceIdentity(member.identity)?.userId === user)
        .map((member) => member.signaturePublicKey);
    const self = this.#device!.userId;
    return safetyNumber([
      { userId: self, keys: keysOf(self) },
      { userId, keys: keysOf(userId) },
    ]);
  }

  /** Your devices (this one included). */
  async devices(): Promise<Device[]> {
    await this.enable();
    return this.#session.call(e2ee.devices, { userId: this.#device!.userId });
  }

  /**
   * Removes one of your devices (a lost phone): the server forgets it, every session of your account is
   * signed out but this one (so the lost device cannot come back as a new device; your other devices log
   * in again; pass `{ signOutEverywhere: false }` to keep them), and this device takes it out of the
   * groups of every conversation it is in, so it cannot read what is sent afterwards. Removing this
   * device itself also deletes its keys from storage.
   */
  async removeDevice(deviceId: number, options: { signOutEverywhere?: boolean } = {}): Promise<void> {
    await this.enable();
    const device = this.#device!;
    // Signed out first: the lost device's token must not outlive its registration.
    if (deviceId !== device.deviceId && (options.signOutEverywhere ?? true)) await this.#session.signOutEverywhere();
    await this.#session.call(e2ee.removeDevice, { deviceId });
    if (deviceId === device.deviceId) return this.#forget();
    for (const conversationId of [...device.conversations]) {
      await this.#withLock(conversationId, async () => {
        if ((await this.#record(conversationId))?.state) await this.#ensureGroup(await this.#conversation(conversationId));
      }).catch((error: unknown) => this.#report(error));
    }
  }

  /** Joins conversations this device was added to and reads every conversation's new messages. */
  async sync(): Promise<void> {
    await this.enable();
    await this.#syncAll();
  }

  async #enable(): Promise<{ deviceId: number }> {
    if (!this.#options) throw e2eeError("E2EE_NOT_READY", "End-to-end encryption needs storage: createClient({ e2ee: { storage } })");
    const userId = await this.#session.selfId();
    this.#store = new DeviceStore(this.#options.storage, userId);
    let device = await this.#store.device();
    if (device) {
      const known = await this.#session.call(e2ee.device, { deviceId: device.deviceId }).catch((error: unknown) => {
        if (error instanceof HestiaError && error.code === "NOT_FOUND") return undefined;
        throw error;
      });
      // The server forgot this device (removed from another device): its state is worthless; start over as a new one.
      if (!known) {
        await this.#store.forget(device);
        device = undefined;
      }
    }
    if (!device) {
      const keys = await mls.generateDeviceKeys();
      const registered = await this.#session.call(e2ee.registerDevice, {
        signaturePublicKey: keys.publicKey,
        name: this.#options.deviceName,
      });
      device = { userId, deviceId: registered.id, keys, conversations: [] };
      await this.#store.saveDevice(device);
    }
    this.#device = device;
    this.#groups.clear();
    await this.#topUpKeyPackages();
    this.#listen();
    await this.#session.realtime.connect().catch((error: unknown) => this.#report(error));
    await this.#syncAll();
    return { deviceId: device.deviceId };
  }

  /** Deletes this device's keys and group states from storage and stops listening. */
  async #forget(): Promise<void> {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    await this.#store.forget(this.#device!);
    this.#groups.clear();
    this.#device = undefined;
    this.#enabling = undefined;
  }

  #listen(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    const { realtime } = this.#session;
    const onMessage = (message: Message) => {
      if (message.encrypted) void this.#pump(message.conversationId).catch((error: unknown) => this.#report(error));
    };
    this.#unsubscribe = [
      realtime.on("newDM", onMessage),
      realtime.on("newGroupMessage", onMessage),
      realtime.on(
        "e2eeCommit",
        ({ conversationId }) => void this.#pump(conversationId, true).catch((error: unknown) => this.#report(error)),
      ),
      realtime.on("e2eeWelcome", () => void this.#processWelcomes().catch((error: unknown) => this.#report(error))),
      realtime.on("e2eeDevices", ({ userId }) => this.#devicesChanged(userId)),
      realtime.on("connected", ({ reconnected }) => {
        if (reconnected) void this.#syncAll().catch((error: unknown) => this.#report(error));
      }),
    ];
  }

  /**
   * A user's devices changed: bring this device's groups that include the user up to date. Every online
   * device of every member hears it, so each waits a random moment and the first commit usually leaves
   * the others nothing to do.
   */
  #devicesChanged(userId: number): void {
    const device = this.#device;
    if (!device) return;
    setTimeout(() => {
      void (async () => {
        for (const conversationId of [...device.conversations]) {
          await this.#withLock(conversationId, async () => {
            // Read under the lock: a pump may have moved the record on meanwhile.
            const record = await this.#record(conversationId);
            const group = this.#groups.get(conversationId);
            if (!record?.state || !group || !mls.isActive(group) || !concerns(record, group, userId, device.userId)) return;
            await this.#commitChanges(record, (info) => this.#membershipChanges(info, {}));
          }).catch((error: unknown) => {
            // Not a member any more, or not allowed to add these devices: another member's device will.
            if (!(error instanceof HestiaError && ["NOT_FOUND", "FORBIDDEN", "E2EE_NOT_READY"].includes(error.code))) this.#report(error);
          });
        }
      })().catch((error: unknown) => this.#report(error));
    }, Math.random() * DEVICE_SYNC_SPREAD_MS);
  }

  async #syncAll(): Promise<void> {
    await this.#processWelcomes();
    for (const conversationId of [...this.#device!.conversations]) {
      const record = await this.#record(conversationId);
      if (record?.kind === "GROUP") await this.#follow(conversationId);
      await this.#pump(conversationId, true).catch((error: unknown) => this.#report(error));
    }
  }

  /** Keeps the server's stock of this device's key packages at the target, with a last-resort one. */
  async #topUpKeyPackages(): Promise<void> {
    const device = this.#device!;
    const target = this.#options?.keyPackages ?? 20;
    const stock = await this.#session.call(e2ee.device, { deviceId: device.deviceId });
    const missing = stock.keyPackages < target / 2 ? target - stock.keyPackages : 0;
    if (missing === 0 && stock.hasLastResort) return;
    const identity = deviceIdentity(device.userId, device.deviceId);
    const fresh = await Promise.all(Array.from({ length: missing }, () => mls.generateKeyPackage(identity, device.keys)));
    const lastResort = stock.hasLastResort ? undefined : await mls.generateKeyPackage(identity, device.keys);
    // The private halves are kept before the public ones are published: a welcome may follow at once.
    await this.#store.withKeyPackages(async (records) => {
      for (const keyPackage of fresh) records[keyPackage.ref] = { ...keyPackage, lastResort: false };
      if (lastResort) {
        for (const [ref, record] of Object.entries(records)) if (record.lastResort) delete records[ref];
        records[lastResort.ref] = { ...lastResort, lastResort: true };
      }
    });
    await this.#session.call(e2ee.uploadKeyPackages, {
      deviceId: device.deviceId,
      keyPackages: fresh.map((keyPackage) => keyPackage.public),
      lastResort: lastResort?.public,
    });
  }

  /** Joins every conversation a pending welcome is for; one run at a time. */
  #processWelcomes(): Promise<void> {
    const run = this.#welcomes.then(async () => {
      const welcomes = await this.#session.call(e2ee.welcomes, { deviceId: this.#device!.deviceId });
      if (welcomes.length === 0) return;
      for (const welcome of welcomes) {
        await this.#withLock(welcome.conversationId, () => this.#join(welcome));
        await this.#pump(welcome.conversationId, false, false).catch((error: unknown) => this.#report(error));
      }
      await this.#topUpKeyPackages();
    });
    this.#welcomes = run.catch(() => undefined);
    return run;
  }

  /** Joins a conversation's group from a welcome (under the conversation's lock). */
  async #join(welcome: Welcome): Promise<void> {
    const current = this.#groups.get(welcome.conversationId) ?? (await this.#record(welcome.conversationId))?.state;
    const group = typeof current === "string" ? mls.decodeGroup(current) : current;
    if (!group || !mls.isActive(group) || mls.groupEpoch(group) < welcome.epoch) {
      // Storage failing is not the welcome's fault: that throws, and the welcome is kept for the next try.
      const joined = await this.#joinFrom(welcome);
      // A welcome that cannot be used (damaged, or made for another group) is reported and dropped, never retried for ever.
      if (!joined.ok) {
        this.#report(
          e2eeError("DECRYPTION_FAILED", `A welcome to conversation ${welcome.conversationId} could not be used: ${joined.reason}`, {
            conversationId: welcome.conversationId,
          }),
        );
      }
    }
    await this.#session.call(e2ee.deleteWelcome, { id: welcome.id }).catch((error: unknown) => {
      // Already dropped by a concurrent run.
      if (!(error instanceof HestiaError && error.code === "NOT_FOUND")) throw error;
    });
  }

  /** Joins from a welcome; refused when it can never be used: damaged, for a key package this device lacks, or for another group. */
  async #joinFrom(welcome: Welcome): Promise<Outcome<ConversationRecord>> {
    return this.#store.withKeyPackages(async (keyPackages) => {
      const refs = mls.welcomeRefs(welcome.welcome);
      if (!refs) return refused("it is not an MLS welcome");
      const own = refs.map((ref) => keyPackages[ref]).find((keyPackage) => keyPackage !== undefined);
      if (!own) return refused("it is for a key package this device does not hold");
      const outcome = await mls.joinFromWelcome(welcome.welcome, own);
      if (!outcome.ok) return outcome;
      const joined = outcome.value;
      const joinedGroup = mls.groupIdOf(joined);
      if (joinedGroup !== mlsGroupId(welcome.conversationId) || mls.groupEpoch(joined) !== welcome.epoch) {
        return refused(`it joins ${joinedGroup} at epoch ${mls.groupEpoch(joined)}, not this conversation at epoch ${welcome.epoch}`);
      }
      const record: ConversationRecord = {
        conversationId: welcome.conversationId,
        kind: welcome.kind,
        groupId: welcome.groupId,
        peerUserId: welcome.peerUserId,
        state: mls.encodeGroup(joined),
        cursor: welcome.afterMessageId,
        joinedEpoch: welcome.epoch,
      };
      await this.#keep(record, joined);
      // A one-time key's private half is deleted once used (forward secrecy); the last-resort one is kept.
      if (!own.lastResort) delete keyPackages[own.ref];
      if (record.kind === "GROUP") void this.#follow(record.conversationId);
      return accepted(record);
    });
  }

  /** Reads a conversation's new messages and decrypts the encrypted ones, in order; then, if asked, applies newer commits. */
  async #pump(conversationId: number, commitsToo = false, lookForWelcomes = true): Promise<void> {
    // A conversation this device has not joined yet may have a welcome waiting (which reads it after joining).
    if (lookForWelcomes && !(await this.#record(conversationId))?.state) return this.#processWelcomes();
    return this.#withLock(conversationId, async () => {
      const record = await this.#record(conversationId);
      if (!record?.state) return;
      try {
        await this.#readNew(record);
        if (commitsToo) await this.#applyCommits(record);
      } catch (error) {
        // Removed from the group, or the conversation is gone: nothing more to read here.
        if (error instanceof HestiaError && (error.code === "NOT_FOUND" || error.code === "FORBIDDEN")) return;
        throw error;
      }
    });
  }

  async #readNew(record: ConversationRecord): Promise<void> {
    for (;;) {
      const page = await this.#page(record);
      for (const message of page) {
        if (message.encrypted && message.ciphertext) await this.#receive(record, message);
        record.cursor = message.id;
      }
      if (page.length > 0) await this.#keep(record);
      if (page.length < PAGE) return;
    }
  }

  /**
   * The messages after the cursor, oldest first. Without a cursor, or when the cursor's message is gone
   * (deleted with its sender's account), they are found by id (ids only grow), reading back from the newest.
   */
  async #page(record: ConversationRecord): Promise<Message[]> {
    const history = (query: { after?: number; before?: number; limit: number }) =>
      record.kind === "GROUP"
        ? this.#session.call(groups.messages, { id: record.conversationId, ...query })
        : this.#session.call(messages.directHistory, { userId: record.peerUserId!, ...query });
    if (record.cursor > 0) {
      try {
        return await history({ after: record.cursor, limit: PAGE });
      } catch (error) {
        if (!(error instanceof HestiaError && error.code === "BAD_REQUEST")) throw error;
      }
    }
    const newer: Message[] = [];
    for (let before: number | undefined; ; ) {
      const page = await history({ before, limit: PAGE });
      newer.unshift(...page.filter((message) => message.id > record.cursor));
      if (page.length < PAGE || page[0]!.id <= record.cursor) return newer;
      before = page[0]!.id;
    }
  }

  /** Decrypts one message and delivers it, its group state saved first. */
  async #receive(record: ConversationRecord, message: Message): Promise<void> {
    const fail = (reason: string) =>
      this.#report(
        e2eeError("DECRYPTION_FAILED", `Message ${message.id} could not be decrypted: ${reason}`, {
          messageId: message.id,
          conversationId: message.conversationId,
        }),
      );
    const header = mls.peek(message.ciphertext!);
    if (!header) return fail("not an MLS message");
    if (header.epoch < record.joinedEpoch) return; // Sent before this device joined.
    let group = this.#groups.get(record.conversationId)!;
    if (header.epoch > mls.groupEpoch(group)) group = await this.#applyCommits(record, header.epoch);
    if (!mls.isActive(group)) return;
    const leaf = await mls.senderLeaf(group, message.ciphertext!);
    if (leaf === mls.ownLeafIndex(group)) return; // This device's own message.
    const outcome = await mls.decrypt(group, message.ciphertext!);
    if (!outcome.ok) return fail(outcome.reason);
    const decrypted = outcome.value;
    const sender = parseDeviceIdentity(decrypted.sender.identity);
    if (!sender || sender.userId !== message.userId) return fail("the sender's credential does not match the message's sender");
    const text = decodeText(decrypted.plaintext);
    if (text === undefined) return fail("unreadable content");
    record.cursor = message.id;
    await this.#keep(record, decrypted.group);
    this.#events.emit("message", this.#decrypted(record, message, text, sender.deviceId));
  }

  #decrypted(record: ConversationRecord, message: Message, text: string, deviceId: number): DecryptedMessage {
    return {
      id: message.id,
      seq: message.seq,
      conversationId: message.conversationId,
      ...(record.kind === "GROUP" ? { groupId: record.conversationId } : { peerUserId: record.peerUserId }),
      text,
      createdAt: message.createdAt,
      sender: { userId: message.userId, deviceId, username: message.username },
    };
  }

  /** Applies the accepted commits after the group's epoch (up to `upTo`, or all); returns the group. */
  async #applyCommits(record: ConversationRecord, upTo = Number.MAX_SAFE_INTEGER): Promise<mls.MlsGroup> {
    let group = this.#groups.get(record.conversationId)!;
    while (mls.groupEpoch(group) < upTo && mls.isActive(group)) {
      const commits = await this.#session.call(e2ee.commits, {
        conversationId: record.conversationId,
        fromEpoch: mls.groupEpoch(group),
        limit: PAGE,
      });
      if (commits.length === 0) break;
      for (const { epoch, commit, deviceId } of commits) {
        if (epoch !== mls.groupEpoch(group) || epoch >= upTo) continue;
        const pending = record.pending;
        if (deviceId === this.#device!.deviceId && pending?.epoch === epoch && pending.commit === commit) {
          group = mls.decodeGroup(pending.state);
        } else {
          group = await mls.applyCommit(group, commit);
        }
        record.pending = undefined;
        await this.#keep(record, group);
        if (!mls.isActive(group)) return group;
      }
      if (commits.length < PAGE) break;
    }
    return group;
  }

  /** The conversation's group on this device: created if the conversation has none, joined if a welcome waits; brought up to date. */
  async #ensureGroup(conversation: E2eeConversation): Promise<ConversationRecord> {
    const { conversationId } = conversation;
    let record = await this.#record(conversationId);
    if (!this.#inGroup(record)) record = await this.#joinWaiting(conversationId);
    if (!record?.state && conversation.epoch === 0) record = await this.#create(conversation);
    if (!this.#inGroup(record)) record = await this.#awaitWelcome(conversationId);
    if (!this.#inGroup(record)) {
      throw e2eeError(
        "E2EE_NOT_READY",
        "This device is not in the conversation's encrypted group yet: a member's device adds it when it next sends or changes the group",
        { conversationId },
      );
    }
    // Messages still unread are read first: their epochs' keys are only kept for a few epochs.
    await this.#readNew(record);
    await this.#applyCommits(record);
    await this.#commitChanges(record, (info) => this.#membershipChanges(info, {}));
    return record;
  }

  /** Joins from the welcomes waiting for this conversation, if any (under the conversation's lock); its record after. */
  async #joinWaiting(conversationId: number): Promise<ConversationRecord | undefined> {
    const welcomes = await this.#session.call(e2ee.welcomes, { deviceId: this.#device!.deviceId });
    for (const welcome of welcomes.filter((candidate) => candidate.conversationId === conversationId)) await this.#join(welcome);
    return this.#record(conversationId);
  }

  /** Whether this device holds an active group for the conversation of `record`. */
  #inGroup(record: ConversationRecord | undefined): record is ConversationRecord & { state: string } {
    return record?.state !== undefined && mls.isActive(this.#groups.get(record.conversationId)!);
  }

  /**
   * Waits a few seconds for a member's device to add this one (they hear of new devices at once), then
   * joins from the welcome. Called under the conversation's lock.
   */
  async #awaitWelcome(conversationId: number): Promise<ConversationRecord | undefined> {
    const deadline = Date.now() + JOIN_WAIT_MS;
    while (Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(1_000, deadline - Date.now()));
        const unsubscribe = this.#session.realtime.on("e2eeWelcome", (event) => {
          if (event.conversationId === conversationId) done();
        });
        function done() {
          clearTimeout(timer);
          unsubscribe();
          resolve();
        }
      });
      const record = await this.#joinWaiting(conversationId);
      if (this.#inGroup(record)) return record;
    }
    return this.#record(conversationId);
  }

  /** Creates the conversation's group (epoch 0) and publishes the first commit, adding every member's devices. */
  async #create(conversation: E2eeConversation): Promise<ConversationRecord | undefined> {
    const device = this.#device!;
    const own = await mls.generateKeyPackage(deviceIdentity(device.userId, device.deviceId), device.keys);
    const group = await mls.createGroup(mlsGroupId(conversation.conversationId), own);
    const record: ConversationRecord = {
      conversationId: conversation.conversationId,
      kind: conversation.kind,
      groupId: conversation.groupId,
      peerUserId: conversation.peerUserId,
      cursor: 0,
      joinedEpoch: 0,
    };
    this.#groups.set(conversation.conversationId, group);
    const accepted = await this.#publish(record, group, await this.#membershipChanges(conversation, {}));
    if (!accepted) {
      // Another device created the group first: drop this one; the winner's welcome brings this device in, if it was ready.
      this.#groups.delete(conversation.conversationId);
      await this.#store.deleteConversation(conversation.conversationId);
      return this.#joinWaiting(conversation.conversationId);
    }
    record.joinedEpoch = 1;
    await this.#keep(record);
    return record;
  }

  /**
   * Makes a commit from the changes `decide` works out against the server's current view and publishes
   * it; when another commit won the epoch, applies that one and decides again.
   */
  async #commitChanges(record: ConversationRecord, decide: (info: E2eeConversation) => Promise<Changes>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const info = await this.#session.call(e2ee.conversation, { conversationId: record.conversationId });
      let group = this.#groups.get(record.conversationId)!;
      if (mls.groupEpoch(group) < info.epoch) {
        await this.#readNew(record);
        group = await this.#applyCommits(record);
      }
      if (!mls.isActive(group))
        throw e2eeError("E2EE_NOT_READY", "This device was removed from the conversation's group", {
          conversationId: record.conversationId,
        });
      const changes = await decide(info);
      if (changes.add.length === 0 && changes.remove.length === 0 && !changes.members) return;
      if (await this.#publish(record, group, changes)) return;
      if (attempt >= MAX_COMMIT_ATTEMPTS) throw new HestiaError(409, "CONFLICT", "The group kept changing; try again");
      await this.#applyCommits(record);
    }
  }

  /** Publishes a commit made from `group`; false when another commit was accepted for that epoch. */
  async #publish(record: ConversationRecord, group: mls.MlsGroup, changes: Changes): Promise<boolean> {
    const device = this.#device!;
    const epoch = mls.groupEpoch(group);
    const made = await mls.commit(group, { add: changes.add.map((entry) => entry.keyPackage), remove: changes.remove });
    // Kept before sending: if the answer is lost, the accepted commit is recognised as this one later.
    record.pending = { epoch, commit: made.commit, state: mls.encodeGroup(made.group) };
    await this.#keep(record, group);
    try {
      const accepted = await this.#session.call(e2ee.commit, {
        conversationId: record.conversationId,
        deviceId: device.deviceId,
        epoch,
        commit: made.commit,
        welcome:
          made.welcome && changes.add.length > 0
            ? { data: made.welcome, deviceIds: changes.add.map((entry) => entry.deviceId) }
            : undefined,
        members: changes.members,
      });
      record.pending = undefined;
      if (record.cursor === 0) record.cursor = accepted.afterMessageId;
      await this.#keep(record, made.group);
      return true;
    } catch (error) {
      // No answer: the commit may have been accepted. `pending` stays, so it is recognised as this
      // device's own when it shows up among the conversation's commits.
      if (error instanceof HestiaError && error.retryable) throw error;
      record.pending = undefined;
      await this.#keep(record, group);
      if (!isEpochConflict(error)) throw error;
      return false;
    }
  }

  /**
   * What the group must change so that its leaves are exactly the devices of the members (after adding
   * and removing `users`): devices missing get added with a claimed key package, stale leaves removed.
   */
  async #membershipChanges(info: E2eeConversation, users: { add?: number[]; remove?: number[] }): Promise<Changes> {
    const self = this.#device!;
    const wanted = listedDevices(info, users.remove);
    for (const userId of users.add ?? []) {
      for (const device of await this.#session.call(e2ee.devices, { userId })) {
        wanted.set(deviceIdentity(userId, device.id), { userId, deviceId: device.id, signaturePublicKey: device.signaturePublicKey });
      }
    }
    const group = this.#groups.get(info.conversationId)!;
    const { remove, missing } = rosterDiff(mls.groupMembers(group), wanted, deviceIdentity(self.userId, self.deviceId));
    const add: Changes["add"] = [];
    const byUser = new Map<number, ListedDevice[]>();
    for (const device of missing) byUser.set(device.userId, [...(byUser.get(device.userId) ?? []), device]);
    for (const [userId, devices] of byUser) {
      let claimed: EndpointOutput<typeof e2ee.claimKeyPackages> = [];
      try {
        claimed = await this.#session.call(e2ee.claimKeyPackages, { userId, deviceIds: devices.map((device) => device.deviceId) });
      } catch (error) {
        // Devices of users this account may not add wait for a device that may (a friend, or an admin).
        if (error instanceof HestiaError && (error.code === "FORBIDDEN" || error.code === "RATE_LIMITED")) continue;
        throw error;
      }
      for (const claim of claimed) {
        const device = devices.find((candidate) => candidate.deviceId === claim.deviceId);
        // A package that does not speak for the listed device and key is not added.
        if (device && speaksFor(mls.keyPackageIdentity(claim.keyPackage), device))
          add.push({ deviceId: claim.deviceId, keyPackage: claim.keyPackage });
      }
    }
    const members = users.add?.length || users.remove?.length ? { add: users.add ?? [], remove: users.remove ?? [] } : undefined;
    return { add, remove, members };
  }

  async #send(
    conversation: E2eeConversation,
    text: string,
    post: (input: EncryptedSend & { idempotencyKey: string }) => Promise<Message>,
  ): Promise<DecryptedMessage> {
    return this.#withLock(conversation.conversationId, async () => {
      const record = await this.#ensureGroup(conversation);
      const plaintext = encodeText(text);
      for (let attempt = 1; ; attempt++) {
        const { ciphertext, group } = await mls.encrypt(this.#groups.get(record.conversationId)!, plaintext);
        // Saved before sending: the group's ratchet moved on whether or not the message arrives.
        await this.#keep(record, group);
        try {
          const message = await sendIdempotent<EncryptedSend, Message>({ encrypted: true, ciphertext }, post, this.#session.retry);
          return this.#decrypted(record, message, text, this.#device!.deviceId);
        } catch (error) {
          // The epoch moved on meanwhile: catch up and encrypt again.
          if (!isEpochConflict(error) || attempt >= MAX_COMMIT_ATTEMPTS) throw error;
          await this.#applyCommits(record);
          await this.#commitChanges(record, (info) => this.#membershipChanges(info, {}));
        }
      }
    });
  }

  async #conversation(conversationId: number): Promise<E2eeConversation> {
    return this.#session.call(e2ee.conversation, { conversationId });
  }

  /** Receives a group's messages live (best effort: a closed connection is rejoined by realtime itself). */
  async #follow(groupId: number): Promise<void> {
    if (!this.#session.realtime.connected) return;
    await this.#session.realtime.joinGroup(groupId).catch((error: unknown) => this.#report(error));
  }

  #report(error: unknown): void {
    this.#events.emit(
      "error",
      error instanceof HestiaError
        ? error
        : new HestiaError(0, "DECRYPTION_FAILED", error instanceof Error ? error.message : String(error)),
    );
  }

  async #record(conversationId: number): Promise<ConversationRecord | undefined> {
    const record = await this.#store.conversation(conversationId);
    if (record?.state && !this.#groups.has(conversationId)) this.#groups.set(conversationId, mls.decodeGroup(record.state));
    return record;
  }

  /** Saves a conversation (with its group, when it changed) in one write. */
  async #keep(record: ConversationRecord, group?: mls.MlsGroup): Promise<void> {
    const device = this.#device!;
    if (group) {
      record.state = mls.encodeGroup(group);
      this.#groups.set(record.conversationId, group);
    }
    await this.#store.saveConversation(record);
    if (!device.conversations.includes(record.conversationId)) {
      device.conversations.push(record.conversationId);
      await this.#store.saveDevice(device);
    }
  }
}
