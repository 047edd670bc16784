// The message lifecycle scenarios: a word search over a large history, and reactions fanned out to groups.
import { createDb, migrate, parseDatabaseUrl } from "@hestia/db";
import { type InboxSeed, seedInboxes } from "./inbox";
import { at, closeAll, closedLoop, connectAll, emitAck, type Timing } from "./load";
import type { Side } from "./scenarios";
import type { BenchUser, Seeded } from "./seed";

/** The word the search scenario looks for, and the share of messages that hold it. */
export const SEARCH_WORD = "lighthouse";
const SEARCH_WORD_EVERY = 100;

/** A deterministic pseudo-random generator (mulberry32), so every run searches the same history. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * Chat-like text: 3 to 20 words drawn from a vocabulary of 5,000 made-up words with a Zipf distribution
 * (a few words are everywhere, most are rare), and every hundredth message holds `SEARCH_WORD` somewhere.
 * No other word starts with it, so a search finds exactly those.
 */
export function chatText(seed: number): (index: number) => string {
  const next = random(seed);
  const syllables = [
    "ka",
    "lo",
    "mi",
    "nu",
    "ra",
    "so",
    "te",
    "vi",
    "da",
    "fe",
    "go",
    "hu",
    "pa",
    "re",
    "sa",
    "to",
    "be",
    "ne",
    "mo",
    "ze",
  ];
  const vocabulary: string[] = [];
  const seen = new Set<string>();
  while (vocabulary.length < 5_000) {
    const length = 1 + Math.floor(next() * 4);
    const word = Array.from({ length }, () => at(syllables, Math.floor(next() * syllables.length))).join("");
    if (seen.has(word) || word.startsWith(SEARCH_WORD)) continue;
    seen.add(word);
    vocabulary.push(word);
  }
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 1; rank <= vocabulary.length; rank++) {
    total += 1 / rank;
    cumulative.push(total);
  }
  const pick = () => {
    const target = next() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (at(cumulative, middle) < target) low = middle + 1;
      else high = middle;
    }
    return at(vocabulary, low);
  };
  return (index) => {
    const words = Array.from({ length: 3 + Math.floor(next() * 18) }, pick);
    if (index % SEARCH_WORD_EVERY === SEARCH_WORD_EVERY - 1) words[Math.floor(next() * words.length)] = SEARCH_WORD;
    return words.join(" ");
  };
}

/**
 * The searcher's history, straight in the database as the inbox seed writes it (half direct conversations,
 * half groups of three, the searcher writing every other message): `conversations` × `messages` messages of
 * chat text. The FTS index is filled by the schema's own triggers, as it is for every message the server stores.
 */
export async function seedSearch(
  databaseUrl: string,
  dataDir: string,
  others: BenchUser[],
  searcher: BenchUser,
  size: { conversations: number; messages: number },
): Promise<{ messages: number; matching: number }> {
  const text = chatText(18);
  let index = 0;
  let matching = 0;
  const seedOf: InboxSeed = {
    user: searcher,
    ...size,
    content: () => {
      const content = text(index++);
      if (content.split(" ").includes(SEARCH_WORD)) matching++;
      return content;
    },
  };
  await seedInboxes(databaseUrl, dataDir, others, [seedOf]);
  return { messages: index, matching };
}

/** Messages each group holds for its members to react to: the newest of its history. */
export const REACTION_TARGETS = 20;
const EMOJI = ["👍", "❤️", "😂", "🎉", "🔥"];

/** Adds `REACTION_TARGETS` messages to the end of each group's history; answers their ids by group. */
export async function seedReactionTargets(databaseUrl: string, dataDir: string, groups: Seeded["groups"]): Promise<Map<number, number[]>> {
  const target = parseDatabaseUrl(databaseUrl, dataDir);
  await migrate(target);
  const db = createDb(target);
  const text = chatText(7);
  const targets = new Map<number, number[]>();
  try {
    for (const group of groups) {
      const last = await db.message.aggregate({ where: { conversationId: group.id }, _max: { seq: true } });
      const from = (last._max.seq ?? 0) + 1;
      const seqs = Array.from({ length: REACTION_TARGETS }, (_, i) => from + i);
      await db.message.createMany({
        data: seqs.map((seq) => ({
          conversationId: group.id,
          seq,
          changeSeq: seq,
          senderId: at(group.members, seq % group.members.length).id,
          content: text(seq),
        })),
      });
      const top = from + REACTION_TARGETS - 1;
      await db.conversation.update({ where: { id: group.id }, data: { lastSeq: top, changeSeq: top } });
      const rows = await db.message.findMany({ where: { conversationId: group.id, seq: { gte: from } }, select: { id: true } });
      targets.set(
        group.id,
        rows.map((row) => row.id),
      );
    }
  } finally {
    await db.$disconnect();
  }
  return targets;
}

/**
 * Reactions/s delivered in the groups of ten (each `reaction` event reaching another member counts), every
 * member reacting in a closed loop: it walks its group's recent messages and five emoji, adding each
 * reaction and taking it back on the next pass, so every call changes something and is broadcast.
 */
export async function reactionThroughput(side: Side, seeded: Seeded, targets: Map<number, number[]>, timing: Timing) {
  const members = seeded.groups.flatMap((group) => group.members.map((member) => ({ member, groupId: group.id })));
  const { sockets } = await connectAll(
    side.url,
    members.map(({ member }) => side.auth(member)),
  );
  let failures = 0;
  try {
    // The relay fans out to the group's room; the server to its members' own rooms (joining changes nothing there).
    await Promise.all(members.map(({ groupId }, i) => emitAck(at(sockets, i), "joinGroup", { groupId })));
    const senders = members.map(({ groupId }, i) => {
      const messageIds = targets.get(groupId) ?? [];
      const given = new Set<string>();
      let turn = i;
      return {
        socket: at(sockets, i),
        send: (): [string, unknown] => {
          const messageId = at(messageIds, turn % messageIds.length);
          const emoji = at(EMOJI, Math.floor(turn / messageIds.length) % EMOJI.length);
          turn++;
          const key = `${messageId} ${emoji}`;
          const added = !given.has(key);
          if (added) given.add(key);
          else given.delete(key);
          return [added ? "react" : "unreact", { messageId, emoji }];
        },
      };
    });
    const receivers = members.map(({ member }, i) => ({
      socket: at(sockets, i),
      event: "reaction",
      count: (event: { userId: number }) => (event.userId === member.id ? 0 : 1),
    }));
    const onAck = (answer: unknown) => {
      if (!answer || typeof answer !== "object" || !("reactions" in answer)) failures++;
    };
    const result = await closedLoop({ senders, receivers, window: 1, timing, onAck });
    if (failures) throw new Error(`${failures} reactions failed`);
    return result;
  } finally {
    closeAll(sockets);
  }
}
