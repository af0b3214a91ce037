/** `datadam refine apply RECIPE.yaml PATH OUT`: cleaning and standardisation recipes, without a server. */
import type { Command } from 'commander';
import type { CensusCommandContext } from './census.js';

export function registerRefineCommands(_program: Command, _context: CensusCommandContext): void {
  // Filled in by the refinery work (issue 5).
}
