import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { formatFen, parseYuan } from '@paydesk/domain';
import { Button, Flex, Input, InputNumber, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderLine } from '../../api/payments.ts';

/** A small "ring up" form: name, quantity, unit price. Optional; the keypad amount alone is a sale too. */
export function LinesEditor({ lines, onChange, disabled }: { lines: OrderLine[]; onChange: (l: OrderLine[]) => void; disabled: boolean }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [quantity, setQuantity] = useState<number | null>(1);
  const [price, setPrice] = useState('');
  const [error, setError] = useState<string | null>(null);

  const add = () => {
    const unitFen = parseYuan(price);
    const qty = quantity ?? 0;
    if (!name.trim()) return setError(t('cashier.lineNameRequired'));
    if (unitFen === null || unitFen <= 0) return setError(t('cashier.linePriceInvalid'));
    if (!Number.isInteger(qty) || qty < 1 || qty > 9999) return setError(t('cashier.lineQtyInvalid'));
    setError(null);
    onChange([...lines, { name: name.trim().slice(0, 60), quantity: qty, unitFen }]);
    setName('');
    setQuantity(1);
    setPrice('');
  };

  return (
    <Flex vertical gap={8} data-testid="lines-editor">
      {lines.map((l, i) => (
        // Lines have no id of their own; their position is their identity here.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <Flex key={i} align="center" gap={8} data-testid="order-line">
          <Typography.Text style={{ flex: 1 }} ellipsis>
            {l.name}
          </Typography.Text>
          <Typography.Text type="secondary">
            {l.quantity} × {formatFen(l.unitFen)}
          </Typography.Text>
          <Typography.Text strong style={{ minWidth: 90, textAlign: 'end' }}>
            {formatFen(l.quantity * l.unitFen)}
          </Typography.Text>
          <Button
            type="text"
            danger
            icon={<DeleteOutlined />}
            aria-label={t('cashier.removeLine')}
            disabled={disabled}
            onClick={() => onChange(lines.filter((_, j) => j !== i))}
          />
        </Flex>
      ))}
      <Flex gap={8} wrap>
        <Input
          placeholder={t('cashier.lineName')}
          value={name}
          maxLength={60}
          disabled={disabled}
          onChange={(e) => setName(e.target.value)}
          onPressEnter={add}
          style={{ flex: '2 1 140px' }}
          data-testid="line-name"
        />
        <InputNumber
          min={1}
          max={9999}
          precision={0}
          value={quantity}
          disabled={disabled}
          onChange={(v) => setQuantity(v)}
          aria-label={t('cashier.lineQty')}
          style={{ flex: '0 0 80px' }}
          data-testid="line-qty"
        />
        <Input
          placeholder={t('cashier.linePrice')}
          prefix="¥"
          value={price}
          inputMode="decimal"
          disabled={disabled}
          onChange={(e) => setPrice(e.target.value)}
          onPressEnter={add}
          style={{ flex: '1 1 100px' }}
          data-testid="line-price"
        />
        <Button icon={<PlusOutlined />} disabled={disabled} onClick={add} data-testid="line-add">
          {t('cashier.addLine')}
        </Button>
      </Flex>
      {error && (
        <Typography.Text type="danger" data-testid="line-error">
          {error}
        </Typography.Text>
      )}
    </Flex>
  );
}
