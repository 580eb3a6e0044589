import { Alert, Button, Card, Descriptions, Form, Input, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, query } from '../api.ts';
import { EmptyState, Loadable, ProblemAlert } from '../components/feedback.tsx';
import { IdentifierInput, type ScannedIdentifier } from '../components/IdentifierInput.tsx';
import { useResource } from '../hooks.ts';
import { useI18n } from '../i18n/index.tsx';
import type {
  LotCompliance,
  PageOf,
  Product,
  ProductStandard,
  Recall,
  StampBatch,
  TraceNode,
  TraceResult,
} from '../types.ts';

const dateTime = (iso: string) => new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });

/** Turns a trace node (a canonical Digital Link) back into the lot page's address, when it is a lot. */
function lotLink(node: TraceNode): string | null {
  if (!node.gtin || !node.lot) return null;
  return `/lots${query({ gtin: node.gtin, lot: node.lot })}`;
}

function TraceTable({ trace, direction }: { trace: TraceResult; direction: 'backward' | 'forward' }) {
  const { t } = useI18n();
  const nodes = trace.nodes.filter((n) => n.depth > 0);
  return (
    <div data-testid={`trace-${direction}`}>
      <Typography.Paragraph>
        {t(direction === 'backward' ? 'lot.trace.organisationsBack' : 'lot.trace.organisationsForward')}{' '}
        {trace.organisations.map((o) => (
          <Tag key={o.id}>{o.name}</Tag>
        ))}
      </Typography.Paragraph>
      {trace.truncated && <Alert type="info" showIcon title={t('lot.trace.truncated')} style={{ marginBottom: 8 }} />}
      <Table<TraceNode>
        rowKey="key"
        size="small"
        pagination={false}
        scroll={{ x: true }}
        dataSource={nodes}
        locale={{
          emptyText: (
            <EmptyState text={direction === 'backward' ? t('lot.trace.noInputs') : t('lot.trace.noOutputs')} />
          ),
        }}
        columns={[
          { title: t('lot.trace.depth'), dataIndex: 'depth', width: 70 },
          {
            title: t('lot.trace.item'),
            key: 'item',
            render: (_, n) => {
              if (n.opaque)
                return (
                  <Typography.Text type="secondary">
                    {t('lot.trace.private', { name: n.heldBy?.name ?? '' })}
                  </Typography.Text>
                );
              const link = lotLink(n);
              const label = (
                <Space orientation="vertical" size={0}>
                  <strong>{n.productName ?? n.identifier}</strong>
                  {n.lot && <code>{n.lot}</code>}
                </Space>
              );
              return link ? <Link to={link}>{label}</Link> : label;
            },
          },
          {
            title: t('lot.trace.organisations'),
            key: 'orgs',
            render: (_, n) =>
              (n.organisations ?? (n.heldBy ? [n.heldBy] : [])).map((o) => <Tag key={o.id}>{o.name}</Tag>),
          },
          {
            title: t('lot.events'),
            key: 'events',
            responsive: ['md'],
            render: (_, n) => n.events?.length ?? '—',
          },
        ]}
      />
    </div>
  );
}

