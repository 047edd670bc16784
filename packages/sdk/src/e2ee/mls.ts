/**
 * The SDK's only contact with the MLS implementation (ts-mls, RFC 9420): everything else handles MLS
 * material as base64 strings and opaque group states, so the implementation can be replaced here.
 * That is why this file stays whole at a little over 300 lines: split, the boundary would be several files.
 *
 * Material from other devices (key packages, welcomes, ciphertexts) may be damaged or hostile: reading it
 * returns undefined or a refusal. Material this device relies on (its own, or what the server accepted)
 * failing to decode throws `MlsFormatError`.
 */

import { E2EE_CIPHERSUITE } from "@hestia/contracts";
import {
  type CiphersuiteImpl,
  type ClientConfig,
  type ClientState,
  createApplicationMessage,
  createCommit,
  decodeGroupState,
  decodeMlsMessage,
  defaultCapabilities,
  defaultLifetime,
  emptyPskIndex,
  encodeGroupState,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  type MLSMessage,
  createGroup as mlsCreateGroup,
  type PrivateMessage,
  type Proposal,
  processPrivateMessage,
} from "ts-mls";
import { defaultClientConfig } from "ts-mls/clientConfig.js";
import { makeKeyPackageRef } from "ts-mls/keyPackage.js";
import { decryptSenderData } from "ts-mls/privateMessage.js";
import { fromBase64, toBase64, toHex } from "./encoding";
import { accepted, type Outcome, reasonOf, refused } from "./outcome";

/** An MLS group as one device holds it. Opaque outside this module. */
export type MlsGroup = ClientState & { readonly __mlsGroup?: never };

/** A device's Ed25519 signature key pair (base64). */
export interface DeviceKeys {
  signKey: string;
  publicKey: string;
}

/** A key package this device made: the public MLS message others claim, and its private half. */
export interface OwnKeyPackage {
  /** Hex hash of the key package (MLS KeyPackageRef): how a welcome names it. */
  ref: string;
  /** The encoded MLS KeyPackage message (base64). */
  public: string;
  /** The private keys (base64 JSON). */
  private: string;
}

/** A leaf of a group: one device. */
export interface GroupMember {
  leafIndex: number;
  identity: string;
  signaturePublicKey: string;
}

/**
 * How long keys for messages not yet received are kept: a message may arrive up to 100 generations late
 * (another of the same sender's messages came first), or up to 4 epochs late.
 */
const clientConfig: ClientConfig = {
  ...defaultClientConfig,
  keyRetentionConfig: { retainKeysForGenerations: 100, retainKeysForEpochs: 4, maximumForwardRatchetSteps: 1_000 },
};

let suite: Promise<CiphersuiteImpl> | undefined;
const ciphersuite = () => (suite ??= getCiphersuiteImpl(getCiphersuiteFromName(E2EE_CIPHERSUITE)));

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

type Wire = MLSMessage["wireformat"];

/** Decodes an MLS message of the expected wire format; undefined when the bytes are not one. */
function decode<W extends Wire>(b64: string, expected: W): Extract<MLSMessage, { wireformat: W }> | undefined {
  let decoded: [MLSMessage, number] | undefined;
  try {
    decoded = decodeMlsMessage(fromBase64(b64), 0);
  } catch {
    // ts-mls and atob throw on malformed input; to this module that is just "not such a message".
    return undefined;
  }
  const message = decoded?.[0];
  return message?.wireformat === expected ? (message as Extract<MLSMessage, { wireformat: W }>) : undefined;
}

/** The reason given for material that is not the expected MLS message. */
const notA = (expected: Wire) => `not an MLS ${expected.replace("mls_", "").replace("_", " ")}`;

/** Decodes material this device relies on (its own, or accepted by the server): anything else is a failure. */
function mustDecode<W extends Wire>(b64: string, expected: W): Extract<MLSMessage, { wireformat: W }> {
  const message = decode(b64, expected);
  if (!message) throw new MlsFormatError(notA(expected));
  return message;
}

/** Material that is not the MLS message it should be. */
export class MlsFormatError extends Error {}

const encodePrivate = (message: PrivateMessage) =>
  toBase64(encodeMlsMessage({ privateMessage: message, wireformat: "mls_private_message", version: "mls10" }));

export async function generateDeviceKeys(): Promise<DeviceKeys> {
  const { signKey, publicKey } = await (await ciphersuite()).signature.keygen();
  return { signKey: toBase64(signKey), publicKey: toBase64(publicKey) };
}

