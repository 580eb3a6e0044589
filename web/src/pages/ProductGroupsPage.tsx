import { PlusOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Checkbox,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { api, query } from '../api.ts';
import { EmptyState, ProblemAlert } from '../components/feedback.tsx';
import { useResource } from '../hooks.ts';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import type { PageOf, ProductGroup, Standard, StandardDetail } from '../types.ts';

interface GroupForm {
  code: string;
  parentCode?: string;
  name: string;
  nameEn: string;
  sortOrder?: number;
  active: boolean;
}

type Group = ProductGroup & { sortOrder?: number };

/** The standard a group follows: a published province TCCS before an international programme (as the server picks). */
function standardOf(group: string, standards: readonly Standard[]): Standard | undefined {
  return standards
    .filter((s) => s.status === 'published' && s.productGroups.includes(group))
    .sort(
      (a, b) =>
        Number(b.profileId.startsWith('tccs-')) - Number(a.profileId.startsWith('tccs-')) ||
        a.profileId.localeCompare(b.profileId),
    )[0];
}

function GroupEditor({
  group,
  groups,
  onClose,
  onSaved,
}: {
  group: Group | undefined;
  groups: readonly Group[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, language } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<GroupForm>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (values: GroupForm) => {
    setError(undefined);
    setBusy(true);
    const body = {
      name: values.name,
      nameEn: values.nameEn,
      parentCode: values.parentCode ?? null,
      ...(values.sortOrder !== undefined && values.sortOrder !== null ? { sortOrder: values.sortOrder } : {}),
      active: values.active,
    };
    try {
      const saved = group
        ? await api<ProductGroup>(`/api/product-groups/${encodeURIComponent(group.code)}`, { method: 'PATCH', body })
        : await api<ProductGroup>('/api/product-groups', { method: 'POST', body: { ...body, code: values.code } });
      void message.success(t('productGroups.saved', { code: saved.code }));
      onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={group ? t('productGroups.edit', { code: group.code }) : t('productGroups.create')}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
    >
      {error !== undefined && <ProblemAlert error={error} />}
      <Form<GroupForm>
        form={form}
        layout="vertical"
        onFinish={(v) => void submit(v)}
        initialValues={
          group
            ? {
                code: group.code,
                parentCode: group.parentCode ?? undefined,
                name: group.name,
                nameEn: group.nameEn,
                sortOrder: group.sortOrder,
                active: group.active,
              }
            : { active: true }
        }
      >
        <Form.Item
          name="code"
          label={t('productGroups.code')}
          rules={[{ required: true, pattern: /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/, max: 60 }]}
          extra="agri.fruit-veg"
        >
          <Input disabled={group !== undefined} />
        </Form.Item>
        <Form.Item name="parentCode" label={t('productGroups.parent')}>
          <Select
            allowClear
            showSearch
            options={groups
              .filter((g) => g.code !== group?.code)
              .map((g) => ({ value: g.code, label: `${language === 'en' ? g.nameEn : g.name} (${g.code})` }))}
          />
        </Form.Item>
        <Form.Item name="name" label={t('productGroups.nameVi')} rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="nameEn" label={t('productGroups.nameEn')} rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="sortOrder" label={t('productGroups.sortOrder')}>
          <InputNumber min={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="active" label={t('productGroups.active')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * Binds a group to a standard the way profiles say which groups they serve: the group is added to the profile's
 * groups in its open draft, or in a new draft of the next version; the province publishes it on the standards page.
 */
function BindStandard({
  group,
  standards,
  onClose,
  onSaved,
}: {
  group: Group;
  standards: readonly Standard[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, language } = useI18n();
  const { message } = App.useApp();
  const [profileId, setProfileId] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const profiles = [...new Set(standards.filter((s) => s.status !== 'superseded').map((s) => s.profileId))].sort();
  const bind = async () => {
    if (!profileId) return;
    setError(undefined);
    setBusy(true);
    try {
      const versions = standards.filter((s) => s.profileId === profileId);
      const draft = versions.find((s) => s.status === 'draft');
      const source = draft ?? versions.find((s) => s.status === 'published');
      if (!source) return;
      const detail = await api<StandardDetail>(`/api/standards/${encodeURIComponent(source.id)}`);
      const document = {
        ...detail.document,
        version: draft ? detail.version : detail.version + 1,
        productGroups: [...new Set([...detail.document.productGroups, group.code])],
      };
      const saved = draft
        ? await api<StandardDetail>(`/api/standards/${encodeURIComponent(draft.id)}`, {
            method: 'PUT',
            body: { document },
          })
        : await api<StandardDetail>('/api/standards', { method: 'POST', body: { document } });
      void message.success(t('productGroups.bound', { id: saved.id, group: group.code }));
      onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={`${t('productGroups.bindStandard')}: ${language === 'en' ? group.nameEn : group.name}`}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: !profileId }}
      confirmLoading={busy}
      onOk={() => void bind()}
    >
      <Typography.Paragraph type="secondary">{t('productGroups.bindHelp')}</Typography.Paragraph>
      {error !== undefined && <ProblemAlert error={error} />}
      <label htmlFor="bind-standard">{t('productGroups.standard')}</label>
      <Select
        id="bind-standard"
        style={{ width: '100%' }}
        value={profileId}
        onChange={setProfileId}
        showSearch
        options={profiles.map((p) => {
          const s =
            standards.find((x) => x.profileId === p && x.status === 'published') ??
            standards.find((x) => x.profileId === p);
          return { value: p, label: `${language === 'en' ? s?.titleEn : s?.title} (${p})` };
        })}
      />
    </Modal>
  );
}

export function ProductGroupsPage() {
  const { t, language } = useI18n();
  const { province, can } = useSession();
  const [showInactive, setShowInactive] = useState(false);
  const groups = useResource<Group[]>(`/api/product-groups${query({ includeInactive: showInactive || undefined })}`);
  const standards = useResource<PageOf<Standard>>(`/api/standards${query({ limit: 200 })}`);
  const [editing, setEditing] = useState<Group | 'new'>();
  const [binding, setBinding] = useState<Group>();
  const manage = province && can('province:write');
  const list = groups.data ?? [];
  const all = standards.data?.items ?? [];
  const nameOf = (code: string | null) => {
    const g = list.find((x) => x.code === code);
    return g ? (language === 'en' ? g.nameEn : g.name) : (code ?? '—');
  };
  return (
    <>
      <Typography.Title level={2} className="page-title">
        {t('productGroups.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('productGroups.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }}>
        {manage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            {t('productGroups.create')}
          </Button>
        )}
        <Checkbox checked={showInactive} onChange={(e) => setShowInactive(e.target.checked)}>
          {t('productGroups.showInactive')}
        </Checkbox>
      </Space>
      {groups.error && <ProblemAlert error={groups.error} onRetry={groups.reload} />}
      {standards.error && <ProblemAlert error={standards.error} onRetry={standards.reload} />}
      <Table<Group>
        rowKey="code"
        loading={groups.loading}
        dataSource={list}
        scroll={{ x: true }}
        pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: <EmptyState text={t('productGroups.empty')} /> }}
        columns={[
          {
            title: t('common.name'),
            key: 'name',
            render: (_, g) => (
              <Space orientation="vertical" size={0}>
                <strong>{language === 'en' ? g.nameEn : g.name}</strong>
                <Typography.Text type="secondary">
                  <code>{g.code}</code>
                  {g.parentCode ? ` · ${nameOf(g.parentCode)}` : ''}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: t('productGroups.standard'),
            key: 'standard',
            render: (_, g) => {
              const s = standardOf(g.code, all);
              const drafts = all.filter((x) => x.status === 'draft' && x.productGroups.includes(g.code));
              return (
                <Space orientation="vertical" size={0}>
                  {s ? (
                    <span>
                      {language === 'en' ? s.titleEn : s.title} <code>{s.id}</code>
                    </span>
                  ) : (
                    <Typography.Text type="secondary">{t('productGroups.noStandard')}</Typography.Text>
                  )}
                  {drafts.map((d) => (
                    <Tag key={d.id} color="gold">
                      {t('standards.status.draft')} {d.id}
                    </Tag>
                  ))}
                </Space>
              );
            },
          },
          {
            title: t('common.status'),
            key: 'active',
            responsive: ['sm'],
            render: (_, g) =>
              g.active ? (
                <Tag color="green">{t('productGroups.active')}</Tag>
              ) : (
                <Tag>{t('common.status.archived')}</Tag>
              ),
          },
          ...(manage
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_: unknown, g: Group) => (
                    <Space wrap>
                      <Button size="small" onClick={() => setEditing(g)}>
                        {t('productGroups.edit', { code: '' }).trim()}
                      </Button>
                      <Button size="small" onClick={() => setBinding(g)}>
                        {t('productGroups.bindStandard')}
                      </Button>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      {editing && (
        <GroupEditor
          group={editing === 'new' ? undefined : editing}
          groups={list}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            groups.reload();
          }}
        />
      )}
      {binding && (
        <BindStandard
          group={binding}
          standards={all}
          onClose={() => setBinding(undefined)}
          onSaved={() => {
            setBinding(undefined);
            standards.reload();
          }}
        />
      )}
    </>
  );
}
