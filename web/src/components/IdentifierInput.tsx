import { CameraOutlined } from '@ant-design/icons';
import { Button, Input, Space, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { cameraAvailable, CameraScanner } from './CameraScanner.tsx';

/** What a scanned or typed GS1 code says, reduced to what the screens pick by. */
export interface ScannedIdentifier {
  /** The text as typed or scanned. */
  readonly text: string;
  readonly gtin?: string;
  readonly lot?: string;
  readonly serial?: string;
  readonly gln?: string;
  readonly sscc?: string;
  /** Canonical Digital Link, when the code has a Digital Link primary key. */
  readonly digitalLink?: string;
}

/**
 * What a keyboard-wedge scanner types: an optional AIM symbology identifier (`]d2` DataMatrix, `]Q3` QR with
 * FNC1, `]C1` GS1-128, `]e0` DataBar) before the data, and FNC1 as the GS character (0x1D). The prefix is dropped;
 * the parser reads GS as the separator.
 */
export function withoutSymbologyIdentifier(text: string): string {
  return text.replace(/^\]([A-Za-z])([0-9A-Za-z])/, '').replace(/^\x1d/, '');
}

/** Parses with the platform's GS1 parser (src/identifiers, no Node dependency), loaded the first time it is needed. */
export async function parseScan(text: string): Promise<ScannedIdentifier> {
  const { interpretGs1 } = await import('../../../src/identifiers/interpret.ts');
  const data = withoutSymbologyIdentifier(text.trim());
  const interpreted = interpretGs1(data, { lenient: true });
  const all = [
    ...(interpreted.primaryKey ? [interpreted.primaryKey] : []),
    ...interpreted.qualifiers,
    ...interpreted.attributes,
  ];
  const value = (ai: string) => all.find((e) => e.ai === ai)?.value;
  const result: Record<string, string> = { text };
  const fields: [string, string][] = [
    ['01', 'gtin'],
    ['10', 'lot'],
    ['21', 'serial'],
    ['414', 'gln'],
    ['00', 'sscc'],
  ];
  for (const [ai, name] of fields) {
    const v = value(ai);
    if (v !== undefined) result[name] = v;
  }
  if (interpreted.canonicalDigitalLink) result.digitalLink = interpreted.canonicalDigitalLink;
  return result as unknown as ScannedIdentifier;
}

type Want = 'lot' | 'serial' | 'gtin' | 'gln' | 'any';

function missing(want: Want, s: ScannedIdentifier): boolean {
  if (want === 'lot') return !s.gtin || !s.lot;
  if (want === 'serial') return !s.gtin || !s.serial;
  if (want === 'gtin') return !s.gtin;
  if (want === 'gln') return !s.gln;
  return false;
}

interface Props {
  readonly value?: ScannedIdentifier | undefined;
  readonly onChange?: (value: ScannedIdentifier | undefined) => void;
  /** What the field is for: the hint says when the code lacks it. */
  readonly want?: Want;
  readonly id?: string;
  readonly 'aria-label'?: string;
  readonly placeholder?: string;
}

/**
 * One field for every GS1 identifier: typed by hand, typed by a keyboard-wedge scanner (Digital Link URL, or an
 * element string with GS separators and an AIM prefix), or read with the camera wherever the browser can open one
 * (its BarcodeDetector, else the bundled ZXing decoder). Works inside an antd Form.Item (value/onChange).
 */
export function IdentifierInput({ value, onChange, want = 'any', id, placeholder, ...rest }: Props) {
  const { t } = useI18n();
  const [text, setText] = useState(value?.text ?? '');
  const [problem, setProblem] = useState<string>();
  const [camera, setCamera] = useState(false);
  const generation = useRef(0);

  const interpret = (next: string) => {
    setText(next);
    const mine = ++generation.current;
    if (next.trim() === '') {
      setProblem(undefined);
      onChange?.(undefined);
      return;
    }
    parseScan(next).then(
      (parsed) => {
        if (mine !== generation.current) return;
        setProblem(missing(want, parsed) ? t(`identifier.missing.${want}` as 'identifier.missing.lot') : undefined);
        onChange?.(parsed);
      },
      (e: unknown) => {
        if (mine !== generation.current) return;
        setProblem(t('identifier.invalid', { reason: e instanceof Error ? e.message : String(e) }));
        onChange?.(undefined);
      },
    );
  };

  const summary = value
    ? [
        value.gtin && `GTIN ${value.gtin}`,
        value.lot && `${t('lot.lot')} ${value.lot}`,
        value.serial && `${t('identifier.serial')} ${value.serial}`,
        value.gln && `GLN ${value.gln}`,
        value.sscc && `SSCC ${value.sscc}`,
      ]
        .filter(Boolean)
        .join(' · ')
    : '';

  return (
    <>
      <Space.Compact style={{ width: '100%' }}>
        <Input
          id={id}
          aria-label={rest['aria-label']}
          placeholder={placeholder}
          value={text}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => interpret(e.target.value)}
          status={problem ? 'warning' : undefined}
        />
        {cameraAvailable() && (
          <Button icon={<CameraOutlined />} onClick={() => setCamera(true)} aria-label={t('identifier.camera')} />
        )}
      </Space.Compact>
      {problem ? (
        <Typography.Text type="warning" role="status">
          {problem}
        </Typography.Text>
      ) : summary ? (
        <Typography.Text type="secondary" role="status" data-testid="identifier-summary">
          {summary}
        </Typography.Text>
      ) : null}
      {camera && (
        <CameraScanner
          onClose={() => setCamera(false)}
          onScan={(code) => {
            setCamera(false);
            interpret(code);
          }}
        />
      )}
    </>
  );
}
