import { Parser } from "@asyncapi/parser";
import { clientEvents, serverEvents } from "@hestia/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiResponse, api, startServer, type TestServer } from "./helpers";

describe("/asyncapi.json", () => {
  let server: TestServer;
  let response: ApiResponse;
  let docsPage: ApiResponse;
  beforeAll(async () => {
    server = await startServer();
    // Every request first: parsing takes seconds, long enough for an idle keep-alive connection to be closed under a request.
    response = await api(server, "GET", "/asyncapi.json");
    docsPage = await api(server, "GET", "/docs");
  });
  afterAll(() => server.close());

  it("is a valid AsyncAPI 3.0 document", async () => {
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    const { document, diagnostics } = await new Parser().parse(response.text);
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 0);
    expect(errors).toEqual([]);
    expect(document?.version()).toBe("3.0.0");
    expect(document?.servers().get("hestia")?.host()).toBe(new URL(server.url).host);
  });

  it("describes every client event (received, acknowledged) and every server event (sent) of the contract", async () => {
    const { document } = await new Parser().parse(response.text);
    if (!document) throw new Error("the document did not parse");
    const operations = new Map(
      document
        .operations()
        .all()
        .map((operation) => [operation.id(), operation]),
    );
    for (const event of Object.keys(clientEvents)) {
      const operation = operations.get(`receive_${event}`);
      expect(operation?.action(), event).toBe("receive");
      expect(
        operation
          ?.messages()
          .all()
          .map((message) => message.name()),
      ).toEqual([event]);
      expect(
        operation
          ?.reply()
          ?.messages()
          .all()
          .map((message) => message.name()),
      ).toEqual([`${event}Ack`]);
      expect(operation?.messages().all()[0]?.payload()?.type(), event).toBe("object");
    }
    for (const event of Object.keys(serverEvents)) {
      const operation = operations.get(`send_${event}`);
      expect(operation?.action(), event).toBe("send");
      expect(
        operation
          ?.messages()
          .all()
          .map((message) => message.name()),
      ).toEqual([event]);
    }
    expect(operations.size).toBe(Object.keys(clientEvents).length + Object.keys(serverEvents).length);
    // The payloads are the contract's schemas.
    const sendDM = operations.get("receive_sendDM")?.messages().all()[0]?.payload();
    expect(sendDM?.required()).toContain("toId");
    expect(Object.keys(sendDM?.properties() ?? {})).toEqual(expect.arrayContaining(["toId", "content", "idempotencyKey"]));
  });

  it("is linked from /docs", () => {
    expect(docsPage.text).toContain('href="/asyncapi.json"');
  });
});