function Lot({ gtin, lot }: { gtin: string; lot: string }) {
  const { t } = useI18n();
  const q = query({ gtin, lot });
  const back = useResource<TraceResult>(`/api/trace/back${q}`);
  const forward = useResource<TraceResult>(`/api/trace/forward${q}`);
  const products = useResource<PageOf<Product>>(`/api/products${query({ q: gtin.replace(/^0+/, ''), limit: 5 })}`);
  const product = products.data?.items.find((p) => p.gtin === gtin.padStart(14, '0'));
  const compliance = useResource<PageOf<LotCompliance>>(
    product ? `/api/compliance/lots${query({ product: product.id, limit: 500 })}` : null,
  );
  const stamps = useResource<PageOf<StampBatch>>(
    product ? `/api/stamp-batches${query({ productId: product.id, lot, limit: 100 })}` : null,
  );
  const recalls = useResource<Recall[]>('/api/recalls');
  const root = back.data?.root ?? forward.data?.root;
  const affecting = (recalls.data ?? []).filter(
    (r) => root && (r.lots.includes(root) || r.impact.lots.some((l) => l.identifier === root)),
  );
  const evaluation = compliance.data?.items.find((c) => c.lot === lot);
  const rootNode = back.data?.nodes.find((n) => n.depth === 0) ?? forward.data?.nodes.find((n) => n.depth === 0);
  const stampCounts = (stamps.data?.items ?? []).reduce(
    (sum, b) => ({
      issued: sum.issued + b.counts.issued,
      activated: sum.activated + b.counts.activated,
      scanned: sum.scanned + b.counts.scanned,
      void: sum.void + b.counts.void,
    }),
    { issued: 0, activated: 0, scanned: 0, void: 0 },
  );

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} className="page-title">
          {t('lot.title', { lot })}
        </Typography.Title>
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2 }}
          items={[
            {
              key: 'product',
              label: t('lot.product'),
              children: product ? (
                <Link to={`/products/${encodeURIComponent(product.id)}`}>{product.name}</Link>
              ) : (
                (rootNode?.productName ?? '—')
              ),
            },
            { key: 'gtin', label: t('products.gtin'), children: <code>{gtin}</code> },
            { key: 'lot', label: t('lot.lot'), children: <code>{lot}</code> },
            ...(root
              ? [{ key: 'dl', label: 'Digital Link', children: <code style={{ wordBreak: 'break-all' }}>{root}</code> }]
              : []),
          ]}
        />
      </div>

      {recalls.error ? (
        <ProblemAlert error={recalls.error} onRetry={recalls.reload} />
      ) : affecting.length > 0 ? (
        affecting.map((r) => (
          <Alert
            key={r.id}
            type={r.status === 'closed' ? 'info' : 'error'}
            showIcon
            title={t(r.mock ? 'lot.recall.mock' : 'lot.recall.real', { reason: r.reason })}
            description={t('lot.recall.since', {
              date: dateTime(r.openedAt),
              status: t(r.status === 'closed' ? 'recalls.status.closed' : 'recalls.status.open'),
            })}
            action={<Link to={`/recalls/${encodeURIComponent(r.id)}`}>{t('lot.recall.open')}</Link>}
          />
        ))
      ) : recalls.data ? (
        <Typography.Text type="secondary" data-testid="lot-no-recall">
          {t('lot.recall.none')}
        </Typography.Text>
      ) : null}

      <Card title={t('lot.trace.title')} size="small">
        <Tabs
          items={[
            {
              key: 'back',
              label: t('lot.trace.back'),
              children: <Loadable resource={back}>{(tr) => <TraceTable trace={tr} direction="backward" />}</Loadable>,
            },
            {
              key: 'forward',
              label: t('lot.trace.forward'),
              children: <Loadable resource={forward}>{(tr) => <TraceTable trace={tr} direction="forward" />}</Loadable>,
            },
          ]}
        />
        {rootNode?.events && rootNode.events.length > 0 && (
          <>
            <Typography.Title level={5}>{t('lot.ownEvents')}</Typography.Title>
            <ul className="plain-list">
              {rootNode.events.map((e) => (
                <li key={e.eventID}>
                  {dateTime(e.eventTime)} — {e.bizStep ?? ''}
                  {e.quantity !== null ? ` · ${e.quantity} ${e.uom ?? ''}` : ''}
                </li>
              ))}
            </ul>
          </>
        )}
      </Card>

      <LotPhotos gtin={gtin} lot={lot} />

      <Compliance product={product} root={root} stored={evaluation} loading={products.loading || compliance.loading}>
        {compliance.error && <ProblemAlert error={compliance.error} onRetry={compliance.reload} />}
      </Compliance>

      <Card title={t('lot.stamps.title')} size="small">
        {stamps.error && <ProblemAlert error={stamps.error} onRetry={stamps.reload} />}
        {(stamps.data?.items.length ?? 0) === 0 ? (
          <EmptyState text={t('lot.stamps.none')} />
        ) : (
          <Space wrap>
            <Tag>{t('stamps.count.issued', { count: stampCounts.issued })}</Tag>
            <Tag color="green">{t('stamps.count.activated', { count: stampCounts.activated })}</Tag>
            <Tag color="blue">{t('stamps.count.scanned', { count: stampCounts.scanned })}</Tag>
            <Tag color="red">{t('stamps.count.void', { count: stampCounts.void })}</Tag>
          </Space>
        )}
      </Card>
    </Space>
  );
}

interface Evaluated {
  readonly score: number;
  readonly standardId: string;
  readonly errors: number;
  readonly warnings: number;
  readonly findings: readonly { code: string; severity: string; message: string }[];
  readonly evaluatedAt: string;
}

