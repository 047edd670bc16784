import { describe, expect, it } from "vitest";
import { type CommitStep, commitStep } from "./inbox";

const SELF = 7;
const listed = (epoch: number, deviceId: number | null, commit = `commit-${epoch}-${deviceId}`) => ({ epoch, deviceId, commit });

/** The steps taken over a listing, the group's epoch moving on by one with each commit taken (as MLS does). */
function walk(
  commits: ReturnType<typeof listed>[],
  from: number,
  options: { upTo?: number; pending?: { epoch: number; commit: string; state: string } } = {},
) {
  let epoch = from;
  let pending = options.pending;
  const taken: (CommitStep & { commit: string })[] = [];
  for (const commit of commits) {
    const step = commitStep(commit, { epoch, upTo: options.upTo ?? Number.MAX_SAFE_INTEGER, selfDeviceId: SELF, pending });
    if (step.kind === "skip") continue;
    taken.push({ ...step, commit: commit.commit });
    epoch += 1;
    pending = undefined;
  }
  return { taken, epoch };
}

describe("incoming commits", () => {
  it("takes commits in epoch order from the group's epoch, skipping older and repeated ones", () => {
    const { taken, epoch } = walk([listed(2, 1), listed(3, 1), listed(3, 2), listed(4, 2), listed(6, 1)], 3);
    expect(taken.map((step) => step.commit)).toEqual(["commit-3-1", "commit-4-2"]);
    expect(taken.every((step) => step.kind === "apply")).toBe(true);
    // Epoch 5 is missing from this listing: nothing after the gap is taken.
    expect(epoch).toBe(5);
  });

  it("stops before `upTo`", () => {
    const { taken, epoch } = walk([listed(1, 1), listed(2, 1), listed(3, 1)], 1, { upTo: 3 });
    expect(taken.map((step) => step.commit)).toEqual(["commit-1-1", "commit-2-1"]);
    expect(epoch).toBe(3);
  });

  it("adopts this device's pending commit when the server accepted exactly it", () => {
    const pending = { epoch: 4, commit: "mine", state: "group-after-mine" };
    expect(walk([listed(4, SELF, "mine")], 4, { pending }).taken).toEqual([{ kind: "adopt", state: "group-after-mine", commit: "mine" }]);
  });

  it("applies the commit that won the epoch when it is not this device's pending one", () => {
    const pending = { epoch: 4, commit: "mine", state: "group-after-mine" };
    expect(walk([listed(4, 2, "theirs")], 4, { pending }).taken).toEqual([{ kind: "apply", commit: "theirs" }]);
    // Same device and epoch, other bytes: not the commit whose outcome is pending.
    expect(walk([listed(4, SELF, "older")], 4, { pending }).taken).toEqual([{ kind: "apply", commit: "older" }]);
    // A commit listed without its device is never taken for this device's own.
    expect(walk([listed(4, null, "mine")], 4, { pending }).taken).toEqual([{ kind: "apply", commit: "mine" }]);
  });

  it("does not adopt a pending commit of another epoch", () => {
    const pending = { epoch: 5, commit: "mine", state: "group-after-mine" };
    expect(walk([listed(4, SELF, "mine")], 4, { pending }).taken).toEqual([{ kind: "apply", commit: "mine" }]);
  });
});
