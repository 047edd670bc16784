import { deviceIdentity, E2EE_CIPHERSUITE, mlsGroupId } from "@hestia/contracts";
import { ed25519 } from "@noble/curves/ed25519.js";
import { type CiphersuiteImpl, decodeMlsMessage, getCiphersuiteFromName, getCiphersuiteImpl, type MLSMessage } from "ts-mls";
import { verifyKeyPackage } from "ts-mls/keyPackage.js";
import { AppError } from "../../errors";

/**
 * The server's only contact with MLS (RFC 9420) encoding: it reads the plaintext framing of what
 * devices send (wire format, group id, epoch, content type, key-package credentials) so that it can
 * refuse what could never work. It decrypts nothing; it holds no key that could.
 */

let ciphersuite: Promise<CiphersuiteImpl> | undefined;

function suite(): Promise<CiphersuiteImpl> {
  ciphersuite ??= getCiphersuiteImpl(getCiphersuiteFromName(E2EE_CIPHERSUITE)).catch((error: unknown) => {
    ciphersuite = undefined;
    throw error;
  });
  return ciphersuite;
}

const invalid = (message: string) => new AppError("VALIDATION_ERROR", message);

/** Standard base64 to bytes; anything that does not re-encode to the same text is refused. */
function bytesOf(b64: string, field: string): Buffer {
  const bytes = Buffer.from(b64, "base64");
  if (!b64 || bytes.toString("base64") !== b64) throw invalid(`${field} must be standard base64`);
  return bytes;
}

function decode(b64: string, field: string): MLSMessage {
  const bytes = bytesOf(b64, field);
  let decoded: [MLSMessage, number] | undefined;
  try {
    decoded = decodeMlsMessage(bytes, 0);
  } catch {
    decoded = undefined;
  }
  if (!decoded || decoded[1] !== bytes.length || decoded[0].version !== "mls10") throw invalid(`${field} is not an encoded MLS message`);
  return decoded[0];
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
const groupIdBytes = (conversationId: number) => new TextEncoder().encode(mlsGroupId(conversationId));

/** Checks a device's signature public key: 32 bytes that are an Ed25519 point. */
export function checkSignaturePublicKey(b64: string, field = "signaturePublicKey"): void {
  const bytes = bytesOf(b64, field);
  if (bytes.length !== 32) throw invalid(`${field} must be a 32-byte Ed25519 public key (got ${bytes.length} bytes)`);
  try {
    ed25519.Point.fromBytes(bytes);
  } catch {
    throw invalid(`${field} is not an Ed25519 public key`);
  }
}

export interface KeyPackageOwner {
  userId: number;
  deviceId: number;
  /** The device's registered signature public key (base64). */
  signaturePublicKey: string;
}

/**
 * Checks that a key package is one this device could have made: Hestia's ciphersuite, a basic
 * credential naming the device, the device's registered signature key, and a signature that verifies.
 */
export async function checkKeyPackage(b64: string, owner: KeyPackageOwner, field = "keyPackage"): Promise<void> {
  const message = decode(b64, field);
  if (message.wireformat !== "mls_key_package") throw invalid(`${field} is an MLS ${message.wireformat} message, not a key package`);
  const { keyPackage } = message;
  if (keyPackage.cipherSuite !== E2EE_CIPHERSUITE) {
    throw invalid(`${field} uses ciphersuite ${String(keyPackage.cipherSuite)}; Hestia devices use ${E2EE_CIPHERSUITE}`);
  }
  const { credential, signaturePublicKey } = keyPackage.leafNode;
  const expected = deviceIdentity(owner.userId, owner.deviceId);
  if (credential.credentialType !== "basic" || !sameBytes(credential.identity, new TextEncoder().encode(expected))) {
    throw invalid(`${field} must carry a basic credential with the identity "${expected}"`);
  }
  if (!sameBytes(signaturePublicKey, Buffer.from(owner.signaturePublicKey, "base64"))) {
    throw invalid(`${field} is signed with a key other than the device's registered signature key`);
  }
  const cs = await suite();
  const verified = await verifyKeyPackage(keyPackage, cs.signature).catch(() => false);
  if (!verified) throw invalid(`${field} has a signature that does not verify`);
}

/**
 * Checks that a commit belongs to this conversation's MLS group and was made in `epoch`. Only
 * encrypted (private-message) commits are accepted: that is what Hestia devices make and process.
 */
export function checkCommit(b64: string, expected: { conversationId: number; epoch: number }, field = "commit"): void {
  const message = decode(b64, field);
  if (message.wireformat !== "mls_private_message")
    throw invalid(`${field} is an MLS ${message.wireformat} message, not an encrypted commit`);
  const frame = message.privateMessage;
  if (frame.contentType !== "commit") throw invalid(`${field} is an MLS ${frame.contentType} message, not a commit`);
  if (!sameBytes(frame.groupId, groupIdBytes(expected.conversationId))) throw invalid(`${field} belongs to another MLS group`);
  if (frame.epoch !== BigInt(expected.epoch)) throw invalid(`${field} was made in epoch ${frame.epoch}, not ${expected.epoch}`);
}

/** Checks that a welcome is an MLS Welcome of Hestia's ciphersuite. */
export function checkWelcome(b64: string, field = "welcome.data"): void {
  const message = decode(b64, field);
  if (message.wireformat !== "mls_welcome") throw invalid(`${field} is an MLS ${message.wireformat} message, not a welcome`);
  if (message.welcome.cipherSuite !== E2EE_CIPHERSUITE) {
    throw invalid(`${field} uses ciphersuite ${String(message.welcome.cipherSuite)}; Hestia devices use ${E2EE_CIPHERSUITE}`);
  }
}

/** The epoch an encrypted message of this conversation was encrypted in; refuses anything else. */
export function applicationEpoch(b64: string, conversationId: number, field = "ciphertext"): number {
  const message = decode(b64, field);
  if (message.wireformat !== "mls_private_message") {
    throw invalid(`${field} is an MLS ${message.wireformat} message, not an encrypted application message`);
  }
  const { groupId, epoch, contentType } = message.privateMessage;
  if (contentType !== "application") throw invalid(`${field} is an MLS ${contentType} message, not an application message`);
  if (!sameBytes(groupId, groupIdBytes(conversationId))) throw invalid(`${field} was encrypted for another conversation's MLS group`);
  if (epoch > 2_147_483_647n) throw invalid(`${field} has an impossible epoch`);
  return Number(epoch);
}
