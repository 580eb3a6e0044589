/**
 * The sortable spreadsheet of an FSMA 204-style records request, purely: the events of a trace become one row per
 * (event, traceability lot), grouped into one sheet per critical tracking event (harvesting, commissioning,
 * transformation, shipping, receiving, other). Column names follow the FDA's sortable spreadsheet (in English: it
 * is the form the request is answered in). No I/O: the service gathers names and links, the writers format.
 */

export const CTE_SHEETS = ['harvesting', 'commissioning', 'transformation', 'shipping', 'receiving', 'other'] as const;
export type CteSheet = (typeof CTE_SHEETS)[number];

export const FSMA_COLUMNS = [
  'Traceability Lot Code',
  'Product GTIN',
  'Product Description',
  'Quantity',
  'Unit of Measure',
  'Role',
  'Location GLN',
  'Location Description',
  'Event Date',
  'Event Time (UTC)',
  'Reference Documents',
  'Source',
  'Destination',
  'Business Step',
  'Disposition',
  'Event Owner',
  'Event ID',
] as const;

export type FsmaCell = string | number | null;
export type FsmaRow = readonly FsmaCell[];

export interface FsmaSheet {
  readonly cte: CteSheet;
  readonly rows: FsmaRow[];
}

export interface FsmaLink {
  readonly kind: string;
  readonly type: string | null;
  readonly value: string;
  readonly organisationId: string | null;
}

/** One event as the trace shows it on one node (a lot, item or container). */
export interface FsmaEventInput {
  readonly node: {
    readonly identifier: string;
    readonly gtin: string | null;
    readonly lot: string | null;
    readonly serial: string | null;
    readonly productName: string | null;
  };
  readonly event: {
    readonly eventID: string;
    readonly type: string;
    readonly action: string | null;
    readonly bizStep: string | null;
    readonly disposition: string | null;
    readonly eventTime: string;
    readonly bizLocation: string | null;
    readonly readPoint: string | null;
    readonly role: string;
    readonly quantity: number | null;
    readonly uom: string | null;
    readonly organisationId: string;
  };
  readonly links: readonly FsmaLink[];
}

export interface FsmaNames {
  readonly organisations: ReadonlyMap<string, string>;
  /** GLN → location name from the registry. */
  readonly locations: ReadonlyMap<string, string>;
}

