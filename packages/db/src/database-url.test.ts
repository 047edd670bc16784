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

  it("treats a blank DATABASE_URL as unset", () => {
    expect(parseDatabaseUrl("   ", "/srv/data")).toEqual({ flavour: "sqlite", file: "/srv/data/hestia.db" });
  });

  it("reads file:/// URLs as absolute paths, and refuses file: without a path", () => {
    expect(parseDatabaseUrl("file:///var/lib/hestia.db", "/x")).toEqual({ flavour: "sqlite", file: "/var/lib/hestia.db" });
    expect(parseDatabaseUrl("file:chat.db", "/srv/data")).toEqual({ flavour: "sqlite", file: "/srv/data/chat.db" });
    expect(() => parseDatabaseUrl("file:", "/x")).toThrow(/file: needs a path/);
  });

  it("hands MariaDB a mariadb:// URL with the credentials and options kept, and the database name decoded", () => {
    expect(parseDatabaseUrl("mysql://app:p%40ss@db.internal:3307/chat%2Dprod?connectionLimit=5", "/x")).toEqual({
      flavour: "mariadb",
      url: "mariadb://app:p%40ss@db.internal:3307/chat%2Dprod?connectionLimit=5",
      database: "chat-prod",
    });
  });

  it("says so when a mysql:// URL cannot be parsed", () => {
    expect(() => parseDatabaseUrl("mysql://root@[::1/hestia", "/x")).toThrow(/not a valid URL/);
  });

  it("requires a database name even with a trailing slash", () => {
    expect(() => parseDatabaseUrl("mariadb://root@db:3306/", "/x")).toThrow(/name a database/);
  });
});
