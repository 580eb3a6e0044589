import { CameraOutlined } from '@ant-design/icons';
import { Button, Input, Modal, Space, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';

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
}

/**
 * One field for every GS1 identifier: typed by hand, typed by a keyboard-wedge scanner (Digital Link URL, or an
 * element string with GS separators and an AIM prefix), or read with the camera where the browser has a
 * BarcodeDetector. Works inside an antd Form.Item (value/onChange).
 */
export function IdentifierInput({ value, onChange, want = 'any', id, ...rest }: Props) {
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
          value={text}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => interpret(e.target.value)}
          status={problem ? 'warning' : undefined}
        />
        {'BarcodeDetector' in window && (
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

interface Detector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}

/** The camera, read a few times a second by the browser's BarcodeDetector (Chrome on Android, Safari 17+). */
function CameraScanner({ onScan, onClose }: { onScan: (code: string) => void; onClose: () => void }) {
  const { t } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string>();

  useEffect(() => {
    let stream: MediaStream | undefined;
    let timer: number | undefined;
    let stopped = false;
    const Ctor = (window as unknown as { BarcodeDetector: new (o: { formats: string[] }) => Detector }).BarcodeDetector;
    const detector = new Ctor({ formats: ['qr_code', 'data_matrix', 'code_128', 'ean_13', 'ean_8'] });
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' } })
      .then(async (s) => {
        stream = s;
        if (stopped || !video.current) return;
        video.current.srcObject = s;
        await video.current.play();
        const tick = async () => {
          if (stopped || !video.current) return;
          try {
            const found = await detector.detect(video.current);
            if (found[0]) {
              onScan(found[0].rawValue);
              return;
            }
          } catch {
            // A frame that could not be read: try the next one.
          }
          timer = window.setTimeout(() => void tick(), 250);
        };
        void tick();
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [onScan]);

  return (
    <Modal open title={t('identifier.camera')} onCancel={onClose} footer={null} destroyOnHidden>
      {error ? (
        <Typography.Text type="danger" role="alert">
          {t('identifier.cameraError', { reason: error })}
        </Typography.Text>
      ) : (
        <video ref={video} muted playsInline style={{ width: '100%' }} aria-label={t('identifier.camera')} />
      )}
    </Modal>
  );
}
