import { Button, Card, Form, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api.ts';
import { ProblemAlert } from '../components/feedback.tsx';
import { LanguageSelect } from '../components/LanguageSelect.tsx';
import { useI18n } from '../i18n/index.tsx';

export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (values: { login: string; password: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      await api('/api/auth/sign-in', { method: 'POST', body: values });
      onSignedIn();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in" id="main">
      <Card>
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          <Space style={{ width: '100%', justifyContent: 'space-between' }}>
            <Typography.Title level={1} style={{ margin: 0, fontSize: 24 }}>
              {t('signIn.title')}
            </Typography.Title>
            <LanguageSelect />
          </Space>
          <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
            <strong>{t('app.name')}</strong> — {t('signIn.intro')}
          </Typography.Paragraph>
          {error !== undefined && <ProblemAlert error={error} />}
          <Form
            layout="vertical"
            onFinish={(v: { login: string; password: string }) => void submit(v)}
            requiredMark={false}
          >
            <Form.Item
              label={t('signIn.login')}
              name="login"
              rules={[{ required: true, message: t('signIn.required', { field: t('signIn.login').toLowerCase() }) }]}
            >
              <Input autoComplete="username" inputMode="email" autoFocus />
            </Form.Item>
            <Form.Item
              label={t('signIn.password')}
              name="password"
              rules={[{ required: true, message: t('signIn.required', { field: t('signIn.password').toLowerCase() }) }]}
            >
              <Input.Password autoComplete="current-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              {t('signIn.submit')}
            </Button>
          </Form>
          <Link to="/register">{t('registration.link')}</Link>
        </Space>
      </Card>
    </main>
  );
}
