/** A small typed event emitter. A handler that throws does not stop the others; its error is rethrown asynchronously. */
export function createEmitter<Events extends object>() {
  const handlers = new Map<keyof Events, Set<(payload: never) => void>>();
  return {
    on<K extends keyof Events>(event: K, handler: (payload: Events[K]) => void): () => void {
      const set = handlers.get(event) ?? new Set();
      handlers.set(event, set);
      set.add(handler as (payload: never) => void);
      return () => set.delete(handler as (payload: never) => void);
    },
    off<K extends keyof Events>(event: K, handler: (payload: Events[K]) => void): void {
      handlers.get(event)?.delete(handler as (payload: never) => void);
    },
    emit<K extends keyof Events>(event: K, payload: Events[K]): void {
      for (const handler of [...(handlers.get(event) ?? [])]) {
        try {
          (handler as (payload: Events[K]) => void)(payload);
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
    listenerCount(event: keyof Events): number {
      return handlers.get(event)?.size ?? 0;
    },
  };
}
