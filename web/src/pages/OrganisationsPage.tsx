import {
  App,
  Button,
  Card,
  Divider,
  Form,
  Input,
  List,
  Modal,
  Popconfirm,
  Result,
  Select,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, query } from '../api.ts';
import { EmptyState, ProblemAlert } from '../components/feedback.tsx';
import { showFieldErrors } from '../components/forms.ts';
import { useResource } from '../hooks.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import type { Organisation, PageOf } from '../types.ts';

const STATUS_COLOURS: Record<string, string> = {
  active: 'green',
  pending: 'gold',
  suspended: 'red',
  rejected: 'volcano',
};
const KINDS = ['cooperative', 'company', 'household', 'provider', 'authority', 'other'] as const;

interface RegisterForm {
  name: string;
  kind: string;
  taxCode?: string;
  address?: string;
  communeName?: string;
  contactPhone?: string;
  adminName: string;
  adminEmail: string;
  adminPassword: string;
}

/**
 * The province registers an organisation (active at once: it is the province that vouches for it) and its first
 * administrator, who then adds the organisation's other users.
 */
function RegisterOrganisation({ open, onClose, onDone }: { open: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<RegisterForm>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<Organisation>();
  const required = (key: MessageKey) => [{ required: true, message: t('record.requiredField', { field: t(key) }) }];

  const submit = async (v: RegisterForm) => {
    setBusy(true);
    setError(undefined);
    try {
      // A retry after a failed user creation keeps the organisation already made.
      let organisation = created;
      if (!organisation) {
        const body = Object.fromEntries(
          Object.entries({
            name: v.name,
            kind: v.kind,
            taxCode: v.taxCode,
            address: v.address,
            communeName: v.communeName,
            contactPhone: v.contactPhone,
            contactName: v.adminName,
            contactEmail: v.adminEmail,
            provinceCode: '46',
            status: 'active',
          }).filter(([, x]) => x !== undefined && x !== ''),
        );
        organisation = await api<Organisation>('/api/organisations', { method: 'POST', body });
        setCreated(organisation);
      }
      await api('/api/users', {
        method: 'POST',
        body: {
          organisationId: organisation.id,
          displayName: v.adminName,
          email: v.adminEmail,
          password: v.adminPassword,
          role: 'org_admin',
        },
      });
      void message.success(t('register.done', { name: organisation.name, user: v.adminEmail }));
      form.resetFields();
      setCreated(undefined);
      onDone();
    } catch (e) {
      const placed = showFieldErrors(form, e, ['name', 'kind', 'taxCode', 'address', 'communeName', 'contactPhone']);
      if (!placed) {
        const user = { displayName: 'adminName', email: 'adminEmail', password: 'adminPassword' } as const;
        const fields =
          e instanceof Error && 'fields' in e ? (e as { fields: { field: string; message: string }[] }).fields : [];
        const mapped = fields
          .map((f) => ({ name: user[f.field.replace(/^(body)?\//, '') as keyof typeof user], errors: [f.message] }))
          .filter((f) => f.name !== undefined);
        if (mapped.length > 0) form.setFields(mapped);
        else setError(e);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('register.title')}
      onCancel={onClose}
      okText={t('register.open')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('register.intro')}</Typography.Paragraph>
      {error !== undefined && <ProblemAlert error={error} />}
      <Form
        form={form}
        layout="vertical"
        name="register"
        initialValues={{ kind: 'cooperative' }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item name="name" label={t('settings.profile.name')} rules={required('settings.profile.name')}>
          <Input maxLength={500} disabled={created !== undefined} />
        </Form.Item>
        <Form.Item name="kind" label={t('register.kind')} rules={required('register.kind')}>
          <Select
            disabled={created !== undefined}
            options={KINDS.map((k) => ({ value: k, label: t(`register.kind.${k}`) }))}
          />
        </Form.Item>
        <Form.Item
          name="taxCode"
          label={`${t('settings.profile.taxCode')} ${t('common.optional')}`}
          extra={t('settings.profile.taxCodeHelp')}
        >
          <Input maxLength={20} inputMode="numeric" disabled={created !== undefined} />
        </Form.Item>
        <Form.Item name="communeName" label={`${t('settings.profile.commune')} ${t('common.optional')}`}>
          <Input maxLength={500} disabled={created !== undefined} />
        </Form.Item>
        <Form.Item name="address" label={`${t('settings.profile.address')} ${t('common.optional')}`}>
          <Input maxLength={500} disabled={created !== undefined} />
        </Form.Item>
        <Form.Item name="contactPhone" label={`${t('settings.profile.contactPhone')} ${t('common.optional')}`}>
          <Input maxLength={20} inputMode="tel" disabled={created !== undefined} />
        </Form.Item>
        <Divider titlePlacement="start">{t('register.admin')}</Divider>
        <Form.Item name="adminName" label={t('settings.users.name')} rules={required('settings.users.name')}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="adminEmail" label={t('settings.users.email')} rules={required('settings.users.email')}>
          <Input type="email" maxLength={200} autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="adminPassword"
          label={t('settings.users.password')}
          extra={t('settings.users.passwordHelp')}
          rules={required('settings.users.password')}
        >
          <Input.Password maxLength={256} autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface PendingRegistration {
  readonly organisationId: string;
  readonly name: string;
  readonly kind: string;
  readonly taxCode: string | null;
  readonly communeName: string | null;
  readonly applicant: { displayName: string; email: string | null; phone: string | null };
  readonly submittedAt: string;
  /** The earlier, decided rounds of an application the applicant corrected and sent again, oldest first. */
  readonly rounds?: readonly {
    readonly round: number;
    readonly decision: string;
    readonly reason: string | null;
    readonly decidedAt: string | null;
  }[];
}

/** Self-registrations waiting for the province: approve, or reject with the reason the applicant will read. */
function RegistrationReview({ onDecided }: { onDecided: () => void }) {
  const { t, language } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const pending = useResource<PageOf<PendingRegistration>>('/api/registrations?state=pending&limit=100');
  const [rejecting, setRejecting] = useState<PendingRegistration>();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const decide = async (r: PendingRegistration, approve: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      await api(`/api/registrations/${encodeURIComponent(r.organisationId)}/${approve ? 'approve' : 'reject'}`, {
        method: 'POST',
        ...(approve ? {} : { body: { reason } }),
      });
      void message.success(
        t(approve ? 'registration.review.approved' : 'registration.review.rejected', { name: r.name }),
      );
      setRejecting(undefined);
      setReason('');
      pending.reload();
      onDecided();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const items = pending.data?.items ?? [];
  return (
    <Card title={t('registration.review.title')} size="small" style={{ marginBottom: 16 }}>
      {pending.error && <ProblemAlert error={pending.error} onRetry={pending.reload} />}
      {error !== undefined && rejecting === undefined && <ProblemAlert error={error} />}
      <List<PendingRegistration>
        loading={pending.loading}
        dataSource={items}
        locale={{ emptyText: <EmptyState text={t('registration.review.empty')} /> }}
        renderItem={(r) => (
          <List.Item
            actions={
              can('province:write')
                ? [
                    <Button
                      key="approve"
                      type="primary"
                      size="small"
                      disabled={busy}
                      onClick={() => void decide(r, true)}
                    >
                      {t('registration.review.approve')}
                    </Button>,
                    <Button key="reject" danger size="small" disabled={busy} onClick={() => setRejecting(r)}>
                      {t('registration.review.reject')}
                    </Button>,
                  ]
                : []
            }
          >
            <List.Item.Meta
              title={
                <>
                  <strong>{r.name}</strong>
                  {(r.rounds?.length ?? 0) > 0 && (
                    <Tag color="orange" style={{ marginLeft: 8 }}>
                      {t('registration.review.resubmitted', { count: (r.rounds?.length ?? 0) + 1 })}
                    </Tag>
                  )}
                </>
              }
              description={[
                r.taxCode,
                r.communeName,
                `${t('registration.review.applicant')}: ${[
                  r.applicant.displayName,
                  r.applicant.phone,
                  r.applicant.email,
                ]
                  .filter(Boolean)
                  .join(' · ')}`,
                `${t('registration.review.submitted')}: ${new Date(r.submittedAt).toLocaleString(language === 'en' ? 'en-GB' : 'vi-VN')}`,
                ...(r.rounds ?? [])
                  .filter((round) => round.decision === 'rejected')
                  .map((round) =>
                    t('registration.review.earlierRejection', {
                      round: round.round,
                      date: round.decidedAt
                        ? new Date(round.decidedAt).toLocaleDateString(language === 'en' ? 'en-GB' : 'vi-VN')
                        : '—',
                      reason: round.reason ?? '—',
                    }),
                  ),
              ]
                .filter(Boolean)
                .join(' — ')}
            />
          </List.Item>
        )}
      />
      <Modal
        open={rejecting !== undefined}
        title={`${t('registration.review.reject')}: ${rejecting?.name ?? ''}`}
        okText={t('registration.review.reject')}
        okButtonProps={{ danger: true, disabled: reason.trim() === '' }}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={() => rejecting && void decide(rejecting, false)}
        onCancel={() => {
          setRejecting(undefined);
          setError(undefined);
        }}
        destroyOnHidden
      >
        {error !== undefined && <ProblemAlert error={error} />}
        <Form layout="vertical">
          <Form.Item label={t('registration.review.reason')} extra={t('registration.review.reasonHelp')}>
            <Input.TextArea rows={3} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

/** Organisations are the province's to manage: everyone else gets a plain "forbidden" page (the API refuses too). */
export function OrganisationsPage() {
  const { t } = useI18n();
  const { province } = useSession();
  if (!province)
    return (
      <Result
        status="403"
        title={t('registration.forbidden.title')}
        subTitle={t('registration.forbidden.text')}
        extra={
          <Link to="/">
            <Button type="primary">{t('app.backHome')}</Button>
          </Link>
        }
      />
    );
  return <ProvinceOrganisations />;
}

function ProvinceOrganisations() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<string>();
  const [page, setPage] = useState(1);
  const [error, setError] = useState<unknown>();
  const [registering, setRegistering] = useState(false);
  const pageSize = 20;
  const organisations = useResource<PageOf<Organisation>>(
    `/api/organisations${query({ q: search, status, limit: pageSize, offset: (page - 1) * pageSize, sort: 'name' })}`,
  );

  const changeStatus = async (o: Organisation, next: 'active' | 'suspended') => {
    setError(undefined);
    try {
      await api(`/api/organisations/${encodeURIComponent(o.id)}`, { method: 'PATCH', body: { status: next } });
      void message.success(
        next === 'active' ? t('organisations.approved', { name: o.name }) : t('register.suspended', { name: o.name }),
      );
      organisations.reload();
    } catch (e) {
      setError(e);
    }
  };

  const statusText = (s: string | undefined) =>
    s === 'active' || s === 'pending' || s === 'suspended' || s === 'rejected' ? t(`common.status.${s}`) : (s ?? '');

  return (
    <>
      <Typography.Title level={2} className="page-title">
        {t('organisations.title')}
      </Typography.Title>
      <div className="toolbar">
        <Input.Search
          className="grow"
          aria-label={t('common.search')}
          allowClear
          onSearch={(q) => {
            setSearch(q.trim());
            setPage(1);
          }}
        />
        <Select
          allowClear
          aria-label={t('common.status')}
          placeholder={t('common.status')}
          style={{ width: 180 }}
          value={status}
          onChange={(v: string | undefined) => {
            setStatus(v);
            setPage(1);
          }}
          options={['pending', 'active', 'suspended', 'rejected'].map((s) => ({ value: s, label: statusText(s) }))}
        />
        {can('province:write') && (
          <Button type="primary" onClick={() => setRegistering(true)}>
            {t('register.open')}
          </Button>
        )}
      </div>
      <RegistrationReview onDecided={organisations.reload} />
      {organisations.error && <ProblemAlert error={organisations.error} onRetry={organisations.reload} />}
      {error !== undefined && <ProblemAlert error={error} />}
      <Table<Organisation>
        rowKey="id"
        loading={organisations.loading}
        dataSource={organisations.data?.items ?? []}
        scroll={{ x: true }}
        locale={{ emptyText: <EmptyState text={t('organisations.empty')} /> }}
        pagination={{
          current: page,
          pageSize,
          total: organisations.data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
          showTotal: (total) => t('common.total', { count: total }),
        }}
        columns={[
          { title: t('common.name'), dataIndex: 'name', render: (n: string) => <strong>{n}</strong> },
          { title: t('organisations.taxCode'), dataIndex: 'taxCode', responsive: ['md'] },
          { title: t('organisations.commune'), dataIndex: 'communeName', responsive: ['lg'] },
          {
            title: t('common.status'),
            dataIndex: 'status',
            render: (s: string | undefined) => <Tag color={STATUS_COLOURS[s ?? ''] ?? 'default'}>{statusText(s)}</Tag>,
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, o) =>
              !can('province:write') || o.kind === 'authority' || o.status === 'rejected' ? null : o.status ===
                'pending' ? (
                <Button size="small" type="primary" onClick={() => void changeStatus(o, 'active')}>
                  {t('organisations.approve')}
                </Button>
              ) : o.status === 'suspended' ? (
                <Button size="small" onClick={() => void changeStatus(o, 'active')}>
                  {t('register.reactivate')}
                </Button>
              ) : (
                <Popconfirm
                  title={`${t('register.suspend')} ${o.name}?`}
                  okText={t('register.suspend')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => void changeStatus(o, 'suspended')}
                >
                  <Button size="small" danger>
                    {t('register.suspend')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <RegisterOrganisation
        open={registering}
        onClose={() => setRegistering(false)}
        onDone={() => {
          setRegistering(false);
          organisations.reload();
        }}
      />
    </>
  );
}
