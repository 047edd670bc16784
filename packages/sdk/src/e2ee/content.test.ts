import { describe, expect, it } from "vitest";
import { decodePayload, encodePayload, type Payload } from "./content";

const utf8 = (value: string) => new TextEncoder().encode(value);
const json = (value: unknown) => utf8(JSON.stringify(value));
const file = { id: 3, name: "a.png", mimeType: "image/png", size: 10, key: "k", iv: "i", digest: "d" };

describe("encrypted payloads", () => {
  it("read back what they encode", () => {
    const payloads: Payload[] = [
      { type: "text", text: "" },
      { type: "text", text: 'ünïcødé ✓ {"text":"nested"}', files: [file], replyTo: 12, mentions: [4, 5] },
      { type: "edit", target: 7, text: "better" },
      { type: "reaction", target: 7, emoji: "👩🏽‍💻", op: "add" },
      { type: "reaction", target: 7, emoji: "🇫🇷", op: "remove" },
    ];
    for (const payload of payloads) expect(decodePayload(encodePayload(payload))).toEqual({ ok: true, payload });
    expect(JSON.parse(new TextDecoder().decode(encodePayload({ type: "text", text: "hi", files: [], mentions: [] })))).toEqual({
      v: 1,
      type: "text",
      text: "hi",
    });
  });

  it("read an unversioned payload of an older SDK as a text, ignoring fields they do not know", () => {
    expect(decodePayload(json({ text: "hi", sticker: 3 }))).toEqual({ ok: true, payload: { type: "text", text: "hi" } });
    expect(decodePayload(json({ text: "hi", files: [file] }))).toEqual({ ok: true, payload: { type: "text", text: "hi", files: [file] } });
    expect(decodePayload(json({ v: 1, type: "edit", target: 2, text: "x", extra: true }))).toEqual({
      ok: true,
      payload: { type: "edit", target: 2, text: "x" },
    });
  });

  it("refuse garbage, unknown versions and types, and invalid fields, saying why", () => {
    const refused = [
      "not json",
      "",
      "null",
      "42",
      '"text"',
      "[]",
      "{}",
      '{"text":5}',
      '{"text":null}',
      '{"v":2,"type":"text","text":"from the future"}',
      '{"v":"1","type":"text","text":"x"}',
      '{"v":1,"type":"poll","question":"?"}',
      '{"v":1,"text":"no type"}',
      '{"v":1,"type":"edit","target":-1,"text":"x"}',
      '{"v":1,"type":"edit","target":1.5,"text":"x"}',
      '{"v":1,"type":"reaction","target":1,"emoji":"not an emoji","op":"add"}',
      '{"v":1,"type":"reaction","target":1,"emoji":"👍👍","op":"add"}',
      '{"v":1,"type":"reaction","target":1,"emoji":"👍","op":"toggle"}',
      `{"v":1,"type":"text","text":"x","mentions":[${Array.from({ length: 51 }, (_, i) => i + 1).join(",")}]}`,
      '{"v":1,"type":"text","text":"x","replyTo":"12"}',
      '{"v":1,"type":"text","text":"x","files":[{"id":1}]}',
    ];
    for (const plaintext of refused) {
      const decoded = decodePayload(utf8(plaintext));
      expect({ plaintext, ok: decoded.ok }).toEqual({ plaintext, ok: false });
      if (!decoded.ok) expect(decoded.reason).toMatch(/\w/);
    }
    expect(decodePayload(new Uint8Array([0xff, 0xfe, 0x00]))).toMatchObject({ ok: false });
    expect(decodePayload(utf8('{"v":2,"type":"text","text":"x"}'))).toEqual({ ok: false, reason: "unsupported payload version 2" });
  });
});
