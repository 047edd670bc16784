import type { z } from "zod";
import type { ErrorCode } from "./errors";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * One REST endpoint as data: the server builds its procedure from this, the OpenAPI document is
 * generated from it, and the SDK derives its types from it.
 */
export interface Endpoint<TInput extends z.ZodType = z.ZodType, TOutput extends z.ZodType = z.ZodType> {
  method: HttpMethod;
  /** OpenAPI-style path, e.g. `/users/by-id/{id}`. */
  path: string;
  /** Path, query and body fields, merged. */
  input: TInput;
  output: TOutput;
  /** HTTP status of a successful answer (default 200). */
  successStatus?: 200 | 201 | 204;
  /** Whether a bearer token is required. */
  auth: boolean;
  summary: string;
  description?: string;
  tags: string[];
  /** The error codes this endpoint can answer with, beyond the generic ones. */
  errors: ErrorCode[];
}

/** Declares an endpoint, keeping its exact input and output types. */
export function endpoint<TInput extends z.ZodType, TOutput extends z.ZodType, TAuth extends boolean, TMethod extends HttpMethod>(
  definition: Endpoint<TInput, TOutput> & { auth: TAuth; method: TMethod },
): Endpoint<TInput, TOutput> & { auth: TAuth; method: TMethod } {
  return definition;
}

/** Input type of an endpoint (what a caller sends). */
export type EndpointInput<E> = E extends Endpoint<infer I, z.ZodType> ? z.input<I> : never;
/** Output type of an endpoint (what a caller receives). */
export type EndpointOutput<E> = E extends Endpoint<z.ZodType, infer O> ? z.output<O> : never;
