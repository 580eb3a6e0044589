import { DownloadOutlined, EditOutlined, ReloadOutlined, SendOutlined, TeamOutlined } from '@ant-design/icons';
import {
  App as AntApp,
  Button,
  Card,
  Col,
  DatePicker,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Progress,
  Row,
  Segmented,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { api, ApiError } from '../api.ts';
import { ProblemAlert, Loading } from '../components/feedback.tsx';
import { useResource } from '../hooks.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { EChart, type ChartOption } from '../insights/EChart.tsx';
import { communeTileName, HUE_COMMUNES } from '../insights/hue-map.ts';
import { useSession } from '../session.tsx';

interface PlanRow {
  id: string;
  measure: string;
  title: string;
  titleEn: string;
  target: number;
  unit: 'percent' | 'count';
  deadline: string;
  value: number;
  numerator: number;
  denominator: number | null;
  organisationCount: number;
  ratio: number;
  status: 'reached' | 'open' | 'overdue';
  trend: { day: string; value: number }[];
}

interface Scans {
  byDay: { day: string; scans: number }[];
  byProduct: { gtin: string; name: string | null; scans: number }[];
  byRegion: { region: string; scans: number }[];
}

interface Dashboard {
  today: string;
  refreshedAt: string | null;
  plan: PlanRow[];
  organisations: { registered: number; trained: number; tracing: number; withPrefix: number };
  products: { products: number; withQr: number; withStamps: number; stampsIssued: number; stampsActivated: number };
  groups: { code: string; name: string; nameEn: string }[];
  standardsByGroup: { groupCode: string; standards: number }[];
  events: { byWeek: { week: string; groupCode: string; source: string; events: number }[] };
  scans: Scans;
  alerts: { byKind: { kind: string; total: number; open: number }[]; open: number; counterfeitSuspicions: number };
  recalls: { real: number; mock: number; mockMedianImpactMs: number | null };
  compliance: { groupCode: string; lots: number; averageScore: number | null; lotsWithErrors: number }[];
  national: {
    configured: boolean;
    pending: number;
    sent: number;
    failed: number;
    lastSuccessAt: string | null;
  };
  map: { communes: { commune: string; locations: number; growingAreas: number; scans: number }[] };
}

interface MeasureOrganisations {
  organisations: {
    id: string;
    name: string;
    commune: string | null;
    gs1CompanyPrefix: string | null;
    trained: boolean;
    lastEventDay: string | null;
    events: number;
  }[];
}

const SOURCES = ['web', 'offline', 'import', 'api', 'provider', 'connector', 'demo'];

/** Numbers and dates in the reader's conventions: 1.234,5 and dd/mm/yyyy in Vietnamese. */
function useFormat() {
  const { language } = useI18n();
  const locale = language === 'vi' ? 'vi-VN' : 'en-GB';
  return {
    n: (v: number) => v.toLocaleString(locale),
    day: (d: string) => {
      const [y, m, dd] = d.split('-');
      return language === 'vi' ? `${dd}/${m}/${y}` : d;
    },
    time: (iso: string) =>
      new Date(iso).toLocaleString(locale, { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'short' }),
    duration: (ms: number) => {
      const s = Math.round(ms / 1000);
      if (s < 60) return language === 'vi' ? `${s} giây` : `${s} s`;
      const m = Math.round(s / 60);
      if (m < 120) return language === 'vi' ? `${m} phút` : `${m} min`;
      return language === 'vi' ? `${Math.round(m / 60)} giờ` : `${Math.round(m / 60)} h`;
    },
  };
}

export function InsightsPage() {
  const { province } = useSession();
  return province ? <ProvinceInsights /> : <BusinessInsights />;
}

function ReportButtons() {
  const { t, language } = useI18n();
  const [period, setPeriod] = useState<'month' | 'quarter' | 'year'>('quarter');
  const href = (format: string) => `/api/insights/report?period=${period}&format=${format}&lang=${language}`;
  return (
    <Space wrap>
      <Typography.Text strong>{t('insights.report')}</Typography.Text>
      <Select
        aria-label={t('insights.report')}
        value={period}
        onChange={setPeriod}
        style={{ width: 130 }}
        options={(['month', 'quarter', 'year'] as const).map((p) => ({ value: p, label: t(`insights.period.${p}`) }))}
      />
      <Button icon={<DownloadOutlined />} href={href('pdf')} data-testid="report-pdf">
        {t('insights.downloadPdf')}
      </Button>
      <Button icon={<DownloadOutlined />} href={href('xlsx')} data-testid="report-xlsx">
        {t('insights.downloadXlsx')}
      </Button>
    </Space>
  );
}

function ProvinceInsights() {
  const { t, language } = useI18n();
  const f = useFormat();
  const { message } = AntApp.useApp();
  const { can } = useSession();
  const dashboard = useResource<Dashboard>('/api/insights/dashboard');
  const [refreshing, setRefreshing] = useState(false);
  const [measure, setMeasure] = useState<PlanRow | null>(null);
  const [editing, setEditing] = useState<PlanRow | null>(null);

  const refresh = async () => {
    setRefreshing(true);
    try {
      const r = await api<{ events: number; scans: number }>('/api/insights/refresh', { method: 'POST' });
      void message.success(t('insights.refreshed', { events: f.n(r.events), scans: f.n(r.scans) }));
      dashboard.reload();
    } catch (e) {
      void message.error(e instanceof ApiError ? e.title : String(e));
    } finally {
      setRefreshing(false);
    }
  };

  if (dashboard.error) return <ProblemAlert error={dashboard.error} onRetry={dashboard.reload} />;
  const d = dashboard.data;
  if (!d) return <Loading />;
  const title = (p: PlanRow) => (language === 'vi' ? p.title : p.titleEn);
  const value = (v: number, unit: string) => (unit === 'percent' ? `${f.n(v)}%` : f.n(v));

  return (
    <div className="insights">
      <Space direction="vertical" size="large" style={{ width: '100%' }}>
        <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
          <div>
            <Typography.Title level={2} style={{ marginBottom: 0 }}>
              {t('insights.title')}
            </Typography.Title>
            <Typography.Text type="secondary" data-testid="freshness">
              {d.refreshedAt ? t('insights.freshness', { time: f.time(d.refreshedAt) }) : t('insights.notRefreshed')}
            </Typography.Text>
          </div>
          <Space wrap>
            <Button icon={<ReloadOutlined />} loading={refreshing} onClick={() => void refresh()}>
              {t('insights.refresh')}
            </Button>
            <ReportButtons />
          </Space>
        </Space>

        <section aria-label={t('insights.plan')}>
          <Typography.Title level={3}>{t('insights.plan')}</Typography.Title>
          <Row gutter={[16, 16]}>
            {d.plan.map((p) => (
              <Col key={p.id} xs={24} md={12} xl={8}>
                <Card size="small" data-testid={`measure-${p.measure}`} style={{ height: '100%' }}>
                  <Typography.Paragraph strong ellipsis={{ rows: 2, tooltip: title(p) }} style={{ minHeight: 44 }}>
                    {title(p)}
                  </Typography.Paragraph>
                  <Space align="baseline" wrap>
                    <Statistic value={value(p.value, p.unit)} />
                    {p.denominator !== null && (
                      <Typography.Text type="secondary">
                        ({t('insights.ofTotal', { numerator: f.n(p.numerator), denominator: f.n(p.denominator) })})
                      </Typography.Text>
                    )}
                    <Tag color={p.status === 'reached' ? 'green' : p.status === 'overdue' ? 'red' : 'blue'}>
                      {t(`insights.status.${p.status}`)}
                    </Tag>
                  </Space>
                  <Progress percent={Math.round(p.ratio * 100)} showInfo={false} />
                  <Typography.Text type="secondary">
                    {t('insights.target', { target: value(p.target, p.unit), deadline: f.day(p.deadline) })}
                  </Typography.Text>
                  {p.status === 'overdue' && (
                    <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '4px 0 0' }}>
                      {t('insights.plan.overdueHint')}
                    </Typography.Paragraph>
                  )}
                  {p.trend.length > 1 && (
                    <EChart
                      label={title(p)}
                      height={60}
                      option={{
                        grid: { left: 0, right: 0, top: 6, bottom: 0 },
                        xAxis: { type: 'category', show: false, data: p.trend.map((x) => f.day(x.day)) },
                        yAxis: { type: 'value', show: false },
                        tooltip: { trigger: 'axis' },
                        series: [{ type: 'line', data: p.trend.map((x) => x.value), showSymbol: false, smooth: true }],
                      }}
                    />
                  )}
                  <Space wrap size={0}>
                    {p.measure !== 'standards' && (
                      <Button
                        type="link"
                        icon={<TeamOutlined />}
                        style={{ paddingLeft: 0 }}
                        onClick={() => setMeasure(p)}
                        data-testid={`measure-${p.measure}-organisations`}
                      >
                        {t('insights.showOrganisations', { count: f.n(p.organisationCount) })}
                      </Button>
                    )}
                    {can('province:write') && (
                      <Button
                        type="link"
                        icon={<EditOutlined />}
                        onClick={() => setEditing(p)}
                        data-testid={`measure-${p.measure}-edit`}
                      >
                        {t('insights.plan.edit')}
                      </Button>
                    )}
                  </Space>
                </Card>
              </Col>
            ))}
          </Row>
        </section>

        <Tiles d={d} />
        <Charts d={d} />
        <CommuneMap d={d} />
        <ProvinceSurvey groups={d.groups} />
      </Space>
      <MeasureDrawer measure={measure} onClose={() => setMeasure(null)} title={measure ? title(measure) : ''} />
      {editing && (
        <PlanTargetModal
          target={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            dashboard.reload();
          }}
        />
      )}
    </div>
  );
}

