import { App, Button, Form, Input, Modal, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, ApiError } from '../api.ts';
import { EmptyState, ProblemAlert } from '../components/feedback.tsx';
import { useResource } from '../hooks.ts';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import { when } from './format.ts';
import type { RemoteNode } from './types.ts';

const BASE = '/api/federation/nodes';

interface NodeForm {
  name: string;
  baseUrl: string;
  prefixes?: string;
  credentialKind: 'none' | 'bearer' | 'basic';
  token?: string;
  username?: string;
  password?: string;
}

function NodeEditor({ onClose, onSaved }: { onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<NodeForm>();
  const kind = Form.useWatch('credentialKind', form) ?? 'none';
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const save = async (v: NodeForm) => {
    setError(undefined);
    setBusy(true);
    try {
      await api(BASE, {
        method: 'POST',
        body: {
          name: v.name,
          baseUrl: v.baseUrl.trim(),
          companyPrefixes: (v.prefixes ?? '').split(/[\s,;]+/).filter((p) => p !== ''),
          credential:
            v.credentialKind === 'bearer'
              ? { kind: 'bearer', token: v.token ?? '' }
              : v.credentialKind === 'basic'
                ? { kind: 'basic', username: v.username ?? '', password: v.password ?? '' }
                : { kind: 'none' },
        },
      });
      onSaved();
    } catch (e) {
      if (e instanceof ApiError && e.fields.length > 0) {
        const names: Record<string, keyof NodeForm> = {
          name: 'name',
          baseUrl: 'baseUrl',
          companyPrefixes: 'prefixes',
          credential: 'credentialKind',
        };
        const placed = e.fields
          .map((f) => ({ name: names[f.field.replace(/^(body)?\//, '').split('/')[0] ?? ''], errors: [f.message] }))
          .filter((f): f is { name: keyof NodeForm; errors: string[] } => f.name !== undefined);
        form.setFields(placed);
        if (placed.length > 0) return;
      }
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const required = (label: string) => ({ required: true, message: t('record.requiredField', { field: label }) });
  return (
    <Modal
      open
      title={t('federation.nodes.create')}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      {error !== undefined && <ProblemAlert error={error} />}
      <Form<NodeForm>
        form={form}
        layout="vertical"
        name="node"
        initialValues={{ credentialKind: 'none' }}
        onFinish={(v) => void save(v)}
      >
        <Form.Item name="name" label={t('federation.nodes.name')} rules={[required(t('federation.nodes.name'))]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item
          name="baseUrl"
          label={t('federation.nodes.baseUrl')}
          rules={[required(t('federation.nodes.baseUrl'))]}
        >
          <Input maxLength={2000} inputMode="url" />
        </Form.Item>
        <Form.Item name="prefixes" label={t('federation.nodes.prefixes')} extra={t('federation.nodes.prefixesHelp')}>
          <Input />
        </Form.Item>
        <Form.Item name="credentialKind" label={t('federation.nodes.credential')}>
          <Select
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
            rules={[required(t('federation.connectors.token'))]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        )}
        {kind === 'basic' && (
          <>
            <Form.Item
              name="username"
              label={t('federation.connectors.username')}
              rules={[required(t('federation.connectors.username'))]}
            >
              <Input autoComplete="off" />
            </Form.Item>
            <Form.Item name="password" label={t('federation.connectors.password')}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}

/** Remote EPCIS nodes a cross-node trace asks, with whether their credentials are stored (province). */
export function Nodes() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const mayChange = can('province:write');
  const nodes = useResource<RemoteNode[]>(BASE);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<unknown>();
  const remove = async (id: string) => {
    setError(undefined);
    try {
      await api(`${BASE}/${encodeURIComponent(id)}`, { method: 'DELETE' });
      void message.success(t('federation.nodes.deleted'));
    } catch (e) {
      setError(e);
    }
    nodes.reload();
  };
  return (
    <>
      <Typography.Paragraph type="secondary">{t('federation.nodes.intro')}</Typography.Paragraph>
      {mayChange && (
        <div className="toolbar">
          <span className="grow" />
          <Button type="primary" onClick={() => setCreating(true)}>
            {t('federation.nodes.create')}
          </Button>
        </div>
      )}
      {error !== undefined && <ProblemAlert error={error} />}
      {nodes.error && <ProblemAlert error={nodes.error} onRetry={nodes.reload} />}
      <Table<RemoteNode>
        rowKey="id"
        loading={nodes.loading}
        dataSource={nodes.data ?? []}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: <EmptyState text={t('federation.nodes.empty')} /> }}
        columns={[
          {
            title: t('federation.nodes.name'),
            key: 'name',
            render: (_, n) => (
              <>
                <strong>{n.name}</strong>
                <br />
                <Typography.Text type="secondary" style={{ wordBreak: 'break-all' }}>
                  {n.baseUrl}
                </Typography.Text>
              </>
            ),
          },
          {
            title: t('federation.nodes.prefixes'),
            dataIndex: 'companyPrefixes',
            responsive: ['md'],
            render: (p: string[]) => p.map((x) => <Tag key={x}>{x}</Tag>),
          },
          {
            title: t('federation.nodes.credential'),
            dataIndex: 'credential',
            render: (c: RemoteNode['credential']) =>
              c.stored ? (
                <Tag color="green">{t('federation.nodes.credentialStored', { kind: c.kind })}</Tag>
              ) : (
                <Tag>{t('federation.nodes.credentialNone')}</Tag>
              ),
          },
          {
            title: t('federation.nodes.updated'),
            dataIndex: 'updatedAt',
            responsive: ['lg'],
            render: (v: string) => when(v, '—'),
          },
          ...(mayChange
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_: unknown, n: RemoteNode) => (
                    <Popconfirm
                      title={t('federation.nodes.deleteConfirm')}
                      okText={t('federation.connectors.delete')}
                      cancelText={t('common.cancel')}
                      onConfirm={() => void remove(n.id)}
                    >
                      <Button size="small" danger>
                        {t('federation.connectors.delete')}
                      </Button>
                    </Popconfirm>
                  ),
                },
              ]
            : []),
        ]}
      />
      {creating && (
        <NodeEditor
          onClose={() => setCreating(false)}
          onSaved={() => {
            setCreating(false);
            void message.success(t('common.saved'));
            nodes.reload();
          }}
        />
      )}
    </>
  );
}
