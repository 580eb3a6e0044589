import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Input, InputNumber, Modal, Row, Select, Space, Tabs, Typography } from 'antd';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from '../api.ts';
import { useResource } from '../hooks.ts';
import { useI18n } from '../i18n/index.tsx';
import type {
  CteRule,
  KdeRule,
  LocalText,
  Profile,
  ProductGroup,
  Standard,
  StandardDetail,
  ValueRule,
} from '../types.ts';
import { Loadable, ProblemAlert } from './feedback.tsx';
import { StandardFormPreview } from './StandardFormPreview.tsx';

/**
 * The province's editor of a base standard (TCCS) profile: a form for what most edits touch (title, groups, units,
 * steps and their key data elements), the whole document as JSON, the server's check of the document as it would
 * be saved (`POST /api/standards/validate`) and a live preview of the data-entry form businesses will get.
 */

type Doc = Profile & { retentionDays?: number };

const EVENT_TYPES = ['ObjectEvent', 'AggregationEvent', 'TransformationEvent', 'TransactionEvent', 'AssociationEvent'];
const PARTIES = [
  'grower',
  'fisher',
  'farmer',
  'collector',
  'processor',
  'packer',
  'transporter',
  'distributor',
  'retailer',
  'importer',
  'any',
];
const STEPS = [
  'commissioning',
  'harvesting',
  'packing',
  'inspecting',
  'storing',
  'shipping',
  'receiving',
  'transforming',
  'retail_selling',
];
const UNITS = ['KGM', 'TNE', 'GRM', 'LTR', 'MLT', 'H87', 'NAR'];
const UNITS_PATH = 'quantityList[].uom';

interface Check {
  valid: boolean;
  problems: { field: string; message: string }[];
  nextVersion: number | null;
}

/** A labelled control: the label wraps it, so screen readers and tests find it by its text. */
function Field({ label, children, help }: { label: string; children: ReactNode; help?: string }) {
  return (
    <label className="authoring-field" style={{ display: 'block', marginBottom: 12 }}>
      <span style={{ display: 'block', marginBottom: 4 }}>{label}</span>
      {children}
      {help && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {help}
        </Typography.Text>
      )}
    </label>
  );
}

