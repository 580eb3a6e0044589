import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSerials } from '../src/labels/serial.ts';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../bin/truyxuat.js');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'labels-cli-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('truyxuat labels', () => {
  it('check: prints the canonical serial of a typed one, fails on a mistyped one', async () => {
    const serial = generateSerials(1)[0]!;
    const typed = `${serial.slice(0, 7).toLowerCase()} ${serial.slice(7)}`.replaceAll('0', 'O');
    expect((await run(BIN, ['labels', 'check', typed])).stdout.trim()).toBe(serial);
    const wrong = `${serial.slice(0, 3)}${serial[3] === 'A' ? 'B' : 'A'}${serial.slice(4)}`;
    await expect(run(BIN, ['labels', 'check', wrong])).rejects.toMatchObject({ code: 1 });
  });

  it('test-page: one sheet of sample labels whose text names the GS1 example GTIN', async () => {
    const out = path.join(dir, 'test-page.pdf');
    const { stdout } = await run(BIN, ['labels', 'test-page', '--layout', 'a4-40', '--out', out]);
    expect(stdout).toContain('Avery L7654');
    expect((await run('pdfinfo', [out])).stdout).toMatch(/Pages:\s+1\n/);
    const text = (await run('pdftotext', [out, '-'])).stdout;
    expect(text).toContain('(01) 09506000134352');
    expect(text).toContain('Mẫu thử căn lề');
    await expect(run(BIN, ['labels', 'test-page', '--layout', 'letter', '--out', out])).rejects.toMatchObject({
      code: expect.any(Number),
    });
  });
});
