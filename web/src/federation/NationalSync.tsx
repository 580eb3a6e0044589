import {
  App,
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Row,
  Select,
  Space,
  Statistic,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState, type Key } from 'react';
import { api, query } from '../api.ts';
import { EmptyState, ProblemAlert } from '../components/feedback.tsx';
import { useResource } from '../hooks.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import type { Organisation, PageOf } from '../types.ts';
import { useReloadOn, when } from './format.ts';
import type { Enrolment, NationalHealth, RecordKind, SyncLogEntry, SyncRecord, SyncStatus } from './types.ts';

const BASE = '/api/federation/national';
const KINDS: readonly RecordKind[] = ['organisation', 'product', 'chain', 'event'];
const STATUSES: readonly SyncStatus[] = ['pending', 'sent', 'failed'];
/** Records fetched per status to count them per organisation (the API counts per record type only). */
const COUNT_WINDOW = 200;
const STATUS_COLOUR: Record<string, string> = { pending: 'gold', sent: 'green', failed: 'red', retry: 'orange' };

function useLabels() {
  const { t } = useI18n();
  return {
    kind: (k: string) => (KINDS.includes(k as RecordKind) ? t(`federation.kind.${k}` as MessageKey) : k),
    status: (s: string) => (STATUSES.includes(s as SyncStatus) ? t(`federation.status.${s}` as MessageKey) : s),
    outcome: (o: string) =>
      ['sent', 'retry', 'failed', 'waiting'].includes(o) ? t(`federation.outcome.${o}` as MessageKey) : o,
  };
}

/** What happened to one record and what to do about it, in the portal's words and in ours. */
function Explanation({ item }: { item: SyncRecord | SyncLogEntry }) {
  const { t } = useI18n();
  if (!item.explanation && !item.fix && !item.detail && !item.code) return null;
  return (
    <Descriptions size="small" column={1} bordered>
      {item.explanation && (
        <Descriptions.Item label={t('federation.national.explanation')}>{item.explanation}</Descriptions.Item>
      )}
      {item.fix && <Descriptions.Item label={t('federation.national.fix')}>{item.fix}</Descriptions.Item>}
      {(item.detail || item.code) && (
        <Descriptions.Item label={t('federation.national.portalSaid')}>
          <Typography.Text code>
            {[item.httpStatus, item.code].filter((v) => v !== null && v !== undefined).join(' ')}
          </Typography.Text>{' '}
          {item.detail}
        </Descriptions.Item>
      )}
    </Descriptions>
  );
}

/** Every attempt at sending one record, newest first. */
function RecordLog({ record }: { record: SyncRecord }) {
  const { t } = useI18n();
  const labels = useLabels();
  const log = useResource<PageOf<SyncLogEntry>>(`${BASE}/log${query({ recordId: record.id, limit: 50 })}`);
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="sync-log">
      <Typography.Text strong>{t('federation.national.log')}</Typography.Text>
      {record.status !== 'sent' && <Explanation item={record} />}
      {log.error && <ProblemAlert error={log.error} onRetry={log.reload} />}
      <Table<SyncLogEntry>
        rowKey="id"
        size="small"
        loading={log.loading}
        pagination={false}
        dataSource={log.data?.items ?? []}
        scroll={{ x: true }}
        locale={{ emptyText: <EmptyState text={t('federation.national.noLog')} /> }}
        columns={[
          { title: t('audit.at'), dataIndex: 'at', render: (v: string) => when(v, '—'), width: 150 },
          {
            title: '#',
            dataIndex: 'attempt',
            width: 90,
            render: (a: number) => t('federation.national.attempt', { attempt: a }),
          },
          {
            title: t('common.status'),
            dataIndex: 'outcome',
            width: 110,
            render: (o: string) => <Tag color={STATUS_COLOUR[o] ?? 'default'}>{labels.outcome(o)}</Tag>,
          },
          {
            title: t('federation.national.explanation'),
            key: 'explanation',
            render: (_, entry) => <Explanation item={entry} />,
          },
        ]}
      />
    </Space>
  );
}