/** A fresh key package for a device whose credential carries `identity`. */
export async function generateKeyPackage(identity: string, keys: DeviceKeys): Promise<OwnKeyPackage> {
  const cs = await ciphersuite();
  const credential = { credentialType: "basic" as const, identity: utf8.encode(identity) };
  const signatureKeyPair = { signKey: fromBase64(keys.signKey), publicKey: fromBase64(keys.publicKey) };
  const { publicPackage, privatePackage } = await generateKeyPackageWithKey(
    credential,
    defaultCapabilities(),
    defaultLifetime,
    [],
    signatureKeyPair,
    cs,
  );
  const privateJson = JSON.stringify({
    init: toBase64(privatePackage.initPrivateKey),
    hpke: toBase64(privatePackage.hpkePrivateKey),
    signature: toBase64(privatePackage.signaturePrivateKey),
  });
  return {
    ref: toHex(await makeKeyPackageRef(publicPackage, cs.hash)),
    public: toBase64(encodeMlsMessage({ keyPackage: publicPackage, wireformat: "mls_key_package", version: "mls10" })),
    private: toBase64(utf8.encode(privateJson)),
  };
}

function unpack(own: OwnKeyPackage) {
  const keys = JSON.parse(fromUtf8.decode(fromBase64(own.private))) as { init: string; hpke: string; signature: string };
  const publicPackage = mustDecode(own.public, "mls_key_package").keyPackage;
  return {
    publicPackage,
    privatePackage: {
      initPrivateKey: fromBase64(keys.init),
      hpkePrivateKey: fromBase64(keys.hpke),
      signaturePrivateKey: fromBase64(keys.signature),
    },
  };
}

/** The identity and signature key a claimed key package speaks for; undefined when it is not a key package with a basic credential. */
export function keyPackageIdentity(b64: string): { identity: string; signaturePublicKey: string } | undefined {
  const leafNode = decode(b64, "mls_key_package")?.keyPackage.leafNode;
  if (leafNode?.credential.credentialType !== "basic") return undefined;
  return { identity: fromUtf8.decode(leafNode.credential.identity), signaturePublicKey: toBase64(leafNode.signaturePublicKey) };
}

/** A new group whose only member is this device. */
export async function createGroup(groupId: string, own: OwnKeyPackage): Promise<MlsGroup> {
  const { publicPackage, privatePackage } = unpack(own);
  return mlsCreateGroup(utf8.encode(groupId), publicPackage, privatePackage, [], await ciphersuite(), clientConfig);
}

export function encodeGroup(group: MlsGroup): string {
  return toBase64(encodeGroupState(group));
}

export function decodeGroup(b64: string): MlsGroup {
  const decoded = decodeGroupState(fromBase64(b64), 0);
  if (!decoded) throw new MlsFormatError("not a stored MLS group");
  return { ...decoded[0], clientConfig };
}

/** The group's id (as text). */
export function groupIdOf(group: MlsGroup): string {
  return fromUtf8.decode(group.groupContext.groupId);
}

export function groupEpoch(group: MlsGroup): number {
  return Number(group.groupContext.epoch);
}

export function isActive(group: MlsGroup): boolean {
  return group.groupActiveState.kind === "active";
}

export function ownLeafIndex(group: MlsGroup): number {
  return group.privatePath.leafIndex;
}

/** The devices in the group, by leaf. */
export function groupMembers(group: MlsGroup): GroupMember[] {
  const members: GroupMember[] = [];
  group.ratchetTree.forEach((node, index) => {
    if (index % 2 !== 0 || node?.nodeType !== "leaf") return;
    const { credential, signaturePublicKey } = node.leaf;
    if (credential.credentialType !== "basic") return;
    members.push({
      leafIndex: index / 2,
      identity: fromUtf8.decode(credential.identity),
      signaturePublicKey: toBase64(signaturePublicKey),
    });
  });
  return members;
}

export interface CommitResult {
  commit: string;
  welcome?: string;
  /** The group as it will be once the server accepted the commit. */
  group: MlsGroup;
}

/** A commit adding devices (their claimed key packages) and removing leaves. */
export async function commit(group: MlsGroup, changes: { add?: string[]; remove?: number[] }): Promise<CommitResult> {
  const proposals: Proposal[] = [
    ...(changes.remove ?? []).map((removed): Proposal => ({ proposalType: "remove", remove: { removed } })),
    ...(changes.add ?? []).map(
      (b64): Proposal => ({
        proposalType: "add",
        add: { keyPackage: mustDecode(b64, "mls_key_package").keyPackage },
      }),
    ),
  ];
  const result = await createCommit(
    { state: group, cipherSuite: await ciphersuite() },
    { extraProposals: proposals, ratchetTreeExtension: true },
  );
  return {
    commit: toBase64(encodeMlsMessage(result.commit)),
    welcome: result.welcome
      ? toBase64(encodeMlsMessage({ welcome: result.welcome, wireformat: "mls_welcome", version: "mls10" }))
      : undefined,
    group: result.newState,
  };
}

