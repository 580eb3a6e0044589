import {
  App,
  Button,
  Checkbox,
  DatePicker,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, query } from '../api.ts';
import { EmptyState, Loadable, ProblemAlert } from '../components/feedback.tsx';
import { showFieldErrors } from '../components/forms.ts';
import { useResource } from '../hooks.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import type { ApiKey, Delegation, Location, ManagedUser, Organisation, PageOf, Product } from '../types.ts';

const dateTime = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' }) : '—';
/** A date picked on this device (an expiry) is shown on this device's calendar, as it was picked. */
const day = (iso: string | null | undefined) => (iso ? dayjs(iso).format('DD/MM/YYYY') : '—');

/** Rights an organisation may hand to a key; the server refuses any the caller does not hold itself. */
const KEY_PERMISSIONS = [
  'registry:read',
  'registry:write',
  'epcis:query',
  'epcis:capture',
  'stamps:manage',
  'recall:manage',
] as const;
/** Rights a solution provider may be delegated (identity.service grantDelegation). */
const DELEGABLE = ['registry:read', 'registry:write', 'epcis:query', 'epcis:capture', 'stamps:manage'] as const;
const ORG_ROLES = ['org_admin', 'org_operator'] as const;
const PROVINCE_ROLES = ['province_admin', 'province_inspector'] as const;

function usePermissionLabel(): (p: string) => string {
  const { t } = useI18n();
  return (p) => {
    const key = `permission.${p}` as MessageKey;
    const text = t(key);
    return text === key ? p : text;
  };
}

// ——— Profile ———

const PROFILE_FIELDS = [
  'name',
  'nameEn',
  'taxCode',
  'address',
  'communeName',
  'contactName',
  'contactEmail',
  'contactPhone',
  'gs1CompanyPrefix',
  'primaryGln',
  'usesBarcodes',
] as const;

function ProfileTab({ organisation, onSaved }: { organisation: Organisation; onSaved: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const [form] = Form.useForm();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const editable = can('registry:write');

  const submit = async (values: Record<string, unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      // A cleared field is sent as null (removed); the switch is always a boolean.
      const body = Object.fromEntries(
        Object.entries(values)
          .map(([k, v]): [string, unknown] => [
            k,
            k === 'usesBarcodes' ? v === true : v === '' || v === undefined ? null : v,
          ])
          .filter(([k, v]) => k !== 'name' || v !== null),
      );
      await api(`/api/organisations/${encodeURIComponent(organisation.id)}`, { method: 'PATCH', body });
      void message.success(t('settings.profile.saved'));
      onSaved();
    } catch (e) {
      if (!showFieldErrors(form, e, PROFILE_FIELDS)) setError(e);
    } finally {
      setBusy(false);
    }
  };

  const text = (name: (typeof PROFILE_FIELDS)[number], label: MessageKey, extra?: MessageKey, max = 500) => (
    <Form.Item name={name} label={t(label)} extra={extra ? t(extra) : undefined}>
      <Input maxLength={max} disabled={!editable} />
    </Form.Item>
  );

  return (
    <>
      {error !== undefined && <ProblemAlert error={error} />}
      <Form
        form={form}
        layout="vertical"
        name="profile"
        style={{ maxWidth: 640 }}
        initialValues={Object.fromEntries(PROFILE_FIELDS.map((f) => [f, organisation[f] ?? undefined]))}
        onFinish={(v) => void submit(v as Record<string, unknown>)}
      >
        <Form.Item
          name="name"
          label={t('settings.profile.name')}
          rules={[{ required: true, message: t('record.requiredField', { field: t('settings.profile.name') }) }]}
        >
          <Input maxLength={500} disabled={!editable} />
        </Form.Item>
        {text('nameEn', 'settings.profile.nameEn')}
        {text('taxCode', 'settings.profile.taxCode', 'settings.profile.taxCodeHelp', 20)}
        {text('address', 'settings.profile.address')}
        {text('communeName', 'settings.profile.commune')}
        {text('contactName', 'settings.profile.contactName')}
        {text('contactEmail', 'settings.profile.contactEmail', undefined, 200)}
        {text('contactPhone', 'settings.profile.contactPhone', undefined, 20)}
        {text('gs1CompanyPrefix', 'settings.profile.gs1Prefix', 'settings.profile.gs1PrefixHelp', 12)}
        {text('primaryGln', 'settings.profile.gln', undefined, 20)}
        <Form.Item name="usesBarcodes" label={t('settings.profile.usesBarcodes')} valuePropName="checked">
          <Switch disabled={!editable} />
        </Form.Item>
        {editable && (
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('common.save')}
          </Button>
        )}
      </Form>
    </>
  );
}

