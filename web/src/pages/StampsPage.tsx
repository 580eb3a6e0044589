import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Progress,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useRef, useState } from 'react';
import { api, newIdempotencyKey, query } from '../api.ts';
import { EmptyState, ProblemAlert } from '../components/feedback.tsx';
import { showFieldErrors } from '../components/forms.ts';
import { IdentifierInput, type ScannedIdentifier } from '../components/IdentifierInput.tsx';
import { findOwnStamp, type StampRow } from '../components/stamp-lookup.ts';
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
  // One key per order: sending the same order again after a lost answer reuses it, so one batch is issued.
  const submission = useRef<{ body: string; key: string } | undefined>(undefined);
  const submit = async (values: OrderForm) => {
    setBusy(true);
    setError(undefined);
    try {
      const body = { ...values, lot: values.lot?.trim() || undefined };
      if (submission.current?.body !== JSON.stringify(body))
        submission.current = { body: JSON.stringify(body), key: newIdempotencyKey() };
      await api<StampBatch>('/api/stamp-batches', {
        method: 'POST',
        body,
        idempotencyKey: submission.current.key,
      });
      submission.current = undefined;
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
  const [form] = Form.useForm<{ lot: string } & Range>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [scanned, setScanned] = useState<ScannedIdentifier>();
  const [scanNote, setScanNote] = useState<string>();
  const scanGeneration = useRef(0);
  /** A lot code (GTIN + lot) of this batch's product, or a stamp already bound to a lot, fills in the lot. */
  const pick = async (code: ScannedIdentifier | undefined) => {
    setScanned(code);
    setScanNote(undefined);
    const mine = ++scanGeneration.current;
    if (!code) return;
    if (code.gtin && code.gtin !== batch.gtin) {
      setScanNote(t('scanner.otherProduct', { gtin: code.gtin }));
      return;
    }
    let lot = code.lot;
    if (!lot && code.gtin && code.serial) {
      const found = await findOwnStamp(code.gtin, code.serial).catch(() => undefined);
      if (mine !== scanGeneration.current) return;
      lot = found?.stamp.lot ?? undefined;
      if (!lot) {
        setScanNote(t(found ? 'scanner.stampNoLot' : 'scanner.stampNotFound', { serial: code.serial }));
        return;
      }
    }
    if (lot) form.setFieldsValue({ lot });
    else setScanNote(t('scanner.nothingToPick'));
  };
  const submit = async (values: { lot: string } & Range) => {
    setBusy(true);
    setError(undefined);
    try {
      const result = await api<{ activated: number }>(`/api/stamp-batches/${encodeURIComponent(batch.id)}/activate`, {
        method: 'POST',
        body: { lot: values.lot.trim(), ...rangeOf(values) },
      });
      void message.success(t('stamps.activated', { count: result.activated, lot: values.lot.trim() }));
      onDone();
    } catch (e) {
      if (!showFieldErrors(form, e, ['lot', 'from', 'to'])) setError(e);
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
        <Form.Item label={t('scanner.activateScan')} htmlFor="activate-scan" extra={t('scanner.activateScanHelp')}>
          <IdentifierInput id="activate-scan" value={scanned} onChange={(code) => void pick(code)} />
          {scanNote && <Alert type="warning" showIcon title={scanNote} role="status" style={{ marginTop: 8 }} />}
        </Form.Item>
        <Form.Item
          name="lot"
          label={t('stamps.lot')}
          rules={[{ required: true, message: t('record.requiredField', { field: t('stamps.lot') }) }]}
        >
          <Input maxLength={20} />
        </Form.Item>
        <RangeFields batch={batch} />
      </Form>
    </Modal>
  );
}

/** Scanning (or pasting) a stamp's QR code shows where it comes from: its batch, place in it, state and lot. */
function LookUpStamp() {
  const { t } = useI18n();
  const [scanned, setScanned] = useState<ScannedIdentifier>();
  const [result, setResult] = useState<{ stamp: StampRow; batch: StampBatch } | string>();
  const generation = useRef(0);
  const look = async (code: ScannedIdentifier | undefined) => {
    setScanned(code);
    setResult(undefined);
    const mine = ++generation.current;
    if (!code?.gtin || !code.serial) return;
    const found = await findOwnStamp(code.gtin, code.serial).catch((e: unknown) =>
      e instanceof Error ? e.message : String(e),
    );
    if (mine !== generation.current) return;
    setResult(found ?? t('scanner.stampNotFound', { serial: code.serial }));
  };
  return (
    <Card size="small" title={t('scanner.lookup')} style={{ marginBottom: 16 }}>
      <Form layout="vertical">
        <Form.Item label={t('identifier.serial')} htmlFor="stamp-lookup" extra={t('scanner.lookupHelp')}>
          <IdentifierInput id="stamp-lookup" want="serial" value={scanned} onChange={(code) => void look(code)} />
        </Form.Item>
      </Form>
      {typeof result === 'string' && <Alert type="warning" showIcon title={result} role="status" />}
      {result && typeof result !== 'string' && (
        <div data-testid="stamp-found">
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('scanner.stamp.batch')}>
              {result.batch.productName} · {dayjs(result.batch.createdAt).format('DD/MM/YYYY')}
            </Descriptions.Item>
            <Descriptions.Item label={t('scanner.stamp.sequence')}>
              {result.stamp.sequence} / {result.batch.quantity}
            </Descriptions.Item>
            <Descriptions.Item label={t('scanner.stamp.state')}>
              <Tag color={{ issued: undefined, activated: 'green', scanned: 'blue', void: 'red' }[result.stamp.state]}>
                {t(`scanner.state.${result.stamp.state}`)}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('scanner.stamp.lot')}>
              {result.stamp.lot ?? t('stamps.noLot')}
            </Descriptions.Item>
            <Descriptions.Item label={t('scanner.stamp.scans')}>{result.stamp.scanCount}</Descriptions.Item>
          </Descriptions>
        </div>
      )}
    </Card>
  );
}

