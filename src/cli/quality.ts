/** `datadam quality check PATH --rules RULES.yaml`: declared rules and quality indicators, without a server. */
import type { Command } from 'commander';
import type { CensusCommandContext } from './census.js';

export function registerQualityCommands(_program: Command, _context: CensusCommandContext): void {
  // Filled in by the refinery work (issue 5).
}
