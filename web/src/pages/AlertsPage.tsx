import { App, Button, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, query } from '../api.ts';
import { EmptyState, ProblemAlert } from '../components/feedback.tsx';
import { useResource } from '../hooks.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import type { PageOf, ScanAlert } from '../types.ts';

const KINDS = [
  'unknown_serial',
  'not_activated',
  'void_scanned',
  'many_scans',
  'many_regions',
  'unexpected_region',
  'recalled_lot',
  'expired',
] as const;
const SEVERITY_COLOURS: Record<string, string> = { high: 'red', medium: 'orange', low: 'blue' };
const dateTime = (iso: string) => new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });

interface Notice {
  readonly id: string;
  readonly kind: string;
  readonly title: string;
  readonly link: string | null;
  readonly createdAt: string;
  readonly readAt: string | null;
}

function ScanAlerts() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can, province } = useSession();
  const [kind, setKind] = useState<string>();
  const [severity, setSeverity] = useState<string>();
  const [open, setOpen] = useState<'open' | 'done' | undefined>('open');
  const [page, setPage] = useState(1);
  const [error, setError] = useState<unknown>();
  const pageSize = 20;
  const alerts = useResource<PageOf<ScanAlert>>(
    `/api/alerts${query({
      kind,
      severity,
      acknowledged: open === undefined ? undefined : open === 'done',
      limit: pageSize,
      offset: (page - 1) * pageSize,
    })}`,
  );
  const mayAcknowledge = province ? can('province:write') : can('registry:write');

  const acknowledge = async (a: ScanAlert) => {
    setError(undefined);
    try {
      await api(`/api/alerts/${encodeURIComponent(a.id)}/acknowledge`, { method: 'POST' });
      void message.success(t('alerts.acknowledged'));
      alerts.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      <div className="toolbar">
        <Select
          allowClear
          aria-label={t('alerts.kind')}
          placeholder={t('alerts.kind')}
          style={{ minWidth: 200 }}
          value={kind}
          onChange={(v: string | undefined) => {
            setKind(v);
            setPage(1);
          }}
          options={KINDS.map((k) => ({ value: k, label: t(`alerts.kind.${k}` as MessageKey) }))}
        />
        <Select
          allowClear
          aria-label={t('alerts.severity')}
          placeholder={t('alerts.severity')}
          style={{ minWidth: 140 }}
          value={severity}
          onChange={(v: string | undefined) => {
            setSeverity(v);
            setPage(1);
          }}
          options={['high', 'medium', 'low'].map((s) => ({ value: s, label: t(`alerts.severity.${s}` as MessageKey) }))}
        />
        <Select
          allowClear
          aria-label={t('common.status')}
          placeholder={t('common.status')}
          style={{ minWidth: 160 }}
          value={open}
          onChange={(v: 'open' | 'done' | undefined) => {
            setOpen(v);
            setPage(1);
          }}
          options={[
            { value: 'open', label: t('alerts.open') },
            { value: 'done', label: t('alerts.done') },
          ]}
        />
      </div>
      {alerts.error && <ProblemAlert error={alerts.error} onRetry={alerts.reload} />}
      {error !== undefined && <ProblemAlert error={error} />}
      <Table<ScanAlert>
        rowKey="id"
        loading={alerts.loading}
        dataSource={alerts.data?.items ?? []}
        scroll={{ x: true }}
        locale={{ emptyText: <EmptyState text={t('alerts.empty')} /> }}
        pagination={{
          current: page,
          pageSize,
          total: alerts.data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
          showTotal: (total) => t('common.total', { count: total }),
        }}
        columns={[
          {
            title: t('alerts.alert'),
            key: 'title',
            render: (_, a) => (
              <Space orientation="vertical" size={0}>
                <Space size={4} wrap>
                  <Tag color={SEVERITY_COLOURS[a.severity]}>{t(`alerts.severity.${a.severity}` as MessageKey)}</Tag>
                  <strong>{a.title}</strong>
                </Space>
                <Typography.Text type="secondary">{dateTime(a.createdAt)}</Typography.Text>
              </Space>
            ),
          },
          {
            title: t('alerts.item'),
            key: 'item',
            render: (_, a) =>
              a.lot ? (
                <Link to={`/lots${query({ gtin: a.gtin, lot: a.lot })}`}>
                  <code>{a.lot}</code>
                </Link>
              ) : (
                <code>{a.serial ?? a.gtin}</code>
              ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, a) =>
              a.acknowledgedAt ? (
                <Typography.Text type="secondary">
                  {t('alerts.doneAt', { date: dateTime(a.acknowledgedAt) })}
                </Typography.Text>
              ) : mayAcknowledge ? (
                <Button size="small" onClick={() => void acknowledge(a)}>
                  {t('alerts.acknowledge')}
                </Button>
              ) : null,
          },
        ]}
      />
    </>
  );
}

function Notifications() {
  const { t, language } = useI18n();
  const [error, setError] = useState<unknown>();
  const notices = useResource<{ items: Notice[]; total: number; unread: number }>(
    `/api/notifications${query({ limit: 100, lang: language })}`,
  );
  const read = async (n: Notice) => {
    setError(undefined);
    try {
      await api(`/api/notifications/${encodeURIComponent(n.id)}/read`, { method: 'POST' });
      notices.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      {notices.error && <ProblemAlert error={notices.error} onRetry={notices.reload} />}
      {error !== undefined && <ProblemAlert error={error} />}
      <Table<Notice>
        rowKey="id"
        loading={notices.loading}
        dataSource={notices.data?.items ?? []}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: <EmptyState text={t('notifications.empty')} /> }}
        columns={[
          {
            title: t('notifications.title'),
            key: 'title',
            render: (_, n) => (
              <Space orientation="vertical" size={0}>
                {n.readAt ? n.title : <strong>{n.title}</strong>}
                <Typography.Text type="secondary">{dateTime(n.createdAt)}</Typography.Text>
              </Space>
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, n) => (
              <Space wrap>
                {n.link?.startsWith('/app/') && <Link to={n.link.slice(4)}>{t('notifications.open')}</Link>}
                {!n.readAt && (
                  <Button size="small" onClick={() => void read(n)}>
                    {t('notifications.markRead')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
    </>
  );
}

/** Scan alerts raised by the resolver on the organisation's codes, and in-app notifications. */
export function AlertsPage() {
  const { t } = useI18n();
  return (
    <>
      <Typography.Title level={2} className="page-title">
        {t('alerts.title')}
      </Typography.Title>
      <Tabs
        items={[
          { key: 'alerts', label: t('alerts.scanAlerts'), children: <ScanAlerts /> },
          { key: 'notifications', label: t('notifications.tab'), children: <Notifications /> },
        ]}
      />
    </>
  );
}
