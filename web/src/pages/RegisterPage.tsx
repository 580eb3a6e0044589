import { Alert, Button, Card, Divider, Form, Input, List, Result, Select, Space, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api } from '../api.ts';
import { Loadable, ProblemAlert } from '../components/feedback.tsx';
import { LanguageSelect } from '../components/LanguageSelect.tsx';
import { showFieldErrors } from '../components/forms.ts';
import { useResource } from '../hooks.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import type { Me } from '../types.ts';

const KINDS = ['household', 'cooperative', 'company', 'other', 'provider'] as const;
const HUE = '46';
const FIELDS = [
  'name',
  'kind',
  'taxCode',
  'provinceCode',
  'communeName',
  'communeCode',
  'address',
  'contactName',
  'contactPhone',
  'contactEmail',
  'password',
] as const;

interface SignUpForm {
  name: string;
  kind: string;
  taxCode: string;
  provinceCode: string;
  communeName: string;
  communeCode?: string;
  address?: string;
  contactName: string;
  contactPhone?: string;
  contactEmail?: string;
  password: string;
  passwordAgain: string;
}

/** The public sign-up page (/app/register): a business applies; the province approves before it can work. */
export function RegisterPage() {
  const { t, language } = useI18n();
  const [form] = Form.useForm<SignUpForm>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<string>();
  const required = useRequired();

  const submit = async (v: SignUpForm) => {
    setBusy(true);
    setError(undefined);
    try {
      const { passwordAgain: _again, ...fields } = v;
      const body = Object.fromEntries(Object.entries(fields).filter(([, x]) => x !== undefined && x !== ''));
      await api('/api/registrations', { method: 'POST', body: { ...body, locale: language } });
      setSent(v.name);
    } catch (e) {
      if (!showFieldErrors(form, e, FIELDS)) setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in" id="main">
      <Card>
        {sent !== undefined ? (
          <Result
            status="success"
            title={t('registration.sent.title')}
            subTitle={t('registration.sent.text', { name: sent })}
            extra={
              <Link to="/">
                <Button type="primary">{t('registration.sent.signIn')}</Button>
              </Link>
            }
          />
        ) : (
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <Space style={{ width: '100%', justifyContent: 'space-between' }}>
              <Typography.Title level={1} style={{ margin: 0, fontSize: 24 }}>
                {t('registration.title')}
              </Typography.Title>
              <LanguageSelect />
            </Space>
            <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
              {t('registration.intro')}
            </Typography.Paragraph>
            {error !== undefined && <ProblemAlert error={error} />}
            <Form
              form={form}
              layout="vertical"
              name="sign-up"
              requiredMark={false}
              initialValues={{ kind: 'cooperative', provinceCode: HUE }}
              onFinish={(v) => void submit(v)}
            >
              <ApplicationFields />
              <Typography.Paragraph type="secondary">{t('registration.loginHelp')}</Typography.Paragraph>
              <ContactFields />
              <Form.Item
                name="password"
                label={t('registration.password')}
                extra={t('registration.passwordHelp')}
                rules={required('registration.password')}
              >
                <Input.Password maxLength={256} autoComplete="new-password" />
              </Form.Item>
              <Form.Item
                name="passwordAgain"
                label={t('registration.passwordAgain')}
                dependencies={['password']}
                rules={[
                  ...required('registration.passwordAgain'),
                  ({ getFieldValue }) => ({
                    validator: (_, value) =>
                      !value || getFieldValue('password') === value
                        ? Promise.resolve()
                        : Promise.reject(new Error(t('registration.passwordMismatch'))),
                  }),
                ]}
              >
                <Input.Password maxLength={256} autoComplete="new-password" />
              </Form.Item>
              <Button type="primary" htmlType="submit" block loading={busy}>
                {t('registration.submit')}
              </Button>
            </Form>
            <Link to="/">{t('registration.backToSignIn')}</Link>
          </Space>
        )}
      </Card>
    </main>
  );
}

function useRequired() {
  const { t } = useI18n();
  return (key: MessageKey) => [
    { required: true, whitespace: true, message: t('registration.required', { field: t(key).toLowerCase() }) },
  ];
}

/** The business and its contact person: the part of the sign-up form an applicant corrects after a rejection. */
function ApplicationFields() {
  const { t } = useI18n();
  const provinces = useResource<{ code: string; name: string }[]>('/api/admin-units/provinces');
  const required = useRequired();
  return (
    <>
      <Divider titlePlacement="start">{t('registration.section.organisation')}</Divider>
      <Form.Item name="name" label={t('registration.name')} rules={required('registration.name')}>
        <Input maxLength={500} autoComplete="organization" />
      </Form.Item>
      <Form.Item name="kind" label={t('registration.kind')}>
        <Select options={KINDS.map((k) => ({ value: k, label: t(`registration.kind.${k}`) }))} />
      </Form.Item>
      <Form.Item
        name="taxCode"
        label={t('registration.taxCode')}
        extra={t('registration.taxCodeHelp')}
        rules={required('registration.taxCode')}
      >
        <Input maxLength={20} inputMode="numeric" />
      </Form.Item>
      <Form.Item name="provinceCode" label={t('registration.province')}>
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          loading={provinces.loading}
          options={(provinces.data ?? [{ code: HUE, name: 'Huế' }]).map((p) => ({
            value: p.code,
            label: p.name,
          }))}
        />
      </Form.Item>
      <Form.Item name="communeName" label={t('registration.commune')} rules={required('registration.commune')}>
        <Input maxLength={500} />
      </Form.Item>
      <Form.Item name="communeCode" label={t('registration.communeCode')}>
        <Input maxLength={5} inputMode="numeric" />
      </Form.Item>
      <Form.Item name="address" label={t('registration.address')}>
        <Input maxLength={500} autoComplete="street-address" />
      </Form.Item>
      <Divider titlePlacement="start">{t('registration.section.account')}</Divider>
      <Form.Item name="contactName" label={t('registration.contactName')} rules={required('registration.contactName')}>
        <Input maxLength={200} autoComplete="name" />
      </Form.Item>
    </>
  );
}

/** The contact's phone and e-mail (at sign-up, also the login). */
function ContactFields() {
  const { t } = useI18n();
  return (
    <>
      <Form.Item name="contactPhone" label={t('registration.contactPhone')}>
        <Input maxLength={20} inputMode="tel" autoComplete="tel" />
      </Form.Item>
      <Form.Item name="contactEmail" label={t('registration.contactEmail')}>
        <Input type="email" maxLength={200} autoComplete="email" />
      </Form.Item>
    </>
  );
}

/** What /api/auth/me adds about the caller's organisation (a self-registration awaiting, or refused, approval). */
export interface Standing {
  readonly organisationName?: string;
  readonly organisationStatus?: string;
  readonly registration?: { submittedAt: string; decidedAt: string | null; reason: string | null } | null;
}

/** The applicant's own application (`GET /api/registrations/own`), with the earlier, rejected rounds. */
interface OwnApplication {
  readonly name: string;
  readonly kind: string;
  readonly taxCode: string | null;
  readonly provinceCode: string | null;
  readonly communeCode: string | null;
  readonly communeName: string | null;
  readonly address: string | null;
  readonly contactName: string | null;
  readonly contactEmail: string | null;
  readonly contactPhone: string | null;
  readonly rounds: readonly {
    round: number;
    submittedAt: string;
    decision: string;
    reason: string | null;
    decidedAt: string | null;
  }[];
}

const CORRECTABLE = FIELDS.filter((f) => f !== 'password');

/** Earlier reviews of the application: every rejection stays readable after a resubmission. */
function RegistrationHistory({ rounds }: { rounds: OwnApplication['rounds'] }) {
  const { t, language } = useI18n();
  if (rounds.length === 0) return null;
  const day = (d: string | null) => (d ? new Date(d).toLocaleDateString(language === 'en' ? 'en-GB' : 'vi-VN') : '');
  return (
    <List
      size="small"
      header={<Typography.Text strong>{t('registration.history.title')}</Typography.Text>}
      dataSource={[...rounds]}
      renderItem={(r) => (
        <List.Item>
          {t('registration.history.item', {
            round: r.round,
            submitted: day(r.submittedAt),
            decided: day(r.decidedAt),
            reason: r.reason ?? '',
          })}
        </List.Item>
      )}
    />
  );
}

/** The rejected applicant corrects its application and submits it again (same account; pending again). */
function ResubmitForm({ application, onCancel }: { application: OwnApplication; onCancel: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Omit<SignUpForm, 'password' | 'passwordAgain'>>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (v: Record<string, string | undefined>) => {
    setBusy(true);
    setError(undefined);
    try {
      const body = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== null && x !== ''));
      await api('/api/registrations/own', { method: 'PUT', body });
      // The session's standing (pending again) comes with the next /api/auth/me.
      window.location.reload();
    } catch (e) {
      if (!showFieldErrors(form, e, CORRECTABLE)) setError(e);
      setBusy(false);
    }
  };
  const initial = Object.fromEntries(
    Object.entries(application).filter(([k, x]) => (CORRECTABLE as readonly string[]).includes(k) && x !== null),
  );
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ margin: 0, fontSize: 24 }}>
        {t('registration.resubmit.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('registration.resubmit.intro')}
      </Typography.Paragraph>
      {error !== undefined && <ProblemAlert error={error} />}
      <Form
        form={form}
        layout="vertical"
        name="resubmit"
        requiredMark={false}
        initialValues={{ provinceCode: HUE, ...initial }}
        onFinish={(v) => void submit(v)}
      >
        <ApplicationFields />
        <ContactFields />
        <Space>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('registration.resubmit.submit')}
          </Button>
          <Button onClick={onCancel}>{t('registration.resubmit.cancel')}</Button>
        </Space>
      </Form>
    </Space>
  );
}

