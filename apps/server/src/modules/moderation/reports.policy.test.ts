import { describe, expect, it } from "vitest";
import { reportTarget } from "./reports.policy";

describe("reportTarget", () => {
  const message = { id: 30, senderId: 7 };

  it("a message's report is about its sender too", () => {
    expect(reportTarget(1, { messageId: 30 }, message)).toEqual({ userId: 7, messageId: 30 });
    expect(reportTarget(1, { messageId: 30, userId: 7 }, message)).toEqual({ userId: 7, messageId: 30 });
  });

  it("a report of a user alone names no message", () => {
    expect(reportTarget(1, { userId: 7 }, undefined)).toEqual({ userId: 7, messageId: null });
  });

  it("refuses a userId that is not the message's sender", () => {
    expect(() => reportTarget(1, { messageId: 30, userId: 8 }, message)).toThrow(expect.objectContaining({ code: "BAD_REQUEST" }));
  });

  it("refuses reports of yourself and of your own messages", () => {
    expect(() => reportTarget(7, { messageId: 30 }, message)).toThrow(expect.objectContaining({ code: "BAD_REQUEST" }));
    expect(() => reportTarget(7, { userId: 7 }, undefined)).toThrow(expect.objectContaining({ code: "BAD_REQUEST" }));
  });

  it("refuses a report that names nothing", () => {
    expect(() => reportTarget(1, {}, undefined)).toThrow(expect.objectContaining({ code: "BAD_REQUEST" }));
  });
});
