import { App, Button, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { EmptyState } from '../components/feedback.tsx';
import { useOnline } from '../hooks.ts';
import { useI18n } from '../i18n/index.tsx';
import { useOutbox } from '../offline/outbox-context.tsx';
import type { OutboxRecord, OutboxState } from '../offline/outbox.ts';

const COLOURS: Record<OutboxState, string> = { pending: 'gold', synced: 'green', rejected: 'red', conflict: 'volcano' };

export function OutboxPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const online = useOnline();
  const outbox = useOutbox();
  const [busy, setBusy] = useState(false);

  const syncNow = async () => {
    setBusy(true);
    try {
      const sent = await outbox.sync();
      void message.info(t('outbox.synced', { count: sent }));
    } finally {
      setBusy(false);
    }
  };

  const rows = [...outbox.records].reverse();
  return (
    <>
      <Typography.Title level={2} className="page-title">
        {t('outbox.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('outbox.intro')}</Typography.Paragraph>
      <div className="toolbar">
        <Typography.Text strong className="grow" data-testid="outbox-pending">
          {t('outbox.pendingCount', { count: outbox.pending })}
        </Typography.Text>
        <Button type="primary" onClick={() => void syncNow()} loading={busy} disabled={!online || outbox.pending === 0}>
          {t('outbox.syncNow')}
        </Button>
        <Button onClick={() => void outbox.clearSynced()} disabled={!rows.some((r) => r.state === 'synced')}>
          {t('outbox.clearSynced')}
        </Button>
      </div>
      <Table<OutboxRecord>
        rowKey="id"
        dataSource={rows}
        scroll={{ x: true }}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: <EmptyState text={t('outbox.empty')} /> }}
        columns={[
          {
            title: t('outbox.capturedAt'),
            dataIndex: 'capturedAt',
            render: (d: string) => dayjs(d).format('DD/MM/YYYY HH:mm:ss'),
          },
          { title: t('outbox.step'), dataIndex: 'label' },
          {
            title: t('outbox.state'),
            key: 'state',
            render: (_, r) => (
              <Space orientation="vertical" size={0}>
                <Tag color={COLOURS[r.state]}>{t(`outbox.state.${r.state}`)}</Tag>
                {(r.photosPending ?? 0) > 0 && (
                  <Typography.Text type="secondary">
                    {t('photos.pending', { count: r.photosPending ?? 0 })}
                  </Typography.Text>
                )}
                {r.error && <Typography.Text type="danger">{r.error}</Typography.Text>}
              </Space>
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, r) =>
              r.state === 'rejected' || r.state === 'conflict' ? (
                <Button size="small" danger onClick={() => void outbox.discard(r.id)}>
                  {t('outbox.discard')}
                </Button>
              ) : null,
          },
        ]}
      />
    </>
  );
}
