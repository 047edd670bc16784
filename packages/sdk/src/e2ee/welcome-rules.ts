import { mlsGroupId, type Welcome } from "@hestia/contracts";
import type { KeyPackageRecords } from "./device-store";
import { accepted, type Outcome, refused } from "./outcome";

/** One of this device's key packages, private half included. */
export type KeyPackageRecord = KeyPackageRecords[string];

/**
 * Whether a welcome takes this device further than the group it holds for the conversation: it holds
 * none, was removed from it, or holds an older epoch. Any other welcome is stale, and only dropped.
 */
export function joinsFurther(welcome: Pick<Welcome, "epoch">, held: { active: boolean; epoch: number } | undefined): boolean {
  return !held?.active || held.epoch < welcome.epoch;
}

/**
 * The key package of this device a welcome is for (`refs`: the packages it names, undefined when it is
 * not a welcome); refused when this device holds none of them (used up, or someone else's).
 */
export function keyPackageFor(refs: string[] | undefined, records: KeyPackageRecords): Outcome<KeyPackageRecord> {
  if (!refs) return refused("it is not an MLS welcome");
  const own = refs.map((ref) => records[ref]).find((record) => record !== undefined);
  return own ? accepted(own) : refused("it is for a key package this device does not hold");
}

/**
 * Whether the group a welcome brought this device into is the welcome's conversation at the welcome's
 * epoch: the server only relays welcomes, so one made for another group must not be taken for this one.
 */
export function joinedAsAnnounced(
  joined: { groupId: string; epoch: number },
  welcome: Pick<Welcome, "conversationId" | "epoch">,
): Outcome<undefined> {
  if (joined.groupId === mlsGroupId(welcome.conversationId) && joined.epoch === welcome.epoch) return accepted(undefined);
  return refused(`it joins ${joined.groupId} at epoch ${joined.epoch}, not this conversation at epoch ${welcome.epoch}`);
}
