/** How deeply a JSON body, query `input` or socket payload may nest (`{}` is 1, `{"a":[]}` is 2). */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_SQUARE = 0x5b;
const CLOSE_SQUARE = 0x5d;
const OPEN_CURLY = 0x7b;
const CLOSE_CURLY = 0x7d;

/**
 * Whether JSON text nests deeper than `maxDepth`, found by one pass over its characters, without
 * parsing it: deep nesting makes JSON.parse slow (seconds for a megabyte) and recursive code after it
 * (JSON.stringify, validators) overflow the stack. Text that is not valid JSON gets some answer; the
 * parser refuses it afterwards anyway. UTF-8 read as latin1 works too (no multi-byte sequence holds a
 * byte below 0x80).
 */
export function jsonDepthExceeds(text: string, maxDepth: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_SQUARE || code === OPEN_CURLY) {
      if (++depth > maxDepth) return true;
    } else if (code === CLOSE_SQUARE || code === CLOSE_CURLY) {
      depth--;
    }
  }
  return false;
}
