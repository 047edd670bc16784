import { describe, expect, it } from "vitest";
import type { KeyPackageRecords } from "./device-store";
import { keyPackagesToMake, recordKeyPackages } from "./key-packages";

const made = (ref: string) => ({ ref, public: `public-${ref}`, private: `private-${ref}` });

describe("key-package upkeep", () => {
  it("makes nothing while the stock is at least half the target and a last-resort package is there", () => {
    expect(keyPackagesToMake({ keyPackages: 20, hasLastResort: true }, 20)).toEqual({ oneTime: 0, lastResort: false });
    expect(keyPackagesToMake({ keyPackages: 10, hasLastResort: true }, 20)).toEqual({ oneTime: 0, lastResort: false });
  });

  it("refills to the target once the stock fell below half of it", () => {
    expect(keyPackagesToMake({ keyPackages: 9, hasLastResort: true }, 20)).toEqual({ oneTime: 11, lastResort: false });
    expect(keyPackagesToMake({ keyPackages: 0, hasLastResort: true }, 5)).toEqual({ oneTime: 5, lastResort: false });
  });

  it("makes a last-resort package whenever the server has none", () => {
    expect(keyPackagesToMake({ keyPackages: 20, hasLastResort: false }, 20)).toEqual({ oneTime: 0, lastResort: true });
    expect(keyPackagesToMake({ keyPackages: 0, hasLastResort: false }, 20)).toEqual({ oneTime: 20, lastResort: true });
  });

  it("keeps one-time packages and replaces the last-resort one", () => {
    const records: KeyPackageRecords = { a: { ...made("a"), lastResort: false }, old: { ...made("old"), lastResort: true } };
    recordKeyPackages(records, [made("b")]);
    expect(Object.keys(records).sort()).toEqual(["a", "b", "old"]);
    recordKeyPackages(records, [], made("new"));
    expect(records).toEqual({
      a: { ...made("a"), lastResort: false },
      b: { ...made("b"), lastResort: false },
      new: { ...made("new"), lastResort: true },
    });
  });
});
