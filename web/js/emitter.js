// A tiny event emitter for the room session and socket: `on` returns the unsubscribe function;
// one listener throwing never stops the others.
export class Emitter {
  #listeners = new Map();

  /** fn(payload) for events of `type`; returns the unsubscribe function. */
  on(type, fn) {
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type).add(fn);
    return () => this.#listeners.get(type)?.delete(fn);
  }

  emit(type, payload) {
    for (const fn of [...(this.#listeners.get(type) ?? [])]) {
      try {
        fn(payload);
      } catch (err) {
        console.error(err);
      }
    }
  }
}
