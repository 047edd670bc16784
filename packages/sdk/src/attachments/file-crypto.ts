/**
 * End-to-end encryption of files: each file gets its own random AES-256-GCM key and nonce (WebCrypto,
 * in Node and browsers alike); the server stores only the ciphertext. The key, nonce and SHA-256 digest
 * of the ciphertext travel inside the MLS-encrypted message, so only its readers can fetch and open it.
 */

/** What a reader needs to fetch, check and decrypt one encrypted file (carried inside an MLS message). */
export interface EncryptedFileRef {
  /** The attachment's id on the server. */
  id: number;
  /** The file's real name and type, hidden from the server. */
  name: string;
  mimeType: string;
  /** Plaintext size in bytes. */
  size: number;
  /** AES-256-GCM key and 12-byte nonce, base64. */
  key: string;
  iv: string;
  /** SHA-256 of the ciphertext as stored, base64: a changed or swapped file is refused before decrypting. */
  digest: string;
}

const toBase64 = (bytes: Uint8Array) => {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
};
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (char) => char.charCodeAt(0));

/** Encrypts a file with a fresh key; answers the ciphertext and what a reader needs (but the id, known after upload). */
export async function encryptFile(plaintext: Uint8Array): Promise<{ ciphertext: Uint8Array; key: string; iv: string; digest: string }> {
  const rawKey = crypto.getRandomValues(new Uint8Array(32));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await crypto.subtle.importKey("raw", rawKey, "AES-GCM", false, ["encrypt"]);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, plaintext as Uint8Array<ArrayBuffer>));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", ciphertext));
  return { ciphertext, key: toBase64(rawKey), iv: toBase64(iv), digest: toBase64(digest) };
}

/** Checks the digest and decrypts; throws when the bytes are not the file the message named. */
export async function decryptFile(ciphertext: Uint8Array, ref: Pick<EncryptedFileRef, "key" | "iv" | "digest">): Promise<Uint8Array> {
  const digest = toBase64(new Uint8Array(await crypto.subtle.digest("SHA-256", ciphertext as Uint8Array<ArrayBuffer>)));
  if (digest !== ref.digest) throw new Error("The encrypted file does not match its digest");
  const key = await crypto.subtle.importKey("raw", fromBase64(ref.key), "AES-GCM", false, ["decrypt"]);
  return new Uint8Array(
    await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64(ref.iv) }, key, ciphertext as Uint8Array<ArrayBuffer>),
  );
}
