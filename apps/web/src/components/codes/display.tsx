import { can, formatFen } from '@paydesk/domain';
import { Tag } from 'antd';
import type { TFunction } from 'i18next';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints.ts';
import type { Binding, Code, CodeStatus, Session, Station, Store } from '../../api/types.ts';
import { useLoad } from '../useLoad.ts';

/** How codes, places and bindings read on screen; shared by the codes and bindings pages. */

const statusColour: Record<CodeStatus, string> = { active: 'success', disabled: 'default', expired: 'warning' };

export function CodeStatusTag({ status }: { status: CodeStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={statusColour[status]} data-testid="code-status">
      {t(`codeStatus.${status}`)}
    </Tag>
  );
}

export function VerifiedTag({ verified }: { verified: boolean }) {
  const { t } = useTranslation();
  return (
    <Tag color={verified ? 'success' : 'orange'} data-testid="binding-verified">
      {verified ? t('codes.verified') : t('codes.unverified')}
    </Tag>
  );
}

export function providerLabel(t: TFunction, code: Pick<Code, 'provider'>): string {
  return t(`provider.${code.provider}`, { defaultValue: code.provider });
}

export function providerKindLabel(t: TFunction, code: Pick<Code, 'providerKind'>): string | null {
  return code.providerKind ? t(`providerKind.${code.providerKind}`, { defaultValue: code.providerKind }) : null;
}

/** A fixed amount as ¥, or "entered by the customer" for codes without one. */
export function amountLabel(t: TFunction, code: Pick<Code, 'amountFen'>): string {
  return code.amountFen === null ? t('codes.anyAmount') : formatFen(code.amountFen);
}

export interface Places {
  stores: Store[];
  stations: Station[];
}

export function storeName(places: Places, storeId: string): string {
  return places.stores.find((s) => s.id === storeId)?.name ?? storeId;
}

export function stationName(t: TFunction, places: Places, stationId: string | null): string {
  if (!stationId) return t('codes.wholeStore');
  return places.stations.find((s) => s.id === stationId)?.name ?? stationId;
}

/** "南山科技园店 · 1 号收银台" or "南山科技园店 · 整个门店". */
export function placeLabel(t: TFunction, places: Places, storeId: string, stationId: string | null): string {
  return `${storeName(places, storeId)} · ${stationName(t, places, stationId)}`;
}

export function bindingLabel(t: TFunction, b: Pick<Binding, 'method' | 'merchantNo'>): string {
  const method = t(`method.${b.method}`, { defaultValue: b.method });
  return b.merchantNo ? `${method} · ${b.merchantNo}` : method;
}

/**
 * Names of the people behind "who did it". Owners and managers may list staff; a cashier may not,
 * so for them only their own name is known and other actors stay unnamed.
 */
export function useStaffNames(session: Session): (userId: string | null) => string | null {
  const allowed = can(session.user.role, 'staff.read');
  const staff = useLoad(async () => (allowed ? (await api.staff()).items : []), `${session.user.id}:${allowed}`);
  return useMemo(() => {
    const names = new Map((staff.data ?? []).map((s) => [s.id, s.name]));
    names.set(session.user.id, session.user.name);
    return (userId: string | null) => (userId ? (names.get(userId) ?? (allowed ? userId : null)) : null);
  }, [staff.data, session.user.id, session.user.name, allowed]);
}
