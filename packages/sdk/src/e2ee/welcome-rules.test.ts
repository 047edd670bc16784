import { mlsGroupId } from "@hestia/contracts";
import { describe, expect, it } from "vitest";
import type { KeyPackageRecords } from "./device-store";
import { joinedAsAnnounced, joinsFurther, keyPackageFor } from "./welcome-rules";

const record = (ref: string, lastResort = false) => ({ ref, public: `public-${ref}`, private: `private-${ref}`, lastResort });

describe("welcomes", () => {
  it("are used when this device holds no group, was removed from it, or holds an older epoch", () => {
    expect(joinsFurther({ epoch: 3 }, undefined)).toBe(true);
    expect(joinsFurther({ epoch: 3 }, { active: false, epoch: 5 })).toBe(true);
    expect(joinsFurther({ epoch: 3 }, { active: true, epoch: 2 })).toBe(true);
  });

  it("are stale when this device already holds the group at that epoch or later", () => {
    expect(joinsFurther({ epoch: 3 }, { active: true, epoch: 3 })).toBe(false);
    expect(joinsFurther({ epoch: 3 }, { active: true, epoch: 4 })).toBe(false);
  });

  it("are joined with the device's key package they name, one-time or last-resort", () => {
    const records: KeyPackageRecords = { a: record("a"), b: record("b", true) };
    expect(keyPackageFor(["x", "a"], records)).toEqual({ ok: true, value: record("a") });
    expect(keyPackageFor(["b"], records)).toEqual({ ok: true, value: record("b", true) });
  });

  it("cannot be used when damaged or for a key package the device does not hold", () => {
    const records: KeyPackageRecords = { a: record("a") };
    expect(keyPackageFor(undefined, records)).toEqual({ ok: false, reason: "it is not an MLS welcome" });
    expect(keyPackageFor(["x"], records)).toEqual({ ok: false, reason: "it is for a key package this device does not hold" });
    expect(keyPackageFor([], records).ok).toBe(false);
  });

  it("must bring the device into the announced conversation at the announced epoch", () => {
    const welcome = { conversationId: 12, epoch: 4 };
    expect(joinedAsAnnounced({ groupId: mlsGroupId(12), epoch: 4 }, welcome).ok).toBe(true);
    expect(joinedAsAnnounced({ groupId: mlsGroupId(13), epoch: 4 }, welcome)).toEqual({
      ok: false,
      reason: `it joins ${mlsGroupId(13)} at epoch 4, not this conversation at epoch 4`,
    });
    expect(joinedAsAnnounced({ groupId: mlsGroupId(12), epoch: 3 }, welcome).ok).toBe(false);
  });
});
