import {
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, newIdempotencyKey } from '../api.ts';
import { EmptyState, Loadable, ProblemAlert } from '../components/feedback.tsx';
import { showFieldErrors } from '../components/forms.ts';
import { IdentifierInput, parseScan, type ScannedIdentifier } from '../components/IdentifierInput.tsx';
import { findOwnStamp } from '../components/stamp-lookup.ts';
import { lotPath } from '../components/lot-link.ts';
import { useResource } from '../hooks.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import type { Recall } from '../types.ts';

/** 1 h 02 min 03 s, 4 min 05 s, 6 s — a recall is timed in seconds to hours. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min ${String(s).padStart(2, '0')} s`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}

function lotText(identifier: string): string {
  const m = /\/01\/(\d+)\/10\/([^/?#]+)/.exec(identifier);
  return m ? `${decodeURIComponent(m[2]!)} (${m[1]})` : identifier;
}

function OpenRecall({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<{ lots: string; reason: string; severity: string; mock: boolean }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  // One key per submission: sending the same form again after no answer reuses it, so the server opens one recall.
  const submission = useRef<{ body: string; key: string } | undefined>(undefined);
  // A scanned lot (a lot's GS1 code, or one of the organisation's stamps bound to a lot) is added as a line.
  const [scanField, setScanField] = useState(0);
  const [scanned, setScanned] = useState<ScannedIdentifier>();
  const addScanned = async (code: ScannedIdentifier | undefined) => {
    if (!code?.gtin) return;
    let lot = code.lot;
    if (!lot && code.serial) {
      const found = await findOwnStamp(code.gtin, code.serial).catch(() => undefined);
      if (!found) {
        void message.warning(t('scanner.stampNotFound', { serial: code.serial }));
        return;
      }
      lot = found.stamp.lot ?? undefined;
      if (!lot) {
        void message.warning(t('scanner.stampNoLot', { serial: code.serial }));
        return;
      }
    }
    if (!lot) {
      void message.warning(t('scanner.nothingToPick'));
      return;
    }
    const line = `https://id.gs1.org/01/${code.gtin}/10/${encodeURIComponent(lot)}`;
    const lines = ((form.getFieldValue('lots') as string | undefined) ?? '')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '');
    if (lines.includes(line)) {
      void message.info(t('scanner.lotAlready', { lot }));
    } else {
      form.setFieldsValue({ lots: [...lines, line].join('\n') });
      void message.success(t('scanner.lotAdded', { lot }));
    }
    setScanned(undefined);
    setScanField((n) => n + 1); // a fresh, empty field for the next scan
  };
  const submit = async (values: { lots: string; reason: string; severity: string; mock: boolean }) => {
    setBusy(true);
    setError(undefined);
    try {
      const lots = values.lots
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '');
      const body = { lots, reason: values.reason, severity: values.severity, mock: values.mock };
      if (submission.current?.body !== JSON.stringify(body))
        submission.current = { body: JSON.stringify(body), key: newIdempotencyKey() };
      const recall = await api<Recall>('/api/recalls', {
        method: 'POST',
        body,
        idempotencyKey: submission.current.key,
      });
      submission.current = undefined;
      void message.success(t('recalls.opened'));
      onClose();
      void navigate(`/recalls/${encodeURIComponent(recall.id)}`);
    } catch (e) {
      if (!showFieldErrors(form, e, ['lots', 'reason', 'severity'])) setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t('recalls.open')}
      onCancel={onClose}
      okText={t('recalls.open')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      {error !== undefined && <ProblemAlert error={error} />}
      <Form
        form={form}
        layout="vertical"
        name="recall"
        initialValues={{ severity: 'medium', mock: true }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item label={t('scanner.recall')} extra={t('scanner.recallHelp')} htmlFor="recall-scan">
          <div
            style={{ display: 'flex', gap: 8, alignItems: 'flex-start' }}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault();
              // A scanner sends Enter right after the code, before the field has parsed it: parse the text now.
              const text = (e.target as HTMLInputElement).value ?? '';
              if (text.trim() === '') return;
              parseScan(text).then(
                (code) => void addScanned(code),
                () => undefined, // the field itself shows why the code is not valid
              );
            }}
          >
            <div style={{ flex: 1, minWidth: 0 }}>
              <IdentifierInput key={scanField} id="recall-scan" want="lot" onChange={setScanned} />
            </div>
            <Button onClick={() => void addScanned(scanned)} disabled={!scanned?.gtin}>
              {t('scanner.addLot')}
            </Button>
          </div>
        </Form.Item>
        <Form.Item
          name="lots"
          label={t('recalls.lots')}
          extra={t('recalls.lotsHelp')}
          rules={[{ required: true, message: t('record.requiredField', { field: t('recalls.lots') }) }]}
        >
          <Input.TextArea rows={3} />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('recalls.reason')}
          rules={[{ required: true, message: t('record.requiredField', { field: t('recalls.reason') }) }]}
        >
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Form.Item name="severity" label={t('recalls.severity')}>
          <Select
            options={(['high', 'medium', 'low'] as const).map((s) => ({ value: s, label: t(`recalls.severity.${s}`) }))}
          />
        </Form.Item>
        <Form.Item name="mock" valuePropName="checked">
          <Checkbox>{t('recalls.openMock')}</Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The stopwatch: each step of the recall with the time it took; an open recall keeps counting. */
