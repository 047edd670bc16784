import type { RedisClient } from "./redis";

/**
 * Which users are online: a user is online while at least one of their sockets is connected, on any
 * process. Each process reports its sockets; entries expire unless refreshed, so the sockets of a
 * process that died stop counting after the TTL, and `sweep` finds the users that left with them.
 */
/** What recording a socket did: made its user online, added another socket, or refused it (the user holds the most allowed). */
export type Arrival = "first" | "another" | "refused";

export interface PresenceStore {
  /**
   * Records a connected socket, unless its user already holds `maxSockets` live ones (on any process):
   * counting and refusing is one atomic step, so concurrent connections cannot overshoot the limit.
   */
  connected(userId: number, socketId: string, maxSockets?: number): Promise<Arrival>;
  /** Removes a socket; true when the user is offline now (it was their last live socket). */
  disconnected(userId: number, socketId: string): Promise<boolean>;
  /**
   * Keeps this process's sockets alive (call every TTL/3). Returns the users who were counted as
   * offline meanwhile (this process stalled past the TTL and was swept) and are online again.
   */
  refresh(sockets: { userId: number; socketId: string }[]): Promise<number[]>;
  /** Removes expired sockets; returns the users that are offline because of it. */
  sweep(): Promise<number[]>;
}

/** One process on its own: nothing expires, since nothing can die without this process dying too. */
export function createMemoryPresenceStore(): PresenceStore {
  const sockets = new Map<number, Set<string>>();
  return {
    async connected(userId, socketId, maxSockets = Number.POSITIVE_INFINITY) {
      const set = sockets.get(userId) ?? new Set<string>();
      if (!set.has(socketId) && set.size >= maxSockets) return "refused";
      sockets.set(userId, set);
      set.add(socketId);
      return set.size === 1 ? "first" : "another";
    },
    async disconnected(userId, socketId) {
      const set = sockets.get(userId);
      if (!set?.delete(socketId)) return false;
      if (set.size > 0) return false;
      sockets.delete(userId);
      return true;
    },
    async refresh() {
      return [];
    },
    async sweep() {
      return [];
    },
  };
}

// KEYS[1] the user's sockets (zset socketId -> expiry), KEYS[2] every socket (zset "userId:socketId" -> expiry).
// ARGV: now, expiry, socketId, "userId:socketId", when the user's key may go, the most live sockets a user
// may hold (-1: no limit). Returns -1 when refused (a new socket past the limit), 1 when the socket was not
// counted before and is the user's only live one, else 0.
const CONNECT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local max = tonumber(ARGV[6])
if max >= 0 and not redis.call('ZSCORE', KEYS[1], ARGV[3]) and redis.call('ZCARD', KEYS[1]) >= max then return -1 end
local added = redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4])
redis.call('PEXPIREAT', KEYS[1], ARGV[5])
if added == 1 and redis.call('ZCARD', KEYS[1]) == 1 then return 1 end
return 0`;

const DISCONNECT = `
local removed = redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if removed == 1 and redis.call('ZCARD', KEYS[1]) == 0 then return 1 end
return 0`;

// KEYS[1] every socket; ARGV: now, prefix of the users' keys, batch size. Returns the users now offline.
const SWEEP = `
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local offline = {}
for _, entry in ipairs(expired) do
  redis.call('ZREM', KEYS[1], entry)
  local userId, socketId = string.match(entry, '^(%d+):(.+)$')
  local key = ARGV[2] .. userId
  if redis.call('ZREM', key, socketId) == 1 then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[1])
    if redis.call('ZCARD', key) == 0 then table.insert(offline, userId) end
  end
end
return offline`;

/**
 * Presence shared by every process through Redis; each change is one atomic script. `now` is the clock
 * the expiry of sockets is measured with (tests pass their own, so expiry needs no waiting).
 */
export function createRedisPresenceStore(redis: RedisClient, ttlMs: number, prefix: string, now: () => number = Date.now): PresenceStore {
  const userKey = (userId: number) => `${prefix}user:${userId}`;
  const allKey = `${prefix}sockets`;
  const run = (script: string, keys: string[], args: (string | number)[]) => redis.eval(script, { keys, arguments: args.map(String) });
  // A user's key outlives its entries long enough for a sweep to find them expired.
  const connect = (userId: number, socketId: string, now: number, maxSockets = -1): Promise<Arrival> =>
    run(CONNECT, [userKey(userId), allKey], [now, now + ttlMs, socketId, `${userId}:${socketId}`, now + 4 * ttlMs, maxSockets]).then(
      (answer) => (Number(answer) === -1 ? "refused" : Number(answer) === 1 ? "first" : "another"),
    );
  return {
    connected: (userId, socketId, maxSockets) =>
      connect(userId, socketId, now(), maxSockets === undefined || !Number.isFinite(maxSockets) ? -1 : maxSockets),
    async disconnected(userId, socketId) {
      const offline = await run(DISCONNECT, [userKey(userId), allKey], [now(), socketId, `${userId}:${socketId}`]);
      return Number(offline) === 1;
    },
    async refresh(sockets) {
      const at = now();
      const back = await Promise.all(sockets.map(({ userId, socketId }) => connect(userId, socketId, at)));
      return sockets.filter((_, index) => back[index] === "first").map((socket) => socket.userId);
    },
    async sweep() {
      const offline = (await run(SWEEP, [allKey], [now(), `${prefix}user:`, 500])) as string[];
      return offline.map(Number);
    },
  };
}

/**
 * Presence that degrades quietly while Redis is away: changes are not recorded (no status events go
 * out for them, the per-user socket limit is not counted) instead of failing each connect. It heals by itself once the link is back: the
 * heartbeat re-registers this process's sockets and the sweep expires those that left meanwhile.
 */
export function degradeQuietly(shared: PresenceStore): PresenceStore {
  const none = () => [] as number[];
  return {
    // Admitted without counting: the per-user socket limit is not enforced until the link is back.
    connected: (userId, socketId, maxSockets) => shared.connected(userId, socketId, maxSockets).catch(() => "another" as const),
    disconnected: (userId, socketId) => shared.disconnected(userId, socketId).catch(() => false),
    refresh: (sockets) => shared.refresh(sockets).catch(none),
    sweep: () => shared.sweep().catch(none),
  };
}
