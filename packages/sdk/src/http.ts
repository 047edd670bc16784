import type { Endpoint, EndpointInput, EndpointOutput } from "@hestia/contracts";
import { HestiaError, isErrorBody } from "./errors";

export interface Transport {
  baseUrl: string;
  fetch: typeof globalThis.fetch;
  getToken(): string | undefined;
  /** How long a request may take before it fails with TIMEOUT. */
  timeoutMs: number;
  /** Renews an access token refused as expired; answers whether to retry with the new one. */
  renew?(rejected: string | undefined): Promise<boolean>;
}

/** Splits an endpoint's input into its path, query string and JSON body. */
function buildRequest(endpoint: Endpoint, input: Record<string, unknown>): { path: string; body?: string } {
  const rest = { ...input };
  const path = endpoint.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = rest[name];
    delete rest[name];
    return encodeURIComponent(String(value));
  });
  if (endpoint.method === "GET" || endpoint.method === "DELETE") {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(rest)) if (value !== undefined) query.set(key, String(value));
    const search = query.toString();
    return { path: search ? `${path}?${search}` : path };
  }
  return { path, body: JSON.stringify(rest) };
}

/** Calls one contract endpoint; resolves with its typed output or throws HestiaError. */
export async function call<E extends Endpoint>(transport: Transport, endpoint: E, input: EndpointInput<E>): Promise<EndpointOutput<E>> {
  const { path, body } = buildRequest(endpoint, (input ?? {}) as Record<string, unknown>);
  return send(transport, endpoint, path, body) as Promise<EndpointOutput<E>>;
}

/**
 * Calls an endpoint with a multipart/form-data body instead of JSON (file uploads). The form's fields
 * take the place of the JSON body; path parameters are not supported.
 */
export async function callWithForm<E extends Endpoint>(transport: Transport, endpoint: E, form: FormData): Promise<EndpointOutput<E>> {
  return send(transport, endpoint, endpoint.path, form) as Promise<EndpointOutput<E>>;
}

async function send(transport: Transport, endpoint: Endpoint, path: string, body: string | FormData | undefined): Promise<unknown> {
  const token = transport.getToken();
  const answer = await attempt(transport, endpoint, path, body, token);
  // An expired access token is renewed with the refresh token, and the request sent once more.
  if (answer instanceof HestiaError && answer.code === "TOKEN_EXPIRED" && endpoint.auth && (await transport.renew?.(token))) {
    const again = await attempt(transport, endpoint, path, body, transport.getToken());
    if (again instanceof HestiaError) throw again;
    return again;
  }
  if (answer instanceof HestiaError) throw answer;
  return answer;
}

/** One request; a refusal by the server is answered (as a HestiaError), a failure to reach it thrown. */
async function attempt(
  transport: Transport,
  endpoint: Endpoint,
  path: string,
  body: string | FormData | undefined,
  token: string | undefined,
): Promise<unknown> {
  const headers: Record<string, string> = { accept: "application/json" };
  // A FormData body sets its own content type, with the multipart boundary.
  if (typeof body === "string") headers["content-type"] = "application/json";
  if (endpoint.auth && token) headers.authorization = `Bearer ${token}`;
  // Joined by hand, not with new URL(path, base), so a base URL with a path prefix keeps it.
  const url = transport.baseUrl.replace(/\/+$/, "") + path;
  let response: Response;
  let text: string;
  try {
    response = await transport.fetch(url, { method: endpoint.method, headers, body, signal: AbortSignal.timeout(transport.timeoutMs) });
    text = await response.text();
  } catch (error) {
    if (error instanceof DOMException && error.name === "TimeoutError") {
      throw new HestiaError(0, "TIMEOUT", `No answer from ${endpoint.method} ${endpoint.path} within ${transport.timeoutMs} ms`);
    }
    throw new HestiaError(0, "NETWORK_ERROR", error instanceof Error ? error.message : "network error");
  }
  const json: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) {
    if (isErrorBody(json)) return HestiaError.fromBody(json, response.status);
    return new HestiaError(
      response.status,
      response.status === 503 ? "SERVICE_UNAVAILABLE" : "INTERNAL_ERROR",
      response.statusText || `HTTP ${response.status}`,
    );
  }
  return json;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
