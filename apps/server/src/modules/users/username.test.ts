import { describe, expect, it } from "vitest";
import { usernameKey } from "./username";

describe("usernameKey", () => {
  it("ignores letter case, in any script", () => {
    expect(usernameKey("Alice")).toBe(usernameKey("aLICE"));
    expect(usernameKey("ÉLODIE")).toBe("élodie");
    expect(usernameKey("ΣΩΚΡΑΤΗΣ")).toBe("σωκρατης");
  });

  it("makes look-alike spellings of one name collide (NFKC)", () => {
    // Precomposed and decomposed é, a ligature, full-width letters.
    expect(usernameKey("Jos\u00e9")).toBe(usernameKey("Jose\u0301"));
    expect(usernameKey("\ufb01le")).toBe("file");
    expect(usernameKey("\uff21\uff4e\uff4e")).toBe("ann");
  });

  it("ignores surrounding spaces", () => {
    expect(usernameKey("  bob ")).toBe("bob");
  });

  it("keeps different names apart", () => {
    expect(usernameKey("ann")).not.toBe(usernameKey("anne"));
    expect(usernameKey("a.b")).not.toBe(usernameKey("a_b"));
  });
});
