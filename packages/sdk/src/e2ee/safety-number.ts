import { parseDeviceIdentity } from "@hestia/contracts";
import { fromBase64 } from "./encoding";
import { type GroupMember, sha512 } from "./mls";

const VERSION = "hestia-safety-number-v1";
const ITERATIONS = 5_200;

/**
 * A 30-digit fingerprint of one user's device keys: SHA-512 iterated over the user id and the sorted
 * signature keys (as Signal's safety numbers do, so guessing a matching set of keys is expensive).
 */
async function fingerprint(userId: number, keys: string[]): Promise<string> {
  const encoder = new TextEncoder();
  const sorted = [...keys].sort();
  const identity = encoder.encode(`${VERSION}:${userId}:${sorted.length}`);
  const keyBytes = sorted.map(fromBase64);
  let hash = concat([identity, ...keyBytes]);
  for (let i = 0; i < ITERATIONS; i++) hash = await sha512(concat([hash, ...keyBytes]));
  let digits = "";
  for (let chunk = 0; chunk < 6; chunk++) {
    // Five bytes of a 64-byte hash: 30 bytes in all, always present.
    const value = hash.subarray(chunk * 5, chunk * 5 + 5).reduce((sum, byte) => sum * 256 + byte, 0);
    digits += String(value % 100_000).padStart(5, "0");
  }
  return digits;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * The safety number of two users: both fingerprints, the lower user id's first, so both sides compute
 * the same 60 digits (shown in groups of five).
 */
export async function safetyNumber(sides: { userId: number; keys: string[] }[]): Promise<string> {
  const ordered = [...sides].sort((a, b) => a.userId - b.userId);
  const digits = (await Promise.all(ordered.map((side) => fingerprint(side.userId, side.keys)))).join("");
  const groups: string[] = [];
  for (let start = 0; start < digits.length; start += 5) groups.push(digits.slice(start, start + 5));
  return groups.join(" ");
}

/** The safety number of yourself and a peer, from the signature keys of both users' devices among a group's leaves. */
export function safetyNumberOf(members: GroupMember[], selfId: number, peerId: number): Promise<string> {
  const keysOf = (userId: number) =>
    members.filter((member) => parseDeviceIdentity(member.identity)?.userId === userId).map((member) => member.signaturePublicKey);
  return safetyNumber([
    { userId: selfId, keys: keysOf(selfId) },
    { userId: peerId, keys: keysOf(peerId) },
  ]);
}