/**
 * Shows the screens only to users of an active organisation; a pending or rejected self-registration sees its
 * standing instead (its session has no permission: the server refuses every other request anyway). A rejected
 * applicant reads the province's reason and may correct the application and submit it again.
 */
export function ApprovalGate({ children }: { children: ReactNode }) {
  const session = useSession();
  const standing = session.me as Me & Standing;
  const status = standing.organisationStatus ?? 'active';
  if (status === 'active' || session.province) return <>{children}</>;
  return <StandingScreen status={status} standing={standing} />;
}

function StandingScreen({ status, standing }: { status: string; standing: Me & Standing }) {
  const { t, language } = useI18n();
  const session = useSession();
  const [correcting, setCorrecting] = useState(false);
  const own = useResource<OwnApplication>(status === 'suspended' ? null : '/api/registrations/own');
  const name = standing.organisationName ?? '';
  const submitted = standing.registration?.submittedAt;
  const signOut = (
    <Button key="out" onClick={() => void session.signOut()}>
      {t('app.signOut')}
    </Button>
  );
  const history = <RegistrationHistory rounds={own.data?.rounds ?? []} />;
  return (
    <main className="sign-in" id="main">
      <Card>
        <div style={{ display: 'flex', justifyContent: 'flex-end' }}>
          <LanguageSelect />
        </div>
        {status === 'pending' ? (
          <Result
            status="info"
            title={t('registration.waiting.title')}
            subTitle={t('registration.waiting.text', {
              name,
              at: submitted ? new Date(submitted).toLocaleString(language === 'en' ? 'en-GB' : 'vi-VN') : '',
            })}
            extra={[
              <Button key="check" type="primary" onClick={() => window.location.reload()}>
                {t('registration.waiting.refresh')}
              </Button>,
              signOut,
            ]}
          >
            {history}
          </Result>
        ) : status === 'rejected' && correcting ? (
          <Loadable resource={own}>
            {(application) => <ResubmitForm application={application} onCancel={() => setCorrecting(false)} />}
          </Loadable>
        ) : status === 'rejected' ? (
          <Result
            status="warning"
            title={t('registration.rejected.title')}
            subTitle={t('registration.rejected.text', { name, reason: standing.registration?.reason ?? '' })}
            extra={[
              <Button key="fix" type="primary" onClick={() => setCorrecting(true)}>
                {t('registration.resubmit.open')}
              </Button>,
              signOut,
            ]}
          >
            <Alert type="info" showIcon title={t('registration.rejected.help')} />
            {history}
          </Result>
        ) : (
          <Result status="warning" title={t('registration.suspended.title')} subTitle={name} extra={[signOut]} />
        )}
      </Card>
    </main>
  );
}
