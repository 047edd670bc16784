import { e2eeError } from "./context";
import type { ConversationRecord, DeviceRecord, DeviceStore } from "./device-store";
import * as mls from "./mls";

/** A conversation whose group this device holds (it may have been removed from the group since). */
export type HeldConversation = ConversationRecord & { state: string };

/** Whether this device holds a group for the conversation of `record`. */
export const isHeld = (record: ConversationRecord | undefined): record is HeldConversation => record?.state !== undefined;

/**
 * The conversations this device keeps state for: their records in storage, and each group decoded once
 * and kept in memory beside its saved form. Every change is saved before it is acted on.
 */
export class Conversations {
  readonly #store: DeviceStore;
  readonly #device: DeviceRecord;
  readonly #groups = new Map<number, mls.MlsGroup>();
  #retired = false;

  constructor(store: DeviceStore, device: DeviceRecord) {
    this.#store = store;
    this.#device = device;
  }

  /** The conversation's record as saved, or undefined when this device has none. */
  record(conversationId: number): Promise<ConversationRecord | undefined> {
    return this.#store.conversation(conversationId);
  }

  /** The conversation's group as this device last saved it. */
  group(record: HeldConversation): mls.MlsGroup {
    let group = this.#groups.get(record.conversationId);
    if (!group) {
      group = mls.decodeGroup(record.state);
      this.#groups.set(record.conversationId, group);
    }
    return group;
  }

  /** Whether this device is a member of the conversation's group (held, and not removed from it). */
  isMember(record: ConversationRecord | undefined): record is HeldConversation {
    return isHeld(record) && mls.isActive(this.group(record));
  }

  /** Saves a conversation (with its group, when it changed) in one write, and lists it as one of the device's. */
  async keep(record: ConversationRecord, group?: mls.MlsGroup): Promise<void> {
    // Work still running when the device was removed must not write its state back.
    if (this.#retired) throw e2eeError("E2EE_NOT_READY", "This device was removed", { conversationId: record.conversationId });
    if (group) {
      record.state = mls.encodeGroup(group);
      this.#groups.set(record.conversationId, group);
    }
    await this.#store.saveConversation(record);
    if (!this.#device.conversations.includes(record.conversationId)) {
      this.#device.conversations.push(record.conversationId);
      await this.#store.saveDevice(this.#device);
    }
  }

  /** Forgets a conversation's group and record (a group this device made that lost the race to be the first). */
  async drop(conversationId: number): Promise<void> {
    this.#groups.delete(conversationId);
    await this.#store.deleteConversation(conversationId);
  }

  /** Stops saving: the device was removed, and its state is being deleted. */
  retire(): void {
    this.#retired = true;
    this.#groups.clear();
  }
}
