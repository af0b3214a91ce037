/**
 * Offline verification of the ledger as stored in a database: what `datadam ledger verify` runs.
 * Streams the integrated events in seq order, serves stored nodes from one forward cursor per level,
 * checks every signed head and the stored state; and checks single proofs (from the API, saved to a
 * file) against the signed heads they name.
 */
import type { KeyObject } from 'node:crypto';
import { canonicalEventBytes } from './ledger.events.js';
import type { LedgerRepository } from './ledger.repository.js';
import { headRowToSigned } from './ledger.service.js';
import { fromHex, hashesEqual, type Hash, type SubtreeHashes, toHex, verifyConsistency, verifyInclusion } from './merkle.js';
import { treeHeadFromJson, treeHeadProblem, type SignedTreeHead, type SignedTreeHeadJson } from './tree-head.js';
import { verifyLog } from './verify-log.js';

/** The `datadam ledger verify` contract. */
export interface LedgerVerdict {
  ok: boolean;
  size: number;
  root: string;
  problems: string[];
}

const PAGE = 5000;

/** Nodes of each level read forward in index order, a page at a time (verification asks in append order). */
class LevelCursorStore implements SubtreeHashes {
  private readonly levels = new Map<number, { start: number; end: number; hashes: Map<number, Hash> }>();
  constructor(private readonly repo: LedgerRepository) {}

  async get(level: number, index: number): Promise<Hash | undefined> {
    let page = this.levels.get(level);
    if (!page || index < page.start || index >= page.end) {
      const rows = await this.repo.nodesFrom(level, index, PAGE);
      page = {
        start: index,
        end: rows.length < PAGE ? Number.POSITIVE_INFINITY : rows[rows.length - 1]!.idx + 1,
        hashes: new Map(rows.map((r) => [r.idx, r.hash])),
      };
      this.levels.set(level, page);
    }
    return page.hashes.get(index);
  }
}

/**
 * Recomputes the whole log from the stored events and compares every stored node, signed head and
 * the stored state with it.
 * @example const verdict = await verifyLedger(createLedgerRepository(db, capabilities), publicKey); verdict.ok
 */
export async function verifyLedger(repo: LedgerRepository, publicKey: KeyObject, maxProblems = 100): Promise<LedgerVerdict> {
  const state = await repo.getState();
  async function* events(): AsyncGenerator<Uint8Array> {
    let after = 0;
    for (;;) {
      const page = await repo.eventsAfter(after, state.last_seq, PAGE);
      for (const row of page) yield canonicalEventBytes(row);
      if (page.length < PAGE) return;
      after = page[page.length - 1]!.seq;
    }
  }
  async function* heads(): AsyncGenerator<SignedTreeHead> {
    let after = -1;
    const seen = new Set<number>();
    for (;;) {
      const page = await repo.treeHeads(after, PAGE);
      let fresh = 0;
      for (const row of page) {
        if (seen.has(row.id)) continue;
        seen.add(row.id);
        fresh++;
        yield headRowToSigned(row);
      }
      if (page.length < PAGE || fresh === 0) return;
      // Several heads may share a size: read from the last size again, skipping the heads seen.
      after = page[page.length - 1]!.size - 1;
    }
  }
  const result = await verifyLog({
    events: events(),
    nodes: new LevelCursorStore(repo),
    storedNodes: await repo.countNodes(),
    heads: heads(),
    publicKey,
    maxProblems,
  });
  const problems = [...result.problems];
  if (state.size !== result.size)
    problems.push(`ledger state: size ${state.size}, but ${result.size} events are integrated (up to seq ${state.last_seq})`);
  else if (toHex(state.root) !== result.root)
    problems.push(`ledger state: the stored root ${toHex(state.root).slice(0, 16)}… does not match the events`);
  if (result.moreProblems > 0) problems.push(`… and ${result.moreProblems} more problems`);
  return { ok: problems.length === 0, size: result.size, root: result.root, problems };
}

