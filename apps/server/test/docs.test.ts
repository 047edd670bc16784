import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, startServer, type TestServer } from "./helpers";

describe("API documentation", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("GET /health is public", async () => {
    const response = await api(server, "GET", "/health");
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: "ok", timestamp: expect.any(String) });
    expect(Number.isNaN(new Date(response.body.timestamp).getTime())).toBe(false);
  });

  it("/openapi.json is a valid OpenAPI document listing every REST endpoint with bearer auth", async () => {
    const response = await api(server, "GET", "/openapi.json");
    expect(response.status).toBe(200);
    const validation = await new Validator().validate(response.body);
    expect(validation.errors ?? []).toEqual([]);
    expect(validation.valid).toBe(true);

    const paths = response.body.paths as Record<string, Record<string, any>>;
    const operations = Object.entries(paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        "GET /health",
        "GET /health/ready",
        "POST /auth/register",
        "POST /auth/login",
        "POST /auth/refresh",
        "POST /auth/logout",
        "GET /auth/sessions",
        "DELETE /auth/sessions/{id}",
        "POST /auth/password",
        "GET /auth/status",
        "POST /auth/sign-out-everywhere",
        "GET /users/me",
        "DELETE /users/me",
        "GET /users/by-username/{username}",
        "GET /users/by-id/{id}",
        "PATCH /users/profile-picture",
        "PATCH /users/status",
        "PATCH /users/fcm-token",
        "DELETE /users/fcm-token",
        "PATCH /users/bio",
        "GET /friends",
        "DELETE /friends/{id}",
        "POST /friends/request/{id}",
        "GET /friends/requests",
        "GET /friends/requests/outgoing",
        "POST /friends/accept/{id}",
        "POST /friends/decline/{id}",
        "DELETE /friends/requests/{id}",
        "POST /groups",
        "GET /groups",
        "GET /groups/{id}",
        "PUT /groups/{id}",
        "DELETE /groups/{id}",
        "POST /groups/{id}/messages",
        "GET /groups/{id}/messages",
        "POST /groups/{id}/members/{userId}",
        "DELETE /groups/{id}/members/{userId}",
        "PATCH /groups/{id}/members/{userId}",
        "GET /messages/direct/{userId}",
        "POST /messages/direct/{userId}",
        "GET /uploads/avatars/{filename}",
        "POST /e2ee/devices",
        "GET /e2ee/devices",
        "GET /e2ee/devices/{deviceId}",
        "DELETE /e2ee/devices/{deviceId}",
        "POST /e2ee/devices/{deviceId}/key-packages",
        "POST /e2ee/key-packages/claim",
        "POST /e2ee/direct/{userId}",
        "GET /e2ee/conversations/{conversationId}",
        "POST /e2ee/conversations/{conversationId}/commits",
        "GET /e2ee/conversations/{conversationId}/commits",
        "GET /e2ee/devices/{deviceId}/welcomes",
        "DELETE /e2ee/welcomes/{id}",
        "POST /users/{id}/block",
        "DELETE /users/{id}/block",
        "GET /users/blocked",
        "POST /reports",
        "GET /admin/reports",
        "POST /admin/reports/{id}/resolve",
        "POST /admin/users/{id}/suspend",
        "POST /admin/users/{id}/unsuspend",
        "DELETE /admin/messages/{id}",
        "GET /admin/actions",
        "GET /users/me/export",
        "GET /conversations",
        "GET /conversations/{id}",
        "GET /conversations/{id}/messages",
        "PATCH /conversations/{id}/settings",
        "POST /conversations/{id}/read",
        "POST /conversations/{id}/delivered",
        "GET /conversations/{id}/receipts",
        "GET /users/me/unread",
        "GET /users/search",
        "GET /users/settings",
        "PATCH /users/settings",
        "POST /attachments",
        "GET /attachments/{id}",
        "GET /attachments/{id}/thumbnail",
        "GET /attachments/{id}/info",
        "GET /attachments/{id}/signed-url",
        "PATCH /messages/{id}",
        "GET /messages/{id}/edits",
        "DELETE /messages/{id}",
        "PUT /messages/{id}/reactions/{emoji}",
        "DELETE /messages/{id}/reactions/{emoji}",
        "GET /conversations/{id}/changes",
        "GET /search/messages",
      ].sort(),
    );
    expect(response.body.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(paths["/users/me"]!.get.security).toEqual([{ bearerAuth: [] }]);
    expect(paths["/auth/login"]!.post.security).toBeUndefined();
    expect(Object.keys(paths["/auth/register"]!.post.responses)).toContain("201");
    expect(Object.keys(paths["/users/me"]!.delete.responses)).toContain("204");
    expect(paths["/auth/register"]!.post.responses["409"].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/Error",
    });
    const picture = paths["/users/profile-picture"]!.patch;
    expect(Object.keys(picture.requestBody.content).sort()).toEqual(["application/json", "multipart/form-data"]);
    expect(picture.requestBody.content["multipart/form-data"].schema.properties.avatar).toEqual(
      expect.objectContaining({ type: "string", format: "binary" }),
    );
    expect(Object.keys(picture.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "413", "415"]));
    const commit = paths["/e2ee/conversations/{conversationId}/commits"]!.post;
    expect(Object.keys(commit.responses)).toEqual(expect.arrayContaining(["201", "400", "401", "403", "404", "409"]));
    expect(Object.keys(paths["/e2ee/key-packages/claim"]!.post.responses)).toContain("429");
    expect(Object.keys(paths["/groups/{id}/members/{userId}"]!.delete.responses)).toContain("409");
    const exported = paths["/users/me/export"]!.get;
    expect(exported.security).toEqual([{ bearerAuth: [] }]);
    expect(exported.responses["200"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/DataExport" });
    expect(Object.keys(exported.responses)).toEqual(expect.arrayContaining(["200", "401", "429"]));
    expect(response.body.components.schemas.DataExport.properties.messages).toBeDefined();
    expect(Object.keys(paths["/reports"]!.post.responses)).toEqual(expect.arrayContaining(["201", "400", "404", "429"]));
    expect(Object.keys(paths["/users/search"]!.get.responses)).toContain("429");
    expect(Object.keys(paths["/messages/{id}"]!.delete.responses)).toEqual(expect.arrayContaining(["204", "403", "404"]));
    expect(Object.keys(paths["/messages/{id}"]!.patch.responses)).toEqual(expect.arrayContaining(["200", "403", "404", "409", "429"]));
    expect(paths["/messages/{id}/reactions/{emoji}"]!.put.responses["200"].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/Reactions",
    });
    expect(response.body.components.schemas.Message.properties.replyTo).toBeDefined();
    expect(Object.keys(paths["/search/messages"]!.get.responses)).toContain("429");
    expect(paths["/conversations"]!.get.parameters.map((parameter: { name: string }) => parameter.name).sort()).toEqual([
      "cursor",
      "limit",
    ]);
  });

  it("/docs serves an interactive reference whose assets come from this server", async () => {
    const page = await api(server, "GET", "/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const sources = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(sources.length).toBeGreaterThanOrEqual(3);
    for (const source of sources) {
      expect(source.startsWith("/")).toBe(true);
      const asset = await api(server, "GET", source);
      expect(asset.status, source).toBe(200);
    }
    expect((await api(server, "GET", "/docs/init.js")).text).toContain("/openapi.json");
  });
});
