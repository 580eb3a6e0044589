import { Page, PageTabs } from '../components/Page.tsx';
import { Connectors } from '../federation/Connectors.tsx';
import { NationalSync } from '../federation/NationalSync.tsx';
import { Nodes } from '../federation/Nodes.tsx';
import { Providers } from '../federation/Providers.tsx';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';

/**
 * Data exchange: the national portal sync, pull connectors, and for the province the solution providers and the
 * remote EPCIS nodes. A business sees its own sync records and connectors.
 */
export function FederationPage() {
  const { t } = useI18n();
  const { province } = useSession();
  return (
    <Page title={t('federation.title')} intro={t('federation.intro')}>
      <PageTabs
        items={[
          { key: 'national', label: t('federation.tab.national'), children: <NationalSync /> },
          { key: 'connectors', label: t('federation.tab.connectors'), children: <Connectors /> },
          ...(province
            ? [
                { key: 'providers', label: t('federation.tab.providers'), children: <Providers /> },
                { key: 'nodes', label: t('federation.tab.nodes'), children: <Nodes /> },
              ]
            : []),
        ]}
      />
    </Page>
  );
}
