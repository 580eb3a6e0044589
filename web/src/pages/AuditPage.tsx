import {
  AutoComplete,
  Button,
  DatePicker,
  Descriptions,
  Input,
  Result,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { api, ApiError, query } from '../api.ts';
import { EmptyState, ProblemAlert } from '../components/feedback.tsx';
import { Page, PageTabs } from '../components/Page.tsx';
import { when } from '../federation/format.ts';
import { useResource } from '../hooks.ts';
import { useI18n } from '../i18n/index.tsx';
import type { Organisation, PageOf } from '../types.ts';

interface AuditEntry {
  readonly seq: string;
  readonly at: string;
  readonly actor: {
    kind: string;
    userId: string | null;
    apiKeyId: string | null;
    organisationId: string | null;
    detail: string | null;
  };
  readonly action: string;
  readonly objectType: string;
  readonly objectId: string;
  readonly organisationId: string | null;
  readonly detail: Record<string, unknown>;
  readonly prevHash: string;
  readonly hash: string;
}

interface Digest {
  readonly date: string;
  readonly entries: number;
  readonly digest: string;
  readonly chainHash: string;
}

interface Verification {
  readonly ok: boolean;
  readonly entries: number;
  readonly headSeq: string;
  readonly headHash: string;
  readonly firstBroken?: { seq: string; reason: string; messageKey: string };
}

/** Object types the log records most; any other can still be typed. */
const OBJECT_TYPES = [
  'organisation',
  'user',
  'api_key',
  'delegation',
  'product',
  'location',
  'standard',
  'recall',
  'stamp_batch',
  'epcis_event',
  'connector',
  'remote_node',
  'login',
  'import',
];
const PAGE = 50;
const short = (hash: string) => `${hash.slice(0, 12)}…`;

/** Organisations by id, for the filter and to name the organisation of each entry. */
function useOrganisations(search: string) {
  return useResource<PageOf<Organisation>>(`/api/organisations${query({ q: search, limit: 100, sort: 'name' })}`);
}

function Entries() {
  const { t } = useI18n();
  const [search, setSearch] = useState('');
  const organisations = useOrganisations(search);
  const [names, setNames] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    const items = organisations.data?.items;
    if (items) setNames((m) => new Map([...m, ...items.map((o) => [o.id, o.name] as const)]));
  }, [organisations.data]);
  const [organisationId, setOrganisationId] = useState<string>();
  const [objectType, setObjectType] = useState('');
  const [action, setAction] = useState('');
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>();

  const load = async (before: string | null) => {
    setError(undefined);
    setLoading(true);
    try {
      const page = await api<{ items: AuditEntry[]; nextBefore: string | null }>(
        `/api/audit/entries${query({
          organisationId,
          objectType: objectType.trim(),
          action: action.trim(),
          from: range?.[0]?.startOf('day').toISOString(),
          to: range?.[1]?.endOf('day').toISOString(),
          before,
          limit: PAGE,
        })}`,
      );
      setItems((previous) => (before === null ? page.items : [...previous, ...page.items]));
      setNext(page.nextBefore);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };
  // The first page when the screen opens; later ones when the user filters or asks for more.
  useEffect(() => {
    void load(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <>
      <div className="toolbar">
        <Select
          allowClear
          showSearch={{ filterOption: false, onSearch: setSearch }}
          style={{ minWidth: 220 }}
          placeholder={t('audit.organisation')}
          aria-label={t('audit.organisation')}
          value={organisationId}
          onChange={(v: string | undefined) => setOrganisationId(v)}
          options={(organisations.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))}
        />
        <AutoComplete
          style={{ minWidth: 180 }}
          placeholder={t('audit.objectType')}
          aria-label={t('audit.objectType')}
          value={objectType}
          onChange={setObjectType}
          options={OBJECT_TYPES.filter((o) => o.includes(objectType)).map((o) => ({ value: o }))}
        />
        <Input
          style={{ width: 180 }}
          placeholder={t('audit.action')}
          aria-label={t('audit.action')}
          value={action}
          onChange={(e) => setAction(e.target.value)}
        />
        <DatePicker.RangePicker
          format="DD/MM/YYYY"
          value={range}
          onChange={(v) => setRange(v)}
          aria-label={t('audit.dates')}
        />
        <Button type="primary" onClick={() => void load(null)} loading={loading}>
          {t('audit.filter')}
        </Button>
      </div>
      {error !== undefined && <ProblemAlert error={error} onRetry={() => void load(null)} />}
      <Table<AuditEntry>
        rowKey="seq"
        size="small"
        loading={loading && items.length === 0}
        dataSource={items}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: <EmptyState text={t('audit.empty')} /> }}
        expandable={{
          expandedRowRender: (e) => (
            <Descriptions size="small" column={1} bordered>
              <Descriptions.Item label={t('audit.actor')}>
                {[e.actor.kind, e.actor.userId, e.actor.apiKeyId, e.actor.detail].filter(Boolean).join(' · ')}
              </Descriptions.Item>
              <Descriptions.Item label={t('audit.detail')}>
                <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                  {JSON.stringify(e.detail, null, 2)}
                </pre>
              </Descriptions.Item>
              <Descriptions.Item label="prevHash">
                <Typography.Text code copyable>
                  {e.prevHash}
                </Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t('audit.hash')}>
                <Typography.Text code copyable>
                  {e.hash}
                </Typography.Text>
              </Descriptions.Item>
            </Descriptions>
          ),
        }}
        columns={[
          { title: '#', dataIndex: 'seq', width: 70 },
          { title: t('audit.at'), dataIndex: 'at', render: (v: string) => when(v, '—') },
          { title: t('audit.action'), dataIndex: 'action', render: (v: string) => <Tag>{v}</Tag> },
          {
            title: t('audit.object'),
            key: 'object',
            render: (_, e) => (
              <span>
                {e.objectType} <Typography.Text type="secondary">{e.objectId.slice(0, 36)}</Typography.Text>
              </span>
            ),
          },
          {
            title: t('audit.organisation'),
            dataIndex: 'organisationId',
            responsive: ['md'],
            render: (id: string | null) => (id ? (names.get(id) ?? id.slice(0, 8)) : '—'),
          },
          {
            title: t('audit.actor'),
            key: 'actor',
            responsive: ['lg'],
            render: (_, e) => e.actor.kind,
          },
          {
            title: t('audit.hash'),
            dataIndex: 'hash',
            responsive: ['lg'],
            render: (h: string) => <Typography.Text code>{short(h)}</Typography.Text>,
          },
        ]}
      />
      {next !== null && (
        <Button style={{ marginTop: 12 }} loading={loading} onClick={() => void load(next)}>
          {t('audit.more')}
        </Button>
      )}
    </>
  );
}

