import { Form, type FormInstance, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Station, Store } from '../../api/types.ts';

export interface PlacementValues {
  storeId?: string;
  stationId?: string;
}

/** Store (required) and station (optional, of that store) for a new code. */
export function PlacementFields<T extends PlacementValues>(props: {
  form: FormInstance<T>;
  stores: Store[];
  stations: Station[];
  /** A manager's own store: fixed. */
  fixedStoreId: string | null;
  labels: { store: string; station: string; stationPlaceholder: string };
  testIdPrefix: string;
}) {
  const { t } = useTranslation();
  const storeId = Form.useWatch('storeId', props.form) as string | undefined;
  const stations = props.stations.filter((s) => s.storeId === storeId);
  return (
    <>
      <Form.Item name="storeId" label={props.labels.store} rules={[{ required: true, message: t('validation.required') }]}>
        <Select
          options={props.stores.map((s) => ({ value: s.id, label: s.name }))}
          disabled={props.fixedStoreId !== null}
          onChange={() => props.form.setFieldValue('stationId' as never, undefined as never)}
          data-testid={`${props.testIdPrefix}-store`}
        />
      </Form.Item>
      <Form.Item name="stationId" label={props.labels.station}>
        <Select
          allowClear
          placeholder={props.labels.stationPlaceholder}
          disabled={!storeId}
          options={stations.map((s) => ({ value: s.id, label: s.name }))}
          data-testid={`${props.testIdPrefix}-station`}
        />
      </Form.Item>
    </>
  );
}

/** The default store: the manager's own, or the only one there is. */
export function defaultStoreId(stores: Store[], fixedStoreId: string | null): string | undefined {
  return fixedStoreId ?? (stores.length === 1 ? stores[0]?.id : undefined);
}
