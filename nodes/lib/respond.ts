// One error path for every node's input, as the Home Assistant nodes have: the work is
// checked and started, its result delivered, and any failure — thrown while checking or
// rejected later — becomes a red status and done(err) for Catch nodes. done runs once.

import type { Node } from 'node-red';
import type { StatusView } from './status';

export function respond<T>(status: StatusView, done: (err?: Error) => void, work: () => Promise<T>, deliver: (result: T) => void): void {
  const fail = (err: unknown): void => {
    status.failed(err);
    done(err as Error);
  };
  let pending: Promise<T>;
  try {
    pending = work();
  } catch (err) {
    fail(err);
    return;
  }
  pending
    .then((result) => {
      status.succeeded();
      deliver(result);
      done();
    })
    .catch(fail);
}

/** Leaves the charger's coordinator when the node stops (redeploy or removal). */
export function releaseOnClose(node: Node, release: () => void): void {
  node.on('close', (_removed: boolean, done: () => void) => {
    release();
    done();
  });
}
