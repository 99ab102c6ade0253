import { DownloadOutlined } from '@ant-design/icons';
import { Button, Flex, Modal, Radio, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { codeUrls } from '../../api/endpoints.ts';
import type { Code } from '../../api/types.ts';

type Size = 'A6' | 'A5';
type Format = 'pdf' | 'png';

/**
 * The counter card (台卡) as a plain same-origin download link: the session cookie goes with a GET,
 * and the server names the file.
 */
export function PrintCardModal({ code, onClose }: { code: Code | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [size, setSize] = useState<Size>('A6');
  const [format, setFormat] = useState<Format>('pdf');
  const open = code !== null;

  useEffect(() => {
    if (open) {
      setSize('A6');
      setFormat('pdf');
    }
  }, [open]);

  return (
    <Modal
      open={open}
      title={code ? t('print.title', { serial: code.serial }) : ''}
      onCancel={onClose}
      footer={
        <Flex justify="flex-end" gap={8}>
          <Button size="large" onClick={onClose}>
            {t('common.close')}
          </Button>
          {code && (
            <Button
              type="primary"
              size="large"
              icon={<DownloadOutlined />}
              href={codeUrls.card(code.id, format, size)}
              download={`paydesk-${code.serial}-${size}.${format}`}
              data-testid="print-download"
            >
              {t('print.download')}
            </Button>
          )}
        </Flex>
      }
    >
      <Typography.Paragraph type="secondary">{t('print.intro')}</Typography.Paragraph>
      <Typography.Paragraph strong style={{ marginBottom: 8 }}>
        {t('print.size')}
      </Typography.Paragraph>
      <Radio.Group value={size} onChange={(e) => setSize(e.target.value as Size)} data-testid="print-size" style={{ marginBottom: 16 }}>
        <Flex vertical gap={8}>
          <Radio value="A6" data-testid="print-size-A6">
            {t('print.a6')}
          </Radio>
          <Radio value="A5" data-testid="print-size-A5">
            {t('print.a5')}
          </Radio>
        </Flex>
      </Radio.Group>
      <Typography.Paragraph strong style={{ marginBottom: 8 }}>
        {t('print.format')}
      </Typography.Paragraph>
      <Radio.Group value={format} onChange={(e) => setFormat(e.target.value as Format)} data-testid="print-format">
        <Flex vertical gap={8}>
          <Radio value="pdf" data-testid="print-format-pdf">
            {t('print.pdf')}
          </Radio>
          <Radio value="png" data-testid="print-format-png">
            {t('print.png')}
          </Radio>
        </Flex>
      </Radio.Group>
    </Modal>
  );
}
