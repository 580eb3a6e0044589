import { Tabs, Typography, type TabsProps } from 'antd';
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router';

/**
 * The frame of a screen: its title (the page's one h2), an optional line of explanation, an optional toolbar and
 * the content. Screens written before it repeat this by hand; new screens use it.
 */
export function Page({
  title,
  intro,
  toolbar,
  children,
}: {
  title: ReactNode;
  intro?: ReactNode;
  toolbar?: ReactNode;
  children: ReactNode;
}) {
  return (
    <>
      <Typography.Title level={2} className="page-title">
        {title}
      </Typography.Title>
      {intro !== undefined && <Typography.Paragraph type="secondary">{intro}</Typography.Paragraph>}
      {toolbar !== undefined && <div className="toolbar">{toolbar}</div>}
      {children}
    </>
  );
}

/**
 * Tabs whose choice lives in the address (`?tab=…`), so a tab can be linked to, survives a reload and the back
 * button returns to it; the first tab is the default and has no parameter.
 */
export function PageTabs({ items }: { items: NonNullable<TabsProps['items']> }) {
  const [params, setParams] = useSearchParams();
  const first = items[0]?.key ?? '';
  const asked = params.get('tab');
  const active = items.some((i) => i.key === asked) ? (asked ?? first) : first;
  return (
    <Tabs
      activeKey={active}
      onChange={(key) => {
        const next = new URLSearchParams(params);
        if (key === first) next.delete('tab');
        else next.set('tab', key);
        setParams(next, { replace: true });
      }}
      items={items}
      destroyOnHidden
    />
  );
}
