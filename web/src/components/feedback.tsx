import { Alert, Button, Empty, Flex, Spin } from 'antd';
import type { ReactNode } from 'react';
import { ApiError } from '../api.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';

/** What to tell the user about a failed request, in the interface language. */
export function useProblemText(): (error: unknown) => { message: string; fields: string[] } {
  const { t } = useI18n();
  return (error) => {
    if (!(error instanceof ApiError)) return { message: t('error.generic'), fields: [] };
    if (error.network) return { message: t('error.network'), fields: [] };
    const fallback: Partial<Record<string, MessageKey>> = {
      unauthenticated: 'error.unauthenticated',
      forbidden: 'error.forbidden',
      not_found: 'error.notFound',
    };
    const key = fallback[error.code];
    const fields = error.fields.map((f) => (f.field ? `${f.field}: ${f.message}` : f.message));
    // The title is translated by the server (Accept-Language); the detail is technical and only helps when
    // there are no field-level messages.
    const message = key && error.fields.length === 0 ? t(key) : error.title;
    if (fields.length === 0 && error.detail && error.status < 500) fields.push(error.detail);
    return { message, fields };
  };
}

export function ProblemAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const text = useProblemText()(error);
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={text.message}
      description={
        text.fields.length > 0 ? (
          <ul className="problem-fields">
            {text.fields.map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
        ) : undefined
      }
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {t('app.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <Flex justify="center" align="center" style={{ padding: 48 }} role="status" aria-live="polite">
      <Spin description={t('app.loading')} />
    </Flex>
  );
}

export function EmptyState({ text, children }: { text: string; children?: ReactNode }) {
  return (
    <Empty description={text} style={{ padding: 24 }}>
      {children}
    </Empty>
  );
}

/** Loading, error (with a retry) or the content: the three states every screen has. */
export function Loadable<T>({
  resource,
  children,
}: {
  resource: { data: T | undefined; error: unknown; loading: boolean; reload: () => void };
  children: (data: T) => ReactNode;
}) {
  if (resource.error) return <ProblemAlert error={resource.error} onRetry={resource.reload} />;
  if (resource.data === undefined) return <Loading />;
  return <>{children(resource.data)}</>;
}
