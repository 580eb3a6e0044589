import { Button, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography, App } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, query } from '../api.ts';
import { EmptyState, ProblemAlert } from '../components/feedback.tsx';
import { showFieldErrors } from '../components/forms.ts';
import { useResource } from '../hooks.ts';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import type { PageOf, Product, ProductGroup, Unit } from '../types.ts';

interface ProductForm {
  gtin: string;
  name: string;
  nameEn?: string;
  brand?: string;
  groupCode: string;
  netContent?: number;
  netContentUnit?: string;
  shelfLifeDays?: number;
  description?: string;
}

const FIELDS = [
  'gtin',
  'name',
  'nameEn',
  'brand',
  'groupCode',
  'netContent',
  'netContentUnit',
  'shelfLifeDays',
  'description',
];

function CreateProduct({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: () => void }) {
  const { t, language } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<ProductForm>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const groups = useResource<ProductGroup[] | PageOf<ProductGroup>>(open ? '/api/product-groups' : null);
  const units = useResource<Unit[]>(open ? '/api/units' : null);
  const groupList = Array.isArray(groups.data) ? groups.data : (groups.data?.items ?? []);

  const submit = async (values: ProductForm) => {
    setBusy(true);
    setError(undefined);
    try {
      const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== ''));
      await api<Product>('/api/products', { method: 'POST', body });
      void message.success(t('products.created', { name: values.name }));
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
      title={t('products.create')}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      {error !== undefined && <ProblemAlert error={error} />}
      {groups.error && <ProblemAlert error={groups.error} onRetry={groups.reload} />}
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} name="product">
        <Form.Item
          name="gtin"
          label={t('products.gtin')}
          extra={t('products.gtinHelp')}
          rules={[{ required: true, message: t('record.requiredField', { field: t('products.gtin') }) }]}
        >
          <Input inputMode="numeric" maxLength={14} />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('products.name')}
          rules={[{ required: true, message: t('record.requiredField', { field: t('products.name') }) }]}
        >
          <Input maxLength={500} />
        </Form.Item>
        <Form.Item name="nameEn" label={t('products.nameEn')}>
          <Input maxLength={500} />
        </Form.Item>
        <Form.Item
          name="groupCode"
          label={t('products.group')}
          rules={[{ required: true, message: t('record.requiredField', { field: t('products.group') }) }]}
        >
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            loading={groups.loading}
            options={groupList
              .filter((g) => g.active)
              .map((g) => ({ value: g.code, label: `${language === 'en' ? g.nameEn : g.name} (${g.code})` }))}
          />
        </Form.Item>
        <Form.Item name="brand" label={t('products.brand')}>
          <Input maxLength={500} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="netContent" label={t('products.netContent')}>
            <InputNumber min={0} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="netContentUnit" label={t('products.unit')}>
            <Select
              style={{ width: 200 }}
              showSearch={{ optionFilterProp: 'label' }}
              allowClear
              loading={units.loading}
              options={(units.data ?? []).map((u) => ({
                value: u.code,
                label: `${language === 'en' ? u.nameEn : u.name} (${u.code})`,
              }))}
            />
          </Form.Item>
          <Form.Item name="shelfLifeDays" label={t('products.shelfLife')}>
            <InputNumber min={0} precision={0} style={{ width: 160 }} />
          </Form.Item>
        </Space>
        <Form.Item name="description" label={t('products.description')}>
          <Input.TextArea rows={3} maxLength={5000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function ProductsPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const pageSize = 20;
  const products = useResource<PageOf<Product>>(
    `/api/products${query({ q: search, limit: pageSize, offset: (page - 1) * pageSize, sort: 'name' })}`,
  );

  return (
    <>
      <Typography.Title level={2} className="page-title">
        {t('products.title')}
      </Typography.Title>
      <div className="toolbar">
        <Input.Search
          className="grow"
          placeholder={t('products.searchPlaceholder')}
          aria-label={t('common.search')}
          allowClear
          onSearch={(q) => {
            setSearch(q.trim());
            setPage(1);
          }}
        />
        {can('registry:write') && (
          <Button type="primary" onClick={() => setCreating(true)}>
            {t('products.create')}
          </Button>
        )}
      </div>
      {products.error && <ProblemAlert error={products.error} onRetry={products.reload} />}
      <Table<Product>
        rowKey="id"
        loading={products.loading}
        dataSource={products.data?.items ?? []}
        scroll={{ x: true }}
        locale={{
          emptyText: <EmptyState text={search ? t('products.emptySearch', { q: search }) : t('products.empty')} />,
        }}
        pagination={{
          current: page,
          pageSize,
          total: products.data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
          showTotal: (total) => t('common.total', { count: total }),
        }}
        columns={[
          {
            title: t('products.name'),
            dataIndex: 'name',
            render: (name: string, p) => (
              <Space orientation="vertical" size={0}>
                <Link to={`/products/${encodeURIComponent(p.id)}`}>
                  <strong>{name}</strong>
                </Link>
                {p.brand && <Typography.Text type="secondary">{p.brand}</Typography.Text>}
              </Space>
            ),
          },
          { title: t('products.gtin'), dataIndex: 'gtin', render: (g: string) => <code>{g}</code> },
          { title: t('products.group'), dataIndex: 'groupCode', responsive: ['md'] },
          {
            title: t('products.certifications'),
            key: 'certs',
            responsive: ['lg'],
            render: (_, p) =>
              p.certifications.map((c) => (
                <Tag key={c.id}>{c.kind === 'ocop' && c.ocopStars ? `OCOP ${c.ocopStars}★` : c.kind.toUpperCase()}</Tag>
              )),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, p) =>
              can('epcis:capture') ? (
                <Link to={`/record?product=${encodeURIComponent(p.id)}`}>{t('products.record')}</Link>
              ) : null,
          },
        ]}
      />
      <CreateProduct
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={() => {
          setCreating(false);
          products.reload();
        }}
      />
    </>
  );
}
