import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { Endpoint } from "./endpoint";
import { contract } from "./index";

const endpoints = Object.entries(contract).flatMap(([domain, group]) =>
  Object.entries(group as Record<string, Endpoint>).map(([name, endpoint]) => ({ id: `${domain}.${name}`, endpoint })),
);

describe("contract", () => {
  it("declares each method and path once", () => {
    const routes = endpoints.map(({ endpoint }) => `${endpoint.method} ${endpoint.path}`);
    expect(new Set(routes).size).toBe(routes.length);
  });

  it.each(endpoints)("$id: every path parameter is an input field", ({ endpoint }) => {
    const params = [...endpoint.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
    const shape = (endpoint.input as z.ZodObject).shape;
    for (const param of params) expect(Object.keys(shape)).toContain(param);
  });

  it("only the health checks, register, login and refresh are public", () => {
    const publicIds = endpoints.filter(({ endpoint }) => !endpoint.auth).map(({ id }) => id);
    expect(publicIds.sort()).toEqual(["auth.login", "auth.refresh", "auth.register", "health.check", "health.ready"]);
  });
});
