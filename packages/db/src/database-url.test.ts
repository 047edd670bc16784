import { describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "./database-url";

describe("parseDatabaseUrl", () => {
  it("defaults to an SQLite file in the data folder", () => {
    expect(parseDatabaseUrl(undefined, "/srv/data")).toEqual({ flavour: "sqlite", file: "/srv/data/hestia.db" });
    expect(parseDatabaseUrl("", "/srv/data")).toEqual({ flavour: "sqlite", file: "/srv/data/hestia.db" });
  });

  it("resolves relative file: URLs against the data folder and keeps absolute ones", () => {
    expect(parseDatabaseUrl("file:./chat.db", "/srv/data")).toEqual({ flavour: "sqlite", file: "/srv/data/chat.db" });
    expect(parseDatabaseUrl("file:/var/lib/hestia.db", "/x")).toEqual({ flavour: "sqlite", file: "/var/lib/hestia.db" });
  });

  it("accepts mysql:// and mariadb:// and requires a database name", () => {
    expect(parseDatabaseUrl("mysql://root:pw@db:3306/hestia", "/x")).toMatchObject({ flavour: "mariadb", database: "hestia" });
    expect(parseDatabaseUrl("mariadb://root@db/hestia", "/x")).toMatchObject({ flavour: "mariadb", database: "hestia" });
    expect(() => parseDatabaseUrl("mysql://root@db:3306", "/x")).toThrow(/name a database/);
  });

  it("rejects other schemes with a clear message", () => {
    expect(() => parseDatabaseUrl("postgres://x/y", "/x")).toThrow(/expected file:/);
  });
});