function HealthSummary({ health }: { health: NationalHealth }) {
  const { t } = useI18n();
  const labels = useLabels();
  const never = t('federation.never');
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {!health.configured && <Alert type="warning" showIcon title={t('federation.national.notConfigured')} />}
      {health.pausedUntil && (
        <Alert type="info" showIcon title={t('federation.national.paused', { time: when(health.pausedUntil, '') })} />
      )}
      <Row gutter={[12, 12]}>
        <Col xs={8} md={4}>
          <Card size="small">
            <Statistic title={t('federation.national.pending')} value={health.totals.pending} />
          </Card>
        </Col>
        <Col xs={8} md={4}>
          <Card size="small">
            <Statistic title={t('federation.national.sent')} value={health.totals.sent} />
          </Card>
        </Col>
        <Col xs={8} md={4}>
          <Card size="small">
            <Statistic
              title={t('federation.national.failed')}
              value={health.totals.failed}
              styles={{ content: health.totals.failed > 0 ? { color: '#cf1322' } : {} }}
            />
          </Card>
        </Col>
        <Col xs={12} md={4}>
          <Card size="small">
            <Statistic title={t('federation.national.lastSuccess')} value={when(health.lastSuccessAt, never)} />
          </Card>
        </Col>
        <Col xs={12} md={4}>
          <Card size="small">
            <Statistic title={t('federation.national.oldestPending')} value={when(health.oldestPendingAt, '—')} />
          </Card>
        </Col>
        <Col xs={12} md={4}>
          <Card size="small">
            <Statistic title={t('federation.national.enrolled')} value={health.enrolledOrganisations} />
          </Card>
        </Col>
      </Row>
      {health.lastError && (
        <Alert
          type="error"
          showIcon
          title={t('federation.national.lastError', {
            kind: labels.kind(health.lastError.recordKind),
            key: health.lastError.recordKey,
            text: [health.lastError.code, health.lastError.detail].filter(Boolean).join(': '),
          })}
        />
      )}
      <Card size="small" title={t('federation.national.byKind')}>
        <Table
          rowKey="kind"
          size="small"
          pagination={false}
          dataSource={[...health.kinds]}
          columns={[
            { title: t('federation.national.kind'), dataIndex: 'kind', render: (k: string) => labels.kind(k) },
            { title: t('federation.national.pending'), dataIndex: 'pending' },
            { title: t('federation.national.sent'), dataIndex: 'sent' },
            { title: t('federation.national.failed'), dataIndex: 'failed' },
          ]}
        />
      </Card>
    </Space>
  );
}

type Counts = Record<SyncStatus, number>;

