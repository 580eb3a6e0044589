import { App as AntApp, ConfigProvider, Result, Button } from 'antd';
import enUS from 'antd/locale/en_US';
import viVN from 'antd/locale/vi_VN';
import { Navigate, Route, Routes, Link } from 'react-router';
import { Loading, ProblemAlert } from './components/feedback.tsx';
import { Shell } from './components/Shell.tsx';
import { useI18n } from './i18n/index.tsx';
import { OutboxProvider } from './offline/outbox-context.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { ApprovalGate, RegisterPage } from './pages/RegisterPage.tsx';
import { SessionProvider } from './session.tsx';
import { lazy, Suspense } from 'react';

// Screens other than sign-in and home are loaded when first opened (the service worker precaches every chunk,
// so they still open offline).
const LocationsPage = lazy(() => import('./pages/LocationsPage.tsx').then((m) => ({ default: m.LocationsPage })));
const OrganisationsPage = lazy(() =>
  import('./pages/OrganisationsPage.tsx').then((m) => ({ default: m.OrganisationsPage })),
);
const OutboxPage = lazy(() => import('./pages/OutboxPage.tsx').then((m) => ({ default: m.OutboxPage })));
const ProductsPage = lazy(() => import('./pages/ProductsPage.tsx').then((m) => ({ default: m.ProductsPage })));
const ProductPage = lazy(() => import('./pages/ProductPage.tsx').then((m) => ({ default: m.ProductPage })));
const LotPage = lazy(() => import('./pages/LotPage.tsx').then((m) => ({ default: m.LotPage })));
const SettingsPage = lazy(() => import('./pages/SettingsPage.tsx').then((m) => ({ default: m.SettingsPage })));
const TrainingsPage = lazy(() => import('./pages/TrainingsPage.tsx').then((m) => ({ default: m.TrainingsPage })));
const AlertsPage = lazy(() => import('./pages/AlertsPage.tsx').then((m) => ({ default: m.AlertsPage })));
const RecallsPage = lazy(() => import('./pages/RecallsPage.tsx').then((m) => ({ default: m.RecallsPage })));
const RecordEventPage = lazy(() => import('./pages/RecordEventPage.tsx').then((m) => ({ default: m.RecordEventPage })));
const ShipmentsPage = lazy(() => import('./pages/ShipmentsPage.tsx').then((m) => ({ default: m.ShipmentsPage })));
const StampsPage = lazy(() => import('./pages/StampsPage.tsx').then((m) => ({ default: m.StampsPage })));
const StandardsPage = lazy(() => import('./pages/StandardsPage.tsx').then((m) => ({ default: m.StandardsPage })));
const ProductGroupsPage = lazy(() =>
  import('./pages/ProductGroupsPage.tsx').then((m) => ({ default: m.ProductGroupsPage })),
);
const ImportPage = lazy(() => import('./pages/ImportPage.tsx').then((m) => ({ default: m.ImportPage })));
const FederationPage = lazy(() => import('./pages/FederationPage.tsx').then((m) => ({ default: m.FederationPage })));
const AuditPage = lazy(() => import('./pages/AuditPage.tsx').then((m) => ({ default: m.AuditPage })));
// The insights screen carries ECharts: loaded only when opened, never in the main bundle.
const InsightsPage = lazy(() => import('./pages/InsightsPage.tsx').then((m) => ({ default: m.InsightsPage })));

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
          signIn={(onSignedIn) => (
            <Routes>
              <Route path="/register" element={<RegisterPage />} />
              <Route path="*" element={<SignInPage onSignedIn={onSignedIn} />} />
            </Routes>
          )}
        >
          <ApprovalGate>
            <OutboxProvider>
              <Shell>
                <Suspense fallback={<Loading />}>
                  <Routes>
                    <Route path="/" element={<HomePage />} />
                    <Route path="/products" element={<ProductsPage />} />
                    <Route path="/insights" element={<InsightsPage />} />
                    <Route path="/products/:id" element={<ProductPage />} />
                    <Route path="/lots" element={<LotPage />} />
                    <Route path="/settings" element={<SettingsPage />} />
                    <Route path="/trainings" element={<TrainingsPage />} />
                    <Route path="/alerts" element={<AlertsPage />} />
                    <Route path="/locations" element={<LocationsPage />} />
                    <Route path="/record" element={<RecordEventPage />} />
                    <Route path="/shipments" element={<ShipmentsPage />} />
                    <Route path="/outbox" element={<OutboxPage />} />
                    <Route path="/recalls" element={<RecallsPage />} />
                    <Route path="/recalls/:id" element={<RecallsPage />} />
                    <Route path="/stamps" element={<StampsPage />} />
                    <Route path="/standards" element={<StandardsPage />} />
                    <Route path="/product-groups" element={<ProductGroupsPage />} />
                    <Route path="/import" element={<ImportPage />} />
                    <Route path="/organisations" element={<OrganisationsPage />} />
                    <Route path="/federation" element={<FederationPage />} />
                    <Route path="/audit" element={<AuditPage />} />
                    <Route path="/sign-in" element={<Navigate to="/" replace />} />
                    <Route path="/register" element={<Navigate to="/" replace />} />
                    <Route path="*" element={<NotFound />} />
                  </Routes>
                </Suspense>
              </Shell>
            </OutboxProvider>
          </ApprovalGate>
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}
