import { fileURLToPath } from "node:url";
import { demo } from "./e2ee";

// Usage: npm run example:e2ee -- [baseUrl] [text]
const [baseUrl = "http://localhost:4000", text = "Meet at the old oak at noon"] = process.argv.slice(2);
const keysDir = fileURLToPath(new URL("../.keys", import.meta.url));
const { received, stored, safetyNumber } = await demo({
  baseUrl,
  from: { username: "e2ee_alice", password: "e2ee-alice-password" },
  to: { username: "e2ee_bob", password: "e2ee-bob-password" },
  text,
  keysDir,
});

console.log(`${received.sender.username}'s device #${received.sender.deviceId} → bob: "${received.text}" (decrypted by bob's device)`);
console.log("what the server stored and plain clients read:", {
  encrypted: stored.encrypted,
  content: stored.content,
  ciphertext: `${stored.ciphertext?.slice(0, 32)}… (${stored.ciphertext?.length} base64 characters)`,
});
console.log(`safety number (compare with bob's): ${safetyNumber}`);
console.log(`device keys are kept in ${keysDir}`);
