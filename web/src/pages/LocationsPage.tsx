import { AimOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, InputNumber, Modal, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { api, query } from '../api.ts';
import { EmptyState, ProblemAlert } from '../components/feedback.tsx';
import { showFieldErrors } from '../components/forms.ts';
import { useResource } from '../hooks.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import type { Location, PageOf } from '../types.ts';

const KINDS = [
  'farm',
  'growing_area',
  'pond',
  'factory',
  'packing_house',
  'warehouse',
  'shop',
  'market',
  'vessel',
  'other',
] as const;
const FIELDS = ['gln', 'name', 'kind', 'latitude', 'longitude', 'growingAreaCode', 'packingHouseCode', 'address'];

interface LocationForm {
  gln: string;
  name: string;
  kind: string;
  latitude?: number;
  longitude?: number;
  growingAreaCode?: string;
  packingHouseCode?: string;
  address?: string;
}

function CreateLocation({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<LocationForm>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const locate = () => {
    navigator.geolocation.getCurrentPosition(
      (p) =>
        form.setFieldsValue({
          latitude: Number(p.coords.latitude.toFixed(6)),
          longitude: Number(p.coords.longitude.toFixed(6)),
        }),
      () => void message.warning(t('locations.positionFailed')),
      { enableHighAccuracy: true, timeout: 10_000 },
    );
  };

  const submit = async (values: LocationForm) => {
    setBusy(true);
    setError(undefined);
    try {
      const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== ''));
      await api<Location>('/api/locations', { method: 'POST', body });
      void message.success(t('locations.created', { name: values.name }));
      form.resetFields();
      onCreated();
    } catch (e) {
      if (!showFieldErrors(form, e, FIELDS)) setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('locations.create')}
      onCancel={onClose}
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
        onFinish={(v) => void submit(v)}
        name="location"
        initialValues={{ kind: 'farm' }}
      >
        <Form.Item
          name="gln"
          label={t('locations.gln')}
          extra={t('locations.glnHelp')}
          rules={[{ required: true, message: t('record.requiredField', { field: t('locations.gln') }) }]}
        >
          <Input inputMode="numeric" maxLength={13} />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('locations.name')}
          rules={[{ required: true, message: t('record.requiredField', { field: t('locations.name') }) }]}
        >
          <Input maxLength={500} />
        </Form.Item>
        <Form.Item name="kind" label={t('locations.kind')}>
          <Select options={KINDS.map((k) => ({ value: k, label: t(`locations.kind.${k}` as MessageKey) }))} />
        </Form.Item>
        <Space wrap align="end">
          <Form.Item name="latitude" label={t('locations.latitude')}>
            <InputNumber min={-90} max={90} step={0.000001} style={{ width: 150 }} />
          </Form.Item>
          <Form.Item name="longitude" label={t('locations.longitude')}>
            <InputNumber min={-180} max={180} step={0.000001} style={{ width: 150 }} />
          </Form.Item>
          <Form.Item>
            <Button icon={<AimOutlined />} onClick={locate}>
              {t('locations.useMyPosition')}
            </Button>
          </Form.Item>
        </Space>
        <Form.Item name="growingAreaCode" label={t('locations.growingAreaCode')} extra="VN-TTHOR-0001">
          <Input maxLength={30} />
        </Form.Item>
        <Form.Item name="packingHouseCode" label={t('locations.packingHouseCode')} extra="VN-TTHPH-0001">
          <Input maxLength={30} />
        </Form.Item>
        <Form.Item name="address" label={t('locations.address')}>
          <Input maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function LocationsPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);
  const locations = useResource<PageOf<Location>>(`/api/locations${query({ q: search, limit: 200 })}`);

  return (
    <>
      <Typography.Title level={2} className="page-title">
        {t('locations.title')}
      </Typography.Title>
      <div className="toolbar">
        <Input.Search
          className="grow"
          aria-label={t('common.search')}
          allowClear
          onSearch={(q) => setSearch(q.trim())}
        />
        {can('registry:write') && (
          <Button type="primary" onClick={() => setCreating(true)}>
            {t('locations.create')}
          </Button>
        )}
      </div>
      {locations.error && <ProblemAlert error={locations.error} onRetry={locations.reload} />}
      <Table<Location>
        rowKey="id"
        loading={locations.loading}
        dataSource={locations.data?.items ?? []}
        scroll={{ x: true }}
        locale={{ emptyText: <EmptyState text={t('locations.empty')} /> }}
        pagination={{ pageSize: 20, showSizeChanger: false, hideOnSinglePage: true }}
        columns={[
          { title: t('locations.name'), dataIndex: 'name', render: (n: string) => <strong>{n}</strong> },
          { title: t('locations.gln'), dataIndex: 'gln', render: (g: string) => <code>{g}</code> },
          {
            title: t('locations.kind'),
            dataIndex: 'kind',
            responsive: ['sm'],
            render: (k: string) =>
              (KINDS as readonly string[]).includes(k) ? t(`locations.kind.${k}` as MessageKey) : k,
          },
          {
            title: t('locations.growingAreaCode'),
            key: 'codes',
            responsive: ['md'],
            render: (_, l) => [l.growingAreaCode, l.packingHouseCode].filter(Boolean).join(' · '),
          },
          {
            title: t('locations.address'),
            key: 'address',
            responsive: ['lg'],
            render: (_, l) => l.address ?? l.communeName,
          },
        ]}
      />
      <CreateLocation
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={() => {
          setCreating(false);
          locations.reload();
        }}
      />
    </>
  );
}