function term(uri: string | null): string | null {
  if (!uri) return null;
  const last = uri.split(/[:/#]/).pop() ?? uri;
  return last.replace(/^(BizStep|Disp)-/i, '').toLowerCase();
}

/** Which critical tracking event an event is. */
export function cteOf(event: FsmaEventInput['event']): CteSheet {
  const step = term(event.bizStep);
  if (event.type === 'TransformationEvent') return 'transformation';
  if (step === 'harvesting') return 'harvesting';
  if (step === 'shipping' || step === 'departing') return 'shipping';
  if (step === 'receiving' || step === 'arriving' || step === 'accepting') return 'receiving';
  if (step === 'commissioning' || (event.type === 'ObjectEvent' && event.action === 'ADD')) return 'commissioning';
  return 'other';
}

/** The GLN of a location written as a Digital Link (`/414/…`) or an SGLN URN; null for any other form. */
export function glnOf(location: string | null): string | null {
  if (!location) return null;
  const dl = /\/414\/(\d{13})(?:\/|$)/.exec(location);
  if (dl) return dl[1]!;
  const sgln = /^urn:epc:id:sgln:(\d+)\.(\d*)\.[^.]*$/i.exec(location);
  if (sgln) {
    const body = sgln[1]! + sgln[2]!;
    if (body.length !== 12) return null;
    let sum = 0;
    for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
    return body + String((10 - (sum % 10)) % 10);
  }
  return null;
}

/** The traceability lot code: the lot of a GTIN + lot, else the identifier itself (a serial, an SSCC …). */
function lotCode(node: FsmaEventInput['node']): string {
  if (node.gtin && node.lot) return node.lot;
  if (node.gtin && node.serial) return `${node.gtin}.${node.serial}`;
  return node.identifier;
}

function roleLabel(role: string): string {
  if (role.startsWith('input')) return 'input';
  if (role.startsWith('output')) return 'output';
  if (role === 'parent') return 'container';
  if (role.startsWith('child')) return 'content';
  return 'subject';
}

/**
 * The sheets for these events, each sorted by time then lot code; a sheet appears only when it has rows. The same
 * (event, node, role) given twice (a node reached both ways) is one row.
 */
export function fsmaSheets(inputs: readonly FsmaEventInput[], names: FsmaNames): FsmaSheet[] {
  const seen = new Set<string>();
  const byCte = new Map<CteSheet, { time: string; lot: string; row: FsmaRow }[]>();
  const orgName = (id: string | null) => (id ? (names.organisations.get(id) ?? id) : null);
  const party = (links: readonly FsmaLink[], kind: string) =>
    links
      .filter((l) => l.kind === kind)
      .map((l) => orgName(l.organisationId) ?? l.value)
      .filter((v, i, all) => all.indexOf(v) === i)
      .join('; ') || null;
  for (const { node, event, links } of inputs) {
    const key = `${event.organisationId}\u0000${event.eventID}\u0000${node.identifier}\u0000${event.role}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const cte = cteOf(event);
    const location = event.bizLocation ?? event.readPoint;
    const gln = glnOf(location);
    const documents = links
      .filter((l) => l.kind === 'bizTransaction')
      .map((l) => (l.type ? `${term(l.type)}: ${l.value}` : l.value))
      .join('; ');
    const code = lotCode(node);
    const row: FsmaRow = [
      code,
      node.gtin,
      node.productName,
      event.quantity,
      event.quantity === null ? null : (event.uom ?? 'H87'),
      roleLabel(event.role),
      gln,
      (gln ? names.locations.get(gln) : undefined) ?? location,
      event.eventTime.slice(0, 10),
      event.eventTime.slice(11, 19),
      documents || null,
      party(links, 'source'),
      party(links, 'destination'),
      term(event.bizStep),
      term(event.disposition),
      orgName(event.organisationId),
      event.eventID,
    ];
    const list = byCte.get(cte) ?? [];
    list.push({ time: event.eventTime, lot: code, row });
    byCte.set(cte, list);
  }
  return CTE_SHEETS.filter((cte) => byCte.has(cte)).map((cte) => ({
    cte,
    rows: byCte
      .get(cte)!
      .sort((a, b) => a.time.localeCompare(b.time) || a.lot.localeCompare(b.lot))
      .map((r) => r.row),
  }));
}

/** A text cell a spreadsheet program would read as a formula (`=`, `+`, `-`, `@`, or a tab / CR before one). */
export function looksLikeFormula(value: string): boolean {
  return /^[=+\-@\t\r]/.test(value);
}

/** A CSV field: text that could be read as a formula gets a leading apostrophe (OWASP); quoted when needed. */
export function csvField(cell: FsmaCell): string {
  if (cell === null) return '';
  let text = typeof cell === 'number' ? String(cell) : cell;
  if (typeof cell === 'string' && looksLikeFormula(text)) text = `'${text}`;
  // Quoted also for ';': spreadsheet programs set to a comma-decimal locale split CSV on semicolons.
  return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** All sheets as one CSV (RFC 4180, CRLF): a leading "Critical Tracking Event" column names the sheet. */
export function fsmaCsv(sheets: readonly FsmaSheet[]): string {
  const lines = [['Critical Tracking Event', ...FSMA_COLUMNS].map(csvField).join(',')];
  for (const sheet of sheets) for (const row of sheet.rows) lines.push([sheet.cte, ...row].map(csvField).join(','));
  return lines.join('\r\n') + '\r\n';
}
