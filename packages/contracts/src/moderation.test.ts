import { describe, expect, it } from "vitest";
import { adminContract, ReportInputSchema } from "./moderation";

describe("ReportInputSchema", () => {
  it("takes a message, a user or both, with a reason; trims the note", () => {
    expect(ReportInputSchema.parse({ messageId: 3, reason: "spam" })).toEqual({ messageId: 3, reason: "spam" });
    expect(ReportInputSchema.parse({ userId: 4, reason: "other", note: "  why  " })).toEqual({ userId: 4, reason: "other", note: "why" });
    expect(ReportInputSchema.safeParse({ messageId: 3, userId: 4, reason: "illegal" }).success).toBe(true);
  });

  it("refuses a report of nothing, an unknown reason, and a note over 1000 characters", () => {
    expect(ReportInputSchema.safeParse({ reason: "spam" }).success).toBe(false);
    expect(ReportInputSchema.safeParse({ userId: 4, reason: "rude" }).success).toBe(false);
    expect(ReportInputSchema.safeParse({ userId: 4, reason: "abuse", note: "x".repeat(1001) }).success).toBe(false);
  });
});

describe("the reports queue query", () => {
  it("lists both parts unless a status is named", () => {
    expect(adminContract.reports.input.parse({})).toEqual({ limit: 50 });
    expect(adminContract.reports.input.parse({ status: "resolved", limit: "10" })).toEqual({ status: "resolved", limit: 10 });
    expect(adminContract.reports.input.safeParse({ status: "closed" }).success).toBe(false);
  });
});
