import {
  App,
  Button,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
  type FormInstance,
} from 'antd';
import { createContext, useContext, useState, type Key } from 'react';
import { api, ApiError, query } from '../api.ts';
import { EmptyState, ProblemAlert } from '../components/feedback.tsx';
import { useResource } from '../hooks.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import type { Organisation, PageOf } from '../types.ts';
import { percent, useReloadOn, when } from './format.ts';
import type { Connector, ConnectorRun } from './types.ts';

const BASE = '/api/federation/connectors';
/**
 * Moves on every change (a run, an edit): the run logs and error rates reload. A context, because the table keeps
 * its expanded rows and cells from re-rendering when only the parent's state changes.
 */
const RunsGeneration = createContext(0);

/** Runs the error rate of the list is computed over. */
const RATE_WINDOW = 20;

type CredentialKind = 'none' | 'bearer' | 'basic';

interface ConnectorForm {
  name: string;
  organisationId?: string;
  endpointUrl: string;
  queryText?: string;
  credentialKind: CredentialKind;
  token?: string;
  username?: string;
  password?: string;
  intervalMinutes: number;
  perPage?: number;
  enabled: boolean;
}

/** `NAME=value` lines into query parameters; throws the offending line. */
function parseQuery(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of (text ?? '').split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const at = line.indexOf('=');
    if (at <= 0) throw new Error(line);
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

/** An absolute http(s) address (whether it may be reached is the server's decision). */
function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The server's field names (`credential/token`, `body/intervalSeconds`) as the form's. */
function formField(field: string): keyof ConnectorForm | undefined {
  const [head, second] = field.replace(/^(body)?\//, '').split('/');
  const map: Partial<Record<string, keyof ConnectorForm>> = {
    name: 'name',
    endpointUrl: 'endpointUrl',
    query: 'queryText',
    intervalSeconds: 'intervalMinutes',
    perPage: 'perPage',
    organisationId: 'organisationId',
  };
  if (head === 'credential')
    return second === 'token' || second === 'username' || second === 'password' ? second : 'credentialKind';
  return head ? map[head] : undefined;
}

/** Puts field problems next to their fields; answers false when none could be placed. */
function placeErrors(form: FormInstance<ConnectorForm>, error: unknown): boolean {
  if (!(error instanceof ApiError) || error.fields.length === 0) return false;
  const byField = new Map<keyof ConnectorForm, string[]>();
  for (const f of error.fields) {
    const name = formField(f.field);
    if (name) byField.set(name, [...(byField.get(name) ?? []), f.message]);
  }
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  return byField.size > 0;
}

function ConnectorEditor({
  editing,
  onClose,
  onSaved,
}: {
  editing: Connector | 'new';
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { province } = useSession();
  const [form] = Form.useForm<ConnectorForm>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [search, setSearch] = useState('');
  const kind = Form.useWatch('credentialKind', form) ?? 'none';
  const existing = editing === 'new' ? undefined : editing;
  const organisations = useResource<PageOf<Organisation>>(
    province && !existing
      ? `/api/organisations${query({ q: search, status: 'active', limit: 20, sort: 'name' })}`
      : null,
  );
  const required = (field: MessageKey) => ({
    required: true,
    message: t('record.requiredField', { field: t(field) }),
  });

  const save = async (v: ConnectorForm) => {
    setError(undefined);
    let parsedQuery: Record<string, string>;
    try {
      parsedQuery = parseQuery(v.queryText);
    } catch (e) {
      form.setFields([
        { name: 'queryText', errors: [t('federation.connectors.queryInvalid', { line: (e as Error).message })] },
      ]);
      return;
    }
    const secretGiven = Boolean(v.token || v.username || v.password);
    const credentialChanged = !existing || v.credentialKind !== existing.credential.kind || secretGiven;
    const body = {
      name: v.name,
      endpointUrl: v.endpointUrl.trim(),
      query: parsedQuery,
      intervalSeconds: Math.round(v.intervalMinutes * 60),
      ...(v.perPage ? { perPage: v.perPage } : {}),
      enabled: v.enabled,
      ...(credentialChanged
        ? {
            credential:
              v.credentialKind === 'bearer'
                ? { kind: 'bearer', token: v.token ?? '' }
                : v.credentialKind === 'basic'
                  ? { kind: 'basic', username: v.username ?? '', password: v.password ?? '' }
                  : { kind: 'none' },
          }
        : {}),
      ...(!existing && v.organisationId ? { organisationId: v.organisationId } : {}),
    };
    setBusy(true);
    try {
      if (existing) await api(`${BASE}/${encodeURIComponent(existing.id)}`, { method: 'PATCH', body });
      else await api(BASE, { method: 'POST', body });
      void message.success(t('common.saved'));
      onSaved();
    } catch (e) {
      if (!placeErrors(form, e)) setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={existing ? t('federation.connectors.edit') : t('federation.connectors.create')}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      {error !== undefined && <ProblemAlert error={error} />}
      <Form<ConnectorForm>
        form={form}
        layout="vertical"
        name="connector"
        onFinish={(v) => void save(v)}
        initialValues={{
          name: existing?.name,
          endpointUrl: existing?.endpointUrl,
          queryText: Object.entries(existing?.query ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .join('\n'),
          credentialKind: (existing?.credential.kind as CredentialKind | undefined) ?? 'none',
          intervalMinutes: existing ? existing.intervalSeconds / 60 : 60,
          perPage: existing?.perPage ?? 100,
          enabled: existing?.enabled ?? true,
        }}
      >
        <Form.Item name="name" label={t('federation.connectors.name')} rules={[required('federation.connectors.name')]}>
          <Input maxLength={200} />
        </Form.Item>
        {province && !existing && (
          <Form.Item
            name="organisationId"
            label={t('federation.connectors.organisation')}
            rules={[required('federation.connectors.organisation')]}
          >
            <Select
              showSearch={{ filterOption: false, onSearch: setSearch }}
              options={(organisations.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))}
            />
          </Form.Item>
        )}
        <Form.Item
          name="endpointUrl"
          label={t('federation.connectors.endpoint')}
          extra={t('federation.connectors.endpointHelp')}
          rules={[
            required('federation.connectors.endpoint'),
            {
              validator: (_: unknown, v: string | undefined) =>
                !v || isHttpUrl(v)
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('federation.connectors.endpointInvalid'))),
            },
          ]}
        >
          <Input maxLength={2000} inputMode="url" />
        </Form.Item>
        <Form.Item
          name="queryText"
          label={t('federation.connectors.query')}
          extra={t('federation.connectors.queryHelp')}
        >
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item
          name="credentialKind"
          label={t('federation.connectors.credential')}
          extra={
            existing?.credential.stored
              ? t('federation.connectors.credentialStored', { kind: existing.credential.kind })
              : undefined
          }
        >
          <Select<CredentialKind>
            options={(['none', 'bearer', 'basic'] as const).map((k) => ({
              value: k,
              label: t(`federation.connectors.credential.${k}`),
            }))}
          />
        </Form.Item>
        {kind === 'bearer' && (
          <Form.Item
            name="token"
            label={t('federation.connectors.token')}
            rules={existing?.credential.kind === 'bearer' ? [] : [required('federation.connectors.token')]}
          >
            <Input.Password autoComplete="new-password" maxLength={4096} />
          </Form.Item>
        )}
        {kind === 'basic' && (
          <>
            <Form.Item
              name="username"
              label={t('federation.connectors.username')}
              rules={existing?.credential.kind === 'basic' ? [] : [required('federation.connectors.username')]}
            >
              <Input autoComplete="off" maxLength={200} />
            </Form.Item>
            <Form.Item name="password" label={t('federation.connectors.password')}>
              <Input.Password autoComplete="new-password" maxLength={1000} />
            </Form.Item>
          </>
        )}
        <Space wrap>
          <Form.Item
            name="intervalMinutes"
            label={t('federation.connectors.interval')}
            rules={[required('federation.connectors.interval')]}
          >
            <InputNumber min={1} max={10080} />
          </Form.Item>
          <Form.Item name="perPage" label={t('federation.connectors.perPage')}>
            <InputNumber min={1} max={1000} />
          </Form.Item>
          <Form.Item name="enabled" label={t('federation.connectors.enabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}

function RunStatus({ status }: { status: string }) {
  const { t } = useI18n();
  const colour: Record<string, string> = { ok: 'green', failed: 'red', running: 'blue' };
  const known = ['ok', 'failed', 'running'].includes(status);
  return (
    <Tag color={colour[status] ?? 'default'}>
      {known ? t(`federation.connectors.run.${status}` as MessageKey) : status}
    </Tag>
  );
}

/** The error rate over the latest runs (the list answers only the connector's state). */
function ErrorRate({ connector }: { connector: Connector }) {
  const { t } = useI18n();
  const generation = useContext(RunsGeneration);
  const runs = useResource<ConnectorRun[]>(`${BASE}/${encodeURIComponent(connector.id)}/runs?limit=${RATE_WINDOW}`);
  useReloadOn(generation, runs.reload);
  const finished = (runs.data ?? []).filter((r) => r.status !== 'running');
  if (finished.length === 0) return <>—</>;
  const failed = finished.filter((r) => r.status === 'failed').length;
  return (
    <>
      {t('federation.connectors.errorRateOf', {
        rate: percent(failed / finished.length),
        failed,
        runs: finished.length,
      })}
    </>
  );
}

function RunLog({ connector }: { connector: Connector }) {
  const { t } = useI18n();
  const generation = useContext(RunsGeneration);
  const runs = useResource<ConnectorRun[]>(`${BASE}/${encodeURIComponent(connector.id)}/runs?limit=50`);
  useReloadOn(generation, runs.reload);
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="connector-runs">
      <Typography.Text strong>{t('federation.connectors.runs')}</Typography.Text>
      {runs.error && <ProblemAlert error={runs.error} onRetry={runs.reload} />}
      <Table<ConnectorRun>
        rowKey="id"
        size="small"
        loading={runs.loading}
        pagination={false}
        dataSource={runs.data ?? []}
        scroll={{ x: true }}
        locale={{ emptyText: <EmptyState text={t('federation.connectors.noRuns')} /> }}
        columns={[
          { title: t('federation.connectors.started'), dataIndex: 'startedAt', render: (v: string) => when(v, '—') },
          {
            title: t('federation.connectors.trigger'),
            dataIndex: 'trigger',
            responsive: ['md'],
            render: (v: string) =>
              v === 'schedule' || v === 'manual' || v === 'webhook' ? t(`federation.connectors.trigger.${v}`) : v,
          },
          { title: t('common.status'), dataIndex: 'status', render: (s: string) => <RunStatus status={s} /> },
          { title: t('federation.connectors.pages'), dataIndex: 'pages', responsive: ['md'] },
          { title: t('federation.connectors.fetched'), dataIndex: 'fetched' },
          { title: t('federation.connectors.stored'), dataIndex: 'stored' },
          { title: t('federation.connectors.duplicates'), dataIndex: 'duplicates' },
          {
            title: t('federation.connectors.error'),
            key: 'error',
            render: (_, r) => (
              <>
                {r.error && <Typography.Text type="danger">{r.error}</Typography.Text>}
                {r.resumed && <Tag>{t('federation.connectors.resumed')}</Tag>}
                {(r.conflicts ?? 0) > 0 && (
                  <Tag color="orange">{t('federation.connectors.conflicts', { count: r.conflicts ?? 0 })}</Tag>
                )}
              </>
            ),
          },
        ]}
      />
    </Space>
  );
}

function ConnectorState({ connector }: { connector: Connector }) {
  const { t } = useI18n();
  const [colour, key]: [string, MessageKey] = !connector.enabled
    ? ['default', 'federation.connectors.state.paused']
    : connector.running
      ? ['blue', 'federation.connectors.state.running']
      : connector.consecutiveFailures > 0
        ? ['red', 'federation.connectors.state.failing']
        : connector.lastRunAt === null
          ? ['default', 'federation.connectors.state.new']
          : ['green', 'federation.connectors.state.ok'];
  return (
    <Space size={4} wrap>
      <Tag color={colour}>{t(key)}</Tag>
      {connector.mode !== undefined && <Tag>{connector.mode}</Tag>}
    </Space>
  );
}

/** Pull connectors: the business's own, every one for the province; create, edit, run now, pause, delete. */
export function Connectors() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { province, can } = useSession();
  const mayChange = can('epcis:capture');
  const list = useResource<Connector[]>(BASE);
  const [editing, setEditing] = useState<Connector | 'new'>();
  const [expanded, setExpanded] = useState<readonly Key[]>([]);
  const [generation, setGeneration] = useState(0);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<string>();
  const changed = () => {
    list.reload();
    setGeneration((g) => g + 1);
  };

  const act = async (key: string, action: () => Promise<void>) => {
    setError(undefined);
    setBusy(key);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
      changed();
    }
  };
  const runNow = (c: Connector) =>
    act(`run:${c.id}`, async () => {
      const run = await api<ConnectorRun>(`${BASE}/${encodeURIComponent(c.id)}/run`, { method: 'POST' });
      setExpanded((keys) => (keys.includes(c.id) ? keys : [...keys, c.id]));
      if (run.status === 'failed') void message.error(t('federation.connectors.runFailed', { error: run.error ?? '' }));
      else void message.success(t('federation.connectors.ran', { stored: run.stored, duplicates: run.duplicates }));
    });
  const setEnabled = (c: Connector, enabled: boolean) =>
    act(`pause:${c.id}`, async () => {
      await api(`${BASE}/${encodeURIComponent(c.id)}`, { method: 'PATCH', body: { enabled } });
    });
  const remove = (c: Connector) =>
    act(`delete:${c.id}`, async () => {
      await api(`${BASE}/${encodeURIComponent(c.id)}`, { method: 'DELETE' });
      void message.success(t('federation.connectors.deleted'));
    });

  return (
    <RunsGeneration.Provider value={generation}>
      <Typography.Paragraph type="secondary">{t('federation.connectors.intro')}</Typography.Paragraph>
      <div className="toolbar">
        <span className="grow" />
        <Button onClick={changed}>{t('federation.refresh')}</Button>
        {mayChange && (
          <Button type="primary" onClick={() => setEditing('new')}>
            {t('federation.connectors.create')}
          </Button>
        )}
      </div>
      {error !== undefined && <ProblemAlert error={error} />}
      {list.error && <ProblemAlert error={list.error} onRetry={list.reload} />}
      <Table<Connector>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data ?? []}
        scroll={{ x: true }}
        pagination={false}
        locale={{ emptyText: <EmptyState text={t('federation.connectors.empty')} /> }}
        expandable={{
          expandedRowKeys: [...expanded],
          onExpandedRowsChange: (keys) => setExpanded(keys),
          expandedRowRender: (c) => <RunLog connector={c} />,
        }}
        columns={[
          {
            title: t('federation.connectors.name'),
            key: 'name',
            render: (_, c) => (
              <Space orientation="vertical" size={0}>
                <strong>{c.name}</strong>
                <Typography.Text type="secondary" style={{ fontSize: 13, wordBreak: 'break-all' }}>
                  {c.endpointUrl}
                </Typography.Text>
              </Space>
            ),
          },
          ...(province
            ? [
                {
                  title: t('federation.connectors.organisation'),
                  dataIndex: 'organisationName',
                  responsive: ['md' as const],
                },
              ]
            : []),
          { title: t('common.status'), key: 'state', render: (_, c) => <ConnectorState connector={c} /> },
          {
            title: t('federation.connectors.lastRun'),
            key: 'lastRun',
            render: (_, c) => (
              <Space orientation="vertical" size={0}>
                {when(c.lastRunAt, t('federation.never'))}
                {c.lastError && (
                  <Typography.Text type="danger" style={{ fontSize: 13 }}>
                    {c.lastError}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          {
            title: t('federation.connectors.errorRate'),
            key: 'errorRate',
            responsive: ['md'],
            render: (_, c) => <ErrorRate connector={c} />,
          },
          ...(mayChange
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_: unknown, c: Connector) => (
                    <Space wrap>
                      <Button size="small" loading={busy === `run:${c.id}`} onClick={() => void runNow(c)}>
                        {t('federation.connectors.runNow')}
                      </Button>
                      <Button size="small" onClick={() => setEditing(c)}>
                        {t('federation.connectors.edit')}
                      </Button>
                      <Button
                        size="small"
                        loading={busy === `pause:${c.id}`}
                        onClick={() => void setEnabled(c, !c.enabled)}
                      >
                        {c.enabled ? t('federation.connectors.pause') : t('federation.connectors.resume')}
                      </Button>
                      <Popconfirm
                        title={t('federation.connectors.deleteConfirm')}
                        okText={t('federation.connectors.delete')}
                        cancelText={t('common.cancel')}
                        onConfirm={() => void remove(c)}
                      >
                        <Button size="small" danger loading={busy === `delete:${c.id}`}>
                          {t('federation.connectors.delete')}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      {editing !== undefined && (
        <ConnectorEditor
          editing={editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            changed();
          }}
        />
      )}
    </RunsGeneration.Provider>
  );
}
