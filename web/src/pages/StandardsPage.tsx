import { App, Button, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { api, query } from '../api.ts';
import { EmptyState, Loadable, ProblemAlert } from '../components/feedback.tsx';
import { StandardEditor } from '../components/StandardEditor.tsx';
import { useResource } from '../hooks.ts';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import type { PageOf, Standard, StandardDetail } from '../types.ts';

const STATUS_COLOURS = { draft: 'gold', published: 'green', superseded: 'default' } as const;

function StandardSteps({ id }: { id: string }) {
  const { language } = useI18n();
  const detail = useResource<StandardDetail>(`/api/standards/${encodeURIComponent(id)}`);
  return (
    <Loadable resource={detail}>
      {(standard) => (
        <ol style={{ margin: 0 }}>
          {[...standard.document.ctes]
            .sort((a, b) => a.order - b.order)
            .map((c) => (
              <li key={c.id}>
                <strong>{c.name[language]}</strong> <code>{c.bizStep}</code> —{' '}
                {c.kdes.map((k) => k.label?.[language] ?? k.path).join(', ')}
              </li>
            ))}
        </ol>
      )}
    </Loadable>
  );
}

export function StandardsPage() {
  const { t, language } = useI18n();
  const { message } = App.useApp();
  const { province, can } = useSession();
  const standards = useResource<PageOf<Standard>>(`/api/standards${query({ limit: 200 })}`);
  const [drafting, setDrafting] = useState<Standard>();
  const [error, setError] = useState<unknown>();
  const author = province && can('province:write');

  const publish = async (s: Standard) => {
    setError(undefined);
    try {
      await api(`/api/standards/${encodeURIComponent(s.id)}/publish`, { method: 'POST', body: {} });
      void message.success(t('standards.published', { title: language === 'en' ? s.titleEn : s.title }));
      standards.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      <Typography.Title level={2} className="page-title">
        {t('standards.title')}
      </Typography.Title>
      {standards.error && <ProblemAlert error={standards.error} onRetry={standards.reload} />}
      {error !== undefined && <ProblemAlert error={error} />}
      <Table<Standard>
        rowKey="id"
        loading={standards.loading}
        dataSource={standards.data?.items ?? []}
        scroll={{ x: true }}
        pagination={{ pageSize: 30, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: <EmptyState text={t('standards.empty')} /> }}
        expandable={{ expandedRowRender: (s) => <StandardSteps id={s.id} /> }}
        columns={[
          {
            title: t('common.name'),
            key: 'title',
            render: (_, s) => (
              <Space orientation="vertical" size={0}>
                <strong>{language === 'en' ? s.titleEn : s.title}</strong>
                <Typography.Text type="secondary">
                  <code>{s.profileId}</code> · {t('standards.version')} {s.version}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: t('standards.groups'),
            key: 'groups',
            responsive: ['md'],
            render: (_, s) => s.productGroups.join(', '),
          },
          {
            title: t('common.status'),
            key: 'status',
            render: (_, s) => (
              <Space orientation="vertical" size={0}>
                <Tag color={STATUS_COLOURS[s.status]}>{t(`standards.status.${s.status}`)}</Tag>
                {s.publishedAt && (
                  <Typography.Text type="secondary">{dayjs(s.publishedAt).format('DD/MM/YYYY')}</Typography.Text>
                )}
              </Space>
            ),
          },
          ...(author
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_: unknown, s: Standard) =>
                    s.status === 'draft' ? (
                      <Space wrap>
                        <Button size="small" onClick={() => setDrafting(s)}>
                          {t('authoring.edit')}
                        </Button>
                        <Button type="primary" size="small" onClick={() => void publish(s)}>
                          {t('standards.publish')}
                        </Button>
                      </Space>
                    ) : s.status === 'published' ? (
                      <Button size="small" onClick={() => setDrafting(s)}>
                        {t('standards.newVersion')}
                      </Button>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
      {drafting && (
        <StandardEditor
          base={drafting}
          onClose={() => setDrafting(undefined)}
          onSaved={() => {
            setDrafting(undefined);
            standards.reload();
          }}
        />
      )}
    </>
  );
}
