import { DeleteOutlined, UploadOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Image,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, query } from '../api.ts';
import { EmptyState, Loadable, ProblemAlert } from '../components/feedback.tsx';
import { showFieldErrors } from '../components/forms.ts';
import { useResource } from '../hooks.ts';
import { lotsInEvents } from '../events/form-model.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import type { Certification, LotCompliance, PageOf, Product, ProductStandard, Standard } from '../types.ts';

const CERTIFICATION_KINDS = [
  'vietgap',
  'globalgap',
  'organic',
  'ocop',
  'geographical_indication',
  'haccp',
  'iso22000',
  'other',
] as const;
const MAX_UPLOAD = 10 * 1024 * 1024;

function useCertKind(): (kind: string, stars?: number | null) => string {
  const { t } = useI18n();
  return (kind, stars) => {
    const text = t(`cert.${kind}` as MessageKey);
    const label = text === `cert.${kind}` ? kind : text;
    return kind === 'ocop' && stars ? `${label} ${stars}★` : label;
  };
}

function upload(path: string, file: File, fields: Record<string, string> = {}): Promise<unknown> {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  body.append('file', file);
  return api(path, { method: 'POST', body });
}

function Images({ product, onChanged }: { product: Product; onChanged: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const editable = can('registry:write');

  const add = async (file: File) => {
    setError(undefined);
    if (file.size > MAX_UPLOAD) {
      setError(new Error(t('product.images.tooLarge')));
      return;
    }
    setBusy(true);
    try {
      await upload(`/api/products/${encodeURIComponent(product.id)}/images`, file, { alt: product.name });
      void message.success(t('product.images.added'));
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (mediaId: string) => {
    setError(undefined);
    try {
      await api(`/api/products/${encodeURIComponent(product.id)}/images/${encodeURIComponent(mediaId)}`, {
        method: 'DELETE',
      });
      onChanged();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Card title={t('product.images.title')} size="small">
      {error !== undefined &&
        (error instanceof Error && error.name === 'Error' ? (
          <Typography.Text type="danger" role="alert">
            {error.message}
          </Typography.Text>
        ) : (
          <ProblemAlert error={error} />
        ))}
      {product.images.length === 0 ? (
        <EmptyState text={t('product.images.empty')} />
      ) : (
        <Space wrap size={12} style={{ marginBottom: 12 }} data-testid="product-images">
          {product.images.map((image) => (
            <Space key={image.mediaId} orientation="vertical" align="center" size={4}>
              <Image
                src={image.url}
                alt={image.alt ?? product.name}
                width={120}
                height={120}
                style={{ objectFit: 'cover' }}
              />
              {editable && (
                <Popconfirm
                  title={t('product.images.removeConfirm')}
                  okText={t('product.remove')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => void remove(image.mediaId)}
                >
                  <Button size="small" icon={<DeleteOutlined />} aria-label={t('product.images.remove')} />
                </Popconfirm>
              )}
            </Space>
          ))}
        </Space>
      )}
      {editable && (
        <Upload
          accept="image/jpeg,image/png,image/webp"
          showUploadList={false}
          beforeUpload={(file) => {
            void add(file);
            return false;
          }}
        >
          <Button icon={<UploadOutlined />} loading={busy}>
            {t('product.images.upload')}
          </Button>
        </Upload>
      )}
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
        {t('product.images.help')}
      </Typography.Paragraph>
    </Card>
  );
}

interface CertForm {
  kind: string;
  number?: string;
  issuer?: string;
  ocopStars?: number;
  validFrom?: Dayjs;
  validTo?: Dayjs;
}

function Certifications({ product, onChanged }: { product: Product; onChanged: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const certKind = useCertKind();
  const [form] = Form.useForm<CertForm>();
  const [adding, setAdding] = useState(false);
  const [file, setFile] = useState<File>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const kind = Form.useWatch('kind', form);
  const editable = can('registry:write');
  const base = `/api/products/${encodeURIComponent(product.id)}/certifications`;
  const certifications = product.certifications as unknown as Certification[];

  const add = async (values: CertForm) => {
    setBusy(true);
    setError(undefined);
    try {
      const body = {
        kind: values.kind,
        ...(values.number ? { number: values.number } : {}),
        ...(values.issuer ? { issuer: values.issuer } : {}),
        ...(values.kind === 'ocop' && values.ocopStars ? { ocopStars: values.ocopStars } : {}),
        ...(values.validFrom ? { validFrom: values.validFrom.format('YYYY-MM-DD') } : {}),
        ...(values.validTo ? { validTo: values.validTo.format('YYYY-MM-DD') } : {}),
      };
      const created = await api<Certification>(base, { method: 'POST', body });
      if (file) await upload(`${base}/${encodeURIComponent(created.id)}/document`, file);
      void message.success(t('product.certs.added'));
      form.resetFields();
      setFile(undefined);
      setAdding(false);
      onChanged();
    } catch (e) {
      if (!showFieldErrors(form, e, ['kind', 'number', 'issuer', 'ocopStars', 'validFrom', 'validTo'])) setError(e);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (c: Certification) => {
    setError(undefined);
    try {
      await api(`${base}/${encodeURIComponent(c.id)}`, { method: 'DELETE' });
      onChanged();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Card
      title={t('product.certs.title')}
      size="small"
      extra={
        editable ? (
          <Button size="small" onClick={() => setAdding(true)}>
            {t('product.certs.add')}
          </Button>
        ) : null
      }
    >
      {error !== undefined && !adding && <ProblemAlert error={error} />}
      <Table<Certification>
        rowKey="id"
        size="small"
        pagination={false}
        scroll={{ x: true }}
        dataSource={certifications}
        locale={{ emptyText: <EmptyState text={t('product.certs.empty')} /> }}
        columns={[
          { title: t('product.certs.kind'), key: 'kind', render: (_, c) => <Tag>{certKind(c.kind, c.ocopStars)}</Tag> },
          { title: t('product.certs.number'), dataIndex: 'number' },
          { title: t('product.certs.issuer'), dataIndex: 'issuer', responsive: ['md'] },
          {
            title: t('product.certs.validTo'),
            dataIndex: 'validTo',
            render: (d: string | null) => (d ? d.split('-').reverse().join('/') : '—'),
          },
          {
            title: t('product.certs.document'),
            dataIndex: 'documentUrl',
            render: (url: string | null) =>
              url ? (
                <a href={url} target="_blank" rel="noreferrer">
                  {t('product.certs.open')}
                </a>
              ) : (
                '—'
              ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, c) =>
              editable ? (
                <Popconfirm
                  title={t('product.certs.removeConfirm')}
                  okText={t('product.remove')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => void remove(c)}
                >
                  <Button size="small" danger>
                    {t('product.remove')}
                  </Button>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
      <Modal
        open={adding}
        title={t('product.certs.add')}
        onCancel={() => setAdding(false)}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        {error !== undefined && <ProblemAlert error={error} />}
        <Form form={form} layout="vertical" name="certification" onFinish={(v) => void add(v)}>
          <Form.Item
            name="kind"
            label={t('product.certs.kind')}
            rules={[{ required: true, message: t('record.requiredField', { field: t('product.certs.kind') }) }]}
          >
            <Select options={CERTIFICATION_KINDS.map((k) => ({ value: k, label: certKind(k) }))} />
          </Form.Item>
          {kind === 'ocop' && (
            <Form.Item name="ocopStars" label={t('product.certs.stars')} rules={[{ required: true }]}>
              <InputNumber min={3} max={5} precision={0} />
            </Form.Item>
          )}
          <Form.Item name="number" label={t('product.certs.number')}>
            <Input maxLength={500} />
          </Form.Item>
          <Form.Item name="issuer" label={t('product.certs.issuer')}>
            <Input maxLength={500} />
          </Form.Item>
          <Space wrap>
            <Form.Item name="validFrom" label={t('product.certs.validFrom')}>
              <DatePicker format="DD/MM/YYYY" />
            </Form.Item>
            <Form.Item name="validTo" label={t('product.certs.validTo')}>
              <DatePicker format="DD/MM/YYYY" />
            </Form.Item>
          </Space>
          <Form.Item label={t('product.certs.document')} extra={t('product.certs.documentHelp')}>
            <Upload
              accept="application/pdf,image/jpeg,image/png,image/webp"
              maxCount={1}
              beforeUpload={(f) => {
                setFile(f);
                return false;
              }}
              onRemove={() => setFile(undefined)}
            >
              <Button icon={<UploadOutlined />}>{t('product.certs.chooseFile')}</Button>
            </Upload>
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

function StandardBinding({ product }: { product: Product }) {
  const { t, language } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const path = `/api/products/${encodeURIComponent(product.id)}/standard`;
  const current = useResource<ProductStandard>(path);
  const standards = useResource<PageOf<Standard>>(`/api/standards${query({ status: 'published', limit: 200 })}`);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const bind = async (standardId: string | null) => {
    setBusy(true);
    setError(undefined);
    try {
      await api(path, { method: 'PUT', body: { standardId } });
      void message.success(t('product.standard.saved'));
      current.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const FOLLOW = '__group__';
  return (
    <Card title={t('product.standard.title')} size="small">
      {error !== undefined && <ProblemAlert error={error} />}
      <Loadable resource={current}>
        {(s) => (
          <>
            <Typography.Paragraph>
              {s.standardId
                ? t(s.bound ? 'product.standard.bound' : 'product.standard.fromGroup', {
                    title: (language === 'en' ? s.title?.en : s.title?.vi) ?? s.standardId,
                    version: s.version ?? '',
                  })
                : t('product.standard.none')}
            </Typography.Paragraph>
            {can('registry:write') && (
              <Select
                aria-label={t('product.standard.choose')}
                style={{ width: '100%', maxWidth: 480 }}
                loading={standards.loading || busy}
                value={s.bound && s.standardId ? s.standardId : FOLLOW}
                onChange={(v: string) => void bind(v === FOLLOW ? null : v)}
                options={[
                  { value: FOLLOW, label: t('product.standard.follow') },
                  ...(standards.data?.items ?? []).map((st) => ({
                    value: st.id,
                    label: `${language === 'en' ? st.titleEn : st.title} — ${st.profileId}@${st.version}`,
                  })),
                ]}
              />
            )}
          </>
        )}
      </Loadable>
    </Card>
  );
}

interface LotRow {
  readonly lot: string;
  readonly score: number | undefined;
}

/** The product's lots, from its events (the latest first), with their compliance scores where computed. */
function Lots({ product }: { product: Product }) {
  const { t } = useI18n();
  const events = useResource<{
    epcisBody?: { queryResults?: { resultsBody?: { eventList?: Record<string, unknown>[] } } };
  }>(
    `/epcis/events${query({
      MATCH_anyEPCClass: `https://id.gs1.org/01/${product.gtin}/10/*`,
      orderBy: 'eventTime',
      orderDirection: 'DESC',
      perPage: 200,
    })}`,
  );
  const scores = useResource<PageOf<LotCompliance>>(
    `/api/compliance/lots${query({ product: product.id, limit: 500 })}`,
  );
  const rows: LotRow[] = lotsInEvents(
    events.data?.epcisBody?.queryResults?.resultsBody?.eventList ?? [],
    product.gtin,
  ).map((lot) => ({ lot, score: scores.data?.items.find((c) => c.lot === lot)?.score }));
  return (
    <Card title={t('product.lots.title')} size="small">
      {events.error && <ProblemAlert error={events.error} onRetry={events.reload} />}
      <Table<LotRow>
        rowKey="lot"
        size="small"
        loading={events.loading}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: true }}
        dataSource={rows}
        locale={{ emptyText: <EmptyState text={t('product.lots.empty')} /> }}
        columns={[
          {
            title: t('lot.lot'),
            dataIndex: 'lot',
            render: (lot: string) => (
              <Link to={`/lots${query({ gtin: product.gtin, lot })}`}>
                <code>{lot}</code>
              </Link>
            ),
          },
          {
            title: t('lot.score'),
            dataIndex: 'score',
            render: (score: number | undefined) =>
              score === undefined ? (
                '—'
              ) : (
                <Tag color={score >= 80 ? 'green' : score >= 50 ? 'gold' : 'red'}>{score}</Tag>
              ),
          },
        ]}
      />
    </Card>
  );
}

/** One product: its details, images, certifications (with documents), the standard it answers to and its lots. */
export function ProductPage() {
  const { t, language } = useI18n();
  const { can } = useSession();
  const { id = '' } = useParams();
  const product = useResource<Product>(`/api/products/${encodeURIComponent(id)}`);

  return (
    <Loadable resource={product}>
      {(p) => (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <div>
            <Link to="/products">← {t('products.title')}</Link>
            <Typography.Title level={2} className="page-title" style={{ marginTop: 8 }}>
              {language === 'en' && p.nameEn ? p.nameEn : p.name}
            </Typography.Title>
            <Descriptions
              size="small"
              column={{ xs: 1, md: 2 }}
              items={[
                { key: 'gtin', label: t('products.gtin'), children: <code>{p.gtin}</code> },
                { key: 'group', label: t('products.group'), children: p.groupCode },
                ...(p.brand ? [{ key: 'brand', label: t('products.brand'), children: p.brand }] : []),
                ...(p.netContent
                  ? [
                      {
                        key: 'net',
                        label: t('products.netContent'),
                        children: `${p.netContent} ${p.netContentUnit ?? ''}`,
                      },
                    ]
                  : []),
              ]}
            />
            {can('epcis:capture') && (
              <Link to={`/record?product=${encodeURIComponent(p.id)}`}>
                <Button type="primary" style={{ marginTop: 8 }}>
                  {t('products.record')}
                </Button>
              </Link>
            )}
          </div>
          <Images product={p} onChanged={product.reload} />
          <Certifications product={p} onChanged={product.reload} />
          <StandardBinding product={p} />
          <Lots product={p} />
        </Space>
      )}
    </Loadable>
  );
}
