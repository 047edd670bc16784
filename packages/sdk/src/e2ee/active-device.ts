import type { Message } from "@hestia/contracts";
import { type DeviceContext, follow } from "./context";
import { Conversations, isHeld } from "./conversations";
import { markDeleted } from "./deletions";
import { DeviceStore } from "./device-store";
import { onDevicesChanged } from "./group-sync";
import { topUpKeyPackages } from "./key-packages";
import { createKeyedLock } from "./lock";
import { catchUp } from "./receiving";
import { registeredDevice } from "./registration";
import type { E2eeEvents, E2eeOptions, E2eeSession } from "./types";
import { welcomeRunner } from "./welcomes";

/** Where a device's work ends up: decrypted messages, edits, reactions and failures, as the `E2ee` events carry them. */
export interface DeviceOutput {
  report(error: unknown): void;
  emit<K extends Exclude<keyof E2eeEvents, "error">>(event: K, payload: E2eeEvents[K]): void;
}

const DEFAULT_KEY_PACKAGES = 20;

/**
 * A registered device at work: the context its modules share, the realtime events it reacts to, and
 * catching up with what arrived while it was away.
 */
export class ActiveDevice {
  readonly ctx: DeviceContext;
  readonly #processWelcomes: () => Promise<void>;
  #unsubscribe: (() => void)[] = [];

  private constructor(ctx: DeviceContext) {
    this.ctx = ctx;
    this.#processWelcomes = welcomeRunner(ctx);
  }

  /** Registers this device (or resumes it from storage) for the signed-in user. */
  static async register(session: E2eeSession, options: E2eeOptions, output: DeviceOutput): Promise<ActiveDevice> {
    const userId = await session.selfId();
    const store = new DeviceStore(options.storage, userId);
    const device = await registeredDevice(session, store, userId, options.deviceName);
    return new ActiveDevice({
      session,
      device,
      store,
      conversations: new Conversations(store, device),
      withLock: createKeyedLock<number>(),
      keyPackageTarget: options.keyPackages ?? DEFAULT_KEY_PACKAGES,
      report: (error) => output.report(error),
      emit: (event, payload) => output.emit(event, payload),
    });
  }

  /** Keeps key packages on the server, listens to realtime, connects it, and reads what arrived meanwhile. */
  async start(): Promise<void> {
    await topUpKeyPackages(this.ctx);
    this.#listen();
    await this.ctx.session.realtime.connect().catch((error: unknown) => this.ctx.report(error));
    await this.syncAll();
  }

  /** Joins conversations this device was added to and reads every conversation's new messages and commits. */
  async syncAll(): Promise<void> {
    await this.#processWelcomes();
    for (const conversationId of [...this.ctx.device.conversations]) {
      const record = await this.ctx.conversations.record(conversationId);
      if (record?.kind === "GROUP") await follow(this.ctx, conversationId);
      await this.#refresh(conversationId, true, true).catch((error: unknown) => this.ctx.report(error));
    }
  }

  /** Stops reacting to realtime events. */
  stop(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }

  /** Stops, and deletes this device's keys and group states from storage (the server forgot it). */
  async forget(): Promise<void> {
    this.stop();
    this.ctx.conversations.retire();
    await this.ctx.store.forget(this.ctx.device);
  }

  /**
   * Reads a conversation's new messages (and commits, if asked). A conversation this device has not joined
   * yet may have a welcome waiting: joining it reads the conversation.
   */
  async #refresh(conversationId: number, commitsToo: boolean, deletionsToo = false): Promise<void> {
    if (!isHeld(await this.ctx.conversations.record(conversationId))) return this.#processWelcomes();
    return catchUp(this.ctx, conversationId, commitsToo, deletionsToo);
  }

  #listen(): void {
    this.stop();
    const { realtime } = this.ctx.session;
    const inBackground = (work: Promise<void>) => void work.catch((error: unknown) => this.ctx.report(error));
    const onMessage = (message: Message) => {
      if (message.encrypted) inBackground(this.#refresh(message.conversationId, false));
    };
    this.#unsubscribe = [
      realtime.on("newDM", onMessage),
      realtime.on("newGroupMessage", onMessage),
      realtime.on("messageDeleted", (event) => {
        if (!this.ctx.device.conversations.includes(event.conversationId)) return;
        inBackground(
          markDeleted(this.ctx, event.conversationId, event.messageId).then((known) => {
            if (known) this.ctx.emit("messageDeleted", event);
          }),
        );
      }),
      realtime.on("e2eeCommit", ({ conversationId }) => inBackground(this.#refresh(conversationId, true))),
      realtime.on("e2eeWelcome", () => inBackground(this.#processWelcomes())),
      realtime.on("e2eeDevices", ({ userId }) => onDevicesChanged(this.ctx, userId)),
      realtime.on("connected", ({ reconnected }) => {
        if (reconnected) inBackground(this.syncAll());
      }),
    ];
  }
}
