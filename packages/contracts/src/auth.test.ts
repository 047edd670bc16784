import { describe, expect, it } from "vitest";
import { CredentialsSchema, LoginInputSchema, PasswordSchema, UsernameSchema } from "./auth";

describe("UsernameSchema", () => {
  it("takes 3 to 32 letters of any script, digits, _ . and -, trimmed", () => {
    for (const name of ["bob", "a_b.c-d", "Élodie", "محمد", "김철수", "ไทยไทย", "user_123", "x".repeat(32)]) {
      expect(UsernameSchema.safeParse(name).success, name).toBe(true);
    }
    expect(UsernameSchema.parse("  ann  ")).toBe("ann");
  });

  it("refuses names too short or too long, saying which", () => {
    expect(UsernameSchema.safeParse("ab").error?.issues[0]?.message).toBe("username must be at least 3 characters");
    expect(UsernameSchema.safeParse("  ab  ").error?.issues[0]?.message).toBe("username must be at least 3 characters");
    expect(UsernameSchema.safeParse("x".repeat(33)).error?.issues[0]?.message).toBe("username must be at most 32 characters");
  });

  it("refuses spaces inside, punctuation, symbols and emoji", () => {
    for (const name of ["has space", "a@b.c", "semi;colon", "slash/name", "emoji😀", "tab\tname", "<script>"]) {
      expect(UsernameSchema.safeParse(name).error?.issues[0]?.message, name).toBe("username may contain only letters, digits, _ . and -");
    }
  });

  it("takes names written with combining marks, but not marks alone", () => {
    for (const name of ["हिन्दी", "Jose\u0301"]) expect(UsernameSchema.safeParse(name).success, name).toBe(true);
    expect(UsernameSchema.safeParse("\u0301\u0301\u0301").success).toBe(false);
  });
});

describe("PasswordSchema", () => {
  it("takes 8 to 128 characters exactly as typed", () => {
    expect(PasswordSchema.parse("  spaced  ")).toBe("  spaced  ");
    expect(PasswordSchema.safeParse("x".repeat(128)).success).toBe(true);
    expect(PasswordSchema.safeParse("1234567").error?.issues[0]?.message).toBe("password must be at least 8 characters");
    expect(PasswordSchema.safeParse("x".repeat(129)).error?.issues[0]?.message).toBe("password must be at most 128 characters");
  });
});

describe("credentials", () => {
  it("registration applies the rules; login accepts any non-empty strings, so that old accounts still get checked", () => {
    const old = { username: "a b", password: "short" };
    expect(CredentialsSchema.safeParse(old).success).toBe(false);
    expect(LoginInputSchema.parse({ username: " a b ", password: "short" })).toEqual({ username: "a b", password: "short" });
    expect(LoginInputSchema.safeParse({ username: " ", password: "x" }).success).toBe(false);
    expect(LoginInputSchema.safeParse({ username: "ann", password: "" }).success).toBe(false);
  });
});