/** Enrolled organisations with their counts; the province enrols, withdraws and starts a sync. */
function Organisations({ onChanged, generation }: { onChanged: () => void; generation: number }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { province } = useSession();
  const enrolments = useResource<Enrolment[]>(`${BASE}/enrolments`);
  const pending = useResource<PageOf<SyncRecord>>(`${BASE}/records?status=pending&limit=${COUNT_WINDOW}`);
  const sent = useResource<PageOf<SyncRecord>>(`${BASE}/records?status=sent&limit=${COUNT_WINDOW}`);
  const failed = useResource<PageOf<SyncRecord>>(`${BASE}/records?status=failed&limit=${COUNT_WINDOW}`);
  useReloadOn(generation, enrolments.reload, pending.reload, sent.reload, failed.reload);
  const [search, setSearch] = useState('');
  const candidates = useResource<PageOf<Organisation>>(
    province ? `/api/organisations${query({ q: search, status: 'active', limit: 20, sort: 'name' })}` : null,
  );
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<string>();

  const counts = useMemo(() => {
    const byOrg = new Map<string, Counts>();
    for (const [status, page] of [
      ['pending', pending.data],
      ['sent', sent.data],
      ['failed', failed.data],
    ] as const)
      for (const r of page?.items ?? []) {
        const c = byOrg.get(r.organisationId) ?? { pending: 0, sent: 0, failed: 0 };
        c[status] += 1;
        byOrg.set(r.organisationId, c);
      }
    return byOrg;
  }, [pending.data, sent.data, failed.data]);
  const windowed = [pending.data, sent.data, failed.data].some((p) => p !== undefined && p.total > p.items.length);

  const act = async (key: string, action: () => Promise<void>) => {
    setError(undefined);
    setBusy(key);
    try {
      await action();
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  };
  const enrol = (organisationId: string, enabled: boolean) =>
    act(`enrol:${organisationId}`, async () => {
      await api(`${BASE}/enrolments/${encodeURIComponent(organisationId)}`, { method: 'PUT', body: { enabled } });
      void message.success(t('federation.national.enrolmentSaved'));
    });
  const resync = (organisationId?: string) =>
    act(`sync:${organisationId ?? '*'}`, async () => {
      const r = await api<{ queued: number; invalid: number }>(`${BASE}/resync`, {
        method: 'POST',
        body: organisationId ? { organisationId } : {},
      });
      void message.success(t('federation.national.queued', r));
    });

  return (
    <Card
      size="small"
      title={t('federation.national.byOrganisation')}
      extra={
        province ? (
          <Button size="small" loading={busy === 'sync:*'} onClick={() => void resync()}>
            {t('federation.national.syncAll')}
          </Button>
        ) : undefined
      }
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        {error !== undefined && <ProblemAlert error={error} />}
        {enrolments.error && <ProblemAlert error={enrolments.error} onRetry={enrolments.reload} />}
        {province && (
          <Select
            showSearch={{ filterOption: false, onSearch: setSearch }}
            style={{ width: '100%', maxWidth: 420 }}
            placeholder={t('federation.national.enrol')}
            aria-label={t('federation.national.enrol')}
            value={null}
            options={(candidates.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))}
            onChange={(id: string | null) => {
              if (id) void enrol(id, true);
            }}
          />
        )}
        <Table<Enrolment>
          rowKey="organisationId"
          size="small"
          loading={enrolments.loading}
          pagination={false}
          dataSource={enrolments.data ?? []}
          scroll={{ x: true }}
          locale={{ emptyText: <EmptyState text={t('federation.national.noEnrolments')} /> }}
          columns={[
            { title: t('federation.national.organisation'), dataIndex: 'organisationName' },
            {
              title: t('federation.national.portalStatus'),
              dataIndex: 'portalStatus',
              responsive: ['md'],
              render: (s: string | null) => s ?? '—',
            },
            {
              title: t('federation.national.pending'),
              key: 'pending',
              render: (_, e) => counts.get(e.organisationId)?.pending ?? 0,
            },
            {
              title: t('federation.national.sent'),
              key: 'sent',
              render: (_, e) => counts.get(e.organisationId)?.sent ?? 0,
            },
            {
              title: t('federation.national.failed'),
              key: 'failed',
              render: (_, e) => counts.get(e.organisationId)?.failed ?? 0,
            },
            {
              title: t('federation.national.enabled'),
              dataIndex: 'enabled',
              render: (enabled: boolean, e) => (
                <Switch
                  checked={enabled}
                  disabled={!province}
                  loading={busy === `enrol:${e.organisationId}`}
                  aria-label={`${t('federation.national.enabled')}: ${e.organisationName}`}
                  onChange={(v) => void enrol(e.organisationId, v)}
                />
              ),
            },
            ...(province
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    render: (_: unknown, e: Enrolment) => (
                      <Button
                        size="small"
                        disabled={!e.enabled}
                        loading={busy === `sync:${e.organisationId}`}
                        onClick={() => void resync(e.organisationId)}
                      >
                        {t('federation.national.syncNow')}
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
        {windowed && (
          <Typography.Text type="secondary">
            {t('federation.national.byOrganisationNote', { count: COUNT_WINDOW })}
          </Typography.Text>
        )}
      </Space>
    </Card>
  );
}

function Records({ onChanged, generation }: { onChanged: () => void; generation: number }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { province } = useSession();
  const labels = useLabels();
  const [status, setStatus] = useState<SyncStatus>();
  const [kind, setKind] = useState<RecordKind>();
  const [page, setPage] = useState(1);
  const [expanded, setExpanded] = useState<readonly Key[]>([]);
  const [error, setError] = useState<unknown>();
  const pageSize = 20;
  const records = useResource<PageOf<SyncRecord>>(
    `${BASE}/records${query({ status, recordKind: kind, limit: pageSize, offset: (page - 1) * pageSize })}`,
  );
  useReloadOn(generation, records.reload);
  const retry = async (id: string) => {
    setError(undefined);
    try {
      await api(`${BASE}/records/${encodeURIComponent(id)}/retry`, { method: 'POST' });
      void message.success(t('federation.national.retried'));
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  const toggle = (id: string) =>
    setExpanded((keys) => (keys.includes(id) ? keys.filter((k) => k !== id) : [...keys, id]));

  return (
    <Card size="small" title={t('federation.national.records')} data-testid="sync-records">
      <div className="toolbar">
        <Select<SyncStatus | 'all'>
          value={status ?? 'all'}
          style={{ minWidth: 160 }}
          aria-label={t('common.status')}
          onChange={(v) => {
            setStatus(v === 'all' ? undefined : v);
            setPage(1);
          }}
          options={[
            { value: 'all', label: t('federation.national.allStatuses') },
            ...STATUSES.map((s) => ({ value: s, label: labels.status(s) })),
          ]}
        />
        <Select<RecordKind | 'all'>
          value={kind ?? 'all'}
          style={{ minWidth: 160 }}
          aria-label={t('federation.national.kind')}
          onChange={(v) => {
            setKind(v === 'all' ? undefined : v);
            setPage(1);
          }}
          options={[
            { value: 'all', label: t('federation.national.allKinds') },
            ...KINDS.map((k) => ({ value: k, label: labels.kind(k) })),
          ]}
        />
      </div>
      {error !== undefined && <ProblemAlert error={error} />}
      {records.error && <ProblemAlert error={records.error} onRetry={records.reload} />}
      <Table<SyncRecord>
        rowKey="id"
        size="small"
        loading={records.loading}
        dataSource={records.data?.items ?? []}
        scroll={{ x: true }}
        locale={{ emptyText: <EmptyState text={t('federation.national.noRecords')} /> }}
        expandable={{
          expandedRowKeys: [...expanded],
          onExpandedRowsChange: (keys) => setExpanded(keys),
          expandedRowRender: (r) => <RecordLog record={r} />,
        }}
        pagination={{
          current: page,
          pageSize,
          total: records.data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
          showTotal: (total) => t('common.total', { count: total }),
        }}
        columns={[
          { title: t('federation.national.organisation'), dataIndex: 'organisationName', responsive: ['md'] },
          {
            title: t('federation.national.key'),
            key: 'key',
            render: (_, r) => (
              <span>
                {labels.kind(r.recordKind)}{' '}
                <Typography.Text code ellipsis={{ tooltip: r.recordKey }} style={{ maxWidth: 220 }}>
                  {r.recordKey}
                </Typography.Text>
              </span>
            ),
          },
          {
            title: t('common.status'),
            dataIndex: 'status',
            render: (s: string) => <Tag color={STATUS_COLOUR[s] ?? 'default'}>{labels.status(s)}</Tag>,
          },
          { title: t('federation.national.attempts'), dataIndex: 'attempts', responsive: ['lg'] },
          {
            title: t('federation.national.lastAttempt'),
            dataIndex: 'lastAttemptAt',
            responsive: ['lg'],
            render: (v: string | null) => when(v, '—'),
          },
          {
            title: t('federation.national.explanation'),
            key: 'explanation',
            responsive: ['md'],
            render: (_, r) => (r.status === 'sent' ? (r.portalRef ?? '') : (r.explanation ?? '')),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, r) => (
              <Space wrap>
                <Button size="small" onClick={() => toggle(r.id)}>
                  {t('federation.national.showLog')}
                </Button>
                {province && r.status === 'failed' && (
                  <Button size="small" onClick={() => void retry(r.id)}>
                    {t('federation.national.retry')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}

/** Sync to the National Traceability Portal: health, organisations, and the per-record log with its explanation. */
export function NationalSync() {
  const { t } = useI18n();
  // Every change (enrolment, resync, retry) reloads the three parts together.
  const [generation, setGeneration] = useState(0);
  const health = useResource<NationalHealth>(`${BASE}/health`);
  useReloadOn(generation, health.reload);
  const changed = () => setGeneration((g) => g + 1);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <div className="toolbar" style={{ marginBottom: 0 }}>
        <span className="grow" />
        <Button onClick={changed}>{t('federation.refresh')}</Button>
      </div>
      {health.error && <ProblemAlert error={health.error} onRetry={health.reload} />}
      {health.data && <HealthSummary health={health.data} />}
      <Organisations onChanged={changed} generation={generation} />
      <Records onChanged={changed} generation={generation} />
    </Space>
  );
}
