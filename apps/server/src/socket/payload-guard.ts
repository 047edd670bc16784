import { Decoder, Encoder, type Packet, PacketType } from "socket.io-parser";
import { jsonDepthExceeds, MAX_JSON_DEPTH } from "../json-depth";

/** What a handler receives in place of a payload nested deeper than MAX_JSON_DEPTH (never parsed). */
export const TOO_DEEP: unique symbol = Symbol("payload nested too deeply");

export const tooDeepPayloadMessage = `Payload nested deeper than ${MAX_JSON_DEPTH} levels`;

/**
 * An event packet (`2[/namespace,][ackId]["name",payload]`) read without its payload: the packet its
 * handler gets, with TOO_DEEP as the payload. Undefined when the text is no event packet.
 */
function deepEvent(text: string): Packet | undefined {
  if (Number(text[0]) !== PacketType.EVENT) return undefined;
  let i = 1;
  let nsp = "/";
  if (text[i] === "/") {
    const comma = text.indexOf(",", i);
    if (comma < 0) return undefined;
    nsp = text.slice(i, comma);
    i = comma + 1;
  }
  const idStart = i;
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  const id = i > idStart ? Number(text.slice(idStart, i)) : undefined;
  if (text[i] !== "[" || text[i + 1] !== '"') return undefined;
  let end = i + 2;
  while (end < text.length && text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
  let name: unknown;
  try {
    name = JSON.parse(text.slice(i + 1, end + 1));
  } catch {
    return undefined;
  }
  return { type: PacketType.EVENT, nsp, ...(id === undefined ? {} : { id }), data: [name, TOO_DEEP] };
}

/**
 * Socket.IO's decoder with a depth limit that runs before JSON.parse: an event whose payload nests
 * deeper than MAX_JSON_DEPTH reaches its handler as TOO_DEEP (never parsed), so the client gets a
 * VALIDATION_ERROR acknowledgement; any other packet that deep (a handshake, a binary event) is a
 * protocol error, which closes that connection.
 */
class GuardedDecoder extends Decoder {
  override add(chunk: unknown): void {
    // The event array itself is one level more than its payload.
    if (typeof chunk !== "string" || !jsonDepthExceeds(chunk, MAX_JSON_DEPTH + 1)) {
      super.add(chunk);
      return;
    }
    const packet = deepEvent(chunk);
    if (!packet) throw new Error(tooDeepPayloadMessage);
    this.emitReserved("decoded", packet);
  }
}

/** The parser option of Socket.IO's server: the standard encoder, the guarded decoder. */
export const guardedParser = { Encoder, Decoder: GuardedDecoder };