// ——— Users ———

interface UserForm {
  displayName: string;
  email?: string;
  phone?: string;
  role: string;
  password: string;
}

function UsersTab({ organisationId }: { organisationId: string }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { me, province } = useSession();
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<UserForm>();
  const users = useResource<PageOf<ManagedUser>>(`/api/users${query({ organisationId, limit: 200 })}`);
  const roles = province ? PROVINCE_ROLES : ORG_ROLES;
  const roleText = (r: string) => t(`role.${r}` as MessageKey);

  const change = async (user: ManagedUser, body: Record<string, string>, done: string) => {
    setError(undefined);
    try {
      await api(`/api/users/${encodeURIComponent(user.id)}`, { method: 'PATCH', body });
      void message.success(done);
      users.reload();
    } catch (e) {
      setError(e);
    }
  };

  const create = async (values: UserForm) => {
    setBusy(true);
    setError(undefined);
    try {
      const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== ''));
      await api('/api/users', { method: 'POST', body: { ...body, organisationId } });
      void message.success(t('settings.users.created', { name: values.displayName }));
      form.resetFields();
      setCreating(false);
      users.reload();
    } catch (e) {
      if (!showFieldErrors(form, e, ['displayName', 'email', 'phone', 'role', 'password'])) setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div className="toolbar">
        <Typography.Text type="secondary" className="grow">
          {t('settings.users.intro')}
        </Typography.Text>
        <Button type="primary" onClick={() => setCreating(true)}>
          {t('settings.users.create')}
        </Button>
      </div>
      {users.error && <ProblemAlert error={users.error} onRetry={users.reload} />}
      {error !== undefined && !creating && <ProblemAlert error={error} />}
      <Table<ManagedUser>
        rowKey="id"
        loading={users.loading}
        dataSource={users.data?.items ?? []}
        scroll={{ x: true }}
        pagination={false}
        locale={{ emptyText: <EmptyState text={t('settings.users.empty')} /> }}
        columns={[
          {
            title: t('settings.users.name'),
            dataIndex: 'displayName',
            render: (n: string, u) => (
              <Space orientation="vertical" size={0}>
                <strong>{n}</strong>
                <Typography.Text type="secondary">{u.email ?? u.phone}</Typography.Text>
              </Space>
            ),
          },
          {
            title: t('settings.users.role'),
            dataIndex: 'role',
            render: (r: string, u) =>
              u.id === me.user?.id ? (
                roleText(r)
              ) : (
                <Select
                  size="small"
                  value={r}
                  aria-label={t('settings.users.roleOf', { name: u.displayName })}
                  style={{ minWidth: 170 }}
                  onChange={(role: string) =>
                    void change(u, { role }, t('settings.users.roleChanged', { name: u.displayName }))
                  }
                  options={roles.map((v) => ({ value: v, label: roleText(v) }))}
                />
              ),
          },
          {
            title: t('common.status'),
            dataIndex: 'status',
            render: (s: string) => (
              <Tag color={s === 'active' ? 'green' : 'default'}>
                {s === 'active' ? t('settings.users.active') : t('settings.users.disabled')}
              </Tag>
            ),
          },
          {
            title: t('settings.users.lastSignIn'),
            dataIndex: 'lastSignInAt',
            responsive: ['md'],
            render: (d: string | null) => dateTime(d),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, u) =>
              u.id === me.user?.id ? (
                <Typography.Text type="secondary">{t('settings.users.you')}</Typography.Text>
              ) : u.status === 'active' ? (
                <Popconfirm
                  title={t('settings.users.disableConfirm', { name: u.displayName })}
                  okText={t('settings.users.disable')}
                  cancelText={t('common.cancel')}
                  onConfirm={() =>
                    void change(u, { status: 'disabled' }, t('settings.users.disabledDone', { name: u.displayName }))
                  }
                >
                  <Button size="small" danger>
                    {t('settings.users.disable')}
                  </Button>
                </Popconfirm>
              ) : (
                <Button
                  size="small"
                  onClick={() =>
                    void change(u, { status: 'active' }, t('settings.users.enabledDone', { name: u.displayName }))
                  }
                >
                  {t('settings.users.enable')}
                </Button>
              ),
          },
        ]}
      />
      <Modal
        open={creating}
        title={t('settings.users.create')}
        onCancel={() => setCreating(false)}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        {error !== undefined && <ProblemAlert error={error} />}
        <Form
          form={form}
          layout="vertical"
          name="user"
          initialValues={{ role: roles[roles.length - 1] }}
          onFinish={(v) => void create(v)}
        >
          <Form.Item
            name="displayName"
            label={t('settings.users.name')}
            rules={[{ required: true, message: t('record.requiredField', { field: t('settings.users.name') }) }]}
          >
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="email" label={t('settings.users.email')} extra={t('settings.users.loginHelp')}>
            <Input type="email" maxLength={200} autoComplete="off" />
          </Form.Item>
          <Form.Item name="phone" label={t('settings.users.phone')}>
            <Input inputMode="tel" maxLength={20} autoComplete="off" />
          </Form.Item>
          <Form.Item name="role" label={t('settings.users.role')} rules={[{ required: true }]}>
            <Select options={roles.map((v) => ({ value: v, label: roleText(v) }))} />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('settings.users.password')}
            extra={t('settings.users.passwordHelp')}
            rules={[{ required: true, message: t('record.requiredField', { field: t('settings.users.password') }) }]}
          >
            <Input.Password maxLength={256} autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