function ProfileForm({ doc, onChange }: { doc: Doc; onChange: (doc: Doc) => void }) {
  const { t, language } = useI18n();
  const groups = useResource<ProductGroup[]>('/api/product-groups');
  const unitsRule = doc.valueRules.findIndex((r) => r.path === UNITS_PATH && r.check.kind === 'units');
  const units = unitsRule >= 0 ? (doc.valueRules[unitsRule]!.check as { units: string[] }).units : [];
  const setCte = (i: number, patch: Partial<CteRule>) =>
    onChange({ ...doc, ctes: doc.ctes.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  const setKde = (i: number, k: number, patch: Partial<KdeRule>) =>
    setCte(i, { kdes: doc.ctes[i]!.kdes.map((kde, j) => (j === k ? { ...kde, ...patch } : kde)) });
  const setUnits = (next: string[]) => {
    const rule: ValueRule = {
      path: UNITS_PATH,
      check: { kind: 'units', units: next },
      severity: 'error',
      description: { vi: 'Đơn vị tính theo tiêu chuẩn', en: 'Units allowed by the standard' },
    };
    const others = doc.valueRules.filter((_, i) => i !== unitsRule);
    const base = unitsRule >= 0 ? { ...doc.valueRules[unitsRule]!, check: rule.check } : rule;
    onChange({
      ...doc,
      valueRules:
        next.length === 0
          ? others
          : [...others.slice(0, Math.max(unitsRule, 0)), base, ...others.slice(Math.max(unitsRule, 0))],
    });
  };
  const labelText = (label: LocalText | undefined, lang: 'vi' | 'en') => label?.[lang] ?? '';
  const setLabel = (i: number, k: number, lang: 'vi' | 'en', value: string) => {
    const current = doc.ctes[i]!.kdes[k]!.label ?? { vi: '', en: '' };
    const next = { ...current, [lang]: value };
    const { label: _omit, ...rest } = doc.ctes[i]!.kdes[k]!;
    setCte(i, {
      kdes: doc.ctes[i]!.kdes.map((kde, j) =>
        j === k ? (next.vi === '' && next.en === '' ? rest : { ...rest, label: next }) : kde,
      ),
    });
  };
  const requirementOptions = (values: string[]) =>
    values.map((v) => ({ value: v, label: t(`authoring.requirement.${v}` as 'authoring.requirement.required') }));
  return (
    <div>
      <Typography.Title level={4}>{t('authoring.general')}</Typography.Title>
      <Row gutter={12}>
        <Col xs={24} md={12}>
          <Field label={t('authoring.titleVi')}>
            <Input
              value={doc.title.vi}
              onChange={(e) => onChange({ ...doc, title: { ...doc.title, vi: e.target.value } })}
            />
          </Field>
        </Col>
        <Col xs={24} md={12}>
          <Field label={t('authoring.titleEn')}>
            <Input
              value={doc.title.en}
              onChange={(e) => onChange({ ...doc, title: { ...doc.title, en: e.target.value } })}
            />
          </Field>
        </Col>
        <Col xs={24} md={12}>
          <Field label={t('authoring.productGroups')}>
            <Select
              mode="multiple"
              style={{ width: '100%' }}
              value={doc.productGroups}
              onChange={(productGroups: string[]) => onChange({ ...doc, productGroups })}
              options={(groups.data ?? []).map((g) => ({
                value: g.code,
                label: `${language === 'en' ? g.nameEn : g.name} (${g.code})`,
              }))}
            />
          </Field>
        </Col>
        <Col xs={24} md={6}>
          <Field label={t('authoring.retentionDays')}>
            <InputNumber
              style={{ width: '100%' }}
              min={1}
              value={doc.retentionDays}
              onChange={(v) => onChange({ ...doc, retentionDays: v ?? 1 })}
            />
          </Field>
        </Col>
        <Col xs={24} md={6}>
          <Field label={t('authoring.units')} help={t('authoring.unitsHelp')}>
            <Select
              mode="tags"
              style={{ width: '100%' }}
              value={units}
              onChange={(next: string[]) => setUnits(next.map((u) => u.toUpperCase()))}
              options={UNITS.map((u) => ({ value: u, label: u }))}
            />
          </Field>
        </Col>
      </Row>
      <Typography.Title level={4}>{t('authoring.ctes')}</Typography.Title>
      {doc.ctes.map((cte, i) => (
        <Card
          key={i}
          role="group"
          aria-label={cte.name[language] || cte.id}
          size="small"
          style={{ marginBottom: 12 }}
          title={`${cte.order}. ${cte.name[language] || cte.id}`}
          extra={
            <Button
              danger
              size="small"
              icon={<DeleteOutlined />}
              aria-label={t('authoring.removeCte', { name: cte.name[language] || cte.id })}
              onClick={() => onChange({ ...doc, ctes: doc.ctes.filter((_, j) => j !== i) })}
            />
          }
        >
          <Row gutter={12}>
            <Col xs={24} md={8}>
              <Field label={t('authoring.cteId')}>
                <Input value={cte.id} onChange={(e) => setCte(i, { id: e.target.value })} />
              </Field>
            </Col>
            <Col xs={24} md={8}>
              <Field label={t('authoring.cteNameVi')}>
                <Input value={cte.name.vi} onChange={(e) => setCte(i, { name: { ...cte.name, vi: e.target.value } })} />
              </Field>
            </Col>
            <Col xs={24} md={8}>
              <Field label={t('authoring.cteNameEn')}>
                <Input value={cte.name.en} onChange={(e) => setCte(i, { name: { ...cte.name, en: e.target.value } })} />
              </Field>
            </Col>
            <Col xs={12} md={6}>
              <Field label={t('authoring.bizStep')}>
                <Select
                  showSearch
                  style={{ width: '100%' }}
                  value={cte.bizStep}
                  onChange={(bizStep: string) => setCte(i, { bizStep })}
                  options={[...new Set([cte.bizStep, ...STEPS])].map((s) => ({ value: s, label: s }))}
                />
              </Field>
            </Col>
            <Col xs={12} md={6}>
              <Field label={t('authoring.eventType')}>
                <Select
                  style={{ width: '100%' }}
                  value={cte.eventType}
                  onChange={(eventType: string) => setCte(i, { eventType })}
                  options={EVENT_TYPES.map((s) => ({ value: s, label: s }))}
                />
              </Field>
            </Col>
            <Col xs={8} md={4}>
              <Field label={t('authoring.order')}>
                <InputNumber
                  style={{ width: '100%' }}
                  min={0}
                  value={cte.order}
                  onChange={(v) => setCte(i, { order: v ?? 0 })}
                />
              </Field>
            </Col>
            <Col xs={8} md={4}>
              <Field label={t('authoring.party')}>
                <Select
                  style={{ width: '100%' }}
                  value={cte.party}
                  onChange={(party: string) => setCte(i, { party })}
                  options={PARTIES.map((s) => ({ value: s, label: s }))}
                />
              </Field>
            </Col>
            <Col xs={8} md={4}>
              <Field label={t('authoring.requirement')}>
                <Select
                  style={{ width: '100%' }}
                  value={cte.requirement}
                  onChange={(requirement: CteRule['requirement']) => setCte(i, { requirement })}
                  options={requirementOptions(['required', 'recommended', 'optional'])}
                />
              </Field>
            </Col>
          </Row>
          <Typography.Text strong>{t('authoring.kdes')}</Typography.Text>
          {cte.kdes.map((kde, k) => (
            <Row key={k} gutter={8} align="bottom" style={{ borderTop: '1px solid #f0f0f0', paddingTop: 8 }}>
              <Col xs={24} md={8}>
                <Field label={t('authoring.kdePath')}>
                  <Input value={kde.path} onChange={(e) => setKde(i, k, { path: e.target.value.trim() })} />
                </Field>
              </Col>
              <Col xs={12} md={5}>
                <Field label={t('authoring.requirement')}>
                  <Select
                    style={{ width: '100%' }}
                    value={kde.requirement}
                    onChange={(requirement: KdeRule['requirement']) => setKde(i, k, { requirement })}
                    options={requirementOptions(['required', 'recommended'])}
                  />
                </Field>
              </Col>
              <Col xs={12} md={5}>
                <Field label={t('authoring.kdeLabelVi')}>
                  <Input value={labelText(kde.label, 'vi')} onChange={(e) => setLabel(i, k, 'vi', e.target.value)} />
                </Field>
              </Col>
              <Col xs={20} md={5}>
                <Field label={t('authoring.kdeLabelEn')}>
                  <Input value={labelText(kde.label, 'en')} onChange={(e) => setLabel(i, k, 'en', e.target.value)} />
                </Field>
              </Col>
              <Col xs={4} md={1} style={{ paddingBottom: 12 }}>
                <Button
                  size="small"
                  icon={<DeleteOutlined />}
                  aria-label={t('authoring.removeKde', { path: kde.path })}
                  onClick={() => setCte(i, { kdes: cte.kdes.filter((_, j) => j !== k) })}
                />
              </Col>
            </Row>
          ))}
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() => setCte(i, { kdes: [...cte.kdes, { path: 'ilmd.tx:', requirement: 'required' }] })}
          >
            {t('authoring.addKde')}
          </Button>
        </Card>
      ))}
      <Button
        icon={<PlusOutlined />}
        onClick={() =>
          onChange({
            ...doc,
            ctes: [
              ...doc.ctes,
              {
                id: `step-${doc.ctes.length + 1}`,
                name: { vi: t('authoring.newCteName'), en: 'New step' },
                bizStep: 'inspecting',
                eventType: 'ObjectEvent',
                order: Math.max(0, ...doc.ctes.map((c) => c.order)) + 1,
                party: 'any',
                requirement: 'recommended',
                kdes: [],
              },
            ],
          })
        }
      >
        {t('authoring.addCte')}
      </Button>
      <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
        {t('authoring.otherRules')}
      </Typography.Paragraph>
    </div>
  );
}

/** Checks the document on the server as the author types (debounced); undefined while checking. */
function useDraftCheck(doc: Doc | undefined, draftId: string | undefined): Check | undefined {
  const [check, setCheck] = useState<Check>();
  const body = useMemo(() => (doc === undefined ? undefined : JSON.stringify(doc)), [doc]);
  useEffect(() => {
    if (body === undefined) return;
    setCheck(undefined);
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api<Check>('/api/standards/validate', {
        method: 'POST',
        body: { document: JSON.parse(body) as unknown, ...(draftId ? { draftId } : {}) },
        signal: controller.signal,
      }).then(setCheck, () => undefined);
    }, 400);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [body, draftId]);
  return check;
}

