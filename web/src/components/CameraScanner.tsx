import { Button, Modal, Space, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useI18n, type MessageKey } from '../i18n/index.tsx';

/** Reads the codes in one video frame; an empty list when there is none. */
type FrameReader = (video: HTMLVideoElement) => Promise<string[]>;

interface NativeDetector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string; format?: string }[]>;
}
type NativeDetectorConstructor = new (options: { formats: string[] }) => NativeDetector;

/** Whether the browser can give a camera stream at all (also false on plain HTTP outside localhost). */
export function cameraAvailable(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function';
}

/**
 * The text as the identifier field reads it: a Digital Link URL, a GS1 element string in parentheses or with GS
 * separators, or the bare digits of an EAN/UPC (read as a GTIN). Only a trailing line break is dropped.
 */
function normalise(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/** The browser's own BarcodeDetector (Chrome on Android and ChromeOS, Safari 17+): nothing to download. */
function nativeReader(): FrameReader | undefined {
  const Ctor = (window as unknown as { BarcodeDetector?: NativeDetectorConstructor }).BarcodeDetector;
  if (typeof Ctor !== 'function') return undefined;
  const detector = new Ctor({ formats: ['qr_code', 'data_matrix', 'code_128', 'ean_13', 'ean_8', 'upc_a'] });
  return async (video) => (await detector.detect(video)).map((found) => normalise(found.rawValue));
}

let fallback: Promise<FrameReader> | undefined;

/**
 * ZXing-C++ compiled to WebAssembly (`zxing-wasm`), for browsers without BarcodeDetector (Chrome and Edge on the
 * desktop, Firefox). Loaded only when a camera is opened, and its `.wasm` comes from this build's own assets (the
 * package would fetch it from a CDN otherwise, and the server may have no Internet). The text mode "HRI" writes
 * GS1 symbols as bracketed element strings, `(01)…(10)…`, which the identifier field reads as such.
 */
function zxingReader(): Promise<FrameReader> {
  fallback ??= (async () => {
    const [{ prepareZXingModule, readBarcodes }, { default: wasmUrl }] = await Promise.all([
      import('zxing-wasm/reader'),
      import('zxing-wasm/reader/zxing_reader.wasm?url'),
    ]);
    await prepareZXingModule({
      overrides: { locateFile: (file: string, prefix: string) => (file.endsWith('.wasm') ? wasmUrl : prefix + file) },
      fireImmediately: true,
    });
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('canvas 2d');
    return async (video: HTMLVideoElement) => {
      const width = video.videoWidth;
      const height = video.videoHeight;
      if (width === 0 || height === 0) return [];
      // A phone's full-resolution frame takes long to read: 1280 px across is plenty for a label.
      const scale = Math.min(1, 1280 / Math.max(width, height));
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const results = await readBarcodes(context.getImageData(0, 0, canvas.width, canvas.height), {
        formats: ['QRCode', 'DataMatrix', 'Code128', 'EAN13', 'EAN8', 'UPCA', 'DataBar', 'DataBarExpanded'],
        tryHarder: true,
        maxNumberOfSymbols: 1,
        textMode: 'HRI',
      });
      return results.filter((r) => r.isValid && r.text !== '').map((r) => normalise(r.text));
    };
  })();
  // A failed load (network, CSP) may succeed later: do not keep the failure.
  fallback.catch(() => {
    fallback = undefined;
  });
  return fallback;
}

/** The readable reason a camera could not be opened (DOMException names from Media Capture and Streams). */
function cameraProblem(error: unknown): { key: MessageKey; reason: string } {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  const reason = error instanceof Error ? error.message : String(error);
  if (name === 'NotAllowedError' || name === 'PermissionDeniedError' || name === 'SecurityError')
    return { key: 'scanner.denied', reason };
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError')
    return { key: 'scanner.noCamera', reason };
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError')
    return { key: 'scanner.busy', reason };
  return { key: 'scanner.failed', reason };
}

/**
 * The camera in a dialog, read a few times a second: by the browser's BarcodeDetector where there is one, else
 * by the bundled ZXing decoder (loaded on first use). Calls `onScan` with the first code read and stops the camera.
 */
export function CameraScanner({ onScan, onClose }: { onScan: (code: string) => void; onClose: () => void }) {
  const { t } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<{ key: MessageKey; reason: string }>();
  const [status, setStatus] = useState<'starting' | 'decoder' | 'reading'>('starting');
  const [attempt, setAttempt] = useState(0);
  const scanned = useRef(onScan);
  useEffect(() => {
    scanned.current = onScan;
  });

  useEffect(() => {
    let stream: MediaStream | undefined;
    let timer: number | undefined;
    let stopped = false;
    const start = async () => {
      if (!cameraAvailable()) {
        setProblem({ key: window.isSecureContext ? 'scanner.noCamera' : 'scanner.insecure', reason: '' });
        return;
      }
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } } });
      } catch (e) {
        if (!stopped) setProblem(cameraProblem(e));
        return;
      }
      if (stopped || !video.current) return;
      video.current.srcObject = stream;
      await video.current.play().catch(() => undefined);
      let read = nativeReader();
      if (!read) {
        setStatus('decoder');
        try {
          read = await zxingReader();
        } catch (e) {
          if (!stopped)
            setProblem({ key: 'scanner.decoderFailed', reason: e instanceof Error ? e.message : String(e) });
          return;
        }
      }
      if (stopped) return;
      setStatus('reading');
      const tick = async () => {
        if (stopped || !video.current) return;
        try {
          const [code] = await read(video.current);
          if (code !== undefined && !stopped) {
            stopped = true;
            stream?.getTracks().forEach((track) => track.stop());
            scanned.current(code);
            return;
          }
        } catch {
          // A frame that could not be read: try the next one.
        }
        timer = window.setTimeout(() => void tick(), 200);
      };
      void tick();
    };
    void start();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [attempt]);

  return (
    <Modal open title={t('identifier.camera')} onCancel={onClose} footer={null} destroyOnHidden>
      {problem ? (
        <Space orientation="vertical">
          <Typography.Text type="danger" role="alert">
            {t(problem.key, { reason: problem.reason })}
          </Typography.Text>
          <Button
            onClick={() => {
              setProblem(undefined);
              setStatus('starting');
              setAttempt((n) => n + 1);
            }}
          >
            {t('scanner.retry')}
          </Button>
        </Space>
      ) : (
        <>
          <video
            ref={video}
            muted
            playsInline
            style={{ width: '100%', background: '#000' }}
            aria-label={t('identifier.camera')}
          />
          <Typography.Text type="secondary" role="status" data-testid="scanner-status" data-state={status}>
            {status === 'starting'
              ? t('scanner.starting')
              : status === 'decoder'
                ? t('scanner.loadingDecoder')
                : t('scanner.aim')}
          </Typography.Text>
        </>
      )}
    </Modal>
  );
}
