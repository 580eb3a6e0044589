import type { Command } from 'commander';
import { registerGs1Commands } from './gs1.ts';
import { registerEpcisCommands } from './epcis.ts';
import { registerEpcisCaptureCommand } from './epcis-capture.ts';
import { registerTraceCommands } from './trace.ts';
import { registerWorkerCommand } from './worker.ts';
import { registerLabelsCommands } from './labels.ts';
import { registerAuditCommands } from './audit.ts';

/**
 * Subcommands contributed by capabilities (`gs1`, `epcis`, `trace`, …). Each capability exports a function that
 * adds its commands to the program; list it here.
 */
export function registerCommands(program: Command): void {
  registerGs1Commands(program);
  registerEpcisCommands(program);
  registerEpcisCaptureCommand(program);
  registerTraceCommands(program);
  registerWorkerCommand(program);
  registerLabelsCommands(program);
  registerAuditCommands(program);
}
