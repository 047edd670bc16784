// What a run measures, and for how long: `--quick` for a short run, `--only=a,b` for some scenarios.

export const quick = process.argv.includes("--quick");
const only = process.argv
  .find((arg) => arg.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");
export const settings = quick
  ? {
      timing: { warmupMs: 500, measureMs: 1500 },
      repeats: 1,
      pairs: 50,
      groups: 5,
      idle: 500,
      idleHoldMs: 2_000,
      httpConcurrency: 8,
      inbox: { conversations: 100, messages: 10 },
      search: { conversations: 20, messages: 1_000 },
      uploads: { concurrent: 20, sizeMiB: 5 },
    }
  : {
      timing: { warmupMs: 2_000, measureMs: 6_000 },
      repeats: 3,
      pairs: 500,
      groups: 50,
      idle: 10_000,
      idleHoldMs: 60_000,
      httpConcurrency: 32,
      inbox: { conversations: 500, messages: 20 },
      search: { conversations: 100, messages: 2_000 },
      uploads: { concurrent: 100, sizeMiB: 25 },
    };
export type Settings = typeof settings;

// A name picks that scenario; a prefix such as "dm" or "group" picks the scenarios it starts ("dm_throughput").
export const wanted = (scenario: string) => !only || only.some((name) => scenario === name || scenario.startsWith(`${name}_`));
