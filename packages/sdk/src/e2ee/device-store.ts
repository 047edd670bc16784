import { createKeyedLock } from "./lock";
import type { DeviceKeys, OwnKeyPackage } from "./mls";
import type { E2eeStorage } from "./storage";

/** This device: who it belongs to, its id and signature keys, and the conversations it keeps state for. */
export interface DeviceRecord {
  userId: number;
  deviceId: number;
  keys: DeviceKeys;
  conversations: number[];
}

/** The device's own key packages still usable, by ref (private halves included). */
export type KeyPackageRecords = Record<string, OwnKeyPackage & { lastResort: boolean }>;

/** One conversation as this device holds it. */
export interface ConversationRecord {
  conversationId: number;
  kind: "DIRECT" | "GROUP";
  groupId?: number;
  peerUserId?: number;
  /** The encoded MLS group; absent until this device is in it. */
  state?: string;
  /** The last message id read; 0 before the first. */
  cursor: number;
  joinedEpoch: number;
  /** A commit sent but not yet known to be accepted, and the group as it will be if it was. */
  pending?: { epoch: number; commit: string; state: string };
  /** The newest messages sent or decrypted here, by id: whom edits may come from, and what deleting one erases. */
  known?: Record<string, KnownMessage>;
  /** The conversation's change counter up to which deletions were checked (see deletions.ts). */
  changeSeq?: number;
}

/** A message as a device remembers it, to apply edits, reactions and deletions to. */
export interface KnownMessage {
  userId: number;
  seq: number;
  createdAt: string;
  /** The ids of the encrypted messages that edited it (their ciphertext holds its text too). */
  edits?: number[];
  editedAt?: string;
  deleted?: true;
}

/**
 * A user's end-to-end encryption records in an app's storage (JSON values under `hestia-e2ee.<userId>.`):
 * the device, its key packages (changed one writer at a time) and one record per conversation.
 */
export class DeviceStore {
  readonly #storage: E2eeStorage;
  readonly #prefix: string;
  readonly #keyPackages = createKeyedLock<"keyPackages">();

  constructor(storage: E2eeStorage, userId: number) {
    this.#storage = storage;
    this.#prefix = `hestia-e2ee.${userId}.`;
  }

  device(): Promise<DeviceRecord | undefined> {
    return this.#load("device");
  }

  saveDevice(device: DeviceRecord): Promise<void> {
    return this.#save("device", device);
  }

  conversation(conversationId: number): Promise<ConversationRecord | undefined> {
    return this.#load(`conversation.${conversationId}`);
  }

  async saveConversation(record: ConversationRecord): Promise<void> {
    await this.#save(`conversation.${record.conversationId}`, record);
  }

  async deleteConversation(conversationId: number): Promise<void> {
    await this.#storage.delete(`${this.#prefix}conversation.${conversationId}`);
  }

  /** Reads the key-package records, lets `change` modify them, and writes them back; one change at a time. */
  withKeyPackages<T>(change: (records: KeyPackageRecords) => Promise<T>): Promise<T> {
    return this.#keyPackages("keyPackages", async () => {
      const records = (await this.#load<KeyPackageRecords>("keyPackages")) ?? {};
      const result = await change(records);
      await this.#save("keyPackages", records);
      return result;
    });
  }

  /** Deletes everything of this device: its keys, key packages and conversations. */
  async forget(device: DeviceRecord): Promise<void> {
    for (const conversationId of device.conversations) await this.deleteConversation(conversationId);
    await this.#storage.delete(`${this.#prefix}keyPackages`);
    await this.#storage.delete(`${this.#prefix}device`);
  }

  async #load<T>(key: string): Promise<T | undefined> {
    const value = await this.#storage.get(this.#prefix + key);
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }

  async #save(key: string, value: unknown): Promise<void> {
    await this.#storage.set(this.#prefix + key, JSON.stringify(value));
  }
}
