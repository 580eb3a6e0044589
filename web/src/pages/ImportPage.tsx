import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Progress, Radio, Space, Table, Typography } from 'antd';
import { useRef, useState } from 'react';
import { ApiError } from '../api.ts';
import { ProblemAlert } from '../components/feedback.tsx';
import { postWithProgress } from '../upload.ts';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';

interface RowError {
  readonly row: number;
  readonly column: string | null;
  readonly message: { readonly vi: string; readonly en: string };
}

interface Report {
  readonly rows: number;
  readonly valid: number;
  readonly written: number;
  readonly duplicates?: number;
  readonly mode: string;
  readonly errors: RowError[];
}

type Outcome = { kind: 'done'; report: Report } | { kind: 'refused'; report: Report };

/** The templates the server offers: one per kind of sheet; an upload is recognised by its columns. */
const SHEET_KINDS = ['observation', 'transformation', 'aggregation'] as const;
type SheetKind = (typeof SHEET_KINDS)[number];
const templateUrl = (kind: SheetKind, format: 'xlsx' | 'csv') =>
  `/api/import/events/template.${format}${kind === 'observation' ? '' : `?kind=${kind}`}`;

/**
 * Bulk import of events: the business chooses a template (observations of lots, production batches, pallets),
 * downloads it, fills it and uploads it; the server captures every event through EPCIS capture (all or nothing by
 * default) and answers a row-by-row report, shown here in the interface language.
 */
export function ImportPage() {
  const { t, language } = useI18n();
  const { me } = useSession();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File>();
  const [mode, setMode] = useState<'all-or-nothing' | 'valid-rows-only'>('all-or-nothing');
  const [sheetKind, setSheetKind] = useState<SheetKind>('observation');
  const [busy, setBusy] = useState(false);
  /** The fraction of the file sent; null once sent, while the server checks the rows. */
  const [sent, setSent] = useState<number | null>(0);
  const [outcome, setOutcome] = useState<Outcome>();
  const [error, setError] = useState<unknown>();

  const submit = async () => {
    setOutcome(undefined);
    setError(undefined);
    if (!file) {
      setError(new ApiError(400, 'validation', t('import.noFile')));
      return;
    }
    setBusy(true);
    setSent(0);
    try {
      const body = new FormData();
      body.append('file', file, file.name);
      // Sent with XMLHttpRequest so the screen shows the upload's progress, then that the server is checking.
      const response = await postWithProgress(
        `/api/import/events?mode=${mode}`,
        body,
        {
          accept: 'application/json, application/problem+json',
          'accept-language': language,
          ...(me.csrfToken ? { 'x-csrf-token': me.csrfToken } : {}),
        },
        setSent,
      );
      const json = response.json as {
        report?: Report;
        code?: string;
        title?: string;
        detail?: string;
        errors?: { field?: string; message?: string }[];
      };
      const ok = response.status >= 200 && response.status < 300;
      if (ok) setOutcome({ kind: 'done', report: json as unknown as Report });
      else if (json.report) setOutcome({ kind: 'refused', report: json.report });
      else if (response.status === 413) setError(new ApiError(413, 'payload_too_large', t('import.tooLarge')));
      else
        setError(
          new ApiError(
            response.status,
            json.code ?? String(response.status),
            json.title ?? response.statusText,
            json.detail,
            (json.errors ?? []).map((e) => ({ field: e.field ?? '', message: e.message ?? '' })),
          ),
        );
    } catch (e) {
      setError(new ApiError(0, 'network', 'network', e instanceof Error ? e.message : String(e)));
    } finally {
      setBusy(false);
    }
  };

  const report = outcome?.report;
  return (
    <>
      <Typography.Title level={2} className="page-title">
        {t('import.title')}
      </Typography.Title>
      <Typography.Paragraph>{t('import.intro')}</Typography.Paragraph>
      <Card size="small" title={t('import.templates')} style={{ marginBottom: 16 }}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text id="import-kind-label">{t('import.kind')}</Typography.Text>
          <Radio.Group
            aria-labelledby="import-kind-label"
            value={sheetKind}
            onChange={(e) => setSheetKind(e.target.value as SheetKind)}
            options={SHEET_KINDS.map((kind) => ({ value: kind, label: t(`import.kind.${kind}`) }))}
          />
          <Typography.Text type="secondary">
            {t(`import.kind.${sheetKind}.help`)} {t('import.kind.detected')}
          </Typography.Text>
          <Space wrap>
            <Button icon={<DownloadOutlined />} href={templateUrl(sheetKind, 'xlsx')} download>
              {t('import.templateXlsx')}
            </Button>
            <Button icon={<DownloadOutlined />} href={templateUrl(sheetKind, 'csv')} download>
              {t('import.templateCsv')}
            </Button>
          </Space>
        </Space>
      </Card>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          <label htmlFor="import-file">{t('import.file')}</label>
          <input
            id="import-file"
            ref={input}
            type="file"
            accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={(e) => {
              setFile(e.target.files?.[0]);
              setOutcome(undefined);
              setError(undefined);
            }}
            style={{ maxWidth: '100%' }}
          />
          <Typography.Text id="import-mode-label">{t('import.mode')}</Typography.Text>
          <Radio.Group
            aria-labelledby="import-mode-label"
            value={mode}
            onChange={(e) => setMode(e.target.value as typeof mode)}
            options={[
              { value: 'all-or-nothing', label: t('import.mode.all') },
              { value: 'valid-rows-only', label: t('import.mode.valid') },
            ]}
          />
          <Button type="primary" icon={<UploadOutlined />} loading={busy} onClick={() => void submit()}>
            {t('import.submit')}
          </Button>
          {busy && (
            <div role="status" aria-live="polite">
              {sent === null ? (
                <>
                  <Progress percent={100} status="active" showInfo={false} />
                  <Typography.Text type="secondary">{t('import.checking')}</Typography.Text>
                </>
              ) : (
                <>
                  <Progress percent={Math.round(sent * 100)} status="active" />
                  <Typography.Text type="secondary">{t('import.uploading')}</Typography.Text>
                </>
              )}
            </div>
          )}
        </Space>
      </Card>
      {error !== undefined && <ProblemAlert error={error} />}
      {report && (
        <div role="status" aria-live="polite">
          {outcome?.kind === 'refused' ? (
            <Alert
              type="error"
              showIcon
              title={
                report.written === 0 && report.mode === 'all-or-nothing'
                  ? t('import.failedRows', { count: report.errors.length })
                  : t('import.partial', { written: report.written, count: report.errors.length })
              }
            />
          ) : report.errors.length > 0 ? (
            <Alert
              type="warning"
              showIcon
              title={t('import.partial', { written: report.written, count: report.errors.length })}
            />
          ) : (
            <Alert
              type="success"
              showIcon
              title={t('import.done', {
                rows: report.rows,
                written: report.written,
                duplicates: report.duplicates ?? 0,
              })}
            />
          )}
        </div>
      )}
      {report && report.errors.length > 0 && (
        <Table<RowError>
          style={{ marginTop: 16 }}
          size="small"
          rowKey={(e) => `${e.row}:${e.column ?? ''}:${e.message.en}`}
          dataSource={[...report.errors].sort((a, b) => a.row - b.row)}
          scroll={{ x: true }}
          pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
          columns={[
            { title: t('import.row'), dataIndex: 'row', key: 'row', width: 70 },
            {
              title: t('import.column'),
              key: 'column',
              render: (_, e) => (e.column ? <code>{e.column}</code> : '—'),
            },
            { title: t('import.message'), key: 'message', render: (_, e) => e.message[language] },
          ]}
        />
      )}
    </>
  );
}
