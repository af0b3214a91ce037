/**
 * `datadam ledger verify [--data-dir DIR] [--json] [--public-key PEM] [--inclusion PROOF.json |
 * --consistency PROOF.json]`: checks the usage ledger offline. Without a proof file it reads the
 * database directly (no server): every integrated event in seq order, every stored node, every
 * signed head, recomputing each hash; with one, it checks that proof (as the API gave it) against
 * the signed head(s) it names. Prints `{"ok", "size", "root", "problems"}`; exit 0 only when the log
 * (or the proof) is intact, 1 otherwise, 2 on bad usage.
 *
 * The public key: --public-key (a PEM file, what an auditor holds), else the deployment's own
 * (DATADAM_LEDGER_KEY, or the one derived from DATADAM_SECRET or the data folder's secret).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../core/config.js';
import { AppError } from '../core/errors.js';
import { loadLedgerKeys } from '../modules/ledger/ledger.keys.js';
import { createLedgerRepository } from '../modules/ledger/ledger.repository.js';
import {
  checkConsistencyProof,
  checkInclusionProof,
  verifyLedger,
  type ConsistencyProofFile,
  type InclusionProofFile,
  type LedgerVerdict,
} from '../modules/ledger/ledger.verify.js';
import { publicKeyFromPem } from '../modules/ledger/tree-head.js';
import { openDatabase } from '../platform/db/database.js';
import type { CensusCommandContext } from './census.js';
import { EXIT_FAILED, printResult } from './output.js';

export type LedgerCommandContext = Pick<CensusCommandContext, 'dataCommand' | 'action'>;

interface VerifyOptions {
  dataDir?: string;
  json?: boolean;
  publicKey?: string;
  inclusion?: string;
  consistency?: string;
}

function readJson(file: string, flag: string): unknown {
  if (!existsSync(file)) throw new AppError('bad_request', `${flag}: no such file ${file}`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AppError('bad_request', `${flag}: ${file} is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** The key to verify with: the auditor's PEM file, or the deployment's own. Never creates a secret. */
export function ledgerPublicKey(config: Config, pemFile: string | undefined, env: NodeJS.ProcessEnv = process.env): KeyObject {
  if (pemFile !== undefined) {
    if (!existsSync(pemFile)) throw new AppError('bad_request', `--public-key: no such file ${pemFile}`);
    try {
      return publicKeyFromPem(readFileSync(pemFile, 'utf8'));
    } catch (error) {
      throw new AppError('bad_request', `--public-key: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  let secret = config.secret;
  const file = path.join(config.dataDir, 'secret');
  if (!secret && existsSync(file)) secret = readFileSync(file, 'utf8').trim();
  if (!secret && !env.DATADAM_LEDGER_KEY)
    throw new AppError('bad_request', 'No ledger key here: pass --public-key PEM (GET /api/v1/ledger/public-key), or set DATADAM_SECRET');
  return loadLedgerKeys({ secret: secret ?? '', pem: env.DATADAM_LEDGER_KEY }).publicKey;
}

function human(verdict: LedgerVerdict): string {
  const head = verdict.ok
    ? `ledger intact: ${verdict.size} events, root ${verdict.root}`
    : `ledger NOT intact (${verdict.size} events, root ${verdict.root || '-'}):`;
  return [head, ...verdict.problems.map((p) => `  - ${p}`)].join('\n');
}

/**
 * @example registerLedgerCommands(program, { dataCommand, action })
 */
export function registerLedgerCommands(program: Command, { dataCommand, action }: LedgerCommandContext): void {
  const ledger = program.command('ledger').description('the usage ledger: verify the Merkle log and its proofs offline');
  dataCommand(ledger, 'verify', 'recompute every hash and signed head of the usage ledger, or check one proof')
    .option('--public-key <file>', "the log's public key (PEM), as published at /api/v1/ledger/public-key")
    .option('--inclusion <file>', 'check an inclusion proof (JSON from /api/v1/ledger/proofs/inclusion) against its signed head')
    .option('--consistency <file>', 'check a consistency proof (JSON from /api/v1/ledger/proofs/consistency) between its signed heads')
    .action(
      action(async (options: VerifyOptions) => {
        if (options.inclusion !== undefined && options.consistency !== undefined)
          throw new AppError('bad_request', 'Give --inclusion or --consistency, not both');
        const config = loadConfig(process.env, options);
        const publicKey = ledgerPublicKey(config, options.publicKey);
        let verdict: LedgerVerdict;
        if (options.inclusion !== undefined) {
          verdict = checkInclusionProof(readJson(options.inclusion, '--inclusion') as InclusionProofFile, publicKey);
        } else if (options.consistency !== undefined) {
          verdict = checkConsistencyProof(readJson(options.consistency, '--consistency') as ConsistencyProofFile, publicKey);
        } else {
          if (config.db.kind === 'sqlite' && !existsSync(config.db.file))
            throw new AppError('bad_request', `No database at ${config.db.file}`);
          const database = openDatabase(config.db, { poolSize: 2 });
          try {
            verdict = await verifyLedger(createLedgerRepository(database.db, database.capabilities), publicKey);
          } finally {
            await database.close();
          }
        }
        printResult(options, verdict, () => human(verdict));
        if (!verdict.ok) process.exitCode = EXIT_FAILED;
      }),
    );
}
