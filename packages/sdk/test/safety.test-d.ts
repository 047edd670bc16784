import { describe, expectTypeOf, it } from "vitest";
import { type BlockedUser, createClient, type DataExport } from "../src/index";

const client = createClient({ baseUrl: "http://localhost:4000" });

describe("safety types", () => {
  it("come from the contract", () => {
    expectTypeOf(client.safety.listBlocked()).resolves.toEqualTypeOf<{ items: BlockedUser[]; nextCursor: string | null }>();
    expectTypeOf(client.safety.exportData()).resolves.toEqualTypeOf<DataExport>();
    expectTypeOf(client.safety.report({ userId: 1, reason: "spam" })).resolves.toEqualTypeOf<{ id: number }>();
    expectTypeOf(client.safety.block(1)).resolves.toEqualTypeOf<{ success: true }>();
  });

  it("reject a report that names nothing, or an unknown reason", () => {
    // @ts-expect-error a message or a user is required
    void client.safety.report({ reason: "spam" });
    // @ts-expect-error not a reason
    void client.safety.report({ userId: 1, reason: "rude" });
  });
});
