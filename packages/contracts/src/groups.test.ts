import { describe, expect, it } from "vitest";
import { CreateGroupSchema, UpdateGroupSchema } from "./groups";

describe("group inputs", () => {
  it("a new group needs a name of 1 to 100 characters after trimming; its description is at most 1000", () => {
    expect(CreateGroupSchema.parse({ name: "  Hearth " })).toEqual({ name: "Hearth" });
    expect(CreateGroupSchema.safeParse({ name: "   " }).error?.issues[0]?.message).toBe("name must not be empty");
    expect(CreateGroupSchema.safeParse({ name: "x".repeat(101) }).error?.issues[0]?.message).toBe("name must be at most 100 characters");
    expect(CreateGroupSchema.safeParse({ name: "g", description: "x".repeat(1001) }).success).toBe(false);
    expect(CreateGroupSchema.safeParse({}).success).toBe(false);
  });

  it("an update changes only what it names, and may clear the description", () => {
    expect(UpdateGroupSchema.parse({})).toEqual({});
    expect(UpdateGroupSchema.parse({ description: null })).toEqual({ description: null });
    expect(UpdateGroupSchema.safeParse({ name: "" }).success).toBe(false);
  });
});
