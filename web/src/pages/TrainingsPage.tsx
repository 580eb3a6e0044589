import {
  App,
  Button,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, query } from '../api.ts';
import { EmptyState, ProblemAlert } from '../components/feedback.tsx';
import { showFieldErrors } from '../components/forms.ts';
import { useResource } from '../hooks.ts';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import type { Organisation, PageOf, Training } from '../types.ts';

interface TrainingForm {
  title: string;
  heldOn: Dayjs;
  place?: string;
  organiser?: string;
  topic?: string;
}

function Attendance({ training, onChanged }: { training: Training; onChanged: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const [form] = Form.useForm<{ organisationId: string; attendees: number }>();
  const [error, setError] = useState<unknown>();
  const [search, setSearch] = useState('');
  const organisations = useResource<PageOf<Organisation>>(
    `/api/organisations${query({ q: search, status: 'active', limit: 50, sort: 'name' })}`,
  );
  const base = `/api/trainings/${encodeURIComponent(training.id)}/attendance`;

  const record = async (values: { organisationId: string; attendees: number }) => {
    setError(undefined);
    try {
      await api(`${base}/${encodeURIComponent(values.organisationId)}`, {
        method: 'PUT',
        body: { attendees: values.attendees },
      });
      void message.success(t('trainings.attendanceSaved'));
      form.resetFields();
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  const remove = async (organisationId: string) => {
    setError(undefined);
    try {
      await api(`${base}/${encodeURIComponent(organisationId)}`, { method: 'DELETE' });
      onChanged();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {error !== undefined && <ProblemAlert error={error} />}
      <Table
        rowKey="organisationId"
        size="small"
        pagination={false}
        dataSource={training.attendance}
        locale={{ emptyText: <EmptyState text={t('trainings.noAttendance')} /> }}
        columns={[
          { title: t('trainings.organisation'), dataIndex: 'organisationName' },
          { title: t('trainings.attendees'), dataIndex: 'attendees', width: 110 },
          ...(can('province:write')
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  width: 110,
                  render: (_: unknown, a: { organisationId: string; organisationName: string }) => (
                    <Popconfirm
                      title={t('trainings.removeConfirm', { name: a.organisationName })}
                      okText={t('product.remove')}
                      cancelText={t('common.cancel')}
                      onConfirm={() => void remove(a.organisationId)}
                    >
                      <Button size="small" danger>
                        {t('product.remove')}
                      </Button>
                    </Popconfirm>
                  ),
                },
              ]
            : []),
        ]}
      />
      {can('province:write') && (
        <Form
          form={form}
          layout="inline"
          name={`attendance-${training.id}`}
          onFinish={(v) => void record(v)}
          style={{ rowGap: 8 }}
        >
          <Form.Item
            name="organisationId"
            label={t('trainings.organisation')}
            rules={[{ required: true, message: t('record.requiredField', { field: t('trainings.organisation') }) }]}
          >
            <Select
              showSearch={{ filterOption: false, onSearch: setSearch }}
              style={{ minWidth: 240 }}
              loading={organisations.loading}
              options={(organisations.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))}
            />
          </Form.Item>
          <Form.Item
            name="attendees"
            label={t('trainings.attendees')}
            rules={[{ required: true, message: t('record.requiredField', { field: t('trainings.attendees') }) }]}
          >
            <InputNumber min={1} precision={0} style={{ width: 100 }} />
          </Form.Item>
          <Button htmlType="submit">{t('trainings.markAttendance')}</Button>
        </Form>
      )}
    </Space>
  );
}

/** The province's training sessions for participating organisations, and who attended them. */
export function TrainingsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [expanded, setExpanded] = useState<readonly React.Key[]>([]);
  const [form] = Form.useForm<TrainingForm>();
  const pageSize = 20;
  const trainings = useResource<PageOf<Training>>(
    `/api/trainings${query({ q: search, limit: pageSize, offset: (page - 1) * pageSize, sort: '-heldOn' })}`,
  );

  const create = async (values: TrainingForm) => {
    setBusy(true);
    setError(undefined);
    try {
      const body = {
        title: values.title,
        heldOn: values.heldOn.format('YYYY-MM-DD'),
        ...(values.place ? { place: values.place } : {}),
        ...(values.organiser ? { organiser: values.organiser } : {}),
        ...(values.topic ? { topic: values.topic } : {}),
      };
      const created = await api<Training>('/api/trainings', { method: 'POST', body });
      void message.success(t('trainings.created', { title: created.title }));
      form.resetFields();
      setCreating(false);
      setExpanded([created.id]);
      trainings.reload();
    } catch (e) {
      if (!showFieldErrors(form, e, ['title', 'heldOn', 'place', 'organiser', 'topic'])) setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Typography.Title level={2} className="page-title">
        {t('trainings.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('trainings.intro')}</Typography.Paragraph>
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
        {can('province:write') && (
          <Button type="primary" onClick={() => setCreating(true)}>
            {t('trainings.create')}
          </Button>
        )}
      </div>
      {trainings.error && <ProblemAlert error={trainings.error} onRetry={trainings.reload} />}
      <Table<Training>
        rowKey="id"
        loading={trainings.loading}
        dataSource={trainings.data?.items ?? []}
        scroll={{ x: true }}
        expandable={{
          expandedRowKeys: expanded,
          onExpandedRowsChange: (keys) => setExpanded(keys),
          expandedRowRender: (tr) => <Attendance training={tr} onChanged={trainings.reload} />,
        }}
        locale={{ emptyText: <EmptyState text={t('trainings.empty')} /> }}
        pagination={{
          current: page,
          pageSize,
          total: trainings.data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
          showTotal: (total) => t('common.total', { count: total }),
        }}
        columns={[
          { title: t('trainings.name'), dataIndex: 'title', render: (v: string) => <strong>{v}</strong> },
          {
            title: t('trainings.heldOn'),
            dataIndex: 'heldOn',
            render: (d: string) => d.split('-').reverse().join('/'),
          },
          { title: t('trainings.place'), dataIndex: 'place', responsive: ['md'] },
          {
            title: t('trainings.participation'),
            key: 'count',
            render: (_, tr) => t('trainings.counts', { organisations: tr.organisationCount, people: tr.attendeeCount }),
          },
        ]}
      />
      <Modal
        open={creating}
        title={t('trainings.create')}
        onCancel={() => setCreating(false)}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        {error !== undefined && <ProblemAlert error={error} />}
        <Form form={form} layout="vertical" name="training" onFinish={(v) => void create(v)}>
          <Form.Item
            name="title"
            label={t('trainings.name')}
            rules={[{ required: true, message: t('record.requiredField', { field: t('trainings.name') }) }]}
          >
            <Input maxLength={500} />
          </Form.Item>
          <Form.Item
            name="heldOn"
            label={t('trainings.heldOn')}
            rules={[{ required: true, message: t('record.requiredField', { field: t('trainings.heldOn') }) }]}
          >
            <DatePicker format="DD/MM/YYYY" style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="place" label={t('trainings.place')}>
            <Input maxLength={500} />
          </Form.Item>
          <Form.Item name="organiser" label={t('trainings.organiser')}>
            <Input maxLength={500} />
          </Form.Item>
          <Form.Item name="topic" label={t('trainings.topic')}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
