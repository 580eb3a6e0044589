import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell } from '../src/federation/open-data.service.ts';
import { withCheckDigit } from '../src/identifiers/check-digit.ts';
import {
  checkOutboundUrl,
  fetchOutbound,
  isRefusedAddress,
  outboundPolicy,
  OutboundUrlError,
} from '../src/shared/outbound-url.ts';
import { apiKeyFor, makeOrganisation, signInAs, startTestApp, type TestApp } from './helpers/app.ts';

/**
 * The open side of federation: the open-data export (public columns only, CSV safe against formula injection), the
 * provincial website widget (the only frameable pages), and the SSRF guard every fetched URL passes.
 */

const GTIN = withCheckDigit('0893540100001');
let t: TestApp;
let business: Record<string, string>;
let province: Record<string, string>;

beforeAll(async () => {
  delete process.env.TRUYXUAT_OUTBOUND_ALLOW;
  delete process.env.TRUYXUAT_ALLOW_PRIVATE_WEBHOOKS;
  t = await startTestApp();
  const farmId = await makeOrganisation(t.db, {
    name: '=HYPERLINK("http://evil.example","Bấm vào")',
    tax_code: '3300101234',
    kind: 'cooperative',
  });
  await makeOrganisation(t.db, { name: 'Cơ sở đã ngừng', status: 'suspended' });
  await makeOrganisation(t.db, { name: 'Nhà cung cấp phần mềm', kind: 'provider' });
  await t.db
    .insertInto('product')
    .values({
      id: randomUUID(),
      organisation_id: farmId,
      gtin: GTIN,
      name: 'Mè xửng, "loại 1"',
      group_code: 'specialty.hue',
      search_text: 'me xung, "loai 1"',
    })
    .execute();
  business = (await apiKeyFor(t, farmId, ['epcis:capture', 'epcis:query'])).headers;
  province = (await signInAs(t, await makeOrganisation(t.db, { kind: 'authority' }), 'province_admin')).headers;
});

afterAll(async () => {
  delete process.env.TRUYXUAT_OUTBOUND_ALLOW;
  await t?.close();
});

