import { Card, Col, Row, Statistic, Typography, Button, Space } from 'antd';
import { Link } from 'react-router';
import { query } from '../api.ts';
import { ProblemAlert } from '../components/feedback.tsx';
import { useResource } from '../hooks.ts';
import { useI18n } from '../i18n/index.tsx';
import { useOutbox } from '../offline/outbox-context.tsx';
import { useSession } from '../session.tsx';
import type { PageOf, Product, Location, Recall, Shipment } from '../types.ts';

function Count({
  title,
  value,
  to,
  loading,
}: {
  title: string;
  value: number | undefined;
  to: string;
  loading: boolean;
}) {
  return (
    <Col xs={12} md={6}>
      <Link to={to}>
        <Card hoverable size="small">
          <Statistic title={title} value={value ?? 0} loading={loading && value === undefined} />
        </Card>
      </Link>
    </Col>
  );
}

export function HomePage() {
  const { t } = useI18n();
  const { me, province, can } = useSession();
  const { pending } = useOutbox();
  const products = useResource<PageOf<Product>>(province ? null : `/api/products${query({ limit: 1 })}`);
  const locations = useResource<PageOf<Location>>(province ? null : `/api/locations${query({ limit: 1 })}`);
  const shipments = useResource<Shipment[]>(`/api/trace/shipments${query({ status: 'unconfirmed', limit: 200 })}`);
  const recalls = useResource<Recall[]>('/api/recalls');
  const error = products.error ?? locations.error ?? shipments.error ?? recalls.error;
  const openRecalls = recalls.data?.filter((r) => r.status === 'open').length;

  return (
    <>
      <Typography.Title level={2} className="page-title">
        {t('home.welcome', { name: me.user?.displayName ?? '' })}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{province ? t('home.province') : t('home.business')}</Typography.Paragraph>
      {error && <ProblemAlert error={error} />}
      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        {!province && (
          <Count title={t('home.products')} value={products.data?.total} to="/products" loading={products.loading} />
        )}
        {!province && (
          <Count
            title={t('home.locations')}
            value={locations.data?.total}
            to="/locations"
            loading={locations.loading}
          />
        )}
        <Count
          title={t('home.pendingShipments')}
          value={shipments.data?.length}
          to="/shipments"
          loading={shipments.loading}
        />
        <Count title={t('home.openRecalls')} value={openRecalls} to="/recalls" loading={recalls.loading} />
        {!province && <Count title={t('home.queued')} value={pending} to="/outbox" loading={false} />}
      </Row>
      {!province && can('epcis:capture') && (
        <Card size="small" title={t('home.quick')} style={{ marginTop: 16 }}>
          <Space wrap>
            <Link to="/record">
              <Button type="primary">{t('nav.record')}</Button>
            </Link>
            <Link to="/shipments">
              <Button>{t('nav.shipments')}</Button>
            </Link>
            <Link to="/products">
              <Button>{t('products.create')}</Button>
            </Link>
          </Space>
        </Card>
      )}
    </>
  );
}
