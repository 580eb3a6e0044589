#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx (a runtime dependency), so there is no build step.
import { register } from 'tsx/esm/api';

register();
const { buildProgram, reportCliError } = await import('../src/cli/main.ts');
buildProgram()
  .parseAsync(process.argv)
  .catch((e) => {
    process.exitCode = reportCliError(e);
  });