// ——— API keys ———

interface KeyForm {
  name: string;
  permissions: string[];
  expiresAt?: Dayjs;
}

function ApiKeysTab({ organisationId }: { organisationId: string }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const permissionLabel = usePermissionLabel();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ name: string; key: string }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<KeyForm>();
  const keys = useResource<ApiKey[]>(`/api/api-keys${query({ organisationId })}`);
  const grantable = KEY_PERMISSIONS.filter((p) => can(p));

  const create = async (values: KeyForm) => {
    setBusy(true);
    setError(undefined);
    try {
      const created = await api<{ id: string; key: string }>('/api/api-keys', {
        method: 'POST',
        body: {
          name: values.name,
          permissions: values.permissions,
          organisationId,
          ...(values.expiresAt ? { expiresAt: values.expiresAt.endOf('day').toISOString() } : {}),
        },
      });
      setCreating(false);
      form.resetFields();
      setSecret({ name: values.name, key: created.key });
      keys.reload();
    } catch (e) {
      if (!showFieldErrors(form, e, ['name', 'permissions', 'expiresAt'])) setError(e);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (k: ApiKey) => {
    setError(undefined);
    try {
      await api(`/api/api-keys/${encodeURIComponent(k.id)}${query({ organisationId })}`, { method: 'DELETE' });
      void message.success(t('settings.keys.revoked', { name: k.name }));
      keys.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      <div className="toolbar">
        <Typography.Text type="secondary" className="grow">
          {t('settings.keys.intro')}
        </Typography.Text>
        <Button type="primary" onClick={() => setCreating(true)}>
          {t('settings.keys.create')}
        </Button>
      </div>
      {keys.error && <ProblemAlert error={keys.error} onRetry={keys.reload} />}
      {error !== undefined && !creating && <ProblemAlert error={error} />}
      <Table<ApiKey>
        rowKey="id"
        loading={keys.loading}
        dataSource={keys.data ?? []}
        scroll={{ x: true }}
        pagination={false}
        locale={{ emptyText: <EmptyState text={t('settings.keys.empty')} /> }}
        columns={[
          {
            title: t('settings.keys.name'),
            dataIndex: 'name',
            render: (n: string, k) => (
              <Space orientation="vertical" size={0}>
                <strong>{n}</strong>
                <code>{k.prefix}…</code>
              </Space>
            ),
          },
          {
            title: t('settings.keys.permissions'),
            dataIndex: 'permissions',
            responsive: ['md'],
            render: (ps: string[]) => ps.map((p) => <Tag key={p}>{permissionLabel(p)}</Tag>),
          },
          {
            title: t('settings.keys.lastUsed'),
            dataIndex: 'lastUsedAt',
            responsive: ['lg'],
            render: (d: string | null) => dateTime(d),
          },
          {
            title: t('common.status'),
            key: 'status',
            render: (_, k) =>
              k.revokedAt ? (
                <Tag>{t('settings.keys.statusRevoked')}</Tag>
              ) : k.expiresAt && new Date(k.expiresAt) < new Date() ? (
                <Tag color="orange">{t('settings.keys.statusExpired')}</Tag>
              ) : (
                <Tag color="green">
                  {k.expiresAt ? t('settings.keys.until', { date: day(k.expiresAt) }) : t('settings.users.active')}
                </Tag>
              ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, k) =>
              k.revokedAt ? null : (
                <Popconfirm
                  title={t('settings.keys.revokeConfirm', { name: k.name })}
                  okText={t('settings.keys.revoke')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => void revoke(k)}
                >
                  <Button size="small" danger>
                    {t('settings.keys.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <Modal
        open={creating}
        title={t('settings.keys.create')}
        onCancel={() => setCreating(false)}
        okText={t('settings.keys.create')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        {error !== undefined && <ProblemAlert error={error} />}
        <Form
          form={form}
          layout="vertical"
          name="apiKey"
          initialValues={{ permissions: ['epcis:query', 'epcis:capture'].filter((p) => can(p)) }}
          onFinish={(v) => void create(v)}
        >
          <Form.Item
            name="name"
            label={t('settings.keys.name')}
            extra={t('settings.keys.nameHelp')}
            rules={[{ required: true, message: t('record.requiredField', { field: t('settings.keys.name') }) }]}
          >
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item
            name="permissions"
            label={t('settings.keys.permissions')}
            rules={[{ required: true, message: t('settings.keys.permissionsRequired') }]}
          >
            <Checkbox.Group
              style={{ display: 'grid', gap: 4 }}
              options={grantable.map((p) => ({ value: p, label: permissionLabel(p) }))}
            />
          </Form.Item>
          <Form.Item name="expiresAt" label={`${t('settings.keys.expiresAt')} ${t('common.optional')}`}>
            <DatePicker format="DD/MM/YYYY" style={{ width: '100%' }} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={secret !== undefined}
        title={t('settings.keys.createdTitle', { name: secret?.name ?? '' })}
        onCancel={() => setSecret(undefined)}
        destroyOnHidden
        footer={
          <Button type="primary" onClick={() => setSecret(undefined)}>
            {t('settings.keys.copiedClose')}
          </Button>
        }
      >
        <Typography.Paragraph>{t('settings.keys.shownOnce')}</Typography.Paragraph>
        <Typography.Paragraph copyable={{ text: secret?.key ?? '' }} data-testid="api-key-secret">
          <code style={{ wordBreak: 'break-all' }}>{secret?.key}</code>
        </Typography.Paragraph>
      </Modal>
    </>
  );
}

// ——— Delegations ———

interface DelegationForm {
  providerOrganisationId: string;
  permissions: string[];
  productIds?: string[];
  locationIds?: string[];
  validUntil?: Dayjs;
}

function DelegationsTab({ organisationId }: { organisationId: string }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const permissionLabel = usePermissionLabel();
  const [granting, setGranting] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<DelegationForm>();
  const delegations = useResource<Delegation[]>(`/api/delegations${query({ organisationId })}`);
  const providers = useResource<PageOf<Organisation>>(
    granting ? `/api/organisations${query({ kind: 'provider', status: 'active', limit: 200, sort: 'name' })}` : null,
  );
  const products = useResource<PageOf<Product>>(
    granting ? `/api/products${query({ organisationId, limit: 500, sort: 'name' })}` : null,
  );
  const locations = useResource<PageOf<Location>>(
    granting ? `/api/locations${query({ organisationId, limit: 500, sort: 'name' })}` : null,
  );

  const grant = async (values: DelegationForm) => {
    setBusy(true);
    setError(undefined);
    try {
      await api('/api/delegations', {
        method: 'POST',
        body: {
          organisationId,
          providerOrganisationId: values.providerOrganisationId,
          permissions: values.permissions,
          ...(values.productIds?.length ? { productIds: values.productIds } : {}),
          ...(values.locationIds?.length ? { locationIds: values.locationIds } : {}),
          ...(values.validUntil ? { validUntil: values.validUntil.endOf('day').toISOString() } : {}),
        },
      });
      const provider = providers.data?.items.find((p) => p.id === values.providerOrganisationId);
      void message.success(t('settings.delegations.granted', { name: provider?.name ?? '' }));
      setGranting(false);
      form.resetFields();
      delegations.reload();
    } catch (e) {
      if (!showFieldErrors(form, e, ['providerOrganisationId', 'permissions', 'validUntil'])) setError(e);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (d: Delegation) => {
    setError(undefined);
    try {
      await api(`/api/delegations/${encodeURIComponent(d.id)}${query({ organisationId })}`, { method: 'DELETE' });
      void message.success(t('settings.delegations.revoked', { name: d.providerName }));
      delegations.reload();
    } catch (e) {
      setError(e);
    }
  };

  const scopeText = (d: Delegation) => {
    const parts: string[] = [];
    if (d.scope.productIds?.length)
      parts.push(t('settings.delegations.scopeProducts', { count: d.scope.productIds.length }));
    if (d.scope.locationIds?.length)
      parts.push(t('settings.delegations.scopeLocations', { count: d.scope.locationIds.length }));
    return parts.length ? parts.join(', ') : t('settings.delegations.scopeAll');
  };

  return (
    <>
      <div className="toolbar">
        <Typography.Text type="secondary" className="grow">
          {t('settings.delegations.intro')}
        </Typography.Text>
        <Button type="primary" onClick={() => setGranting(true)}>
          {t('settings.delegations.grant')}
        </Button>
      </div>
      {delegations.error && <ProblemAlert error={delegations.error} onRetry={delegations.reload} />}
      {error !== undefined && !granting && <ProblemAlert error={error} />}
      <Table<Delegation>
        rowKey="id"
        loading={delegations.loading}
        dataSource={delegations.data ?? []}
        scroll={{ x: true }}
        pagination={false}
        locale={{ emptyText: <EmptyState text={t('settings.delegations.empty')} /> }}
        columns={[
          {
            title: t('settings.delegations.provider'),
            key: 'provider',
            render: (_, d) =>
              d.organisationId === organisationId ? (
                <strong>{d.providerName}</strong>
              ) : (
                <Space orientation="vertical" size={0}>
                  <strong>{d.organisationName}</strong>
                  <Typography.Text type="secondary">{t('settings.delegations.toUs')}</Typography.Text>
                </Space>
              ),
          },
          {
            title: t('settings.delegations.permissions'),
            dataIndex: 'permissions',
            responsive: ['md'],
            render: (ps: string[]) => ps.map((p) => <Tag key={p}>{permissionLabel(p)}</Tag>),
          },
          { title: t('settings.delegations.scope'), key: 'scope', responsive: ['md'], render: (_, d) => scopeText(d) },
          {
            title: t('common.status'),
            key: 'status',
            render: (_, d) =>
              d.revokedAt ? (
                <Tag>{t('settings.delegations.statusRevoked')}</Tag>
              ) : d.validUntil && new Date(d.validUntil) < new Date() ? (
                <Tag color="orange">{t('settings.keys.statusExpired')}</Tag>
              ) : (
                <Tag color="green">
                  {d.validUntil ? t('settings.keys.until', { date: day(d.validUntil) }) : t('settings.users.active')}
                </Tag>
              ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, d) =>
              d.revokedAt || d.organisationId !== organisationId ? null : (
                <Popconfirm
                  title={t('settings.delegations.revokeConfirm', { name: d.providerName })}
                  okText={t('settings.keys.revoke')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => void revoke(d)}
                >
                  <Button size="small" danger>
                    {t('settings.keys.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <Modal
        open={granting}
        title={t('settings.delegations.grant')}
        onCancel={() => setGranting(false)}
        okText={t('settings.delegations.grant')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        {error !== undefined && <ProblemAlert error={error} />}
        {providers.error && <ProblemAlert error={providers.error} onRetry={providers.reload} />}
        <Form
          form={form}
          layout="vertical"
          name="delegation"
          initialValues={{ permissions: ['registry:read', 'epcis:query'] }}
          onFinish={(v) => void grant(v)}
        >
          <Form.Item
            name="providerOrganisationId"
            label={t('settings.delegations.provider')}
            rules={[
              { required: true, message: t('record.requiredField', { field: t('settings.delegations.provider') }) },
            ]}
          >
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              loading={providers.loading}
              notFoundContent={t('settings.delegations.noProviders')}
              options={(providers.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))}
            />
          </Form.Item>
          <Form.Item
            name="permissions"
            label={t('settings.delegations.permissions')}
            rules={[{ required: true, message: t('settings.keys.permissionsRequired') }]}
          >
            <Checkbox.Group
              style={{ display: 'grid', gap: 4 }}
              options={DELEGABLE.map((p) => ({ value: p, label: permissionLabel(p) }))}
            />
          </Form.Item>
          <Form.Item
            name="productIds"
            label={`${t('settings.delegations.products')} ${t('common.optional')}`}
            extra={t('settings.delegations.scopeHelp')}
          >
            <Select
              mode="multiple"
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              loading={products.loading}
              options={(products.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))}
            />
          </Form.Item>
          <Form.Item name="locationIds" label={`${t('settings.delegations.locations')} ${t('common.optional')}`}>
            <Select
              mode="multiple"
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              loading={locations.loading}
              options={(locations.data?.items ?? []).map((l) => ({ value: l.id, label: l.name }))}
            />
          </Form.Item>
          <Form.Item name="validUntil" label={`${t('settings.delegations.validUntil')} ${t('common.optional')}`}>
            <DatePicker format="DD/MM/YYYY" style={{ width: '100%' }} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** The signed-in organisation: its profile, its people and roles, its API keys and the providers it delegates to. */
export function SettingsPage() {
  const { t } = useI18n();
  const { me, can } = useSession();
  const [params, setParams] = useSearchParams();
  const organisationId = me.organisationId ?? '';
  const organisation = useResource<Organisation>(
    organisationId ? `/api/organisations/${encodeURIComponent(organisationId)}` : null,
  );
  const tab = params.get('tab') ?? 'profile';

  const items = [
    {
      key: 'profile',
      label: t('settings.tab.profile'),
      children: (
        <Loadable resource={organisation}>
          {(o) => <ProfileTab key={o.id + String(o.updatedAt ?? '')} organisation={o} onSaved={organisation.reload} />}
        </Loadable>
      ),
    },
    ...(can('users:manage')
      ? [{ key: 'users', label: t('settings.tab.users'), children: <UsersTab organisationId={organisationId} /> }]
      : []),
    ...(can('keys:manage')
      ? [
          { key: 'keys', label: t('settings.tab.keys'), children: <ApiKeysTab organisationId={organisationId} /> },
          {
            key: 'delegations',
            label: t('settings.tab.delegations'),
            children: <DelegationsTab organisationId={organisationId} />,
          },
        ]
      : []),
  ];

  return (
    <>
      <Typography.Title level={2} className="page-title">
        {t('settings.title')}
      </Typography.Title>
      <Tabs
        activeKey={items.some((i) => i.key === tab) ? tab : 'profile'}
        onChange={(key) => setParams(key === 'profile' ? {} : { tab: key }, { replace: true })}
        items={items}
        destroyOnHidden
      />
    </>
  );
}
