/** `datadam profile PATH`: profiles of files and folders, without a server. */
import type { Command } from 'commander';
import type { CensusCommandContext } from './census.js';

export function registerProfileCommands(_program: Command, _context: CensusCommandContext): void {
  // Filled in by the refinery work (issue 5).
}
