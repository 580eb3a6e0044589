import {
  ApartmentOutlined,
  AlertOutlined,
  CarOutlined,
  CloudUploadOutlined,
  EditOutlined,
  EnvironmentOutlined,
  HomeOutlined,
  LogoutOutlined,
  MenuOutlined,
  BellOutlined,
  BookOutlined,
  QrcodeOutlined,
  SearchOutlined,
  SettingOutlined,
  ShoppingOutlined,
  SafetyCertificateOutlined,
  BarChartOutlined,
  ClusterOutlined,
  AuditOutlined,
  FileExcelOutlined,
  TagsOutlined,
} from '@ant-design/icons';
import { Alert, Badge, Button, Drawer, Grid, Layout, Menu, Select, type MenuProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useOnline } from '../hooks.ts';
import { useI18n, type Language } from '../i18n/index.tsx';
import { useOutbox } from '../offline/outbox-context.tsx';
import { useSession } from '../session.tsx';

type Item = Required<MenuProps>['items'][number];

/** The menu follows the role: a business records and ships; the province supervises. */
function useMenuItems(): Item[] {
  const { t } = useI18n();
  const { province, can } = useSession();
  const { pending } = useOutbox();
  const link = (to: string, label: string, icon: ReactNode): Item => ({
    key: to,
    icon,
    label: <Link to={to}>{label}</Link>,
  });
  const items: Item[] = [link('/', t('nav.home'), <HomeOutlined />)];
  items.push(link('/insights', t('nav.insights'), <BarChartOutlined />));
  if (province) {
    items.push(link('/organisations', t('nav.organisations'), <ApartmentOutlined />));
    items.push(link('/standards', t('nav.standards'), <SafetyCertificateOutlined />));
    items.push(link('/product-groups', t('nav.productGroups'), <TagsOutlined />));
    items.push(link('/recalls', t('nav.recalls'), <AlertOutlined />));
    items.push(link('/shipments', t('nav.shipments'), <CarOutlined />));
    items.push(link('/lots', t('nav.lots'), <SearchOutlined />));
    items.push(link('/trainings', t('nav.trainings'), <BookOutlined />));
    items.push(link('/alerts', t('nav.alerts'), <BellOutlined />));
    items.push(link('/federation', t('nav.federation'), <ClusterOutlined />));
    items.push(link('/audit', t('nav.audit'), <AuditOutlined />));
    items.push(link('/settings', t('nav.settings'), <SettingOutlined />));
    return items;
  }
  items.push(link('/products', t('nav.products'), <ShoppingOutlined />));
  items.push(link('/locations', t('nav.locations'), <EnvironmentOutlined />));
  if (can('epcis:capture')) items.push(link('/record', t('nav.record'), <EditOutlined />));
  if (can('epcis:capture')) items.push(link('/import', t('nav.import'), <FileExcelOutlined />));
  items.push(link('/shipments', t('nav.shipments'), <CarOutlined />));
  if (can('epcis:capture'))
    items.push({
      key: '/outbox',
      icon: <CloudUploadOutlined />,
      label: (
        <Link to="/outbox">
          {t('nav.outbox')} <Badge count={pending} size="small" />
        </Link>
      ),
    });
  if (can('stamps:manage')) items.push(link('/stamps', t('nav.stamps'), <QrcodeOutlined />));
  items.push(link('/recalls', t('nav.recalls'), <AlertOutlined />));
  items.push(link('/standards', t('nav.standards'), <SafetyCertificateOutlined />));
  items.push(link('/lots', t('nav.lots'), <SearchOutlined />));
  items.push(link('/alerts', t('nav.alerts'), <BellOutlined />));
  items.push(link('/federation', t('nav.federation'), <ClusterOutlined />));
  items.push(link('/settings', t('nav.settings'), <SettingOutlined />));
  return items;
}

export function Shell({ children }: { children: ReactNode }) {
  const { t, language, setLanguage } = useI18n();
  const session = useSession();
  const screens = Grid.useBreakpoint();
  const wide = screens.lg === true;
  const [drawerOpen, setDrawerOpen] = useState(false);
  const location = useLocation();
  const navigate = useNavigate();
  const online = useOnline();
  const items = useMenuItems();
  const selected = '/' + (location.pathname.split('/')[1] ?? '');

  const menu = (
    <Menu
      mode="inline"
      selectedKeys={[selected]}
      items={items}
      onClick={() => setDrawerOpen(false)}
      aria-label={t('app.menu')}
    />
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <Layout.Header className="app-header">
        {!wide && (
          <Button
            type="text"
            icon={<MenuOutlined style={{ color: '#fff' }} />}
            aria-label={t('app.menu')}
            onClick={() => setDrawerOpen(true)}
          />
        )}
        <Link to="/" className="brand">
          {t('app.name')}
        </Link>
        <span className="org" title={session.organisation?.name}>
          {session.organisation?.name ?? (session.province ? t('app.province') : '')}
        </span>
        <Select<Language>
          size="small"
          value={language}
          onChange={setLanguage}
          aria-label={t('app.language')}
          style={{ width: wide ? 120 : 64 }}
          options={[
            { value: 'vi', label: wide ? t('app.language.vi') : 'VI' },
            { value: 'en', label: wide ? t('app.language.en') : 'EN' },
          ]}
          data-testid="language"
        />
        <Button
          icon={<LogoutOutlined />}
          onClick={() => {
            // The next person to sign in on this device starts at the home page, not on this screen.
            void navigate('/', { replace: true });
            void session.signOut();
          }}
          aria-label={t('app.signOut')}
          title={t('app.signOut')}
        >
          {wide ? t('app.signOut') : null}
        </Button>
      </Layout.Header>
      <Layout>
        {wide ? (
          <Layout.Sider width={230} theme="light" style={{ borderRight: '1px solid #f0f0f0' }}>
            <nav>{menu}</nav>
          </Layout.Sider>
        ) : (
          <Drawer
            placement="left"
            open={drawerOpen}
            onClose={() => setDrawerOpen(false)}
            size={260}
            title={t('app.name')}
            styles={{ body: { padding: 0 } }}
          >
            <nav>{menu}</nav>
          </Drawer>
        )}
        <Layout.Content>
          <main id="main" className="app-content" tabIndex={-1}>
            {!online && <Alert type="warning" showIcon title={t('app.offline')} style={{ marginBottom: 16 }} />}
            {children}
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
