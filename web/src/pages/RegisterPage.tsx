import { Alert, Button, Card, Divider, Form, Input, Result, Select, Space, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api } from '../api.ts';
import { ProblemAlert } from '../components/feedback.tsx';
import { showFieldErrors } from '../components/forms.ts';
import { useResource } from '../hooks.ts';
import { useI18n, type Language, type MessageKey } from '../i18n/index.tsx';
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
  const { t, language, setLanguage } = useI18n();
  const [form] = Form.useForm<SignUpForm>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<string>();
  const provinces = useResource<{ code: string; name: string }[]>('/api/admin-units/provinces');
  const required = (key: MessageKey) => [
    { required: true, whitespace: true, message: t('registration.required', { field: t(key).toLowerCase() }) },
  ];

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
              <Select<Language>
                size="small"
                value={language}
                onChange={setLanguage}
                aria-label={t('app.language')}
                options={[
                  { value: 'vi', label: t('app.language.vi') },
                  { value: 'en', label: t('app.language.en') },
                ]}
              />
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
              <Form.Item
                name="contactName"
                label={t('registration.contactName')}
                rules={required('registration.contactName')}
              >
                <Input maxLength={200} autoComplete="name" />
              </Form.Item>
              <Typography.Paragraph type="secondary">{t('registration.loginHelp')}</Typography.Paragraph>
              <Form.Item name="contactPhone" label={t('registration.contactPhone')}>
                <Input maxLength={20} inputMode="tel" autoComplete="tel" />
              </Form.Item>
              <Form.Item name="contactEmail" label={t('registration.contactEmail')}>
                <Input type="email" maxLength={200} autoComplete="email" />
              </Form.Item>
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

/** What /api/auth/me adds about the caller's organisation (a self-registration awaiting, or refused, approval). */
export interface Standing {
  readonly organisationName?: string;
  readonly organisationStatus?: string;
  readonly registration?: { submittedAt: string; decidedAt: string | null; reason: string | null } | null;
}

/**
 * Shows the screens only to users of an active organisation; a pending or rejected self-registration sees its
 * standing instead (its session has no permission: the server refuses every other request anyway).
 */
export function ApprovalGate({ children }: { children: ReactNode }) {
  const { t, language } = useI18n();
  const session = useSession();
  const standing = session.me as Me & Standing;
  const status = standing.organisationStatus ?? 'active';
  if (status === 'active' || session.province) return <>{children}</>;
  const name = standing.organisationName ?? '';
  const submitted = standing.registration?.submittedAt;
  const signOut = (
    <Button key="out" onClick={() => void session.signOut()}>
      {t('app.signOut')}
    </Button>
  );
  return (
    <main className="sign-in" id="main">
      <Card>
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
          />
        ) : status === 'rejected' ? (
          <Result
            status="warning"
            title={t('registration.rejected.title')}
            subTitle={t('registration.rejected.text', { name, reason: standing.registration?.reason ?? '' })}
            extra={[signOut]}
          >
            <Alert type="info" showIcon title={t('registration.rejected.help')} />
          </Result>
        ) : (
          <Result status="warning" title={t('registration.suspended.title')} subTitle={name} extra={[signOut]} />
        )}
      </Card>
    </main>
  );
}
