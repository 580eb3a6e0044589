import { AimOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, InputNumber, Modal, Segmented, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { api, query } from '../api.ts';
import { EmptyState, ProblemAlert } from '../components/feedback.tsx';
import { showFieldErrors } from '../components/forms.ts';
import { useResource } from '../hooks.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { MapPicker, type MapPoint } from '../map/MapPicker.tsx';
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
  latitude?: number | null;
  longitude?: number | null;
  growingAreaCode?: string;
  packingHouseCode?: string;
  address?: string;
}

/** The form's values from a location being edited: absent fields stay absent. */
function formValues(location: Location): LocationForm {
  const values: LocationForm = { gln: location.gln, name: location.name, kind: location.kind };
  if (location.latitude !== null) values.latitude = location.latitude;
  if (location.longitude !== null) values.longitude = location.longitude;
  if (location.growingAreaCode) values.growingAreaCode = location.growingAreaCode;
  if (location.packingHouseCode) values.packingHouseCode = location.packingHouseCode;
  if (location.address) values.address = location.address;
  return values;
}

/** Creates a location (`editing` absent) or edits one; the position is typed, taken from the device or picked on the map. */
function LocationEditor({
  open,
  editing,
  others,
  onClose,
  onSaved,
}: {
  open: boolean;
  editing?: Location | undefined;
  others: readonly Location[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<LocationForm>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const latitude = Form.useWatch('latitude', form);
  const longitude = Form.useWatch('longitude', form);
  const position = typeof latitude === 'number' && typeof longitude === 'number' ? { latitude, longitude } : undefined;

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
      if (editing) {
        // Every editable field is sent, so a cleared field (a removed position) is cleared on the server too.
        const { gln: _gln, ...fields } = values;
        const body = Object.fromEntries(
          Object.entries({ ...fields, latitude: values.latitude ?? null, longitude: values.longitude ?? null }).map(
            ([k, v]) => [k, v === undefined || v === '' ? null : v],
          ),
        );
        await api<Location>(`/api/locations/${encodeURIComponent(editing.id)}`, { method: 'PATCH', body });
        void message.success(t('locations.updated', { name: values.name }));
      } else {
        const body = Object.fromEntries(
          Object.entries(values).filter(([, v]) => v !== undefined && v !== null && v !== ''),
        );
        await api<Location>('/api/locations', { method: 'POST', body });
        void message.success(t('locations.created', { name: values.name }));
      }
      form.resetFields();
      onSaved();
    } catch (e) {
      if (!showFieldErrors(form, e, FIELDS)) setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={editing ? t('locations.editTitle', { name: editing.name }) : t('locations.create')}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      width={680}
      destroyOnHidden
    >
      {error !== undefined && <ProblemAlert error={error} />}
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => void submit(v)}
        name="location"
        initialValues={editing ? formValues(editing) : { kind: 'farm' }}
      >
        <Form.Item
          name="gln"
          label={t('locations.gln')}
          extra={editing ? t('locations.glnFixed') : t('locations.glnHelp')}
          rules={[{ required: true, message: t('record.requiredField', { field: t('locations.gln') }) }]}
        >
          <Input inputMode="numeric" maxLength={13} disabled={editing !== undefined} />
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
            <Space wrap>
              <Button icon={<AimOutlined />} onClick={locate}>
                {t('locations.useMyPosition')}
              </Button>
              {position && (
                <Button onClick={() => form.setFieldsValue({ latitude: null, longitude: null })}>
                  {t('map.clear')}
                </Button>
              )}
            </Space>
          </Form.Item>
        </Space>
        <div style={{ marginBottom: 16 }}>
          <MapPicker
            value={position}
            onChange={(p) => form.setFieldsValue({ latitude: p.latitude, longitude: p.longitude })}
            points={mapPoints(others.filter((o) => o.id !== editing?.id))}
          />
        </div>
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

function mapPoints(locations: readonly Location[]): MapPoint[] {
  return locations.flatMap((l) =>
    l.latitude !== null && l.longitude !== null
      ? [{ key: l.id, label: l.name, latitude: l.latitude, longitude: l.longitude }]
      : [],
  );
}

export function LocationsPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Location>();
  const [view, setView] = useState<'list' | 'map'>('list');
  const locations = useResource<PageOf<Location>>(`/api/locations${query({ q: search, limit: 200 })}`);
  const items = locations.data?.items ?? [];
  const unlocated = items.filter((l) => l.latitude === null || l.longitude === null).length;

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
        <Segmented
          value={view}
          onChange={(v) => setView(v as 'list' | 'map')}
          options={[
            { value: 'list', label: t('locations.view.list') },
            { value: 'map', label: t('locations.view.map') },
          ]}
        />
        {can('registry:write') && (
          <Button type="primary" onClick={() => setCreating(true)}>
            {t('locations.create')}
          </Button>
        )}
      </div>
      {locations.error && <ProblemAlert error={locations.error} onRetry={locations.reload} />}
      {view === 'map' && (
        <div style={{ marginBottom: 16 }}>
          <MapPicker key={items.length} points={mapPoints(items)} />
          {unlocated > 0 && (
            <Typography.Text type="secondary">{t('map.unlocated', { count: unlocated })}</Typography.Text>
          )}
        </div>
      )}
      <Table<Location>
        rowKey="id"
        loading={locations.loading}
        dataSource={items}
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
          ...(can('registry:write')
            ? [
                {
                  title: '',
                  key: 'actions',
                  render: (_: unknown, l: Location) => (
                    <Button size="small" onClick={() => setEditing(l)} aria-label={`${t('locations.edit')} ${l.name}`}>
                      {t('locations.edit')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <LocationEditor
        open={creating || editing !== undefined}
        editing={editing}
        others={items}
        onClose={() => {
          setCreating(false);
          setEditing(undefined);
        }}
        onSaved={() => {
          setCreating(false);
          setEditing(undefined);
          locations.reload();
        }}
      />
    </>
  );
}