function Stopwatch({ recall }: { recall: Recall }) {
  const { t } = useI18n();
  const [now, setNow] = useState(() => Date.now());
  const running = recall.status === 'open';
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [running]);
  const total = running ? now - new Date(recall.openedAt).getTime() : recall.timings.totalMs;
  return (
    <Card size="small" title={t('recalls.stopwatch')}>
      <Typography.Title level={3} style={{ marginTop: 0 }} aria-live="off" data-testid="stopwatch-total">
        {t('recalls.total')}: {formatDuration(total)}
      </Typography.Title>
      <Timeline
        items={recall.timings.steps.map((s) => ({
          color: s.at ? 'green' : 'gray',
          content: (
            <span>
              <strong>{t(`recalls.step.${s.step}` as MessageKey)}</strong>
              {' — '}
              {s.at
                ? `${dayjs(s.at).format('DD/MM/YYYY HH:mm:ss')}${s.durationMs !== null ? ` (+${formatDuration(s.durationMs)})` : ''}`
                : t('recalls.notReached')}
            </span>
          ),
        }))}
      />
    </Card>
  );
}

function RecallDetail({ id }: { id: string }) {
  const { t, language } = useI18n();
  const { me, can, province } = useSession();
  const resource = useResource<Recall>(`/api/recalls/${encodeURIComponent(id)}`);
  const [error, setError] = useState<unknown>();
  const act = async (path: string, body: unknown = {}) => {
    setError(undefined);
    try {
      await api(path, { method: 'POST', body });
      resource.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Loadable resource={resource}>
      {(recall) => {
        const mine = recall.acknowledgements.find((a) => a.organisationId === me.organisationId);
        const names = new Map(recall.impact.organisations.map((o) => [o.id, o.name]));
        return (
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            {error !== undefined && <ProblemAlert error={error} />}
            <Descriptions
              bordered
              size="small"
              column={{ xs: 1, md: 2 }}
              items={[
                { key: 'reason', label: t('recalls.reason'), children: recall.reason },
                {
                  key: 'status',
                  label: t('common.status'),
                  children: (
                    <Space>
                      <Tag color={recall.status === 'open' ? 'red' : 'default'}>
                        {recall.status === 'open' ? t('recalls.status.open') : t('recalls.status.closed')}
                      </Tag>
                      {recall.mock && <Tag color="blue">{t('recalls.mock')}</Tag>}
                    </Space>
                  ),
                },
                { key: 'severity', label: t('recalls.severity'), children: t(`recalls.severity.${recall.severity}`) },
                {
                  key: 'opened',
                  label: t('recalls.openedAt'),
                  children: dayjs(recall.openedAt).format('DD/MM/YYYY HH:mm:ss'),
                },
                { key: 'lots', label: t('recalls.lots'), children: recall.lots.map(lotText).join(', ') },
                {
                  key: 'impact',
                  label: t('recalls.impact'),
                  children: `${t('recalls.impactLots', { count: recall.impact.lots.length })} · ${t('recalls.impactOrganisations', { count: recall.impact.organisations.length })}`,
                },
              ]}
            />
            <Space wrap>
              <a
                href={`/api/recalls/${encodeURIComponent(recall.id)}/report.pdf?lang=${language}`}
                target="_blank"
                rel="noreferrer"
              >
                <Button>{t('recalls.report')}</Button>
              </a>
              <a href={`/api/recalls/${encodeURIComponent(recall.id)}/export.xlsx`}>
                <Button>{t('recalls.spreadsheet')}</Button>
              </a>
              {mine && !mine.acknowledgedAt && (
                <Button onClick={() => void act(`/api/recalls/${encodeURIComponent(recall.id)}/acknowledgements`)}>
                  {t('recalls.acknowledge')}
                </Button>
              )}
              {recall.status === 'open' &&
                (province || (can('recall:manage') && recall.organisationId === me.organisationId)) && (
                  <Button danger onClick={() => void act(`/api/recalls/${encodeURIComponent(recall.id)}/close`)}>
                    {t('recalls.close')}
                  </Button>
                )}
            </Space>
            <Stopwatch recall={recall} />
            <Card size="small" title={t('recalls.impact')}>
              <Table
                rowKey="identifier"
                size="small"
                scroll={{ x: true }}
                pagination={false}
                dataSource={recall.impact.lots}
                columns={[
                  {
                    title: t('shipments.lot'),
                    dataIndex: 'identifier',
                    render: (i: string) => {
                      const path = lotPath(i);
                      return path ? <Link to={path}>{lotText(i)}</Link> : lotText(i);
                    },
                  },
                  { title: t('shipments.product'), dataIndex: 'productName' },
                  {
                    title: t('nav.organisations'),
                    key: 'orgs',
                    render: (_, l) => l.organisations.map((o) => o.name).join(', '),
                  },
                ]}
              />
            </Card>
            <Card size="small" title={t('recalls.acknowledgements')}>
              <Table
                rowKey="organisationId"
                size="small"
                pagination={false}
                dataSource={recall.acknowledgements}
                locale={{ emptyText: <EmptyState text="—" /> }}
                columns={[
                  {
                    title: t('common.name'),
                    key: 'org',
                    render: (_, a) => names.get(a.organisationId) ?? a.organisationId,
                  },
                  {
                    title: t('common.status'),
                    key: 'ack',
                    render: (_, a) =>
                      a.acknowledgedAt ? (
                        <Tag color="green">
                          {t('recalls.acknowledged')} {dayjs(a.acknowledgedAt).format('DD/MM HH:mm')}
                        </Tag>
                      ) : (
                        <Tag color="gold">{t('recalls.notReached')}</Tag>
                      ),
                  },
                ]}
              />
            </Card>
          </Space>
        );
      }}
    </Loadable>
  );
}

export function RecallsPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const { id } = useParams();
  const [opening, setOpening] = useState(false);
  const recalls = useResource<Recall[]>(id ? null : '/api/recalls');

  if (id)
    return (
      <>
        <Typography.Title level={2} className="page-title">
          <Link to="/recalls">{t('recalls.title')}</Link> / {id.slice(0, 8)}
        </Typography.Title>
        <RecallDetail id={id} />
      </>
    );

  return (
    <>
      <Typography.Title level={2} className="page-title">
        {t('recalls.title')}
      </Typography.Title>
      <div className="toolbar">
        <span className="grow" />
        {can('recall:manage') && (
          <Button type="primary" danger onClick={() => setOpening(true)}>
            {t('recalls.open')}
          </Button>
        )}
      </div>
      {recalls.error && <ProblemAlert error={recalls.error} onRetry={recalls.reload} />}
      <Table<Recall>
        rowKey="id"
        loading={recalls.loading}
        dataSource={recalls.data ?? []}
        scroll={{ x: true }}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: <EmptyState text={t('recalls.empty')} /> }}
        columns={[
          {
            title: t('recalls.openedAt'),
            dataIndex: 'openedAt',
            render: (d: string, r) => (
              <Link to={`/recalls/${encodeURIComponent(r.id)}`}>{dayjs(d).format('DD/MM/YYYY HH:mm')}</Link>
            ),
          },
          { title: t('recalls.reason'), dataIndex: 'reason' },
          {
            title: t('recalls.lots'),
            key: 'lots',
            responsive: ['md'],
            render: (_, r) => r.lots.map(lotText).join(', '),
          },
          {
            title: t('common.status'),
            key: 'status',
            render: (_, r) => (
              <Space wrap>
                <Tag color={r.status === 'open' ? 'red' : 'default'}>
                  {r.status === 'open' ? t('recalls.status.open') : t('recalls.status.closed')}
                </Tag>
                <Tag color={r.mock ? 'blue' : 'magenta'}>{r.mock ? t('recalls.mock') : t('recalls.real')}</Tag>
              </Space>
            ),
          },
          {
            title: t('recalls.total'),
            key: 'total',
            responsive: ['sm'],
            render: (_, r) => formatDuration(r.timings.totalMs),
          },
        ]}
      />
      <OpenRecall open={opening} onClose={() => setOpening(false)} />
    </>
  );
}
