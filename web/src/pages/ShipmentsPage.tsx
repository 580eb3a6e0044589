import { Alert, App, Button, Form, InputNumber, Modal, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { query } from '../api.ts';
import { IdentifierInput, type ScannedIdentifier } from '../components/IdentifierInput.tsx';
import { lotPath } from '../components/lot-link.ts';
import { EmptyState, ProblemAlert } from '../components/feedback.tsx';
import { buildEvent, GENERIC_PROFILE, guidedForm, localTimeWithOffset, offsetOf } from '../events/form-model.ts';
import { useResource } from '../hooks.ts';
import { useI18n } from '../i18n/index.tsx';
import { newEventId } from '../offline/outbox.ts';
import { useOutbox } from '../offline/outbox-context.tsx';
import { useSession } from '../session.tsx';
import type { Location, Organisation, PageOf, Shipment } from '../types.ts';

/** `https://id.gs1.org/01/{gtin}/10/{lot}` → its lot number, for display. */
function lotNumber(identifier: string): string {
  const m = /\/10\/([^/?#]+)/.exec(identifier);
  return m ? decodeURIComponent(m[1]!) : identifier;
}

function ConfirmReceipt({
  shipment,
  onClose,
  onDone,
}: {
  shipment: Shipment;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { me, organisation } = useSession();
  const { enqueue } = useOutbox();
  const [form] = Form.useForm<{ quantity: number; locationId: string }>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const locations = useResource<PageOf<Location>>(`/api/locations${query({ limit: 200 })}`);
  const sender = useResource<Organisation>(
    shipment.from ? `/api/organisations/${encodeURIComponent(shipment.from.id)}` : null,
  );
  const own = (locations.data?.items ?? []).filter(
    (l) => l.status === 'active' && l.organisationId === me.organisationId,
  );
  const firstLocation = own[0]?.id;
  // The locations arrive after the form first renders: choose the first one once they do.
  useEffect(() => {
    if (firstLocation && !form.getFieldValue('locationId')) form.setFieldsValue({ locationId: firstLocation });
  }, [firstLocation, form]);

  const submit = async (values: { quantity: number; locationId: string }) => {
    const location = own.find((l) => l.id === values.locationId);
    if (!location) return;
    const senderGln = sender.data?.primaryGln;
    if (!senderGln) {
      setProblem(t('shipments.senderNoGln'));
      return;
    }
    const now = new Date();
    const eventId = newEventId();
    const receiving = GENERIC_PROFILE.ctes.find((c) => c.id === 'receiving')!;
    const event = buildEvent(guidedForm(GENERIC_PROFILE, receiving), {
      eventId,
      gtin: shipment.gtin ?? '',
      eventTime: localTimeWithOffset(now),
      timeZoneOffset: offsetOf(now),
      locationGln: location.gln,
      quantity: {
        lot: lotNumber(shipment.lot),
        epcClass: shipment.lot,
        quantity: values.quantity,
        uom: shipment.uom ?? 'KGM',
      },
      ownPartyGln: organisation?.primaryGln ?? location.gln,
      partnerGln: senderGln,
      ...(shipment.bizTransaction ? { bizTransaction: shipment.bizTransaction } : {}),
      kdes: {},
    });
    setBusy(true);
    try {
      const record = await enqueue({
        id: eventId,
        capturedAt: now.toISOString(),
        label: `${receiving.name.vi} — ${shipment.productName ?? ''}, ${lotNumber(shipment.lot)}`,
        organisationId: me.organisationId ?? '',
        event,
        state: 'pending',
        attempts: 0,
      });
      if (record.state === 'synced') {
        void message.success(t('shipments.confirmedOk'));
        onDone();
      } else if (record.state === 'pending') {
        void message.info(t('record.queued', { step: receiving.name.vi }));
        onDone();
      } else setProblem(t('record.rejected', { message: record.error ?? '' }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t('shipments.confirmTitle', { lot: lotNumber(shipment.lot) })}
      onCancel={onClose}
      okText={t('shipments.confirm')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
    >
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      {(locations.error ?? sender.error) && <ProblemAlert error={locations.error ?? sender.error} />}
      <Typography.Paragraph>
        {shipment.productName} · {shipment.from?.name} · {shipment.quantity} {shipment.uom}
      </Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        name="receipt"
        initialValues={{ quantity: shipment.quantity ?? undefined, locationId: own[0]?.id }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item
          name="quantity"
          label={`${t('shipments.receivedQuantity')} (${shipment.uom ?? ''})`}
          rules={[{ required: true, message: t('record.requiredField', { field: t('shipments.receivedQuantity') }) }]}
        >
          <InputNumber min={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item
          name="locationId"
          label={t('shipments.receivedAt')}
          rules={[{ required: true, message: t('record.requiredField', { field: t('shipments.receivedAt') }) }]}
        >
          <Select
            loading={locations.loading}
            options={own.map((l) => ({ value: l.id, label: `${l.name} (${l.gln})` }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The lot's GTIN and lot number from a shipment's lot identifier (`https://id.gs1.org/01/{gtin}/10/{lot}`). */
function lotKey(identifier: string): { gtin: string; lot: string } | undefined {
  const m = /\/01\/(\d{14})\/10\/([^/?#]+)/.exec(identifier);
  return m ? { gtin: m[1]!, lot: decodeURIComponent(m[2]!) } : undefined;
}

/** Scanning the lot code on goods that arrived opens the receipt of the shipment of that lot waiting for it. */
function ReceiveByScanning({ waiting, onFound }: { waiting: Shipment[]; onFound: (shipment: Shipment) => void }) {
  const { t } = useI18n();
  const [scanned, setScanned] = useState<ScannedIdentifier>();
  const [note, setNote] = useState<string>();
  const look = (code: ScannedIdentifier | undefined) => {
    setScanned(code);
    setNote(undefined);
    if (!code?.gtin || !code.lot) return;
    const shipment = waiting.find((s) => {
      const key = lotKey(s.lot);
      return key !== undefined && key.gtin === code.gtin && key.lot === code.lot;
    });
    if (shipment) onFound(shipment);
    else setNote(t('scanner.noShipment', { lot: code.lot }));
  };
  return (
    <Form layout="vertical" style={{ maxWidth: 560 }}>
      <Form.Item label={t('scanner.receive')} htmlFor="receive-scan" extra={t('scanner.receiveHelp')}>
        <IdentifierInput id="receive-scan" want="lot" value={scanned} onChange={look} />
        {note && <Alert type="warning" showIcon title={note} role="status" style={{ marginTop: 8 }} />}
      </Form.Item>
    </Form>
  );
}

export function ShipmentsPage() {
  const { t } = useI18n();
  const { me, province, can } = useSession();
  const shipments = useResource<Shipment[]>(`/api/trace/shipments${query({ limit: 500 })}`);
  const [confirming, setConfirming] = useState<Shipment>();
  const all = shipments.data ?? [];
  const incoming = province ? all : all.filter((s) => s.to.id === me.organisationId);
  const outgoing = province ? [] : all.filter((s) => s.from?.id === me.organisationId);

  const table = (rows: Shipment[], direction: 'in' | 'out') => (
    <Table<Shipment>
      rowKey="eventID"
      loading={shipments.loading}
      dataSource={rows}
      scroll={{ x: true }}
      pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
      locale={{ emptyText: <EmptyState text={t('shipments.empty')} /> }}
      columns={[
        {
          title: t('shipments.shippedAt'),
          dataIndex: 'shippedAt',
          render: (d: string) => dayjs(d).format('DD/MM/YYYY HH:mm'),
        },
        {
          title: t('shipments.product'),
          key: 'product',
          render: (_, s) => (
            <Space orientation="vertical" size={0}>
              <strong>{s.productName ?? s.gtin}</strong>
              {lotPath(s.lot) ? (
                <Link to={lotPath(s.lot)!}>{lotNumber(s.lot)}</Link>
              ) : (
                <Typography.Text type="secondary">{lotNumber(s.lot)}</Typography.Text>
              )}
            </Space>
          ),
        },
        { title: t('shipments.quantity'), key: 'q', render: (_, s) => `${s.quantity ?? ''} ${s.uom ?? ''}` },
        direction === 'in' || province
          ? { title: t('shipments.from'), key: 'from', render: (_, s) => s.from?.name ?? '—' }
          : { title: t('shipments.to'), key: 'to', render: (_, s) => s.to.name },
        {
          title: t('shipments.status'),
          key: 'status',
          render: (_, s) => (
            <Space wrap>
              <Tag color={s.status === 'confirmed' ? 'green' : 'gold'}>
                {s.status === 'confirmed' ? t('shipments.confirmed') : t('shipments.unconfirmed')}
              </Tag>
              {s.findings.map((f) => (
                <Tag key={f.code} color="red" title={f.message}>
                  {f.message}
                </Tag>
              ))}
            </Space>
          ),
        },
        {
          title: t('common.actions'),
          key: 'actions',
          render: (_, s) =>
            direction === 'in' && !province && s.status === 'unconfirmed' && can('epcis:capture') ? (
              <Button type="primary" size="small" onClick={() => setConfirming(s)}>
                {t('shipments.confirm')}
              </Button>
            ) : null,
        },
      ]}
    />
  );

  return (
    <>
      <Typography.Title level={2} className="page-title">
        {t('shipments.title')}
      </Typography.Title>
      {shipments.error && <ProblemAlert error={shipments.error} onRetry={shipments.reload} />}
      {!province && can('epcis:capture') && (
        <ReceiveByScanning
          waiting={incoming.filter((s) => s.status === 'unconfirmed')}
          onFound={(s) => setConfirming(s)}
        />
      )}
      {province ? (
        table(incoming, 'in')
      ) : (
        <Tabs
          items={[
            { key: 'in', label: `${t('shipments.incoming')} (${incoming.length})`, children: table(incoming, 'in') },
            { key: 'out', label: `${t('shipments.outgoing')} (${outgoing.length})`, children: table(outgoing, 'out') },
          ]}
        />
      )}
      {confirming && (
        <ConfirmReceipt
          shipment={confirming}
          onClose={() => setConfirming(undefined)}
          onDone={() => {
            setConfirming(undefined);
            shipments.reload();
          }}
        />
      )}
    </>
  );
}
