import {
  Alert,
  App,
  AutoComplete,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Radio,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { query } from '../api.ts';
import { EmptyState, Loading, ProblemAlert } from '../components/feedback.tsx';
import { IdentifierInput, type ScannedIdentifier } from '../components/IdentifierInput.tsx';
import { findOwnStamp } from '../components/stamp-lookup.ts';
import {
  buildEvent,
  GENERIC_PROFILE,
  guidedForm,
  localTimeWithOffset,
  lotsInEvents,
  offsetOf,
  recordableCtes,
  suggestLot,
  type GuidedForm,
  type KdeField,
  type Quantity,
} from '../events/form-model.ts';
import { useResource } from '../hooks.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { newEventId } from '../offline/outbox.ts';
import { useOutbox } from '../offline/outbox-context.tsx';
import { PhotoAttach } from '../components/PhotoAttach.tsx';
import { useSession } from '../session.tsx';
import type {
  Location,
  LocalText,
  Organisation,
  PageOf,
  Product,
  Profile,
  ProductStandard,
  StandardDetail,
} from '../types.ts';

interface Answers {
  eventTime: Dayjs;
  locationId: string;
  lot?: string;
  quantity?: number;
  uom: string;
  inputLot?: string;
  inputQuantity?: number;
  outputLot?: string;
  outputQuantity?: number;
  partnerId?: string;
  despatch?: string;
  certification?: string;
  kde?: Record<string, string | number | Dayjs | undefined>;
}

const LAST_LOCATION = 'truyxuat.lastLocation';
/** The lot last recorded on this device for a product: the next step's form starts from it, online or not. */
const lastLotKey = (productId: string) => `truyxuat.lastLot.${productId}`;

function useLocalText(): (text: LocalText | undefined, fallback: string) => string {
  const { language } = useI18n();
  return (text, fallback) => (text ? text[language] || text.vi : fallback);
}

/** The label of a KDE: the profile's own label, else the catalogue's, else its name. */
function useKdeLabel(): (field: KdeField) => string {
  const { t } = useI18n();
  const local = useLocalText();
  return (field) => {
    const name = field.member.split(':')[1] ?? field.member;
    const key = `kde.${name}` as MessageKey;
    const known = t(key);
    return local(field.label, known === key ? name : known);
  };
}

/**
 * The profile guiding a product: the standard version the server says it answers to (bound to the product, or its
 * product group's current one), else the generic shipping and receiving steps.
 */
function useProfileFor(product: Product | undefined) {
  const binding = useResource<ProductStandard>(
    product ? `/api/products/${encodeURIComponent(product.id)}/standard` : null,
  );
  const standardId = binding.data?.standardId ?? null;
  const detail = useResource<StandardDetail>(standardId ? `/api/standards/${encodeURIComponent(standardId)}` : null);
  const error = binding.error ?? detail.error;
  const reload = () => {
    binding.reload();
    detail.reload();
  };
  if (!product) return { loading: false, error: undefined, reload, standard: undefined, profile: undefined };
  if (binding.data && standardId === null)
    return { loading: false, error, reload, standard: undefined, profile: GENERIC_PROFILE };
  const profile: Profile | undefined = detail.data?.document;
  return { loading: profile === undefined && !error, error, reload, standard: detail.data, profile };
}

function KdeInput({ field, form }: { field: KdeField; form: GuidedForm }) {
  const { t, language } = useI18n();
  const label = useKdeLabel()(field);
  const rules = [];
  if (field.requirement === 'required')
    rules.push({ required: true, message: t('record.requiredField', { field: label }) });
  if (field.pattern)
    rules.push({
      pattern: new RegExp(field.pattern),
      message: t('record.patternField', { field: label, rule: field.rule?.[language] ?? field.pattern }),
    });
  if (field.kind === 'number' && (field.min !== undefined || field.max !== undefined))
    rules.push({
      type: 'number' as const,
      min: field.min ?? -Infinity,
      max: field.max ?? Infinity,
      message: t('record.rangeField', { field: label, min: field.min ?? '…', max: field.max ?? '…' }),
    });
  const extra = field.requirement === 'recommended' ? t('record.recommended') : undefined;
  const name = ['kde', field.path];
  const key = `${form.cte.id}:${field.path}`;
  switch (field.kind) {
    case 'date':
      return (
        <Form.Item key={key} name={name} label={label} rules={rules} extra={extra}>
          <DatePicker format="DD/MM/YYYY" style={{ width: '100%' }} />
        </Form.Item>
      );
    case 'number':
      return (
        <Form.Item key={key} name={name} label={label} rules={rules} extra={extra}>
          <InputNumber style={{ width: '100%' }} />
        </Form.Item>
      );
    case 'select':
      return (
        <Form.Item key={key} name={name} label={label} rules={rules} extra={extra}>
          <Select options={(field.options ?? []).map((o) => ({ value: o, label: o }))} allowClear />
        </Form.Item>
      );
    case 'text':
      return (
        <Form.Item key={key} name={name} label={label} rules={rules} extra={extra ?? field.rule?.[language]}>
          <Input maxLength={500} />
        </Form.Item>
      );
  }
}

function GuidedEventForm({
  product,
  profile,
  form: guided,
  locations,
  organisations,
  lots,
  onRecorded,
}: {
  onRecorded: () => void;
  product: Product;
  profile: Profile;
  form: GuidedForm;
  locations: Location[];
  organisations: Organisation[];
  lots: string[];
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { me, organisation } = useSession();
  const { enqueue } = useOutbox();
  const [form] = Form.useForm<Answers>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [photos, setPhotos] = useState<File[]>([]);
  const local = useLocalText();
  const kdeLabel = useKdeLabel();
  const { shape, cte } = guided;
  const [scanned, setScanned] = useState<ScannedIdentifier>();
  const [scanNote, setScanNote] = useState<{ type: 'success' | 'warning' | 'info'; text: string }>();
  const scanGeneration = useRef(0);

  const units = guided.units.length > 0 ? guided.units : ['KGM', 'TNE', 'GRM', 'LTR', 'H87'];
  const defaultUnit =
    product.netContentUnit && units.includes(product.netContentUnit.toUpperCase())
      ? product.netContentUnit.toUpperCase()
      : units[0]!;
  const lastLocation = localStorage.getItem(LAST_LOCATION);
  const defaultLocation = locations.find((l) => l.id === lastLocation)?.id ?? locations[0]?.id;
  const partners = organisations.filter((o) => o.id !== me.organisationId);
  const partnerLabel = shape === 'receiving' ? t('record.sender') : t('record.receiver');
  const lotOptions = lots.map((l) => ({ value: l }));

  useEffect(() => {
    const now = dayjs();
    const kde: Record<string, Dayjs> = {};
    // A harvest or production date is, unless told otherwise, the day of the event.
    for (const f of guided.kdes)
      if (f.kind === 'date' && /harvest|production|catch/i.test(f.member)) kde[f.path] = now.startOf('day');
    form.resetFields();
    form.setFieldsValue({
      eventTime: now,
      uom: defaultUnit,
      ...(defaultLocation ? { locationId: defaultLocation } : {}),
      ...(shape === 'origin'
        ? { lot: suggestLot(cte.id.slice(0, 2).toUpperCase(), now.toDate()) }
        : lots[0]
          ? { lot: lots[0] }
          : {}),
      ...(shape === 'transformation'
        ? { inputLot: lots[0], outputLot: suggestLot(cte.id.slice(0, 2).toUpperCase(), now.toDate()) }
        : {}),
      ...(shape === 'shipping' ? { despatch: `XH-${now.format('YYYYMMDD-HHmm')}` } : {}),
      kde,
    });
    // Re-prefill when the step or the product changes, not on every list refresh.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cte.id, product.id]);

  const submit = async (answers: Answers) => {
    setProblem(undefined);
    const location = locations.find((l) => l.id === answers.locationId);
    if (!location) return;
    const partner = partners.find((o) => o.id === answers.partnerId);
    if ((shape === 'shipping' || shape === 'receiving') && partner && !partner.primaryGln) {
      setProblem(shape === 'shipping' ? t('record.receiverNoGln') : t('shipments.senderNoGln'));
      return;
    }
    localStorage.setItem(LAST_LOCATION, location.id);
    const time = answers.eventTime.toDate();
    const kdes: Record<string, string | number> = {};
    for (const [path, value] of Object.entries(answers.kde ?? {})) {
      if (value === undefined || value === null || value === '') continue;
      kdes[path] = dayjs.isDayjs(value) ? value.format('YYYY-MM-DD') : value;
    }
    const q = (lot: string | undefined, quantity: number | undefined): Quantity | undefined =>
      lot && quantity !== undefined ? { lot: lot.trim(), quantity, uom: answers.uom } : undefined;
    const ownGln = organisation?.primaryGln ?? location.gln;
    const eventId = newEventId();
    const quantity = q(answers.lot, answers.quantity);
    const input = q(answers.inputLot, answers.inputQuantity);
    const output = q(answers.outputLot, answers.outputQuantity);
    const event = buildEvent(guided, {
      eventId,
      gtin: product.gtin,
      eventTime: localTimeWithOffset(time),
      timeZoneOffset: offsetOf(time),
      locationGln: location.gln,
      ...(quantity ? { quantity } : {}),
      ...(input ? { inputs: [input] } : {}),
      ...(output ? { outputs: [output] } : {}),
      ownPartyGln: ownGln,
      ...(partner?.primaryGln ? { partnerGln: partner.primaryGln } : {}),
      ...(answers.despatch ? { despatch: answers.despatch.trim() } : {}),
      ...(answers.despatch
        ? { despatchOwnerGln: shape === 'receiving' ? (partner?.primaryGln ?? ownGln) : ownGln }
        : {}),
      ...(answers.certification ? { certification: answers.certification.trim() } : {}),
      kdes,
    });
    const stepName = local(cte.name, cte.id);
    const lotText = answers.lot ?? answers.outputLot ?? '';
    setBusy(true);
    try {
      const record = await enqueue(
        {
          id: eventId,
          capturedAt: new Date().toISOString(),
          label: `${stepName} — ${product.name}${lotText ? `, ${lotText}` : ''}`,
          organisationId: me.organisationId ?? '',
          event,
          state: 'pending',
          attempts: 0,
        },
        photos,
      );
      if (record.state === 'synced') void message.success(t('record.saved', { step: stepName }));
      else if (record.state === 'pending') void message.info(t('record.queued', { step: stepName }));
      else setProblem(t('record.rejected', { message: record.error ?? '' }));
      if (record.state === 'synced' || record.state === 'pending') {
        if (lotText) localStorage.setItem(lastLotKey(product.id), lotText.trim());
        onRecorded();
        setPhotos([]);
        const next = dayjs();
        form.setFieldsValue({
          eventTime: next,
          ...(shape === 'origin' ? { lot: undefined, quantity: undefined } : { quantity: undefined }),
          ...(shape === 'shipping' ? { despatch: `XH-${next.format('YYYYMMDD-HHmmss')}` } : {}),
        });
      }
    } finally {
      setBusy(false);
    }
  };

  /**
   * A scanned (or typed) code fills the form: a GLN (AI 414) picks the location, a lot code (GTIN + lot) the lot,
   * and a stamp (GTIN + serial, its QR code's Digital Link) the lot the stamp was activated for.
   */
  const pick = async (code: ScannedIdentifier | undefined) => {
    setScanned(code);
    const mine = ++scanGeneration.current;
    setScanNote(undefined);
    if (!code) return;
    const notes: string[] = [];
    if (code.gln) {
      const location = locations.find((l) => l.gln === code.gln);
      if (!location) {
        setScanNote({ type: 'warning', text: t('scanner.unknownLocation', { gln: code.gln }) });
        return;
      }
      form.setFieldsValue({ locationId: location.id });
      notes.push(t('scanner.pickedLocation', { name: location.name }));
    }
    if (code.gtin && code.gtin !== product.gtin) {
      setScanNote({ type: 'warning', text: t('scanner.otherProduct', { gtin: code.gtin }) });
      return;
    }
    let lot = code.lot;
    if (!lot && code.gtin && code.serial) {
      setScanNote({ type: 'info', text: t('scanner.lookingUpStamp') });
      const found = await findOwnStamp(code.gtin, code.serial).catch(() => undefined);
      if (mine !== scanGeneration.current) return;
      if (!found || !found.stamp.lot) {
        const key = found ? 'scanner.stampNoLot' : 'scanner.stampNotFound';
        setScanNote({ type: 'warning', text: t(key, { serial: code.serial }) });
        return;
      }
      lot = found.stamp.lot;
    }
    if (lot) {
      form.setFieldsValue(shape === 'transformation' ? { inputLot: lot } : { lot });
      notes.push(t('scanner.pickedLot', { lot }));
    }
    setScanNote(
      notes.length > 0
        ? { type: 'success', text: notes.join(' ') }
        : { type: 'warning', text: t('scanner.nothingToPick') },
    );
  };

  const required = (field: string) => [{ required: true, message: t('record.requiredField', { field }) }];
  const requirementText = (r: string | null) => (r === 'recommended' ? t('record.recommended') : undefined);

  return (
    <Form<Answers> form={form} layout="vertical" name="record" onFinish={(v) => void submit(v)} scrollToFirstError>
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 16 }} />}
      <Form.Item label={t('scanner.field')} htmlFor="record-scan" extra={t('scanner.fieldHelp')}>
        <IdentifierInput id="record-scan" value={scanned} onChange={(code) => void pick(code)} />
        {scanNote && (
          <div data-testid="scan-note" role="status" style={{ marginTop: 8 }}>
            <Alert type={scanNote.type} showIcon title={scanNote.text} />
          </div>
        )}
      </Form.Item>
      <Space wrap style={{ width: '100%' }} styles={{ item: { minWidth: 220, flex: 1 } }}>
        <Form.Item name="eventTime" label={t('record.eventTime')} rules={required(t('record.eventTime'))}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="DD/MM/YYYY HH:mm" style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="locationId" label={t('record.location')} rules={required(t('record.location'))}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            options={locations.map((l) => ({ value: l.id, label: `${l.name} (${l.gln})` }))}
          />
        </Form.Item>
      </Space>
      {shape === 'transformation' ? (
        <>
          <Space wrap style={{ width: '100%' }} styles={{ item: { minWidth: 160, flex: 1 } }}>
            <Form.Item name="inputLot" label={t('record.inputLot')} rules={required(t('record.inputLot'))}>
              <AutoComplete options={lotOptions} filterOption />
            </Form.Item>
            <Form.Item
              name="inputQuantity"
              label={t('record.inputQuantity')}
              rules={required(t('record.inputQuantity'))}
            >
              <InputNumber min={0} style={{ width: '100%' }} inputMode="decimal" />
            </Form.Item>
          </Space>
          <Space wrap style={{ width: '100%' }} styles={{ item: { minWidth: 160, flex: 1 } }}>
            <Form.Item name="outputLot" label={t('record.outputLot')} rules={required(t('record.outputLot'))}>
              <Input maxLength={20} />
            </Form.Item>
            <Form.Item
              name="outputQuantity"
              label={t('record.outputQuantity')}
              rules={required(t('record.outputQuantity'))}
            >
              <InputNumber min={0} style={{ width: '100%' }} inputMode="decimal" />
            </Form.Item>
          </Space>
        </>
      ) : (
        <Space wrap style={{ width: '100%' }} styles={{ item: { minWidth: 160, flex: 1 } }}>
          <Form.Item
            name="lot"
            label={shape === 'origin' ? t('record.newLot') : t('record.lot')}
            rules={required(t('record.lot'))}
            extra={shape === 'origin' ? undefined : t('record.lotHelp')}
          >
            {shape === 'origin' ? <Input maxLength={20} /> : <AutoComplete options={lotOptions} filterOption />}
          </Form.Item>
          <Form.Item name="quantity" label={t('record.quantity')} rules={required(t('record.quantity'))}>
            <InputNumber min={0} style={{ width: '100%' }} inputMode="decimal" />
          </Form.Item>
        </Space>
      )}
      <Form.Item name="uom" label={t('record.unit')} rules={required(t('record.unit'))} style={{ maxWidth: 240 }}>
        <Select options={units.map((u) => ({ value: u, label: u }))} />
      </Form.Item>
      {(guided.destination || guided.source) && (
        <Form.Item
          name="partnerId"
          label={partnerLabel}
          rules={(guided.destination ?? guided.source) === 'required' ? required(partnerLabel) : []}
          extra={requirementText(guided.destination ?? guided.source)}
        >
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            allowClear
            options={partners.map((o) => ({ value: o.id, label: o.name, disabled: !o.primaryGln }))}
          />
        </Form.Item>
      )}
      {guided.despatch && (
        <Form.Item
          name="despatch"
          label={t('record.despatch')}
          rules={guided.despatch === 'required' ? required(t('record.despatch')) : []}
          extra={requirementText(guided.despatch)}
        >
          <Input maxLength={60} />
        </Form.Item>
      )}
      {guided.kdes.map((field) => (
        <KdeInput key={`${cte.id}:${field.path}`} field={field} form={guided} />
      ))}
      {guided.certification && (
        <Form.Item
          name="certification"
          label={t('record.certification')}
          rules={guided.certification === 'required' ? required(t('record.certification')) : []}
          extra={requirementText(guided.certification)}
        >
          <Input maxLength={500} />
        </Form.Item>
      )}
      {guided.fromLocation.length > 0 && (
        <Typography.Paragraph type="secondary">
          {t('record.fromLocationMaster', {
            label: guided.fromLocation
              .map((f) => {
                const key = `kde.${f.attribute}` as MessageKey;
                return t(key) === key ? f.attribute : t(key);
              })
              .join(', '),
          })}
        </Typography.Paragraph>
      )}
      <Form.Item label={t('photos.field')}>
        <PhotoAttach value={photos} onChange={setPhotos} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} size="large" block>
        {t('record.submit')}
      </Button>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, fontSize: 13 }}>
        {profile.id !== 'generic' && `${profile.id} v${profile.version} · `}
        {cte.bizStep} · {cte.eventType}
        {guided.kdes.length > 0 && ` · ${guided.kdes.map((k) => kdeLabel(k)).join(', ')}`}
      </Typography.Paragraph>
    </Form>
  );
}

