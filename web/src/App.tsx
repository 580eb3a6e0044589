import { App as AntApp, ConfigProvider, Result, Button } from 'antd';
import enUS from 'antd/locale/en_US';
import viVN from 'antd/locale/vi_VN';
import { Navigate, Route, Routes, Link } from 'react-router';
import { Loading, ProblemAlert } from './components/feedback.tsx';
import { Shell } from './components/Shell.tsx';
import { useI18n } from './i18n/index.tsx';
import { OutboxProvider } from './offline/outbox-context.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { LocationsPage } from './pages/LocationsPage.tsx';
import { OrganisationsPage } from './pages/OrganisationsPage.tsx';
import { OutboxPage } from './pages/OutboxPage.tsx';
import { ProductsPage } from './pages/ProductsPage.tsx';
import { RecallsPage } from './pages/RecallsPage.tsx';
import { RecordEventPage } from './pages/RecordEventPage.tsx';
import { ShipmentsPage } from './pages/ShipmentsPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { StampsPage } from './pages/StampsPage.tsx';
import { StandardsPage } from './pages/StandardsPage.tsx';
import { SessionProvider } from './session.tsx';

/** Green of the province's identity; 4.5:1 or better against white text (WCAG AA). */
const THEME = { token: { colorPrimary: '#1f6f4a', borderRadius: 6, fontSize: 15 } };

function NotFound() {
  const { t } = useI18n();
  return (
    <Result
      status="404"
      title="404"
      subTitle={t('app.notFound')}
      extra={
        <Link to="/">
          <Button type="primary">{t('app.backHome')}</Button>
        </Link>
      }
    />
  );
}

export function App() {
  const { language } = useI18n();
  return (
    <ConfigProvider locale={language === 'en' ? enUS : viVN} theme={THEME}>
      <AntApp>
        <SessionProvider
          loading={<Loading />}
          failed={(error, retry) => (
            <div className="app-content">
              <ProblemAlert error={error} onRetry={retry} />
            </div>
          )}
          signIn={(onSignedIn) => <SignInPage onSignedIn={onSignedIn} />}
        >
          <OutboxProvider>
            <Shell>
              <Routes>
                <Route path="/" element={<HomePage />} />
                <Route path="/products" element={<ProductsPage />} />
                <Route path="/locations" element={<LocationsPage />} />
                <Route path="/record" element={<RecordEventPage />} />
                <Route path="/shipments" element={<ShipmentsPage />} />
                <Route path="/outbox" element={<OutboxPage />} />
                <Route path="/recalls" element={<RecallsPage />} />
                <Route path="/recalls/:id" element={<RecallsPage />} />
                <Route path="/stamps" element={<StampsPage />} />
                <Route path="/standards" element={<StandardsPage />} />
                <Route path="/organisations" element={<OrganisationsPage />} />
                <Route path="/sign-in" element={<Navigate to="/" replace />} />
                <Route path="*" element={<NotFound />} />
              </Routes>
            </Shell>
          </OutboxProvider>
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}
