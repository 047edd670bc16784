/**
 * The per-user rate limits, one row each: the variable that sets it, its default, and what it counts
 * (named in the refusal's message). Adding a limit is one row here and one `deps.limits.consume(name,
 * userId)` (or `{ limit: name }` on a socket event) where the counted thing happens.
 *
 * A limit reads "<n>/<duration>", optionally followed by " burst <m>/<duration>": at most n per duration
 * and, once those are used up, m more per the burst's duration (durations: s, m, h, d). "10/1s burst
 * 40/1m" allows a burst of 50, then 10 a second; the 40 extra come back a minute after they were first drawn on.
 */
export const rateLimitTable = {
  sends: { env: "RATE_LIMIT_SENDS", default: "10/1s burst 40/1m", what: "messages" },
  friendRequests: { env: "RATE_LIMIT_FRIEND_REQUESTS", default: "10/1m burst 20/1h", what: "friend requests" },
  lookups: { env: "RATE_LIMIT_LOOKUPS", default: "60/1m burst 60/10m", what: "user lookups" },
  // Enough to search as you type, too few to list every account.
  userSearch: { env: "RATE_LIMIT_USER_SEARCH", default: "120/1m", what: "user searches" },
  reports: { env: "RATE_LIMIT_REPORTS", default: "20/1h", what: "reports" },
  // Reactions and edits come in bursts (a row of emoji) but each one is a write and a broadcast.
  reactions: { env: "RATE_LIMIT_REACTIONS", default: "10/1s burst 50/1m", what: "reactions and edits" },
  messageSearch: { env: "RATE_LIMIT_MESSAGE_SEARCH", default: "60/1m burst 60/10m", what: "message searches" },
  exports: { env: "RATE_LIMIT_EXPORTS", default: "5/1h", what: "data exports" },
} as const satisfies Record<string, { env: string; default: string; what: string }>;

export type LimitName = keyof typeof rateLimitTable;

/** A window of `points` per `seconds`. */
export interface RateWindow {
  points: number;
  seconds: number;
}

/** A parsed limit: its steady window and, optionally, a burst allowance on top. */
export interface RateSpec extends RateWindow {
  burst?: RateWindow;
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
const SPEC = /^(\d{1,9})\/(\d{1,6})([smhd])(?:\s+burst\s+(\d{1,9})\/(\d{1,6})([smhd]))?$/;

/** Parses "10/1s burst 40/1m"; a string is the reason it is not a limit. */
export function parseRateSpec(text: string): RateSpec | string {
  const match = SPEC.exec(text.trim());
  if (!match) return `"${text}" is not a limit such as "10/1s" or "10/1s burst 40/1m"`;
  const [, points, amount, unit, burstPoints, burstAmount, burstUnit] = match;
  const window = (p: string, a: string, u: string): RateWindow => ({
    points: Number(p),
    seconds: Number(a) * UNIT_SECONDS[u as keyof typeof UNIT_SECONDS],
  });
  const steady = window(points ?? "", amount ?? "", unit ?? "s");
  const burst = burstPoints && burstAmount && burstUnit ? window(burstPoints, burstAmount, burstUnit) : undefined;
  if (steady.points < 1 || steady.seconds < 1 || (burst && (burst.points < 1 || burst.seconds < 1))) {
    return `"${text}": counts and durations must be at least 1`;
  }
  return burst ? { ...steady, burst } : steady;
}

/** Every limit at its default. */
export function defaultRateLimits(): Record<LimitName, RateSpec> {
  return Object.fromEntries(Object.entries(rateLimitTable).map(([name, row]) => [name, parseRateSpec(row.default) as RateSpec])) as Record<
    LimitName,
    RateSpec
  >;
}
