/**
 * Offline verification of a whole log, as `datadam ledger verify` runs it: recompute every leaf and
 * complete-subtree hash from the event bytes, compare each with what the store holds, and check every
 * signed tree head (signature, and root against the events at its size).
 *
 * Streaming: events are read once, in order, through an O(log n) frontier; stored nodes are looked up
 * one by one in append order (leaf, then the parents it completes), which a database adapter can serve
 * from a forward cursor. Only the signed heads are held in memory (they are few: one per schedule tick).
 */
import type { KeyObject } from 'node:crypto';
import { EMPTY_ROOT, hashesEqual, leafHash, MerkleFrontier, storedNodeCount, type SubtreeHashes, toHex } from './merkle.js';
import { type SignedTreeHead, treeHeadProblem } from './tree-head.js';

/** Everything `verifyLog` reads. */
export interface LogToVerify {
  /** The events' bytes, in log order (entry 0 first). */
  events: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** The stored complete-subtree hashes (level 0 = stored leaf hashes). */
  nodes: SubtreeHashes;
  /** How many nodes the store holds, if it can say: catches surplus nodes nothing else would look at. */
  storedNodes?: number;
  /** The signed tree heads the log issued, in any order. */
  heads: AsyncIterable<SignedTreeHead> | Iterable<SignedTreeHead>;
  /** The log's published public key. */
  publicKey: KeyObject;
  /** Stop listing problems after this many (the count of the rest is still reported). Default 100. */
  maxProblems?: number;
}

/** The verdict on a whole log. */
export interface LogVerification {
  /** No problem found. */
  ok: boolean;
  /** How many events were read. */
  size: number;
  /** Hex root recomputed from the events. */
  root: string;
  /** What is wrong, each naming the event, node or head. */
  problems: string[];
  /** Problems found beyond `maxProblems` and not listed. */
  moreProblems: number;
}

/**
 * Verifies a whole log offline: every event's leaf hash, every stored subtree hash, every signed head.
 * @example const result = await verifyLog({ events, nodes: store, heads, publicKey }); if (!result.ok) console.error(result.problems.join('\n'))
 */
export async function verifyLog(log: LogToVerify): Promise<LogVerification> {
  const max = log.maxProblems ?? 100;
  const problems: string[] = [];
  let moreProblems = 0;
  const problem = (text: string): void => {
    if (problems.length < max) problems.push(text);
    else moreProblems++;
  };

  const heads: SignedTreeHead[] = [];
  for await (const head of log.heads) heads.push(head);
  heads.sort((a, b) => a.treeSize - b.treeSize || a.timestamp - b.timestamp);
  for (const head of heads) {
    const signature = treeHeadProblem(head, log.publicKey);
    if (signature) problem(`tree head at size ${head.treeSize}: ${signature}`);
  }

  const frontier = new MerkleFrontier();
  // Mirrors the frontier: whether a mismatch was already reported below each of its subtrees, so one
  // changed event is reported once, not again at each of its log2(n) ancestors.
  const taints: boolean[] = [];
  let nextHead = 0;
  const checkHeadsAt = (size: number, root: Uint8Array): void => {
    for (; nextHead < heads.length && heads[nextHead]!.treeSize === size; nextHead++) {
      if (!hashesEqual(heads[nextHead]!.rootHash, root)) problem(`tree head at size ${size}: root does not match the events`);
    }
  };
  checkHeadsAt(0, EMPTY_ROOT);

  for await (const bytes of log.events) {
    for (const node of frontier.push(leafHash(bytes))) {
      let reported = false;
      if (node.level > 0) {
        const right = taints.pop()!;
        const left = taints.pop()!;
        reported = left || right;
      }
      const stored = await log.nodes.get(node.level, node.index);
      const where = node.level === 0 ? `event ${node.index}` : `node level ${node.level} index ${node.index}`;
      if (!stored) {
        problem(`${where}: missing from the store`);
        reported = true;
      } else if (!hashesEqual(stored, node.hash)) {
        if (!reported)
          problem(
            node.level === 0
              ? `${where}: stored leaf hash differs from the event's bytes`
              : `${where}: stored hash differs from the hash of its ${2 ** node.level} events`,
          );
        reported = true;
      }
      taints.push(reported);
    }
    checkHeadsAt(frontier.size, frontier.root());
  }

  const size = frontier.size;
  for (; nextHead < heads.length; nextHead++) problem(`tree head at size ${heads[nextHead]!.treeSize}: the log holds only ${size} events`);

  // Nodes past the end: the first index beyond the complete subtrees at each level must be empty. A
  // stored leaf there means events were cut from the tail.
  for (let level = 0; 2 ** level <= Math.max(size, 1) * 2; level++) {
    const index = Math.floor(size / 2 ** level);
    if ((await log.nodes.get(level, index)) !== undefined)
      problem(
        level === 0
          ? `event ${index}: a leaf hash is stored but the log has no such event`
          : `node level ${level} index ${index}: stored beyond the log's ${size} events`,
      );
  }
  if (log.storedNodes !== undefined && log.storedNodes !== storedNodeCount(size))
    problem(`the store holds ${log.storedNodes} nodes; a log of ${size} events has ${storedNodeCount(size)}`);

  return { ok: problems.length === 0 && moreProblems === 0, size, root: toHex(frontier.root()), problems, moreProblems };
}
