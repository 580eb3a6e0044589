import { App, Button, Checkbox, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { api, query } from '../api.ts';
import { EmptyState, ProblemAlert } from '../components/feedback.tsx';
import { showFieldErrors } from '../components/forms.ts';
import { useResource } from '../hooks.ts';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import type { PageOf, Product, StampBatch } from '../types.ts';

const LAYOUTS = ['a4-21', 'a4-40', 'a4-65'] as const;

interface OrderForm {
  productId: string;
  quantity: number;
  lot?: string;
  layout: string;
  withVerificationCode: boolean;
}

function OrderStamps({ open, onClose, onOrdered }: { open: boolean; onClose: () => void; onOrdered: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<OrderForm>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const products = useResource<PageOf<Product>>(open ? `/api/products${query({ limit: 200, sort: 'name' })}` : null);
  const submit = async (values: OrderForm) => {
    setBusy(true);
    setError(undefined);
    try {
      const body = { ...values, lot: values.lot?.trim() || undefined };
      await api<StampBatch>('/api/stamp-batches', { method: 'POST', body });
      void message.success(t('stamps.ordered', { count: values.quantity }));
      form.resetFields();
      onOrdered();
    } catch (e) {
      if (!showFieldErrors(form, e, ['productId', 'quantity', 'lot', 'layout'])) setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t('stamps.order')}
      onCancel={onClose}
      okText={t('stamps.order')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      {error !== undefined && <ProblemAlert error={error} />}
      {products.error && <ProblemAlert error={products.error} onRetry={products.reload} />}
      <Form
        form={form}
        layout="vertical"
        name="stamps"
        initialValues={{ quantity: 21, layout: 'a4-21', withVerificationCode: false }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item
          name="productId"
          label={t('record.product')}
          rules={[{ required: true, message: t('record.requiredField', { field: t('record.product') }) }]}
        >
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            loading={products.loading}
            options={(products.data?.items ?? []).map((p) => ({ value: p.id, label: `${p.name} (${p.gtin})` }))}
          />
        </Form.Item>
        <Form.Item
          name="quantity"
          label={t('stamps.quantity')}
          rules={[{ required: true, message: t('record.requiredField', { field: t('stamps.quantity') }) }]}
        >
          <InputNumber min={1} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="lot" label={t('stamps.lot')} extra={t('stamps.lotHelp')}>
          <Input maxLength={20} />
        </Form.Item>
        <Form.Item name="layout" label={t('stamps.layout')}>
          <Select options={LAYOUTS.map((l) => ({ value: l, label: t(`stamps.layout.${l}`) }))} />
        </Form.Item>
        <Form.Item name="withVerificationCode" valuePropName="checked">
          <Checkbox>{t('stamps.withCode')}</Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ActivateStamps({ batch, onClose, onDone }: { batch: StampBatch; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ lot: string }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (values: { lot: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      const result = await api<{ activated: number }>(`/api/stamp-batches/${encodeURIComponent(batch.id)}/activate`, {
        method: 'POST',
        body: { lot: values.lot.trim() },
      });
      void message.success(t('stamps.activated', { count: result.activated, lot: values.lot.trim() }));
      onDone();
    } catch (e) {
      if (!showFieldErrors(form, e, ['lot'])) setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('stamps.activate')}
      onCancel={onClose}
      okText={t('stamps.activate')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
    >
      {error !== undefined && <ProblemAlert error={error} />}
      <Typography.Paragraph type="secondary">{t('stamps.activateHelp')}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        name="activate"
        initialValues={{ lot: batch.lot ?? '' }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item
          name="lot"
          label={t('stamps.lot')}
          rules={[{ required: true, message: t('record.requiredField', { field: t('stamps.lot') }) }]}
        >
          <Input maxLength={20} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function StampsPage() {
  const { t, language } = useI18n();
  const { can } = useSession();
  const [ordering, setOrdering] = useState(false);
  const [activating, setActivating] = useState<StampBatch>();
  const batches = useResource<PageOf<StampBatch>>(`/api/stamp-batches${query({ limit: 100 })}`);
  const manage = can('stamps:manage');
  return (
    <>
      <Typography.Title level={2} className="page-title">
        {t('stamps.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('stamps.intro')}</Typography.Paragraph>
      <div className="toolbar">
        <span className="grow" />
        {manage && (
          <Button type="primary" onClick={() => setOrdering(true)}>
            {t('stamps.order')}
          </Button>
        )}
      </div>
      {batches.error && <ProblemAlert error={batches.error} onRetry={batches.reload} />}
      <Table<StampBatch>
        rowKey="id"
        loading={batches.loading}
        dataSource={batches.data?.items ?? []}
        scroll={{ x: true }}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: <EmptyState text={t('stamps.empty')} /> }}
        columns={[
          {
            title: t('shipments.product'),
            key: 'product',
            render: (_, b) => (
              <Space orientation="vertical" size={0}>
                <strong>{b.productName}</strong>
                <Typography.Text type="secondary">
                  {dayjs(b.createdAt).format('DD/MM/YYYY')} · {b.lot ?? t('stamps.noLot')}
                </Typography.Text>
              </Space>
            ),
          },
          { title: t('stamps.quantity'), dataIndex: 'quantity' },
          {
            title: t('common.status'),
            key: 'counts',
            render: (_, b) => (
              <Space wrap>
                <Tag>{t('stamps.count.issued', { count: b.counts.issued })}</Tag>
                <Tag color="green">{t('stamps.count.activated', { count: b.counts.activated })}</Tag>
                <Tag color="blue">{t('stamps.count.scanned', { count: b.counts.scanned })}</Tag>
                {b.counts.void > 0 && <Tag color="red">{t('stamps.count.void', { count: b.counts.void })}</Tag>}
              </Space>
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, b) => (
              <Space wrap>
                <a
                  href={`/api/stamp-batches/${encodeURIComponent(b.id)}/labels.pdf?lang=${language}`}
                  target="_blank"
                  rel="noreferrer"
                >
                  {t('stamps.print')}
                </a>
                {manage && b.counts.issued > 0 && (
                  <Button size="small" onClick={() => setActivating(b)}>
                    {t('stamps.activate')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <OrderStamps
        open={ordering}
        onClose={() => setOrdering(false)}
        onOrdered={() => {
          setOrdering(false);
          batches.reload();
        }}
      />
      {activating && (
        <ActivateStamps
          batch={activating}
          onClose={() => setActivating(undefined)}
          onDone={() => {
            setActivating(undefined);
            batches.reload();
          }}
        />
      )}
    </>
  );
}
