import type { Command } from 'commander';
import { registerEpcisCommands } from './epcis.ts';
import { registerGs1Commands } from './gs1.ts';

/**
 * Subcommands contributed by capabilities (`gs1`, `epcis`, `trace`, …). Each capability exports a function that
 * adds its commands to the program; list it here.
 */
export function registerCommands(program: Command): void {
  registerEpcisCommands(program);
  registerGs1Commands(program);
}
