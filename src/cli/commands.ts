import type { Command } from 'commander';

/**
 * Subcommands contributed by capabilities (`gs1`, `epcis`, `trace`, …). Each capability exports a function that
 * adds its commands to the program; list it here.
 */
export function registerCommands(program: Command): void {
  void program;
}
