/**
 * Group commit for webhook notifications: requests that arrive while a decision transaction runs
 * wait and go into the next transaction together. Each request still resolves only after the
 * transaction holding its notifications committed, and all of them fail if it fails. Decisions
 * are serialized per swarm anyway, so grouping turns waiting time into throughput. Up to
 * `concurrency` groups run at once, so the next group stores its notifications while the current
 * one holds the swarm lock.
 */

interface Waiter<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/** Queues items and hands them to `commit` in groups of at most `maxGroup`. */
export class GroupCommit<T, R> {
  private readonly queue: Waiter<T, R>[] = [];
  private running = 0;

  constructor(
    private readonly commit: (items: T[]) => Promise<R[]>,
    private readonly maxGroup = 256,
    private readonly concurrency = 2,
  ) {}

  /** Adds `item` to the next group; resolves with its own result once that group committed. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.running < this.concurrency) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running += 1;
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, this.maxGroup);
      try {
        const results = await this.commit(group.map((waiter) => waiter.item));
        group.forEach((waiter, index) => waiter.resolve(results[index]));
      } catch (err) {
        for (const waiter of group) waiter.reject(err);
      }
    }
    this.running -= 1;
  }
}