/** A range of sequence numbers within a batch; both empty: the whole batch. */
interface Range {
  from?: number | null;
  to?: number | null;
}

function rangeOf(values: Range): { from?: number; to?: number } {
  return {
    ...(values.from ? { from: values.from } : {}),
    ...(values.to ? { to: values.to } : {}),
  };
}

function RangeFields({ batch }: { batch: StampBatch }) {
  const { t } = useI18n();
  return (
    <>
      <Typography.Paragraph type="secondary">{t('stamps.rangeHelp', { count: batch.quantity })}</Typography.Paragraph>
      <Space wrap>
        <Form.Item name="from" label={t('stamps.from')}>
          <InputNumber min={1} max={batch.quantity} precision={0} style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="to" label={t('stamps.to')}>
          <InputNumber min={1} max={batch.quantity} precision={0} style={{ width: 140 }} />
        </Form.Item>
      </Space>
    </>
  );
}

function VoidStamps({ batch, onClose, onDone }: { batch: StampBatch; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Range>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (values: Range) => {
    setBusy(true);
    setError(undefined);
    try {
      const result = await api<{ voided: number }>(`/api/stamp-batches/${encodeURIComponent(batch.id)}/void`, {
        method: 'POST',
        body: rangeOf(values),
      });
      void message.success(t('stamps.voided', { count: result.voided }));
      onDone();
    } catch (e) {
      if (!showFieldErrors(form, e, ['from', 'to'])) setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('stamps.void')}
      onCancel={onClose}
      okText={t('stamps.void')}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
    >
      {error !== undefined && <ProblemAlert error={error} />}
      <Typography.Paragraph type="warning">{t('stamps.voidHelp')}</Typography.Paragraph>
      <Form form={form} layout="vertical" name="void" onFinish={(v) => void submit(v)}>
        <RangeFields batch={batch} />
      </Form>
    </Modal>
  );
}

/** Downloads the label sheets of a range, showing how much of the PDF has arrived, then hands it to the browser. */
function PrintStamps({ batch, onClose }: { batch: StampBatch; onClose: () => void }) {
  const { t, language } = useI18n();
  const [form] = Form.useForm<Range & { layout: string }>();
  const [received, setReceived] = useState<{ bytes: number; total: number | null }>();
  const [error, setError] = useState<unknown>();
  const submit = async (values: Range & { layout: string }) => {
    setError(undefined);
    setReceived({ bytes: 0, total: null });
    try {
      const url = `/api/stamp-batches/${encodeURIComponent(batch.id)}/labels.pdf${query({
        lang: language,
        layout: values.layout,
        ...rangeOf(values),
      })}`;
      const response = await fetch(url, { credentials: 'same-origin' });
      if (!response.ok || !response.body) throw new Error(`${response.status} ${response.statusText}`);
      const total = Number(response.headers.get('content-length')) || null;
      const reader = response.body.getReader();
      const chunks: Uint8Array<ArrayBuffer>[] = [];
      let bytes = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        bytes += value.length;
        setReceived({ bytes, total });
      }
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob(chunks, { type: 'application/pdf' }));
      link.download = `tem-${batch.gtin}${values.from ? `-${values.from}` : ''}.pdf`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
      onClose();
    } catch (e) {
      setReceived(undefined);
      setError(e);
    }
  };
  const percent = received?.total ? Math.round((100 * received.bytes) / received.total) : undefined;
  return (
    <Modal
      open
      title={t('stamps.printRange')}
      onCancel={onClose}
      okText={t('stamps.print')}
      cancelText={t('common.cancel')}
      confirmLoading={received !== undefined}
      onOk={() => form.submit()}
    >
      {error !== undefined && <ProblemAlert error={error} />}
      <Form
        form={form}
        layout="vertical"
        name="print"
        initialValues={{ layout: batch.layout }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item name="layout" label={t('stamps.layout')}>
          <Select options={LAYOUTS.map((l) => ({ value: l, label: t(`stamps.layout.${l}`) }))} />
        </Form.Item>
        <RangeFields batch={batch} />
      </Form>
      {received !== undefined && (
        <div role="status" aria-live="polite">
          {percent !== undefined ? (
            <Progress percent={percent} />
          ) : (
            <Typography.Text>{t('stamps.printing', { kb: Math.round(received.bytes / 1024) })}</Typography.Text>
          )}
        </div>
      )}
    </Modal>
  );
}

export function StampsPage() {
  const { t, language } = useI18n();
  const { can } = useSession();
  const [ordering, setOrdering] = useState(false);
  const [activating, setActivating] = useState<StampBatch>();
  const [voiding, setVoiding] = useState<StampBatch>();
  const [printing, setPrinting] = useState<StampBatch>();
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
      {(batches.data?.items.length ?? 0) > 0 && <LookUpStamp />}
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
                <Button size="small" onClick={() => setPrinting(b)}>
                  {t('stamps.printRange')}
                </Button>
                {manage && b.counts.issued > 0 && (
                  <Button size="small" onClick={() => setActivating(b)}>
                    {t('stamps.activate')}
                  </Button>
                )}
                {manage && b.counts.void < b.quantity && (
                  <Button size="small" danger onClick={() => setVoiding(b)}>
                    {t('stamps.void')}
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
      {voiding && (
        <VoidStamps
          batch={voiding}
          onClose={() => setVoiding(undefined)}
          onDone={() => {
            setVoiding(undefined);
            batches.reload();
          }}
        />
      )}
      {printing && <PrintStamps batch={printing} onClose={() => setPrinting(undefined)} />}
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
