import { describe, expectTypeOf, it } from "vitest";
import { createClient, type HestiaError, type Message, type Presence, type Profile } from "../src/index";

const client = createClient({ baseUrl: "http://localhost:4000" });

describe("inferred types", () => {
  it("REST calls return the contract's output types", () => {
    expectTypeOf(client.users.me()).resolves.toEqualTypeOf<Profile>();
    expectTypeOf(client.auth.login).parameter(0).toEqualTypeOf<{ username: string; password: string }>();
    expectTypeOf(client.dms.send).returns.resolves.toEqualTypeOf<Message>();
    expectTypeOf(client.groups.messages).parameter(1).toEqualTypeOf<{ before?: number; after?: number; limit?: number } | undefined>();
    expectTypeOf(client.groups.get(1)).resolves.toHaveProperty("members").toBeArray();
    expectTypeOf(client.groups.remove(1)).resolves.toBeVoid();
    expectTypeOf(client.users.setStatus).parameter(0).toEqualTypeOf<"active" | "offline" | "do_not_disturb">();
  });

  it("realtime handlers get typed payloads", () => {
    client.realtime.on("newDM", (message) => expectTypeOf(message).toEqualTypeOf<Message>());
    client.realtime.on("presence", (presence) => expectTypeOf(presence).toEqualTypeOf<Presence>());
    client.realtime.on("dmNotification", (note) => expectTypeOf(note.senderUsername).toBeString());
    client.realtime.on("error", (error) => expectTypeOf(error).toEqualTypeOf<HestiaError>());
    expectTypeOf<{ toId: number; content: string }>().toExtend<Parameters<typeof client.realtime.sendDM>[0]>();
    expectTypeOf<{ toId: number; encrypted: true; ciphertext: string }>().toExtend<Parameters<typeof client.realtime.sendDM>[0]>();
    expectTypeOf<{ toId: number; content: string; ciphertext: string }>().not.toExtend<Parameters<typeof client.realtime.sendDM>[0]>();
    expectTypeOf(client.realtime.dmHistory({ otherId: 1 })).resolves.toEqualTypeOf<Message[]>();
  });

  it("the inbox: summaries, cursor states and typed events", () => {
    expectTypeOf(client.conversations.get(1)).resolves.toEqualTypeOf<import("@hestia/contracts").ConversationSummary>();
    expectTypeOf(client.conversations.list()).resolves.toHaveProperty("nextCursor").toEqualTypeOf<string | null>();
    expectTypeOf(client.conversations.markRead(1, 2)).resolves.toEqualTypeOf<{ readSeq: number; unreadCount: number }>();
    expectTypeOf(client.conversations.unread.total).toBeNumber();
    client.realtime.on("readState", (state) => expectTypeOf(state.unreadCount).toBeNumber());
    client.realtime.on("receipt", (receipt) => expectTypeOf(receipt.readSeq).toEqualTypeOf<number | null>());
    client.realtime.on("typing", (event) => expectTypeOf(event.expiresInMs).toBeNumber());
    client.conversations.on("typing", (event) => expectTypeOf(event.userIds).toEqualTypeOf<number[]>());
    expectTypeOf<{ toId: number; content: string; mentions: number[] }>().toExtend<Parameters<typeof client.realtime.sendDM>[0]>();
  });

  it("rejects wrong input", () => {
    // @ts-expect-error unknown event
    client.realtime.on("newMessage", () => {});
    // @ts-expect-error content is required
    void client.dms.send(1, {});
    // @ts-expect-error the owner role cannot be given
    void client.groups.setRole(1, 2, "OWNER");
    expectTypeOf<HestiaError["code"]>().toEqualTypeOf<
      import("@hestia/contracts").ErrorCode | "NETWORK_ERROR" | "TIMEOUT" | "DECRYPTION_FAILED" | "E2EE_NOT_READY"
    >();
  });
});

describe("one socket event map, from the contract", () => {
  it("types both sides of every event", () => {
    type Listen = import("@hestia/contracts").ServerToClientEvents;
    type Emit = import("@hestia/contracts").ClientToServerEvents;
    expectTypeOf<Parameters<Listen["newDM"]>[0]>().toEqualTypeOf<Message>();
    expectTypeOf<Parameters<Listen["presence"]>[0]>().toEqualTypeOf<Presence>();
    expectTypeOf<Parameters<Parameters<Emit["sendDM"]>[1]>[0]>().toExtend<Message | import("@hestia/contracts").ErrorBody>();
    expectTypeOf<keyof Listen>().toEqualTypeOf<keyof import("@hestia/contracts").ServerEvents>();
    expectTypeOf<keyof Emit>().toEqualTypeOf<keyof import("@hestia/contracts").ClientEvents>();
  });
});
