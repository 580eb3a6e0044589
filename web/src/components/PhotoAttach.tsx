import { CameraOutlined, DeleteOutlined } from '@ant-design/icons';
import { App, Button, Space, Typography } from 'antd';
import { useEffect, useMemo, useRef } from 'react';
import { useI18n } from '../i18n/index.tsx';

/** At most this many photos per event (the server's limit too). */
export const MAX_PHOTOS = 20;

/**
 * Photos for an event: the phone's camera (`capture=environment`) or its gallery, several at once. A form control
 * (`value` / `onChange` as antd's Form.Item passes them); the files are kept with the record in the outbox.
 */
export function PhotoAttach({
  value = [],
  onChange,
  id,
}: {
  value?: File[];
  onChange?: (files: File[]) => void;
  id?: string;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const input = useRef<HTMLInputElement>(null);
  const previews = useMemo(() => value.map((f) => URL.createObjectURL(f)), [value]);
  useEffect(() => () => previews.forEach((url) => URL.revokeObjectURL(url)), [previews]);

  const add = (list: FileList | null) => {
    const chosen = Array.from(list ?? []);
    const images = chosen.filter((f) => /^image\/(jpeg|png|webp)$/.test(f.type));
    for (const f of chosen.filter((x) => !images.includes(x)))
      void message.warning(t('photos.notImage', { name: f.name }));
    const next = [...value, ...images];
    if (next.length > MAX_PHOTOS) void message.warning(t('photos.tooMany', { max: MAX_PHOTOS }));
    onChange?.(next.slice(0, MAX_PHOTOS));
    if (input.current) input.current.value = '';
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <input
        ref={input}
        id={id}
        type="file"
        accept="image/*"
        capture="environment"
        multiple
        hidden
        data-testid="photo-input"
        onChange={(e) => add(e.target.files)}
      />
      <Button icon={<CameraOutlined />} onClick={() => input.current?.click()}>
        {t('photos.add')}
      </Button>
      {value.length > 0 && (
        <Space wrap>
          {value.map((file, i) => (
            <div key={`${file.name}-${i}`} className="photo-thumb" style={{ position: 'relative' }}>
              <img
                src={previews[i]}
                alt={file.name}
                width={88}
                height={88}
                style={{ objectFit: 'cover', borderRadius: 6, display: 'block' }}
              />
              <Button
                size="small"
                danger
                icon={<DeleteOutlined />}
                aria-label={t('photos.remove', { name: file.name })}
                style={{ position: 'absolute', top: 2, right: 2 }}
                onClick={() => onChange?.(value.filter((_, j) => j !== i))}
              />
            </div>
          ))}
        </Space>
      )}
      <Typography.Text type="secondary">{t('photos.help')}</Typography.Text>
    </Space>
  );
}
