import { describe, expect, it } from "vitest";
import { decodeText, encodeText } from "./content";

const utf8 = (value: string) => new TextEncoder().encode(value);

describe("message content", () => {
  it("reads back the text it encodes", () => {
    for (const text of ["", "hello", "ünïcødé ✓", '{"text":"nested"}']) expect(decodeText(encodeText(text))).toBe(text);
  });

  it("ignores fields it does not know", () => {
    expect(decodeText(utf8(JSON.stringify({ text: "hi", sticker: 3 })))).toBe("hi");
  });

  it("finds no text in anything else", () => {
    for (const plaintext of ["not json", "", "null", "42", '"text"', "[]", "{}", '{"text":5}', '{"text":null}']) {
      expect(decodeText(utf8(plaintext))).toBeUndefined();
    }
    expect(decodeText(new Uint8Array([0xff, 0xfe, 0x00]))).toBeUndefined();
  });
});
