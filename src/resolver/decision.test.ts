import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  linkHeaderOf,
  linksetDocument,
  resolve,
  withQuery,
  type LinkEntry,
  type LinkLevel,
  type ResolutionRequest,
  type ResolvedLink,
} from './decision.ts';
import { GS1_LINK_TYPES, linkTypeUri, normaliseLinkType } from './link-types.ts';

const CONFORMANCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/conformance');
const MODEL = JSON.parse(
  fs.readFileSync(path.join(CONFORMANCE, 'gs1-resolver-testsuite/modelLinkset.json'), 'utf8'),
) as { linkset: Record<string, unknown>[] };

/** The model linkset of the GS1 resolver test suite as link levels (its defaultLink marks the default). */
function modelLevels(): LinkLevel[] {
  return MODEL.linkset.map((context) => {
    const identifier = new URL(context.anchor as string).pathname;
    const defaults = (context['https://ref.gs1.org/voc/defaultLink'] as { href: string }[] | undefined) ?? [];
    const links: ResolvedLink[] = [];
    for (const [key, value] of Object.entries(context)) {
      if (!key.startsWith('https://ref.gs1.org/voc/') || key.endsWith('/defaultLink')) continue;
      for (const l of value as {
        href: string;
        title: string;
        type?: string;
        hreflang?: string[];
        context?: string[];
      }[])
        links.push({
          linkType: `gs1:${key.slice('https://ref.gs1.org/voc/'.length)}`,
          href: l.href,
          title: l.title,
          hreflang: l.hreflang ?? [],
          context: l.context ?? [],
          type: l.type ?? null,
          isDefault: key.endsWith('/homepage') && defaults.some((d) => d.href === l.href),
          automatic: false,
        });
    }
    return { identifier, description: (context.itemDescription as string) ?? null, links };
  });
}

const request = (over: Partial<ResolutionRequest> & { identifier?: string } = {}): ResolutionRequest => ({
  target: { ok: true, identifier: over.identifier ?? '/01/09506000164908' },
  linkType: null,
  context: null,
  languages: [],
  accept: [],
  acceptsLinkset: false,
  query: '',
  ...over,
});

const entry = (levels: LinkLevel[], requestedKnown = true): LinkEntry => ({ levels, requestedKnown, withdrawn: null });

describe('resolve (GS1-Conformant Resolver cascade) on the model linkset', () => {
  const product = modelLevels()[0]!;
  const serial = modelLevels()[1]!;

  it('redirects to the default link without other information', () => {
    const r = resolve(request(), entry([product]));
    expect(r).toMatchObject({ kind: 'redirect', location: 'https://ref.gs1.org/tools/demo/2024retail/' });
  });

  it('redirects to the requested link type, in its CURIE or URI form', () => {
    for (const linkType of ['gs1:pip', 'https://gs1.org/voc/pip', 'https://ref.gs1.org/voc/pip'])
      expect(resolve(request({ linkType }), entry([product]))).toMatchObject({
        kind: 'redirect',
        location: 'https://ref.gs1.org/tools/demo/2024retail/pip',
      });
  });

  it('answers notFound for a requested link type that is not there', () => {
    expect(resolve(request({ linkType: 'gs1:recipeInfo' }), entry([product]))).toEqual({
      kind: 'notFound',
      reason: 'noSuchLinkType',
      linkType: 'gs1:recipeInfo',
    });
  });

  it('narrows by language, then context, then media type; several remaining targets are choices', () => {
    const certs = (over: Partial<ResolutionRequest>) =>
      resolve(request({ linkType: 'gs1:certificationInfo', ...over }), entry([product]));
    expect(certs({ languages: ['fr'] })).toMatchObject({
      kind: 'redirect',
      location: 'https://www.oeko-tex.com/v/07.BH.52767',
    });
    expect(certs({ languages: ['en'], context: 'LK' })).toMatchObject({ location: 'https://certificate.example/003' });
    expect(certs({ languages: ['en'] })).toMatchObject({ location: 'https://certificate.example/002' });
    const choices = certs({});
    expect(choices.kind).toBe('choices');
    // Without a language, the links without one remain; the two identical "Roadmap to Zero" links are one choice.
    if (choices.kind === 'choices')
      expect(choices.links.map((l) => l.href)).toEqual([
        'https://ref.gs1.org/tools/demo/2024retail/certificates',
        'https://supplier.roadmaptozero.com/flp/certificate/verify/5067/95ac8a1acf238e6ae40d761400687fac',
        'https://certificate.example/001',
      ]);
    expect(certs({ accept: ['application/pdf'] })).toMatchObject({ location: 'https://certificate.example/001' });
  });

  it('treats identical links as one target', () => {
    expect(resolve(request({ linkType: 'gs1:traceability' }), entry([product]))).toMatchObject({ kind: 'redirect' });
  });

  it('answers the linkset for linkType=linkset, linkType=all (deprecated) and Accept: application/linkset+json', () => {
    expect(resolve(request({ linkType: 'linkset' }), entry([serial, product]))).toMatchObject({
      kind: 'linkset',
      deprecatedAll: false,
    });
    expect(resolve(request({ linkType: 'all' }), entry([serial, product]))).toMatchObject({
      kind: 'linkset',
      deprecatedAll: true,
    });
    expect(resolve(request({ acceptsLinkset: true }), entry([product]))).toMatchObject({ kind: 'linkset' });
  });

  it('walks up from an unknown serial to the product', () => {
    const r = resolve(request({ identifier: '/01/09506000164908/21/999' }), entry([product], false));
    expect(r).toMatchObject({ kind: 'walkUp', from: '/01/09506000164908/21/999', to: '/01/09506000164908' });
  });

  it('uses a more specific level first for a requested type, the product level for others', () => {
    const levels = entry([serial, product]);
    expect(resolve(request({ linkType: 'gs1:dpp', identifier: '/01/09506000164908/21/1234' }), levels)).toMatchObject({
      location: 'https://example.com/dpp/7132mlkG',
    });
    expect(resolve(request({ identifier: '/01/09506000164908/21/1234' }), levels)).toMatchObject({
      location: 'https://ref.gs1.org/tools/demo/2024retail/',
    });
  });

  it('passes the query string on', () => {
    expect(resolve(request({ query: 'a=1&b=2' }), entry([product]))).toMatchObject({
      location: 'https://ref.gs1.org/tools/demo/2024retail/?a=1&b=2',
    });
    expect(withQuery('https://x.example/p?lang=vi#top', 'a=1')).toBe('https://x.example/p?lang=vi&a=1#top');
  });

  it('answers badRequest, notFound and gone before anything else', () => {
    expect(resolve({ ...request(), target: { ok: false, message: 'bad' } }, entry([product]))).toEqual({
      kind: 'badRequest',
      message: 'bad',
    });
    expect(resolve(request(), null)).toEqual({ kind: 'notFound', reason: 'unknownIdentifier' });
    expect(
      resolve(request(), {
        levels: [product],
        requestedKnown: true,
        withdrawn: { identifier: '/01/09506000164908', reason: null },
      }),
    ).toEqual({ kind: 'gone', identifier: '/01/09506000164908', reason: null });
  });

  it('prefers a declared business default to an automatic one, then the language variant of the default type', () => {
    const auto: ResolvedLink = {
      linkType: 'gs1:pip',
      href: 'https://r.example/p',
      title: 'Auto',
      hreflang: [],
      context: [],
      type: null,
      isDefault: true,
      automatic: true,
    };
    const en: ResolvedLink = { ...auto, href: 'https://b.example/en', hreflang: ['en'], automatic: false };
    const vi: ResolvedLink = { ...en, href: 'https://b.example/vi', hreflang: ['vi'], isDefault: false };
    const automaticOnly = { identifier: '/01/1', description: null, links: [auto] };
    const business = { identifier: '/01/1/10/L', description: null, links: [en, vi] };
    const both = entry([business, automaticOnly]);
    expect(resolve(request(), entry([automaticOnly]))).toMatchObject({ location: 'https://r.example/p' });
    expect(resolve(request(), both)).toMatchObject({ location: 'https://b.example/en' });
    expect(resolve(request({ languages: ['vi'] }), both)).toMatchObject({ location: 'https://b.example/vi' });
    expect(resolve(request({ languages: ['de'] }), both)).toMatchObject({ location: 'https://b.example/en' });
  });
});

