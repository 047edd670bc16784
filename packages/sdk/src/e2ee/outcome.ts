/**
 * The result of using material another device made (which may be damaged, stale or hostile): the value,
 * or why it cannot be used. Refusing such material is a normal outcome, so it is returned, not thrown.
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

export const accepted = <T>(value: T): Outcome<T> => ({ ok: true, value });

export const refused = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/** The message of something thrown, for a refusal's reason. */
export const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
