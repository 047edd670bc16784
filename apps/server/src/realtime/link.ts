import { EventEmitter } from "node:events";

/** Something that reports when it is ready and when it fails or closes (a node-redis connection). */
interface Connection {
  readonly isReady: boolean;
  on(event: "ready" | "error" | "end", listener: (...args: unknown[]) => void): unknown;
}

/**
 * Whether this process can reach the other processes: up while every connection to Redis is ready.
 * Emits `down` once when the first of them fails, and `up` once when all are back.
 */
export class Link extends EventEmitter<{ up: []; down: [] }> {
  #up: boolean;

  constructor(private readonly connections: readonly Connection[]) {
    super();
    this.#up = connections.every((connection) => connection.isReady);
    for (const connection of connections) {
      connection.on("ready", () => this.#update());
      connection.on("error", () => this.#update(false));
      connection.on("end", () => this.#update(false));
    }
  }

  get up(): boolean {
    return this.#up;
  }

  #update(ready = this.connections.every((connection) => connection.isReady)): void {
    if (ready === this.#up) return;
    this.#up = ready;
    this.emit(ready ? "up" : "down");
  }
}