export function RecordEventPage() {
  const { t } = useI18n();
  const local = useLocalText();
  const [params, setParams] = useSearchParams();
  const productId = params.get('product') ?? undefined;
  const stepId = params.get('step') ?? undefined;
  const products = useResource<PageOf<Product>>(`/api/products${query({ limit: 200, sort: 'name' })}`);
  const locations = useResource<PageOf<Location>>(`/api/locations${query({ limit: 200 })}`);
  const organisations = useResource<PageOf<Organisation>>(`/api/organisations${query({ limit: 500, sort: 'name' })}`);
  const product = products.data?.items.find((p) => p.id === productId);
  const guide = useProfileFor(product);
  const events = useResource<{
    epcisBody?: { queryResults?: { resultsBody?: { eventList?: Record<string, unknown>[] } } };
  }>(
    product
      ? `/epcis/events${query({
          MATCH_anyEPCClass: `https://id.gs1.org/01/${product.gtin}/10/*`,
          orderBy: 'eventTime',
          orderDirection: 'DESC',
          perPage: 50,
        })}`
      : null,
  );
  const [recorded, setRecorded] = useState(0);
  const lots = useMemo(() => {
    if (!product) return [];
    const last = localStorage.getItem(lastLotKey(product.id));
    const seen = lotsInEvents(events.data?.epcisBody?.queryResults?.resultsBody?.eventList ?? [], product.gtin);
    return [...new Set([...(last ? [last] : []), ...seen])];
    // `recorded` changes when this device records a lot: the list then starts with it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [events.data, product, recorded]);

  const ctes = guide.profile ? recordableCtes(guide.profile) : [];
  const cte = ctes.find((c) => c.id === stepId) ?? ctes[0];
  const select = (next: { product?: string; step?: string }) => {
    const search = new URLSearchParams();
    const p = next.product ?? productId;
    if (p) search.set('product', p);
    if (next.step) search.set('step', next.step);
    setParams(search, { replace: true });
  };
  const error = products.error ?? locations.error ?? organisations.error ?? guide.error;

  return (
    <>
      <Typography.Title level={2} className="page-title">
        {t('record.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('record.intro')}</Typography.Paragraph>
      {error && (
        <ProblemAlert
          error={error}
          onRetry={() => {
            products.reload();
            locations.reload();
            organisations.reload();
            guide.reload();
          }}
        />
      )}
      {products.data && products.data.items.length === 0 ? (
        <EmptyState text={t('record.noProducts')} />
      ) : (
        <Form layout="vertical">
          <Form.Item label={t('record.product')} htmlFor="record-product">
            <Select
              id="record-product"
              value={productId}
              placeholder={t('record.chooseProduct')}
              loading={products.loading}
              showSearch={{ optionFilterProp: 'label' }}
              onChange={(value: string) => select({ product: value })}
              options={(products.data?.items ?? []).map((p) => ({ value: p.id, label: `${p.name} (${p.gtin})` }))}
            />
          </Form.Item>
        </Form>
      )}
      {product && guide.loading && <Loading />}
      {product && guide.profile && cte && (
        <Card size="small">
          {guide.standard ? (
            <Typography.Paragraph>
              {t('record.standard', {
                title: local({ vi: guide.standard.title, en: guide.standard.titleEn }, guide.standard.title),
                version: guide.standard.version,
              })}
            </Typography.Paragraph>
          ) : (
            <Alert type="info" showIcon title={t('record.noStandard')} style={{ marginBottom: 12 }} />
          )}
          <fieldset style={{ border: 0, padding: 0, margin: '0 0 16px' }}>
            <legend style={{ fontSize: 14, marginBottom: 8 }}>{t('record.step')}</legend>
            <Radio.Group
              value={cte.id}
              onChange={(e) => select({ step: String(e.target.value) })}
              optionType="button"
              buttonStyle="solid"
              options={ctes.map((c) => ({
                value: c.id,
                label: (
                  <span>
                    {local(c.name, c.id)}{' '}
                    {c.requirement === 'required' && (
                      <Tag color="red" style={{ marginInlineEnd: 0 }}>
                        {t('record.required')}
                      </Tag>
                    )}
                  </span>
                ),
              }))}
            />
          </fieldset>
          {locations.data && locations.data.items.length === 0 ? (
            <EmptyState text={t('record.noLocations')} />
          ) : locations.data && organisations.data ? (
            <GuidedEventForm
              key={`${product.id}:${cte.id}`}
              product={product}
              profile={guide.profile}
              form={guidedForm(guide.profile, cte)}
              locations={locations.data.items.filter((l) => l.status === 'active')}
              organisations={organisations.data.items}
              lots={lots}
              onRecorded={() => {
                setRecorded((n) => n + 1);
                events.reload();
              }}
            />
          ) : (
            <Loading />
          )}
        </Card>
      )}
    </>
  );
}
