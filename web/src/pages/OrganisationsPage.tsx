import { App, Button, Input, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, query } from '../api.ts';
import { EmptyState, ProblemAlert } from '../components/feedback.tsx';
import { useResource } from '../hooks.ts';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import type { Organisation, PageOf } from '../types.ts';

const STATUS_COLOURS: Record<string, string> = { active: 'green', pending: 'gold', suspended: 'red' };

export function OrganisationsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<string>();
  const [page, setPage] = useState(1);
  const [error, setError] = useState<unknown>();
  const pageSize = 20;
  const organisations = useResource<PageOf<Organisation>>(
    `/api/organisations${query({ q: search, status, limit: pageSize, offset: (page - 1) * pageSize, sort: 'name' })}`,
  );

  const approve = async (o: Organisation) => {
    setError(undefined);
    try {
      await api(`/api/organisations/${encodeURIComponent(o.id)}`, { method: 'PATCH', body: { status: 'active' } });
      void message.success(t('organisations.approved', { name: o.name }));
      organisations.reload();
    } catch (e) {
      setError(e);
    }
  };

  const statusText = (s: string | undefined) =>
    s === 'active' || s === 'pending' || s === 'suspended' ? t(`common.status.${s}`) : (s ?? '');

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
          options={['pending', 'active', 'suspended'].map((s) => ({ value: s, label: statusText(s) }))}
        />
      </div>
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
              o.status === 'pending' && can('province:write') ? (
                <Button size="small" type="primary" onClick={() => void approve(o)}>
                  {t('organisations.approve')}
                </Button>
              ) : null,
          },
        ]}
      />
    </>
  );
}
