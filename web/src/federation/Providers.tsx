import { Table, Tag, Typography } from 'antd';
import { EmptyState, ProblemAlert } from '../components/feedback.tsx';
import { useResource } from '../hooks.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { percent, when } from './format.ts';
import type { Provider, ProviderFeed } from './types.ts';

/** Days the feed health is measured over (the API's window). */
const WINDOW_DAYS = 30;
const STATE_COLOUR: Record<string, string> = { active: 'green', expired: 'default', revoked: 'red' };

function Feeds({ provider }: { provider: Provider }) {
  const { t } = useI18n();
  return (
    <Table<ProviderFeed>
      rowKey="delegationId"
      size="small"
      pagination={false}
      dataSource={[...provider.businesses]}
      scroll={{ x: true }}
      locale={{ emptyText: <EmptyState text={t('federation.providers.noBusinesses')} /> }}
      columns={[
        { title: t('federation.providers.business'), dataIndex: 'organisationName' },
        {
          title: t('federation.providers.state'),
          dataIndex: 'state',
          render: (s: string) => (
            <Tag color={STATE_COLOUR[s] ?? 'default'}>
              {s in STATE_COLOUR ? t(`federation.providers.state.${s}` as MessageKey) : s}
            </Tag>
          ),
        },
        {
          title: t('federation.providers.validUntil'),
          dataIndex: 'validUntil',
          responsive: ['md'],
          render: (v: string | null) => when(v, '—'),
        },
        {
          title: t('federation.providers.permissions'),
          dataIndex: 'permissions',
          responsive: ['lg'],
          render: (p: string[]) => p.map((x) => <Tag key={x}>{x}</Tag>),
        },
        {
          title: t('federation.providers.lastEvent'),
          dataIndex: 'lastEventAt',
          render: (v: string | null) => when(v, t('federation.never')),
        },
        {
          title: t('federation.providers.captures'),
          key: 'captures',
          responsive: ['md'],
          render: (_, f) => `${f.capturesInWindow} (${f.failedCapturesInWindow})`,
        },
        {
          title: t('federation.providers.errorRate'),
          dataIndex: 'errorRate',
          render: (r: number | null) => percent(r),
        },
      ]}
    />
  );
}

/** Which solution provider serves which businesses, and the health of each feed (province). */
export function Providers() {
  const { t } = useI18n();
  const providers = useResource<Provider[]>('/api/federation/providers');
  return (
    <>
      <Typography.Paragraph type="secondary">
        {t('federation.providers.intro', { days: WINDOW_DAYS })}
      </Typography.Paragraph>
      {providers.error && <ProblemAlert error={providers.error} onRetry={providers.reload} />}
      <Table<Provider>
        rowKey="id"
        loading={providers.loading}
        dataSource={providers.data ?? []}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: <EmptyState text={t('federation.providers.empty')} /> }}
        expandable={{ expandedRowRender: (p) => <Feeds provider={p} />, defaultExpandAllRows: true }}
        columns={[
          { title: t('federation.providers.provider'), dataIndex: 'name', render: (v: string) => <strong>{v}</strong> },
          { title: t('federation.providers.businesses'), dataIndex: 'activeBusinesses', responsive: ['sm'] },
          {
            title: t('federation.providers.lastEvent'),
            dataIndex: 'lastEventAt',
            responsive: ['sm'],
            render: (v: string | null) => when(v, t('federation.never')),
          },
          {
            title: t('federation.providers.errorRate'),
            dataIndex: 'errorRate',
            render: (r: number | null) => percent(r),
          },
        ]}
      />
    </>
  );
}