/** The lot's stored compliance score (kept current by the compliance job), or one computed on request. */
function Compliance({
  product,
  root,
  stored,
  loading,
  children,
}: {
  product: Product | undefined;
  root: string | undefined;
  stored: LotCompliance | undefined;
  loading: boolean;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const standard = useResource<ProductStandard>(
    product && !stored ? `/api/products/${encodeURIComponent(product.id)}/standard` : null,
  );
  const [now, setNow] = useState<Evaluated>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const shown: Evaluated | undefined = stored ?? now;

  const evaluate = async () => {
    if (!standard.data?.standardId || !root) return;
    setBusy(true);
    setError(undefined);
    try {
      setNow(
        await api<Evaluated>(`/api/standards/${encodeURIComponent(standard.data.standardId)}/evaluate`, {
          method: 'POST',
          body: { lot: root },
        }),
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t('lot.compliance.title')} size="small">
      {children}
      {error !== undefined && <ProblemAlert error={error} />}
      {loading ? (
        <Typography.Text type="secondary">{t('app.loading')}</Typography.Text>
      ) : shown ? (
        <>
          <Typography.Paragraph>
            {t('lot.compliance.score', {
              score: shown.score,
              standard: shown.standardId,
              errors: shown.errors,
              warnings: shown.warnings,
            })}
            {!stored && ` ${t('lot.compliance.now', { date: dateTime(shown.evaluatedAt) })}`}
          </Typography.Paragraph>
          {shown.findings.length === 0 ? (
            <Typography.Text type="success">{t('lot.compliance.clean')}</Typography.Text>
          ) : (
            <ul className="plain-list">
              {shown.findings.map((f, i) => (
                <li key={`${f.code}-${i}`}>
                  <Tag color={f.severity === 'error' ? 'red' : 'gold'}>
                    {t(f.severity === 'error' ? 'lot.finding.error' : 'lot.finding.warning')}
                  </Tag>{' '}
                  {f.message}
                </li>
              ))}
            </ul>
          )}
        </>
      ) : standard.data && !standard.data.standardId ? (
        <EmptyState text={t('lot.compliance.noStandard')} />
      ) : (
        <EmptyState text={t('lot.compliance.none')}>
          {standard.data?.standardId && root && (
            <Button onClick={() => void evaluate()} loading={busy}>
              {t('lot.compliance.evaluate')}
            </Button>
          )}
        </EmptyState>
      )}
    </Card>
  );
}

/** A lot: what went into it, where it went, its compliance, its stamps and any recall; or a form to find one. */
export function LotPage() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const gtin = params.get('gtin') ?? '';
  const lot = params.get('lot') ?? '';

  const open = (scanned: ScannedIdentifier) => {
    if (scanned.gtin && scanned.lot) void navigate(`/lots${query({ gtin: scanned.gtin, lot: scanned.lot })}`);
  };

  return (
    <>
      {gtin && lot ? (
        <Lot key={`${gtin}/${lot}`} gtin={gtin} lot={lot} />
      ) : (
        <Typography.Title level={2} className="page-title">
          {t('lot.find')}
        </Typography.Title>
      )}
      <Card size="small" style={{ marginTop: 16 }} title={t('lot.findAnother')}>
        <FindLot onFound={open} />
      </Card>
    </>
  );
}

function FindLot({ onFound }: { onFound: (s: ScannedIdentifier) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ code: ScannedIdentifier | undefined; gtin?: string; lot?: string }>();
  return (
    <Form
      form={form}
      layout="vertical"
      name="findLot"
      onFinish={(v) => {
        if (v.code?.gtin && v.code.lot) onFound(v.code);
        else if (v.gtin && v.lot) onFound({ text: '', gtin: v.gtin.padStart(14, '0'), lot: v.lot });
      }}
    >
      <Form.Item name="code" label={t('lot.scan')} extra={t('identifier.help')}>
        <IdentifierInput want="lot" />
      </Form.Item>
      <Space wrap>
        <Form.Item name="gtin" label={t('products.gtin')}>
          <Input inputMode="numeric" maxLength={14} />
        </Form.Item>
        <Form.Item name="lot" label={t('lot.lot')}>
          <Input maxLength={20} />
        </Form.Item>
      </Space>
      <div>
        <Button type="primary" htmlType="submit">
          {t('lot.openLot')}
        </Button>
      </div>
    </Form>
  );
}

interface LotPhoto {
  readonly id: string;
  readonly url: string;
  readonly eventTime: string;
  readonly bizStep: string | null;
}

/**
 * Photos attached to the events of the lot (`GET /api/lot-photos`): the business's own, every one for the province.
 * They are not shown on the consumer page.
 */
function LotPhotos({ gtin, lot }: { gtin: string; lot: string }) {
  const { t } = useI18n();
  const photos = useResource<LotPhoto[]>(`/api/lot-photos${query({ gtin, lot })}`);
  return (
    <Card title={t('photos.lot.title')} size="small">
      <Loadable resource={photos}>
        {(list) =>
          list.length === 0 ? (
            <Typography.Text type="secondary">{t('photos.lot.empty')}</Typography.Text>
          ) : (
            <Space orientation="vertical">
              <Space wrap>
                {list.map((p) => (
                  <a key={p.id} href={p.url} target="_blank" rel="noreferrer">
                    <img
                      className="event-photo"
                      src={p.url}
                      alt={t('photos.lot.alt', { step: p.bizStep ?? '', time: new Date(p.eventTime).toLocaleString() })}
                      width={120}
                      height={120}
                      style={{ objectFit: 'cover', borderRadius: 6 }}
                    />
                  </a>
                ))}
              </Space>
              <Typography.Text type="secondary">{t('photos.lot.private')}</Typography.Text>
            </Space>
          )
        }
      </Loadable>
    </Card>
  );
}