interface TargetForm {
  title: string;
  titleEn: string;
  target: number;
  unit: 'percent' | 'count';
  deadline: Dayjs;
}

/** The province changes a plan target: its titles, the figure to reach and the deadline. */
function PlanTargetModal({ target, onClose, onSaved }: { target: PlanRow; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<TargetForm>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  const save = async (v: TargetForm) => {
    setBusy(true);
    setProblem(null);
    try {
      await api(`/api/insights/plan/${target.id}`, {
        method: 'PUT',
        body: {
          measure: target.measure,
          title: v.title,
          titleEn: v.titleEn,
          target: v.target,
          unit: v.unit,
          deadline: v.deadline.format('YYYY-MM-DD'),
        },
      });
      void message.success(t('insights.plan.saved'));
      onSaved();
    } catch (e) {
      if (e instanceof ApiError && e.fields.length > 0) {
        form.setFields(e.fields.map((x) => ({ name: x.field as keyof TargetForm, errors: [x.message] })));
      } else setProblem(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('insights.plan.editTitle')}
      onCancel={onClose}
      okText={t('insights.plan.save')}
      cancelText={t('insights.plan.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      {problem !== null && <ProblemAlert error={problem} />}
      <Form<TargetForm>
        form={form}
        layout="vertical"
        name="plan-target"
        initialValues={{
          title: target.title,
          titleEn: target.titleEn,
          target: target.target,
          unit: target.unit,
          deadline: dayjs(target.deadline),
        }}
        onFinish={(v) => void save(v)}
      >
        <Form.Item name="title" label={t('insights.plan.field.title')} rules={[{ required: true, max: 300 }]}>
          <Input.TextArea autoSize maxLength={300} />
        </Form.Item>
        <Form.Item name="titleEn" label={t('insights.plan.field.titleEn')} rules={[{ required: true, max: 300 }]}>
          <Input.TextArea autoSize maxLength={300} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="target" label={t('insights.plan.field.target')} rules={[{ required: true }]}>
            <InputNumber min={0} style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="unit" label={t('insights.plan.field.unit')} rules={[{ required: true }]}>
            <Select
              style={{ width: 160 }}
              options={(['percent', 'count'] as const).map((u) => ({ value: u, label: t(`insights.plan.unit.${u}`) }))}
            />
          </Form.Item>
          <Form.Item name="deadline" label={t('insights.plan.field.deadline')} rules={[{ required: true }]}>
            <DatePicker format="DD/MM/YYYY" allowClear={false} />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}

function MeasureDrawer({ measure, onClose, title }: { measure: PlanRow | null; onClose: () => void; title: string }) {
  const { t } = useI18n();
  const f = useFormat();
  const list = useResource<MeasureOrganisations>(
    measure ? `/api/insights/measures/${measure.measure}/organisations` : null,
  );
  return (
    <Drawer
      open={measure !== null}
      onClose={onClose}
      width={720}
      title={t('insights.organisationsOf', { title })}
      destroyOnHidden
    >
      {list.error ? (
        <ProblemAlert error={list.error} onRetry={list.reload} />
      ) : (
        <Table
          data-testid="measure-organisations"
          rowKey="id"
          size="small"
          loading={list.loading}
          dataSource={list.data?.organisations ?? []}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          columns={[
            { title: t('insights.col.name'), dataIndex: 'name' },
            { title: t('insights.col.commune'), dataIndex: 'commune', render: (v: string | null) => v ?? '—' },
            { title: t('insights.col.prefix'), dataIndex: 'gs1CompanyPrefix', render: (v: string | null) => v ?? '—' },
            {
              title: t('insights.col.trained'),
              dataIndex: 'trained',
              render: (v: boolean) => (v ? t('insights.yes') : t('insights.no')),
            },
            {
              title: t('insights.col.lastEvent'),
              dataIndex: 'lastEventDay',
              render: (v: string | null) => (v ? f.day(v) : '—'),
            },
            { title: t('insights.col.events'), dataIndex: 'events', align: 'right', render: (v: number) => f.n(v) },
          ]}
        />
      )}
    </Drawer>
  );
}

function Tiles({ d }: { d: Dashboard }) {
  const { t } = useI18n();
  const f = useFormat();
  const tile = (key: MessageKey, value: string | number, extra?: string) => (
    <Col xs={12} md={8} xl={4} key={key}>
      <Card size="small" style={{ height: '100%' }} data-testid={`insights-${key.split('.').at(-1)}`}>
        <Statistic title={t(key)} value={typeof value === 'number' ? f.n(value) : value} />
        {extra && <Typography.Text type="secondary">{extra}</Typography.Text>}
      </Card>
    </Col>
  );
  const n = d.national;
  return (
    <Row gutter={[12, 12]}>
      {tile('insights.tile.registered', d.organisations.registered)}
      {tile('insights.tile.trained', d.organisations.trained)}
      {tile('insights.tile.tracing', d.organisations.tracing)}
      {tile('insights.tile.withPrefix', d.organisations.withPrefix)}
      {tile('insights.tile.withQr', `${f.n(d.products.withQr)} / ${f.n(d.products.products)}`)}
      {tile('insights.tile.withStamps', `${f.n(d.products.withStamps)} / ${f.n(d.products.products)}`)}
      {tile('insights.tile.stampsActivated', `${f.n(d.products.stampsActivated)} / ${f.n(d.products.stampsIssued)}`)}
      {tile('insights.tile.alertsOpen', d.alerts.open)}
      {tile('insights.tile.counterfeit', d.alerts.counterfeitSuspicions)}
      {tile('insights.tile.recalls', `${f.n(d.recalls.real)} / ${f.n(d.recalls.mock)}`)}
      {tile(
        'insights.tile.mockTime',
        d.recalls.mockMedianImpactMs === null ? '—' : f.duration(d.recalls.mockMedianImpactMs),
      )}
      <Col xs={24} md={16} xl={8}>
        <Card size="small" style={{ height: '100%' }} data-testid="national-sync">
          <Typography.Text type="secondary">{t('insights.national')}</Typography.Text>
          {n.configured ? (
            <>
              <div>
                {t('insights.national.detail', { pending: f.n(n.pending), sent: f.n(n.sent), failed: f.n(n.failed) })}
              </div>
              <Typography.Text type={n.failed > 0 ? 'danger' : 'secondary'}>
                {n.lastSuccessAt
                  ? t('insights.national.lastSuccess', { time: f.time(n.lastSuccessAt) })
                  : t('insights.national.never')}
              </Typography.Text>
            </>
          ) : (
            <div>
              <Tag>{t('insights.national.notConfigured')}</Tag>
            </div>
          )}
        </Card>
      </Col>
    </Row>
  );
}

function Charts({ d }: { d: Dashboard }) {
  const { t, language } = useI18n();
  const f = useFormat();
  const groupName = (code: string) => {
    const g = d.groups.find((x) => x.code === code);
    return g ? (language === 'vi' ? g.name : g.nameEn) : code || '—';
  };
  const options = useMemo(() => {
    const weeks = [...new Set(d.events.byWeek.map((e) => e.week))].sort();
    const stacked = (key: 'source' | 'groupCode', label: (k: string) => string): ChartOption => {
      const keys = [...new Set(d.events.byWeek.map((e) => e[key]))];
      return {
        tooltip: { trigger: 'axis' },
        legend: { type: 'scroll', bottom: 0 },
        grid: { left: 48, right: 12, top: 12, bottom: 48 },
        xAxis: { type: 'category', data: weeks.map(f.day) },
        yAxis: { type: 'value' },
        series: keys.map((k) => ({
          name: label(k),
          type: 'bar',
          stack: 'events',
          data: weeks.map((w) =>
            d.events.byWeek.filter((e) => e.week === w && e[key] === k).reduce((n, e) => n + e.events, 0),
          ),
        })),
      };
    };
    const bars = (items: { label: string; value: number }[], horizontal = false): ChartOption => ({
      tooltip: { trigger: 'axis' },
      grid: { left: horizontal ? 160 : 48, right: 16, top: 12, bottom: 32, containLabel: false },
      [horizontal ? 'yAxis' : 'xAxis']: {
        type: 'category',
        data: items.map((i) => i.label),
        ...(horizontal ? { inverse: true, axisLabel: { width: 150, overflow: 'truncate' } } : {}),
      },
      [horizontal ? 'xAxis' : 'yAxis']: { type: 'value' },
      series: [{ type: 'bar', data: items.map((i) => i.value) }],
    });
    return {
      bySource: stacked('source', (s) => (SOURCES.includes(s) ? t(`insights.source.${s}` as MessageKey) : s)),
      byGroup: stacked('groupCode', groupName),
      scansByDay: {
        tooltip: { trigger: 'axis' },
        grid: { left: 48, right: 12, top: 12, bottom: 32 },
        xAxis: { type: 'category', data: d.scans.byDay.map((s) => f.day(s.day)) },
        yAxis: { type: 'value' },
        series: [{ type: 'line', areaStyle: {}, data: d.scans.byDay.map((s) => s.scans) }],
      },
      scansByProduct: bars(
        d.scans.byProduct.map((p) => ({ label: p.name ?? p.gtin, value: p.scans })),
        true,
      ),
      scansByRegion: bars(
        d.scans.byRegion.map((r) => ({ label: r.region || t('insights.unknownRegion'), value: r.scans })),
      ),
      standards: bars(
        d.standardsByGroup
          .filter((s) => s.standards > 0)
          .map((s) => ({ label: groupName(s.groupCode), value: s.standards })),
        true,
      ),
      compliance: bars(
        d.compliance.map((c) => ({ label: groupName(c.groupCode), value: c.averageScore ?? 0 })),
        true,
      ),
      alerts: bars(
        d.alerts.byKind.map((a) => {
          const key = `alerts.kind.${a.kind}` as MessageKey;
          return { label: t(key) === key ? a.kind : t(key), value: a.total };
        }),
        true,
      ),
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [d, language]);
  const chart = (key: MessageKey, option: ChartOption, empty: boolean) => (
    <Col xs={24} xl={12} key={key}>
      <Card size="small" title={t(key)}>
        {empty ? (
          <Typography.Text type="secondary">{t('insights.noData')}</Typography.Text>
        ) : (
          <EChart label={t(key)} option={option} />
        )}
      </Card>
    </Col>
  );
  return (
    <Row gutter={[16, 16]}>
      {chart('insights.chart.eventsBySource', options.bySource, d.events.byWeek.length === 0)}
      {chart('insights.chart.eventsByGroup', options.byGroup, d.events.byWeek.length === 0)}
      {chart('insights.chart.scansByDay', options.scansByDay, d.scans.byDay.length === 0)}
      {chart('insights.chart.scansByProduct', options.scansByProduct, d.scans.byProduct.length === 0)}
      {chart('insights.chart.scansByRegion', options.scansByRegion, d.scans.byRegion.length === 0)}
      {chart('insights.chart.alerts', options.alerts, d.alerts.byKind.length === 0)}
      {chart('insights.chart.standardsByGroup', options.standards, !d.standardsByGroup.some((s) => s.standards > 0))}
      {chart('insights.chart.compliance', options.compliance, d.compliance.length === 0)}
    </Row>
  );
}

function CommuneMap({ d }: { d: Dashboard }) {
  const { t } = useI18n();
  const [metric, setMetric] = useState<'locations' | 'growingAreas' | 'scans'>('locations');
  const data = useMemo(() => {
    const values = new Map(HUE_COMMUNES.map((c) => [c.name, 0]));
    for (const c of d.map.communes) {
      const name = communeTileName(c.commune);
      if (name) values.set(name, (values.get(name) ?? 0) + c[metric]);
    }
    return [...values].map(([name, value]) => ({ name, value }));
  }, [d, metric]);
  const max = Math.max(1, ...data.map((x) => x.value));
  const label = t(`insights.map.${metric}`);
  return (
    <Card
      size="small"
      title={t('insights.map')}
      extra={
        <Segmented
          value={metric}
          onChange={(v) => setMetric(v)}
          options={(['locations', 'growingAreas', 'scans'] as const).map((m) => ({
            value: m,
            label: t(`insights.map.${m}`),
          }))}
        />
      }
    >
      <EChart
        label={`${t('insights.map')}: ${label}`}
        height={460}
        option={{
          tooltip: { trigger: 'item', formatter: '{b}: {c}' },
          visualMap: {
            min: 0,
            max,
            left: 8,
            bottom: 8,
            text: [String(max), '0'],
            calculable: true,
            inRange: { color: ['#eef6f0', '#1f6f4a'] },
          },
          series: [
            {
              type: 'map',
              map: 'hue-communes',
              name: label,
              roam: false,
              label: { show: true, fontSize: 9, width: 70, overflow: 'break' },
              data,
            },
          ],
        }}
      />
      <Typography.Text type="secondary">{t('insights.map.note')}</Typography.Text>
    </Card>
  );
}

interface SurveyListItem {
  id: string;
  title: string;
  sentAt: string;
  responses?: number;
  ownAnswers: Record<string, unknown> | null;
}

interface SurveySummary {
  byProductGroup: { key: string; responses: number; steps: Record<string, number> }[];
  byCommune: { key: string; responses: number; steps: Record<string, number> }[];
  responses: { organisationId: string; organisationName: string; nextSteps: { step: string; standard?: string }[] }[];
}

function StepTags({ steps }: { steps: Record<string, number> | { step: string; standard?: string }[] }) {
  const { t } = useI18n();
  const list = Array.isArray(steps)
    ? steps.map((s) => ({
        key: s.step,
        text: t(`insights.step.${s.step}` as MessageKey, { standard: s.standard ?? '' }),
      }))
    : Object.entries(steps).map(([k, n]) => ({
        key: k,
        text: `${t(`insights.step.${k}` as MessageKey, { standard: '' }).trim()} (${n})`,
      }));
  return (
    <Space wrap size={4}>
      {list.map((s) => (
        <Tag key={s.key} color={s.key === 'ready' ? 'green' : 'gold'}>
          {s.text}
        </Tag>
      ))}
    </Space>
  );
}

function ProvinceSurvey({ groups }: { groups: Dashboard['groups'] }) {
  const { t, language } = useI18n();
  const f = useFormat();
  const { message } = AntApp.useApp();
  const surveys = useResource<SurveyListItem[]>('/api/insights/surveys');
  const [selected, setSelected] = useState<string | null>(null);
  const current = selected ?? surveys.data?.[0]?.id ?? null;
  const summary = useResource<SurveySummary>(current ? `/api/insights/surveys/${current}/summary` : null);
  const [form] = Form.useForm<{ title: string }>();
  const send = async (v: { title: string }) => {
    try {
      const r = await api<{ id: string; sentTo: number }>('/api/insights/surveys', { method: 'POST', body: v });
      void message.success(t('insights.survey.sent', { count: f.n(r.sentTo) }));
      form.resetFields();
      setSelected(r.id);
      surveys.reload();
    } catch (e) {
      void message.error(e instanceof ApiError ? e.title : String(e));
    }
  };
  const groupName = (code: string) => {
    const g = groups.find((x) => x.code === code);
    return g ? (language === 'vi' ? g.name : g.nameEn) : code || '—';
  };
  const tally = (rows: SurveySummary['byCommune'], name: (k: string) => string) => (
    <Table
      size="small"
      rowKey="key"
      pagination={false}
      dataSource={rows}
      columns={[
        { title: t('insights.survey.key'), dataIndex: 'key', render: (k: string) => name(k) },
        { title: t('insights.survey.count'), dataIndex: 'responses', align: 'right' },
        {
          title: t('insights.survey.steps'),
          dataIndex: 'steps',
          render: (s: Record<string, number>) => <StepTags steps={s} />,
        },
      ]}
    />
  );
  return (
    <Card size="small" title={t('insights.survey')} data-testid="survey">
      <Form form={form} layout="inline" onFinish={(v) => void send(v)} style={{ marginBottom: 16 }}>
        <Form.Item name="title" rules={[{ required: true, message: t('insights.survey.titleField') }]}>
          <Input placeholder={t('insights.survey.titleField')} style={{ width: 320 }} maxLength={300} />
        </Form.Item>
        <Button type="primary" htmlType="submit" icon={<SendOutlined />}>
          {t('insights.survey.send')}
        </Button>
      </Form>
      {surveys.data && surveys.data.length === 0 && (
        <Typography.Text type="secondary">{t('insights.survey.none')}</Typography.Text>
      )}
      {surveys.data && surveys.data.length > 0 && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Select
            value={current}
            onChange={setSelected}
            style={{ minWidth: 320 }}
            options={surveys.data.map((s) => ({
              value: s.id,
              label: `${s.title} — ${t('insights.survey.responses', { count: f.n(s.responses ?? 0) })}`,
            }))}
          />
          {summary.data && (
            <Row gutter={[16, 16]}>
              <Col xs={24} xl={12}>
                <Typography.Title level={5}>{t('insights.survey.byGroup')}</Typography.Title>
                {tally(summary.data.byProductGroup, groupName)}
              </Col>
              <Col xs={24} xl={12}>
                <Typography.Title level={5}>{t('insights.survey.byCommune')}</Typography.Title>
                {tally(summary.data.byCommune, (k) => k || '—')}
              </Col>
              <Col span={24}>
                <Table
                  size="small"
                  rowKey="organisationId"
                  pagination={{ pageSize: 20, hideOnSinglePage: true }}
                  dataSource={summary.data.responses}
                  columns={[
                    { title: t('insights.col.name'), dataIndex: 'organisationName' },
                    {
                      title: t('insights.survey.steps'),
                      dataIndex: 'nextSteps',
                      render: (s: { step: string; standard?: string }[]) => <StepTags steps={s} />,
                    },
                  ]}
                />
              </Col>
            </Row>
          )}
        </Space>
      )}
    </Card>
  );
}

interface BusinessDashboard {
  organisation: { id: string; name: string };
  refreshedAt: string | null;
  products: Dashboard['products'];
  scans: Scans;
  alerts: { open: number; byKind: { kind: string; total: number; open: number }[] };
  complianceGaps: { lot: string | null; gtin: string; profileId: string; score: number; errors: number }[];
  recallReadiness: { mockRecalls: number; lastMockAt: string | null; lastMockImpactMs: number | null };
}

function BusinessInsights() {
  const { t } = useI18n();
  const f = useFormat();
  const d = useResource<BusinessDashboard>('/api/insights/business');
  if (d.error) return <ProblemAlert error={d.error} onRetry={d.reload} />;
  if (!d.data) return <Loading />;
  const b = d.data;
  const r = b.recallReadiness;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 0 }}>
          {t('insights.businessTitle')} — {b.organisation.name}
        </Typography.Title>
        <Typography.Text type="secondary">
          {b.refreshedAt ? t('insights.freshness', { time: f.time(b.refreshedAt) }) : t('insights.notRefreshed')}
        </Typography.Text>
      </div>
      <Row gutter={[12, 12]}>
        {(
          [
            ['insights.tile.products', f.n(b.products.products)],
            ['insights.tile.withQr', f.n(b.products.withQr)],
            ['insights.tile.stampsIssued', f.n(b.products.stampsIssued)],
            ['insights.tile.stampsActivated', f.n(b.products.stampsActivated)],
            ['insights.tile.alertsOpen', f.n(b.alerts.open)],
          ] as [MessageKey, string][]
        ).map(([key, value]) => (
          <Col xs={12} md={8} xl={4} key={key}>
            <Card size="small">
              <Statistic title={t(key)} value={value} />
            </Card>
          </Col>
        ))}
        <Col xs={24} md={16} xl={4}>
          <Card size="small" style={{ height: '100%' }}>
            <Typography.Text type="secondary">{t('insights.business.readiness')}</Typography.Text>
            <div>
              {r.lastMockAt
                ? t('insights.business.lastMock', {
                    time: f.time(r.lastMockAt),
                    duration: r.lastMockImpactMs === null ? '—' : f.duration(r.lastMockImpactMs),
                  })
                : t('insights.business.noMock')}
            </div>
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('insights.chart.scansByDay')}>
            {b.scans.byDay.length === 0 ? (
              <Typography.Text type="secondary">{t('insights.noData')}</Typography.Text>
            ) : (
              <EChart
                label={t('insights.chart.scansByDay')}
                option={{
                  tooltip: { trigger: 'axis' },
                  grid: { left: 48, right: 12, top: 12, bottom: 32 },
                  xAxis: { type: 'category', data: b.scans.byDay.map((s) => f.day(s.day)) },
                  yAxis: { type: 'value' },
                  series: [{ type: 'line', areaStyle: {}, data: b.scans.byDay.map((s) => s.scans) }],
                }}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('insights.business.gaps')}>
            <Table
              size="small"
              rowKey={(g) => `${g.gtin}/${g.lot ?? ''}/${g.profileId}`}
              pagination={false}
              dataSource={b.complianceGaps}
              columns={[
                {
                  title: t('insights.col.lot'),
                  // A lot is stored as its Digital Link URI: show the GTIN and the lot code.
                  render: (_, g) => {
                    const code = g.lot?.match(/\/10\/([^/?#]+)/)?.[1];
                    return `${g.gtin} / ${code ? decodeURIComponent(code) : (g.lot ?? '—')}`;
                  },
                },
                { title: t('insights.col.standard'), dataIndex: 'profileId' },
                { title: t('insights.col.score'), dataIndex: 'score', align: 'right' },
                { title: t('insights.col.errors'), dataIndex: 'errors', align: 'right' },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('insights.business.alerts')} data-testid="business-alerts">
            <Table
              size="small"
              rowKey="kind"
              pagination={false}
              dataSource={b.alerts.byKind}
              columns={[
                {
                  title: t('insights.col.kind'),
                  dataIndex: 'kind',
                  render: (k: string) => {
                    const key = `alerts.kind.${k}` as MessageKey;
                    return t(key) === key ? k : t(key);
                  },
                },
                { title: t('insights.col.total'), dataIndex: 'total', align: 'right', render: (v: number) => f.n(v) },
                { title: t('insights.col.open'), dataIndex: 'open', align: 'right', render: (v: number) => f.n(v) },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <BusinessSurvey />
    </Space>
  );
}

function BusinessSurvey() {
  const { t, language } = useI18n();
  const { message } = AntApp.useApp();
  const surveys = useResource<SurveyListItem[]>('/api/insights/surveys');
  const groups = useResource<{ code: string; name: string; nameEn: string }[]>('/api/product-groups');
  const [form] = Form.useForm();
  const survey = surveys.data?.[0];
  if (!survey) return null;
  const groupList = groups.data ?? [];
  const submit = async (v: Record<string, unknown>) => {
    try {
      await api(`/api/insights/surveys/${survey.id}/response`, {
        method: 'PUT',
        body: { ...v, vendorSystem: (v.vendorSystem as string | undefined) || null, needs: v.needs ?? [] },
      });
      void message.success(t('insights.survey.answered'));
      surveys.reload();
    } catch (e) {
      void message.error(e instanceof ApiError ? e.title : String(e));
    }
  };
  const options = (prefix: string, values: string[]) =>
    values.map((v) => ({ value: v, label: t(`${prefix}.${v}` as MessageKey) }));
  return (
    <Card size="small" title={`${t('insights.survey.answer')}: ${survey.title}`} data-testid="survey-answer">
      <Form
        form={form}
        layout="vertical"
        initialValues={survey.ownAnswers ?? { products: 1, needs: [] }}
        onFinish={(v) => void submit(v as Record<string, unknown>)}
        style={{ maxWidth: 560 }}
      >
        <Form.Item name="productGroup" label={t('insights.survey.q.productGroup')} rules={[{ required: true }]}>
          <Select options={groupList.map((g) => ({ value: g.code, label: language === 'vi' ? g.name : g.nameEn }))} />
        </Form.Item>
        <Form.Item name="products" label={t('insights.survey.q.products')} rules={[{ required: true }]}>
          <InputNumber min={0} max={100000} />
        </Form.Item>
        <Form.Item name="barcodeUse" label={t('insights.survey.q.barcodeUse')} rules={[{ required: true }]}>
          <Select options={options('insights.survey.barcode', ['none', 'gtin', 'gtin_qr'])} />
        </Form.Item>
        <Form.Item name="records" label={t('insights.survey.q.records')} rules={[{ required: true }]}>
          <Select options={options('insights.survey.records', ['none', 'paper', 'spreadsheet', 'software'])} />
        </Form.Item>
        <Form.Item name="vendorSystem" label={t('insights.survey.q.vendorSystem')}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="needs" label={t('insights.survey.q.needs')}>
          <Select
            mode="multiple"
            options={options('insights.survey.need', ['training', 'standard', 'stamps', 'connect_vendor', 'funding'])}
          />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('insights.survey.answer')}
        </Button>
      </Form>
    </Card>
  );
}
