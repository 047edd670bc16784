import { AppError } from "../../errors";
import { decodeCursor, encodeCursor } from "../../pagination";

/** A page of a list that can grow without bound. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** What a paged list is asked for, once its query is parsed. */
export interface PageInput {
  limit: number;
  cursor?: string;
}

const invalid = () => new AppError("BAD_REQUEST", "Invalid cursor: pass back the nextCursor of the previous page");

/** An id as a cursor carries it: decimal digits, a positive integer. */
export function cursorId(text: string): number {
  if (!/^[1-9]\d{0,14}$/.test(text)) throw invalid();
  return Number(text);
}

/** The cursor of a list ordered by id. */
export const idCursor = {
  encode: (id: number) => encodeCursor({ id: String(id) }),
  decode: (cursor: string | undefined): number | undefined =>
    cursor === undefined ? undefined : cursorId(decodeCursor(cursor, ["id"]).id),
};

/** The cursor of a list ordered by a time, then an id. */
export const timeIdCursor = {
  encode: (position: { at: Date; id: number }) => encodeCursor({ at: position.at.toISOString(), id: String(position.id) }),
  decode(cursor: string | undefined): { at: Date; id: number } | undefined {
    if (cursor === undefined) return undefined;
    const position = decodeCursor(cursor, ["at", "id"]);
    const at = new Date(position.at);
    if (Number.isNaN(at.getTime())) throw invalid();
    return { at, id: cursorId(position.id) };
  },
};

/** The page of `limit` items out of `rows` (fetched with one more than the limit), and its next cursor. */
export function pageOf<R, T>(rows: R[], limit: number, toItem: (row: R) => T, cursorOf: (row: R) => string): Page<T> {
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return { items: rows.slice(0, limit).map(toItem), nextCursor: last === undefined ? null : cursorOf(last) };
}
