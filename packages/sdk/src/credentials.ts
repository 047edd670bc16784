import type { TokenPair } from "@hestia/contracts";
import { HestiaError } from "./errors";

/** What a client keeps to stay signed in: the access token, and the refresh token that renews it. */
export interface Tokens {
  token: string;
  refreshToken?: string;
}

/**
 * The signed-in state of one client. An access token that expired is renewed with the refresh token,
 * once for every caller waiting at that moment (a refresh token works only once: two parallel
 * exchanges would end the session).
 */
export class Credentials {
  #token: string | undefined;
  #refreshToken: string | undefined;
  #renewing: Promise<boolean> | undefined;

  constructor(
    initial: Partial<Tokens>,
    private readonly exchange: (refreshToken: string) => Promise<TokenPair>,
    private readonly onChange: (tokens: Tokens | undefined) => void = () => undefined,
  ) {
    this.#token = initial.token;
    this.#refreshToken = initial.refreshToken;
  }

  get token(): string | undefined {
    return this.#token;
  }

  get refreshToken(): string | undefined {
    return this.#refreshToken;
  }

  /** Keeps new tokens (a login, a refresh); without a refresh token, the old one is dropped. */
  set(tokens: Tokens): void {
    this.#token = tokens.token;
    this.#refreshToken = tokens.refreshToken;
    this.onChange({ token: tokens.token, refreshToken: tokens.refreshToken });
  }

  clear(): void {
    if (this.#token === undefined && this.#refreshToken === undefined) return;
    this.#token = undefined;
    this.#refreshToken = undefined;
    this.onChange(undefined);
  }

  /**
   * Renews the access token after `rejected` was refused as expired. Answers whether a newer token is
   * there to retry with (another caller may already have renewed it). A refused refresh token signs out.
   */
  renew(rejected: string | undefined): Promise<boolean> {
    if (this.#token !== rejected) return Promise.resolve(this.#token !== undefined);
    this.#renewing ??= this.#renew()
      .catch(() => false)
      .finally(() => {
        this.#renewing = undefined;
      });
    return this.#renewing;
  }

  async #renew(): Promise<boolean> {
    const refreshToken = this.#refreshToken;
    if (!refreshToken) return false;
    let pair: TokenPair;
    try {
      pair = await this.exchange(refreshToken);
    } catch (error) {
      // The session is over (revoked, replayed, expired): only a new login helps. A network failure is not that.
      if (error instanceof HestiaError && error.status !== 0 && error.status < 500 && error.code !== "RATE_LIMITED") this.clear();
      return false;
    }
    this.set(pair);
    return true;
  }
}