export function StandardEditor({
  base,
  onClose,
  onSaved,
}: {
  /** A draft to edit, or a published version to start the next version from. */
  base: Standard;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const detail = useResource<StandardDetail>(`/api/standards/${encodeURIComponent(base.id)}`);
  const [doc, setDoc] = useState<Doc>();
  const [text, setText] = useState('');
  const [jsonError, setJsonError] = useState<string>();
  const [draftId, setDraftId] = useState<string | undefined>(base.status === 'draft' ? base.id : undefined);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [tab, setTab] = useState('form');

  useEffect(() => {
    if (!detail.data || doc) return;
    const initial = (
      base.status === 'draft' ? detail.data.document : { ...detail.data.document, version: detail.data.version + 1 }
    ) as Doc;
    setDoc(initial);
    setText(JSON.stringify(initial, null, 2));
  }, [detail.data, doc, base.status]);

  const check = useDraftCheck(doc, draftId);
  const fromForm = (next: Doc) => {
    setDoc(next);
    setText(JSON.stringify(next, null, 2));
    setJsonError(undefined);
  };
  const fromJson = (value: string) => {
    setText(value);
    try {
      const parsed = JSON.parse(value) as Doc;
      setJsonError(undefined);
      setDoc(parsed);
    } catch (e) {
      setJsonError(e instanceof Error ? e.message : String(e));
    }
  };
  // The form can only show a document of the right shape; other JSON is edited as text until it is.
  const formable =
    doc !== undefined &&
    typeof doc === 'object' &&
    Array.isArray(doc.ctes) &&
    Array.isArray(doc.valueRules) &&
    Array.isArray(doc.productGroups) &&
    typeof doc.title === 'object' &&
    doc.ctes.every((c) => c && typeof c.name === 'object' && Array.isArray(c.kdes));

  const save = async (): Promise<Standard | undefined> => {
    if (!doc || jsonError) return undefined;
    setError(undefined);
    setBusy(true);
    try {
      const saved = draftId
        ? await api<StandardDetail>(`/api/standards/${encodeURIComponent(draftId)}`, {
            method: 'PUT',
            body: { document: doc },
          })
        : await api<StandardDetail>('/api/standards', { method: 'POST', body: { document: doc } });
      setDraftId(saved.id);
      void message.success(t('standards.draftSaved', { id: saved.id }));
      return saved;
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  const saveAndPublish = () => {
    modal.confirm({
      title: t('standards.publish'),
      content: t('authoring.publishConfirm'),
      okText: t('standards.publish'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        const saved = await save();
        if (!saved) return;
        try {
          await api(`/api/standards/${encodeURIComponent(saved.id)}/publish`, { method: 'POST', body: {} });
          void message.success(t('standards.published', { title: saved.title }));
          onSaved();
        } catch (e) {
          setError(e);
        }
      },
    });
  };

  const problems = check?.problems ?? [];
  return (
    <Modal
      open
      width={1200}
      style={{ top: 16, maxWidth: 'calc(100vw - 16px)' }}
      title={t('authoring.editorTitle', { id: base.profileId, version: doc?.version ?? '…' })}
      onCancel={() => (draftId && draftId !== base.id ? onSaved() : onClose())}
      footer={
        <Space wrap>
          <Button onClick={() => (draftId && draftId !== base.id ? onSaved() : onClose())}>{t('common.close')}</Button>
          <Button loading={busy} disabled={!doc || !!jsonError || check?.valid === false} onClick={() => void save()}>
            {t('authoring.saveDraft')}
          </Button>
          <Button
            type="primary"
            loading={busy}
            disabled={!doc || !!jsonError || check?.valid !== true}
            onClick={saveAndPublish}
          >
            {t('authoring.saveAndPublish')}
          </Button>
        </Space>
      }
    >
      <Loadable resource={detail}>
        {() => (
          <Row gutter={16}>
            <Col xs={24} lg={14}>
              <Tabs
                activeKey={tab}
                onChange={setTab}
                items={[
                  {
                    key: 'form',
                    label: t('authoring.tab.form'),
                    children: formable ? (
                      <ProfileForm doc={doc} onChange={fromForm} />
                    ) : (
                      <Alert type="warning" title={t('authoring.jsonError', { message: jsonError ?? '—' })} />
                    ),
                  },
                  {
                    key: 'json',
                    label: t('authoring.tab.json'),
                    children: (
                      <>
                        <label htmlFor="standard-document">{t('standards.document')}</label>
                        <Input.TextArea
                          id="standard-document"
                          value={text}
                          onChange={(e) => fromJson(e.target.value)}
                          rows={24}
                          spellCheck={false}
                          aria-invalid={jsonError !== undefined}
                          style={{ fontFamily: 'monospace', fontSize: 13 }}
                        />
                      </>
                    ),
                  },
                ]}
              />
            </Col>
            <Col xs={24} lg={10}>
              <div role="status" aria-live="polite" style={{ marginBottom: 12 }}>
                {jsonError ? (
                  <Alert type="error" title={t('authoring.jsonError', { message: jsonError })} />
                ) : check === undefined ? (
                  <Typography.Text type="secondary">{t('authoring.checking')}</Typography.Text>
                ) : check.valid ? (
                  <Alert type="success" title={t('authoring.valid')} />
                ) : (
                  <Alert
                    type="error"
                    title={t('authoring.problems', { count: problems.length })}
                    description={
                      <ul className="problem-fields">
                        {problems.map((p) => (
                          <li key={`${p.field}:${p.message}`}>
                            <code>{p.field.replace(/^document\./, '')}</code>: {p.message}
                          </li>
                        ))}
                      </ul>
                    }
                  />
                )}
              </div>
              {error !== undefined && <ProblemAlert error={error} />}
              <Typography.Title level={4}>{t('authoring.preview')}</Typography.Title>
              <StandardFormPreview profile={formable ? doc : undefined} />
            </Col>
          </Row>
        )}
      </Loadable>
    </Modal>
  );
}
