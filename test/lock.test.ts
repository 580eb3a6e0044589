import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '..');
const bin = path.join(repoRoot, 'bin', 'truyxuat.js');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truyxuat-lock-'));
const env = { ...process.env, TRUYXUAT_DATA: dataDir, LOG_LEVEL: 'warn', TRUYXUAT_DEMO: 'false', DATABASE_URL: '' };
const children: ChildProcess[] = [];

function run(args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded database lock', () => {
  it('a second serve on the same data folder exits non-zero, naming the lock file', async () => {
    const first = run(['serve', '--port', '0']);
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (first.output().includes('listening on')) {
          clearInterval(poll);
          resolve();
        }
      }, 100);
      void first.exited.then((code) => {
        clearInterval(poll);
        reject(new Error(`first server exited (${code}): ${first.output()}`));
      });
    });
    const second = run(['serve', '--port', '0']);
    const code = await second.exited;
    expect(code).not.toBe(0);
    expect(second.output()).toContain(path.join(dataDir, 'truyxuat.lock'));
    expect(second.output()).toContain(`in use by process ${first.child.pid}`);
    // The first server is unharmed.
    expect(first.child.exitCode).toBeNull();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'truyxuat.lock'))).toBe(false);
  });
});
