const settled = (): undefined => undefined;

/**
 * Runs tasks one at a time, in the order they were queued; a task that fails does not stop the ones
 * after it (its caller gets the failure). One queue holds a single promise, so it is cheap enough to
 * keep per connection and per document.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    // The tail never rejects, so `task` always runs once everything queued before it has settled.
    const result = this.tail.then(task);
    this.tail = result.then(settled, settled);
    return result;
  }

  /** Resolves once every task queued so far has settled. */
  idle(): Promise<void> {
    return this.tail.then(settled);
  }
}

/**
 * One SerialQueue per key (a room's channel, say), made on first use and forgotten once its last task
 * has settled, so keys that are no longer used hold nothing.
 */
export class KeyedSerialQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.then(settled, settled);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task queued or running (tests). */
  size(): number {
    return this.tails.size;
  }
}