/** An inclusion proof as the API gives it (GET /api/v1/ledger/proofs/inclusion), saved to a file. */
export interface InclusionProofFile {
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  auditPath: string[];
  treeHead: SignedTreeHeadJson | null;
}

/** A consistency proof as the API gives it (GET /api/v1/ledger/proofs/consistency). */
export interface ConsistencyProofFile {
  from: number;
  to: number;
  proof: string[];
  fromHead: SignedTreeHeadJson | null;
  toHead: SignedTreeHeadJson | null;
}

function parseHead(
  json: SignedTreeHeadJson | null | undefined,
  what: string,
  problems: string[],
  publicKey: KeyObject,
): SignedTreeHead | undefined {
  if (!json) {
    problems.push(`${what}: the proof names no signed tree head`);
    return undefined;
  }
  let head: SignedTreeHead;
  try {
    head = treeHeadFromJson(json);
  } catch (error) {
    problems.push(`${what}: not a signed tree head (${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  }
  const problem = treeHeadProblem(head, publicKey);
  if (problem) {
    problems.push(`${what} at size ${head.treeSize}: ${problem}`);
    return undefined;
  }
  return head;
}

function hashes(values: unknown, what: string, problems: string[]): Hash[] | undefined {
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'string' && /^[0-9a-f]{64}$/i.test(v))) {
    problems.push(`${what}: not a list of 64-digit hex hashes`);
    return undefined;
  }
  return values.map((v: string) => fromHex(v.toLowerCase()));
}

/** Checks an inclusion proof against the signed head it names. */
export function checkInclusionProof(file: InclusionProofFile, publicKey: KeyObject): LedgerVerdict {
  const problems: string[] = [];
  const head = parseHead(file.treeHead, 'tree head', problems, publicKey);
  const path = hashes(file.auditPath, 'auditPath', problems);
  const leaf = hashes([file.leafHash], 'leafHash', problems)?.[0];
  if (head && head.treeSize !== file.treeSize)
    problems.push(`the proof is for size ${file.treeSize}, its tree head for size ${head.treeSize}`);
  if (head && path && leaf && problems.length === 0 && !verifyInclusion(file.leafIndex, file.treeSize, leaf, path, head.rootHash))
    problems.push(
      `the inclusion proof of leaf ${file.leafIndex} in the tree of size ${file.treeSize} does not verify against the signed root`,
    );
  return { ok: problems.length === 0, size: head?.treeSize ?? file.treeSize, root: head ? toHex(head.rootHash) : '', problems };
}

/** Checks a consistency proof between the two signed heads it names. */
export function checkConsistencyProof(file: ConsistencyProofFile, publicKey: KeyObject): LedgerVerdict {
  const problems: string[] = [];
  const fromHead =
    file.from === 0 && !file.fromHead
      ? ({ treeSize: 0, rootHash: fromHex('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855') } as SignedTreeHead)
      : parseHead(file.fromHead, 'from tree head', problems, publicKey);
  const toHead = parseHead(file.toHead, 'to tree head', problems, publicKey);
  const proof = hashes(file.proof, 'proof', problems);
  if (fromHead && fromHead.treeSize !== file.from)
    problems.push(`the proof starts at size ${file.from}, its head is of size ${fromHead.treeSize}`);
  if (toHead && toHead.treeSize !== file.to) problems.push(`the proof ends at size ${file.to}, its head is of size ${toHead.treeSize}`);
  if (fromHead && toHead && proof && problems.length === 0) {
    if (!verifyConsistency(fromHead.treeSize, toHead.treeSize, fromHead.rootHash, toHead.rootHash, proof))
      problems.push(`the consistency proof from size ${file.from} to size ${file.to} fails: the later log does not extend the earlier one`);
  }
  if (fromHead && toHead && fromHead.treeSize === toHead.treeSize && !hashesEqual(fromHead.rootHash, toHead.rootHash))
    problems.push(`two signed heads of size ${file.to} with different roots`);
  return { ok: problems.length === 0, size: toHead?.treeSize ?? file.to, root: toHead ? toHex(toHead.rootHash) : '', problems };
}
