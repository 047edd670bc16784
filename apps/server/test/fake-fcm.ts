import { generateKeyPairSync } from "node:crypto";
import { Agent, createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { Credential } from "firebase-admin/app";
import { generate } from "selfsigned";

export interface FcmRequest {
  host: string;
  path: string;
  authorization: string | undefined;
  body: any;
}

/** How the fake answers a send, by device token. */
export type FcmBehaviour = (token: string) => "ok" | "unregistered" | "invalid" | "bad-payload" | "failing" | "hold";

/**
 * A local stand-in for the FCM v1 endpoint over real HTTPS (a certificate for its host name, trusted
 * only by the agent it hands out). Records every request it receives.
 */
export interface FakeFcm {
  projectId: string;
  /** The service-account JSON to configure the server with (a freshly generated RSA key; it names the project). */
  serviceAccount: string;
  /** An HTTPS agent that sends Google-bound requests here, verifying the fake's certificate. */
  agent: Agent;
  /**
   * A credential that hands out a fixed OAuth token (firebase-admin's service-account credential
   * fetches tokens through google-auth-library, which does not use the agent).
   */
  credential: Credential;
  requests: FcmRequest[];
  /** The `message` of every send, in arrival order. */
  sends(): any[];
  behave(behaviour: FcmBehaviour): void;
  /** Answers the sends held back by a "hold" behaviour. */
  release(): void;
  close(): Promise<void>;
}

const unregistered = {
  error: {
    code: 404,
    message: "Requested entity was not found.",
    status: "NOT_FOUND",
    details: [{ "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode: "UNREGISTERED" }],
  },
};
const invalid = {
  error: {
    code: 400,
    message: "The registration token is not a valid FCM registration token",
    status: "INVALID_ARGUMENT",
    details: [{ "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode: "INVALID_ARGUMENT" }],
  },
};

export async function startFakeFcm(projectId = "hestia-test"): Promise<FakeFcm> {
  const hosts = ["fcm.googleapis.com"];
  const pems = await generate([{ name: "commonName", value: hosts[0]! }], {
    keySize: 2048,
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: hosts.map((value) => ({ type: 2, value })) }],
  });
  const requests: FcmRequest[] = [];
  let behaviour: FcmBehaviour = () => "ok";
  let held: (() => void)[] = [];
  let sent = 0;

  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      const body = req.headers["content-type"]?.includes("json") ? JSON.parse(raw || "{}") : Object.fromEntries(new URLSearchParams(raw));
      requests.push({ host: req.headers.host ?? "", path: req.url ?? "", authorization: req.headers.authorization, body });
      const reply = (status: number, payload: unknown) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
      if (req.url !== `/v1/projects/${projectId}/messages:send`)
        return reply(404, { error: { code: 404, message: "no such endpoint", status: "NOT_FOUND" } });
      const outcome = behaviour(body.message?.token ?? "");
      const answer = () => {
        if (outcome === "unregistered") return reply(404, unregistered);
        if (outcome === "invalid") return reply(400, invalid);
        if (outcome === "bad-payload")
          return reply(400, { error: { code: 400, message: "Invalid value at 'message.data[0].value'", status: "INVALID_ARGUMENT" } });
        if (outcome === "failing") return reply(500, { error: { code: 500, message: "internal error", status: "INTERNAL" } });
        sent += 1;
        reply(200, { name: `projects/${projectId}/messages/${sent}` });
      };
      if (outcome === "hold") held.push(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  // Every connection goes to the fake, whatever host was asked for; TLS still checks the host name.
  class FakeGoogleAgent extends Agent {
    override createConnection(options: { servername?: string; host?: string }, callback?: unknown) {
      void callback;
      return tlsConnect({ host: "127.0.0.1", port, servername: options.servername ?? options.host ?? undefined, ca: pems.cert });
    }
  }
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return {
    projectId,
    serviceAccount: JSON.stringify({
      type: "service_account",
      project_id: projectId,
      private_key_id: "fake",
      private_key: privateKey,
      client_email: `push@${projectId}.iam.gserviceaccount.com`,
    }),
    agent: new FakeGoogleAgent({ keepAlive: true }),
    credential: { getAccessToken: async () => ({ access_token: "fake-access-token", expires_in: 3600 }) },
    requests,
    sends: () => requests.filter((request) => request.path.endsWith("/messages:send")).map((request) => request.body.message),
    behave(next) {
      behaviour = next;
    },
    release() {
      const waiting = held;
      held = [];
      for (const answer of waiting) answer();
    },
    close: () =>
      new Promise((resolve) => {
        for (const answer of held) answer();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