describe('open data', () => {
  it('lists the datasets and serves participating businesses as JSON, public columns only', async () => {
    const index = await t.app.inject({ url: '/open-data/' });
    expect(index.statusCode).toBe(200);
    expect(index.json().datasets.map((d: { name: string }) => d.name)).toEqual([
      'organisations',
      'products',
      'standards',
    ]);
    const r = await t.app.inject({ url: '/open-data/organisations.json' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBe('*');
    const body = r.json();
    expect(body.items.map((o: { name: string }) => o.name)).toEqual(['=HYPERLINK("http://evil.example","Bấm vào")']);
    expect(r.body).not.toContain('3300101234');
    expect(r.body).not.toContain('Cơ sở đã ngừng');
    expect(r.body).not.toContain('Nhà cung cấp phần mềm');
    const products = await t.app.inject({ url: '/open-data/products.json' });
    expect(products.json().items).toEqual([expect.objectContaining({ gtin: GTIN, name: 'Mè xửng, "loại 1"' })]);
    expect((await t.app.inject({ url: '/open-data/standards.json' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/open-data/users.json' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/open-data/products.xlsx' })).statusCode).toBe(404);
  });

  it('writes CSV that a spreadsheet reads as text, never as a formula', async () => {
    const r = await t.app.inject({ url: '/open-data/organisations.csv' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/csv/);
    expect(r.body.startsWith('\uFEFFid,name,')).toBe(true);
    expect(r.body).toContain(`,"'=HYPERLINK(""http://evil.example"",""Bấm vào"")",`);
    const products = await t.app.inject({ url: '/open-data/products.csv' });
    expect(products.body).toContain(`,"Mè xửng, ""loại 1""",`);
    for (const dangerous of ['=1+2', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])
      expect(csvCell(dangerous).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell('Huế')).toBe('Huế');
    expect(csvCell(null)).toBe('');
  });
});

describe('provincial website widget', () => {
  it('serves the widget script and a frameable product search', async () => {
    const script = await t.app.inject({ url: '/embed/widget.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.body).toContain('/embed/search');

    const r = await t.app.inject({ url: '/embed/search?q=me%20xung&lang=vi' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['x-frame-options']).toBeUndefined();
    expect(r.headers['content-security-policy']).toContain('frame-ancestors *');
    expect(r.headers['content-security-policy']).not.toContain('script-src');
    expect(r.body).toContain('Mè xửng, &quot;loại 1&quot;');
    expect(r.body).toContain(`/p/01/${GTIN}`);
    expect(r.body).not.toContain('<script');
    const en = await t.app.inject({ url: '/embed/search?q=zzzz&lang=en' });
    expect(en.body).toContain('No product found.');
    // The rest of the platform still refuses to be framed.
    const home = await t.app.inject({ url: '/' });
    expect(home.headers['content-security-policy']).toContain("frame-ancestors 'self'");
  });

  it('shows a product’s story, and a 404 page for an unknown product', async () => {
    const r = await t.app.inject({ url: `/embed/p/01/${GTIN}/10/L1?lang=en` });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.body).toContain('Mè xửng');
    expect(r.body).toContain('Lot L1');
    expect(r.headers['content-security-policy']).toContain('frame-ancestors *');
    const unknown = await t.app.inject({ url: `/embed/p/01/${withCheckDigit('0893540100099')}` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('Không tìm thấy sản phẩm.');
  });
});

describe('SSRF guard', () => {
  const refusedTargets = [
    'http://127.0.0.1:8080/epcis/events',
    'http://localhost/epcis/events',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/x',
    'http://[::ffff:127.0.0.1]/x',
    'http://[fd00:ec2::254]/x',
    'http://10.1.2.3/x',
    'http://192.168.1.1/x',
    'http://0.0.0.0/x',
  ];

  it('refuses private, loopback, link-local and metadata targets when connectors and nodes are registered', async () => {
    for (const endpointUrl of refusedTargets) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/federation/connectors',
        headers: business,
        payload: { name: 'x', endpointUrl, intervalSeconds: 3600 },
      });
      expect(r.statusCode, endpointUrl).toBe(400);
      expect(r.json().errors[0]).toMatchObject({ field: 'endpointUrl', messageKey: 'federation.url.refused' });
    }
    const withPassword = await t.app.inject({
      method: 'POST',
      url: '/api/federation/connectors',
      headers: business,
      payload: { name: 'x', endpointUrl: 'https://user:secret@example.com/epcis/events', intervalSeconds: 3600 },
    });
    expect(withPassword.statusCode).toBe(400);
    const node = await t.app.inject({
      method: 'POST',
      url: '/api/federation/nodes',
      headers: province,
      payload: { name: 'metadata', baseUrl: 'http://169.254.169.254', companyPrefixes: [] },
    });
    expect(node.statusCode).toBe(400);
    for (const address of ['127.0.0.1', '::1', '169.254.169.254', '10.0.0.1', 'fe80::1', '::ffff:7f00:1'])
      expect(isRefusedAddress(address), address).toBe(true);
    expect(isRefusedAddress('203.119.8.10')).toBe(false);
  });

  it('allows exactly what TRUYXUAT_OUTBOUND_ALLOW names', async () => {
    const loopback = outboundPolicy({ TRUYXUAT_OUTBOUND_ALLOW: 'loopback' });
    expect(isRefusedAddress('127.0.0.1', loopback)).toBe(false);
    expect(isRefusedAddress('::1', loopback)).toBe(false);
    expect(isRefusedAddress('169.254.169.254', loopback)).toBe(true);
    expect(isRefusedAddress('10.0.0.1', loopback)).toBe(true);
    const range = outboundPolicy({ TRUYXUAT_OUTBOUND_ALLOW: '10.20.0.0/16' });
    expect(isRefusedAddress('10.20.3.4', range)).toBe(false);
    expect(isRefusedAddress('10.21.3.4', range)).toBe(true);
    expect(() => outboundPolicy({ TRUYXUAT_OUTBOUND_ALLOW: 'intranet' })).toThrow(/TRUYXUAT_OUTBOUND_ALLOW/);
    await expect(checkOutboundUrl('http://127.0.0.1:9/x', { policy: loopback })).resolves.toBeInstanceOf(URL);
    await expect(checkOutboundUrl('http://127.0.0.1:9/x')).rejects.toBeInstanceOf(OutboundUrlError);
  });

  it('checks at connection time and never follows a redirect', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/redirect') res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      else res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // A name that resolves to loopback is refused by the lookup the connection itself uses.
      await expect(fetchOutbound(`http://localhost:${port}/`)).rejects.toBeInstanceOf(OutboundUrlError);
      const loopback = outboundPolicy({ TRUYXUAT_OUTBOUND_ALLOW: 'loopback' });
      const ok = await fetchOutbound(`http://localhost:${port}/`, { policy: loopback });
      expect(ok.body.toString()).toBe('ok');
      const redirected = await fetchOutbound(`http://127.0.0.1:${port}/redirect`, { policy: loopback });
      expect(redirected.status).toBe(302);
      await expect(fetchOutbound(redirected.headers.location!, { policy: loopback })).rejects.toBeInstanceOf(
        OutboundUrlError,
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('applies to notification webhooks too, unless configuration allows the range', async () => {
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/notification-webhooks',
      headers: province,
      payload: { url: 'http://127.0.0.1:9/hook' },
    });
    expect(refused.statusCode).toBe(400);
    process.env.TRUYXUAT_OUTBOUND_ALLOW = 'loopback';
    const allowed = await t.app.inject({
      method: 'POST',
      url: '/api/notification-webhooks',
      headers: province,
      payload: { url: 'http://127.0.0.1:9/hook' },
    });
    expect(allowed.statusCode, allowed.body).toBe(201);
    delete process.env.TRUYXUAT_OUTBOUND_ALLOW;
  });
});