describe('linksetDocument (RFC 9264)', () => {
  it('rebuilds the model linkset from its links, with the default link described twice', () => {
    const doc = linksetDocument(modelLevels(), 'https://id.gs1.org');
    const [product, serial] = doc.linkset;
    expect(product!.anchor).toBe('https://id.gs1.org/01/09506000164908');
    expect(product!['https://ref.gs1.org/voc/defaultLink']).toEqual(
      MODEL.linkset[0]!['https://ref.gs1.org/voc/defaultLink'],
    );
    expect(product!['https://ref.gs1.org/voc/sustainabilityInfo']).toEqual(
      MODEL.linkset[0]!['https://ref.gs1.org/voc/sustainabilityInfo'],
    );
    // Identical links appear once.
    expect(product!['https://ref.gs1.org/voc/traceability']).toHaveLength(1);
    expect(serial!['https://ref.gs1.org/voc/dpp']).toEqual(MODEL.linkset[1]!['https://ref.gs1.org/voc/dpp']);
  });

  it('writes titles beyond ASCII as title* in the Link header', () => {
    const header = linkHeaderOf([
      {
        linkType: 'gs1:pip',
        href: 'https://x.example/sản-phẩm',
        title: 'Thông tin',
        hreflang: ['vi'],
        context: [],
        type: 'text/html',
        isDefault: false,
        automatic: false,
      },
    ]);
    expect(header).toBe(
      `<https://x.example/s%E1%BA%A3n-ph%E1%BA%A9m>; rel="https://ref.gs1.org/voc/pip"; title*=UTF-8''Th%C3%B4ng%20tin; type="text/html"; hreflang="vi"`,
    );
  });
});

describe('link types', () => {
  it('are the active link types of the GS1 Resolver CE description file', () => {
    const file = JSON.parse(
      fs.readFileSync(path.join(CONFORMANCE, 'gs1-resolver-ce/web_server/src/public/gs1resolver.json'), 'utf8'),
    ) as { activeLinkTypes: { en: Record<string, { title: string }> } };
    const expected = Object.entries(file.activeLinkTypes.en).map(([k, v]) => [
      k.startsWith('gs1:') ? k : `gs1:${k}`,
      v.title,
    ]);
    expect([...GS1_LINK_TYPES]).toEqual(expected);
  });

  it('normalise from CURIEs and both GS1 namespaces, and refuse others', () => {
    expect(normaliseLinkType('https://gs1.org/voc/epil')).toBe('gs1:epil');
    expect(normaliseLinkType('http://gs1.org/voc/epil')).toBe('gs1:epil');
    expect(normaliseLinkType('gs1:defaultLink')).toBe('gs1:defaultLink');
    expect(normaliseLinkType('gs1:bogus')).toBeUndefined();
    expect(normaliseLinkType('https://schema.org/url')).toBeUndefined();
    expect(linkTypeUri('gs1:pip')).toBe('https://ref.gs1.org/voc/pip');
  });
});
