// What a run found: each scenario's result against its baseline and target, logged as it comes,
// then written to results.json and printed as a table.
import { writeFileSync } from "node:fs";

export interface Result {
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
  target: string;
  met: boolean | null;
  detail?: Record<string, number>;
}

export const results: Record<string, Result> = {};

export function log(message: string) {
  console.log(`[bench] ${message}`);
}

export function record(
  name: string,
  value: number,
  unit: string,
  baseline: number | null,
  target: string,
  check: ((ratio: number) => boolean) | null,
  detail?: Record<string, number>,
) {
  const ratio = baseline ? value / baseline : null;
  const result: Result = {
    value: round(value),
    unit,
    baseline: baseline === null ? null : round(baseline),
    ratio: ratio === null ? null : round(ratio, 3),
    target,
    met: check && ratio !== null ? check(ratio) : null,
    ...(detail ? { detail: Object.fromEntries(Object.entries(detail).map(([k, v]) => [k, round(v)])) } : {}),
  };
  results[name] = result;
  log(`${name}: ${result.value} ${unit}${baseline === null ? "" : ` vs ${result.baseline} (ratio ${result.ratio}, target ${target})`}`);
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Writes every result to `file` as JSON and prints them as a Markdown table. */
export function writeResults(file: string) {
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log("");
  console.log("| scenario | Hestia | baseline | ratio | target | met |");
  console.log("|---|---|---|---|---|---|");
  for (const [name, result] of Object.entries(results)) {
    const extra = result.detail
      ? ` (${Object.entries(result.detail)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")})`
      : "";
    console.log(
      `| \`${name}\` | ${result.value} ${result.unit}${extra} | ${result.baseline ?? "—"} | ${result.ratio ?? "—"} | ${result.target} | ${result.met === null ? "report" : result.met ? "yes" : "**no**"} |`,
    );
  }
}