/** Applies another device's commit. */
export async function applyCommit(group: MlsGroup, commitB64: string): Promise<MlsGroup> {
  const message = mustDecode(commitB64, "mls_private_message");
  const result = await processPrivateMessage(group, message.privateMessage, emptyPskIndex, await ciphersuite());
  if (result.kind !== "newState") throw new MlsFormatError("not a commit");
  return result.newState;
}

/** The key packages (refs, hex) a welcome is for; undefined when it is not a welcome. */
export function welcomeRefs(welcomeB64: string): string[] | undefined {
  return decode(welcomeB64, "mls_welcome")?.welcome.secrets.map((secret) => toHex(secret.newMember));
}

/** Joins a group from a welcome made for one of this device's key packages; refused when the welcome is damaged or not for it. */
export async function joinFromWelcome(welcomeB64: string, own: OwnKeyPackage): Promise<Outcome<MlsGroup>> {
  const message = decode(welcomeB64, "mls_welcome");
  if (!message) return refused(notA("mls_welcome"));
  const { publicPackage, privatePackage } = unpack(own);
  const cs = await ciphersuite();
  try {
    return accepted(await joinGroup(message.welcome, publicPackage, privatePackage, emptyPskIndex, cs, undefined, undefined, clientConfig));
  } catch (error) {
    // ts-mls throws when the welcome does not decrypt or verify.
    return refused(reasonOf(error));
  }
}

/** Encrypts application data for the group's current epoch. */
export async function encrypt(group: MlsGroup, plaintext: Uint8Array): Promise<{ ciphertext: string; group: MlsGroup }> {
  const result = await createApplicationMessage(group, plaintext, await ciphersuite());
  return { ciphertext: encodePrivate(result.privateMessage), group: result.newState };
}

/** The epoch and kind of an MLS private message, read from its clear header; undefined when it is not one. */
export function peek(ciphertextB64: string): { epoch: number; contentType: string; groupId: string } | undefined {
  const privateMessage = decode(ciphertextB64, "mls_private_message")?.privateMessage;
  if (!privateMessage) return undefined;
  return { epoch: Number(privateMessage.epoch), contentType: privateMessage.contentType, groupId: fromUtf8.decode(privateMessage.groupId) };
}

/** The leaf that sent a private message of the group's current or a retained epoch, or undefined. */
export async function senderLeaf(group: MlsGroup, ciphertextB64: string): Promise<number | undefined> {
  const privateMessage = decode(ciphertextB64, "mls_private_message")?.privateMessage;
  if (!privateMessage) return undefined;
  const current = privateMessage.epoch === group.groupContext.epoch;
  const secret = current ? group.keySchedule.senderDataSecret : group.historicalReceiverData.get(privateMessage.epoch)?.senderDataSecret;
  if (!secret) return undefined;
  const senderData = await decryptSenderData(privateMessage, secret, await ciphersuite()).catch(() => undefined);
  return senderData?.leafIndex;
}

export interface Decrypted {
  plaintext: Uint8Array;
  /** The sending device, whose signature on the message was verified. */
  sender: GroupMember;
  group: MlsGroup;
}

/**
 * Decrypts an application message of the current or a retained epoch. Each message decrypts once: its
 * key is deleted, so a replayed ciphertext is refused (as is anything damaged, forged or too old).
 */
export async function decrypt(group: MlsGroup, ciphertextB64: string): Promise<Outcome<Decrypted>> {
  const privateMessage = decode(ciphertextB64, "mls_private_message")?.privateMessage;
  if (!privateMessage) return refused(notA("mls_private_message"));
  if (privateMessage.contentType !== "application") return refused("not an application message");
  const leafIndex = await senderLeaf(group, ciphertextB64);
  const tree =
    privateMessage.epoch === group.groupContext.epoch
      ? group.ratchetTree
      : group.historicalReceiverData.get(privateMessage.epoch)?.ratchetTree;
  const cs = await ciphersuite();
  let result: Awaited<ReturnType<typeof processPrivateMessage>>;
  try {
    result = await processPrivateMessage(group, privateMessage, emptyPskIndex, cs);
  } catch (error) {
    // ts-mls throws for a message it cannot open (a replay, a missing key, a bad signature).
    return refused(reasonOf(error));
  }
  if (result.kind !== "applicationMessage") return refused("not an application message");
  const leaf = leafIndex === undefined ? undefined : tree?.[leafIndex * 2];
  if (leafIndex === undefined || leaf?.nodeType !== "leaf" || leaf.leaf.credential.credentialType !== "basic") {
    return refused("unknown sender");
  }
  const sender = {
    leafIndex,
    identity: fromUtf8.decode(leaf.leaf.credential.identity),
    signaturePublicKey: toBase64(leaf.leaf.signaturePublicKey),
  };
  return accepted({ plaintext: result.message, sender, group: result.newState });
}

/** SHA-512 of data, for safety numbers. */
export async function sha512(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest("SHA-512", data as Uint8Array<ArrayBuffer>));
}
