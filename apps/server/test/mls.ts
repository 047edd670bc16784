import { deviceIdentity, E2EE_CIPHERSUITE, mlsGroupId } from "@hestia/contracts";
import {
  type CiphersuiteImpl,
  type ClientState,
  createApplicationMessage,
  createCommit,
  createGroup,
  defaultCapabilities,
  defaultLifetime,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  type KeyPackage,
  type PrivateKeyPackage,
} from "ts-mls";

/** Real MLS material for tests, made the way a Hestia device makes it. */

let ciphersuite: Promise<CiphersuiteImpl> | undefined;
export const suite = () => (ciphersuite ??= getCiphersuiteImpl(getCiphersuiteFromName(E2EE_CIPHERSUITE)));

export const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

export interface SignatureKeys {
  signKey: Uint8Array;
  publicKey: Uint8Array;
  /** The public key as registered: base64. */
  signaturePublicKey: string;
}

export async function signatureKeys(): Promise<SignatureKeys> {
  const { signKey, publicKey } = await (await suite()).signature.keygen();
  return { signKey, publicKey, signaturePublicKey: b64(publicKey) };
}

export interface TestKeyPackage {
  /** Encoded as sent to the server. */
  data: string;
  publicPackage: KeyPackage;
  privatePackage: PrivateKeyPackage;
}

/** A key package with a basic credential of `identity` (by default the device's own), signed with `keys`. */
export async function keyPackage(
  keys: SignatureKeys,
  owner: { userId: number; deviceId: number },
  identity?: string,
): Promise<TestKeyPackage> {
  const credential = {
    credentialType: "basic" as const,
    identity: new TextEncoder().encode(identity ?? deviceIdentity(owner.userId, owner.deviceId)),
  };
  const { publicPackage, privatePackage } = await generateKeyPackageWithKey(
    credential,
    defaultCapabilities(),
    defaultLifetime,
    [],
    { signKey: keys.signKey, publicKey: keys.publicKey },
    await suite(),
  );
  const data = b64(encodeMlsMessage({ keyPackage: publicPackage, wireformat: "mls_key_package", version: "mls10" }));
  return { data, publicPackage, privatePackage };
}

/** A fresh MLS group (epoch 0) for a conversation, or for any group id given as text. */
export async function newGroup(conversationId: number | string, creator: TestKeyPackage): Promise<ClientState> {
  const groupId = typeof conversationId === "number" ? mlsGroupId(conversationId) : conversationId;
  return createGroup(new TextEncoder().encode(groupId), creator.publicPackage, creator.privatePackage, [], await suite());
}

export interface TestCommit {
  commit: string;
  welcome?: string;
  state: ClientState;
}

/** A commit of the group's current epoch adding these key packages (none: a plain update). */
export async function commit(state: ClientState, add: KeyPackage[] = [], wireAsPublicMessage = false): Promise<TestCommit> {
  const result = await createCommit(
    { state, cipherSuite: await suite() },
    {
      extraProposals: add.map((keyPackage) => ({ proposalType: "add" as const, add: { keyPackage } })),
      ratchetTreeExtension: true,
      wireAsPublicMessage,
    },
  );
  return {
    commit: b64(encodeMlsMessage(result.commit)),
    welcome: result.welcome && b64(encodeMlsMessage({ welcome: result.welcome, wireformat: "mls_welcome", version: "mls10" })),
    state: result.newState,
  };
}

/** An encrypted application message of the group's current epoch. */
export async function encrypt(state: ClientState, text: string): Promise<{ ciphertext: string; state: ClientState }> {
  const result = await createApplicationMessage(state, new TextEncoder().encode(text), await suite());
  const ciphertext = b64(encodeMlsMessage({ privateMessage: result.privateMessage, wireformat: "mls_private_message", version: "mls10" }));
  return { ciphertext, state: result.newState };
}
