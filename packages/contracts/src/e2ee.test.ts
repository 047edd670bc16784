import { describe, expect, it } from "vitest";
import { base64, deviceIdentity, mlsGroupId, parseDeviceIdentity } from "./e2ee";

describe("device identities", () => {
  it("reads back what deviceIdentity writes", () => {
    expect(deviceIdentity(7, 3)).toBe("hestia:device:7:3");
    expect(parseDeviceIdentity(deviceIdentity(7, 3))).toEqual({ userId: 7, deviceId: 3 });
    expect(parseDeviceIdentity(deviceIdentity(2_147_483_647, 1))).toEqual({ userId: 2_147_483_647, deviceId: 1 });
  });

  it("refuses anything else, so that a credential cannot pass for another device", () => {
    for (const identity of [
      "hestia:device:7",
      "hestia:device:0:3",
      "hestia:device:07:3",
      "hestia:device:7:3:1",
      "hestia:device:-7:3",
      "hestia:device:7:3 ",
      "hestia:conversation:7",
      "device:7:3",
      "hestia:device:12345678901:1",
    ]) {
      expect(parseDeviceIdentity(identity), identity).toBeUndefined();
    }
  });
});

describe("mlsGroupId", () => {
  it("names one MLS group per conversation", () => {
    expect(mlsGroupId(12)).toBe("hestia:conversation:12");
    expect(mlsGroupId(12)).not.toBe(mlsGroupId(120));
  });
});

describe("base64", () => {
  it("takes standard base64 up to its maximum length", () => {
    const schema = base64(8);
    expect(schema.safeParse("AAAAAAA=").success).toBe(true);
    expect(schema.safeParse("AAAAAAAAAAAA").success).toBe(false);
    expect(schema.safeParse("AA-_").success).toBe(false);
    expect(schema.safeParse("AA").success).toBe(false);
  });
});