function Digests() {
  const { t } = useI18n();
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().subtract(6, 'day'), dayjs()]);
  const digests = useResource<Digest[]>(
    `/api/audit/digests${query({ from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') })}`,
  );
  return (
    <>
      <Typography.Paragraph type="secondary">{t('audit.digests.intro')}</Typography.Paragraph>
      <div className="toolbar">
        <DatePicker.RangePicker
          format="DD/MM/YYYY"
          allowClear={false}
          value={range}
          aria-label={t('audit.dates')}
          onChange={(v) => {
            if (v?.[0] && v[1]) setRange([v[0], v[1]]);
          }}
        />
      </div>
      {digests.error && <ProblemAlert error={digests.error} onRetry={digests.reload} />}
      <Table<Digest>
        rowKey="date"
        size="small"
        loading={digests.loading}
        dataSource={[...(digests.data ?? [])].reverse()}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: <EmptyState text={t('audit.digests.empty')} /> }}
        columns={[
          {
            title: t('audit.digests.date'),
            dataIndex: 'date',
            render: (d: string) => d.split('-').reverse().join('/'),
          },
          { title: t('audit.digests.entries'), dataIndex: 'entries' },
          {
            title: t('audit.digests.digest'),
            dataIndex: 'digest',
            render: (d: string) => (
              <Typography.Text code copyable={{ text: d }} style={{ wordBreak: 'break-all' }}>
                {d}
              </Typography.Text>
            ),
          },
          {
            title: t('audit.digests.chainHash'),
            dataIndex: 'chainHash',
            responsive: ['lg'],
            render: (d: string) => (
              <Typography.Text code copyable={{ text: d }}>
                {short(d)}
              </Typography.Text>
            ),
          },
        ]}
      />
    </>
  );
}

function Verify() {
  const { t } = useI18n();
  const [result, setResult] = useState<Verification>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setError(undefined);
    setResult(undefined);
    setBusy(true);
    try {
      setResult(await api<Verification>('/api/audit/verification'));
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">{t('audit.verify.intro')}</Typography.Paragraph>
      <Button type="primary" loading={busy} onClick={() => void run()}>
        {t('audit.verify.run')}
      </Button>
      {error !== undefined && <ProblemAlert error={error} onRetry={() => void run()} />}
      {result &&
        (result.ok ? (
          <Result
            status="success"
            title={t('audit.verify.ok')}
            subTitle={t('audit.verify.okDetail', {
              entries: result.entries,
              seq: result.headSeq,
              hash: short(result.headHash),
            })}
          />
        ) : (
          <Result
            status="error"
            title={t('audit.verify.broken', { seq: result.firstBroken?.seq ?? '?' })}
            subTitle={t('audit.verify.brokenDetail', { reason: result.firstBroken?.reason ?? '' })}
          />
        ))}
    </Space>
  );
}

/** The province's audit log: browse entries, the daily digests to publish, and the chain verification. */
export function AuditPage() {
  const { t } = useI18n();
  return (
    <Page title={t('audit.title')} intro={t('audit.intro')}>
      <PageTabs
        items={[
          { key: 'entries', label: t('audit.tab.entries'), children: <Entries /> },
          { key: 'digests', label: t('audit.tab.digests'), children: <Digests /> },
          { key: 'verify', label: t('audit.tab.verify'), children: <Verify /> },
        ]}
      />
    </Page>
  );
}
