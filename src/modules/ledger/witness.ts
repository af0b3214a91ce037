/**
 * A witness: an auditor outside the platform that keeps the signed tree heads it has seen. Shown a newer
 * head and a consistency proof from the last head it kept, it can tell whether the log only grew. A log
 * that rewrote, dropped or reordered any event the witness had already seen cannot produce that proof
 * (RFC 9162 §2.1.4), so the rewrite is caught the next time the witness looks.
 *
 * Only the latest kept head needs checking: consistency is transitive (if A is a prefix of B and B of C,
 * A is a prefix of C), so a chain of passed checks covers every earlier head too.
 */
import type { KeyObject } from 'node:crypto';
import { type Hash, hashesEqual, toHex, verifyConsistency } from './merkle.js';
import { type SignedTreeHead, type SignedTreeHeadJson, treeHeadFromJson, treeHeadProblem, treeHeadToJson } from './tree-head.js';

/** Why a witness rejected a head. */
export type WitnessProblem =
  /** The head is malformed, signed by another key, or its signature fails. */
  | 'bad-signature'
  /** The head claims fewer events than one the witness already holds. */
  | 'shrinking-tree'
  /** Same size as the kept head, different root: two histories (a fork). */
  | 'fork'
  /** The consistency proof does not prove the kept head's tree is a prefix of the new one. */
  | 'inconsistent';

/** The witness's answer about one new head. */
export type WitnessVerdict =
  | {
      ok: true;
      /** 'first': nothing to compare with; 'same': same size and root as the kept head; 'grown': proven an extension. */
      change: 'first' | 'same' | 'grown';
      head: SignedTreeHead;
    }
  | { ok: false; problem: WitnessProblem; message: string };

/**
 * Whether `newer` keeps the history committed to by `earlier`, given the consistency proof from
 * earlier.treeSize to newer.treeSize. Checks the newer head's signature first. Pure.
 * @example checkHistoryKept(kept, latest, await api.consistency(kept.treeSize, latest.treeSize), publicKey) // { ok: true, change: 'grown', … }
 */
export function checkHistoryKept(
  earlier: SignedTreeHead | undefined,
  newer: SignedTreeHead,
  proof: readonly Hash[],
  publicKey: KeyObject,
): WitnessVerdict {
  const signature = treeHeadProblem(newer, publicKey);
  if (signature) return { ok: false, problem: 'bad-signature', message: `tree head at size ${newer.treeSize}: ${signature}` };
  if (!earlier) return { ok: true, change: 'first', head: newer };
  if (newer.treeSize < earlier.treeSize)
    return {
      ok: false,
      problem: 'shrinking-tree',
      message: `tree head at size ${newer.treeSize} is smaller than the kept head at size ${earlier.treeSize}: the log lost events`,
    };
  if (newer.treeSize === earlier.treeSize) {
    if (hashesEqual(newer.rootHash, earlier.rootHash)) return { ok: true, change: 'same', head: newer };
    return {
      ok: false,
      problem: 'fork',
      message: `two tree heads at size ${newer.treeSize} with different roots (${toHex(earlier.rootHash).slice(0, 16)}… kept, ${toHex(newer.rootHash).slice(0, 16)}… now): history was rewritten`,
    };
  }
  if (!verifyConsistency(earlier.treeSize, newer.treeSize, earlier.rootHash, newer.rootHash, proof))
    return {
      ok: false,
      problem: 'inconsistent',
      message: `the consistency proof from size ${earlier.treeSize} to size ${newer.treeSize} fails: the log is not an extension of the history the witness holds`,
    };
  return { ok: true, change: 'grown', head: newer };
}

/** A witness's saved state: the log's key id and the heads it kept, oldest first. */
export interface WitnessState {
  keyId: string;
  heads: SignedTreeHeadJson[];
}

/**
 * A witness for one log (one public key) that keeps every head it accepted, oldest first.
 * @example const w = new Witness(publicKey); w.observe(head1, []); w.observe(head2, proof12).ok // true unless history changed
 */
export class Witness {
  private readonly kept: SignedTreeHead[];

  /**
   * A witness for the log signing with `publicKey`, optionally resuming with heads it kept before.
   * @example new Witness(publicKeyFromBase64(published))
   */
  constructor(
    readonly publicKey: KeyObject,
    heads: readonly SignedTreeHead[] = [],
  ) {
    this.kept = [];
    for (const head of heads) {
      const verdict = this.check(head, []);
      // A saved state holds heads of growing size; proofs between them were checked when they were kept.
      if (!verdict.ok && verdict.problem !== 'inconsistent') throw new Error(`cannot resume with this head: ${verdict.message}`);
      this.kept.push(head);
    }
  }

  /**
   * The newest head kept, if any.
   * @example witness.latest?.treeSize
   */
  get latest(): SignedTreeHead | undefined {
    return this.kept[this.kept.length - 1];
  }

  /**
   * Every head kept, oldest first.
   * @example witness.heads.length
   */
  get heads(): readonly SignedTreeHead[] {
    return this.kept;
  }

  /**
   * The consistency proof the witness needs before it can judge `head`: from its latest head's size to
   * the new size (undefined when none is needed).
   * @example const need = witness.proofNeeded(head); const proof = need ? await api.consistency(need.size1, need.size2) : []
   */
  proofNeeded(head: SignedTreeHead): { size1: number; size2: number } | undefined {
    const latest = this.latest;
    if (!latest || latest.treeSize === 0 || head.treeSize <= latest.treeSize) return undefined;
    return { size1: latest.treeSize, size2: head.treeSize };
  }

  /**
   * Judges a new head against the latest kept one without keeping it.
   * @example witness.check(head, proof) // { ok: false, problem: 'fork', message: '…' }
   */
  check(head: SignedTreeHead, proof: readonly Hash[]): WitnessVerdict {
    return checkHistoryKept(this.latest, head, proof, this.publicKey);
  }

  /**
   * Judges a new head and keeps it when it is good (a 'same' head is kept too: it is one more signed
   * statement of the same history, with a later time).
   * @example const verdict = witness.observe(head, proof); if (!verdict.ok) alarm(verdict.message)
   */
  observe(head: SignedTreeHead, proof: readonly Hash[]): WitnessVerdict {
    const verdict = this.check(head, proof);
    if (verdict.ok) this.kept.push(head);
    return verdict;
  }

  /**
   * The state to save between runs.
   * @example fs.writeFileSync('witness.json', JSON.stringify(witness.toJson()))
   */
  toJson(): WitnessState {
    return { keyId: this.latest?.keyId ?? '', heads: this.kept.map(treeHeadToJson) };
  }

  /**
   * A witness resumed from saved state; every head's signature is checked again.
   * @example Witness.fromJson(JSON.parse(fs.readFileSync('witness.json', 'utf8')), publicKey)
   */
  static fromJson(state: WitnessState, publicKey: KeyObject): Witness {
    return new Witness(publicKey, state.heads.map(treeHeadFromJson));
  }
}
