import { request, uploadBinary } from './client.ts';

/** The little of a payment the binding test needs. */
export interface TestPayment {
  id: string;
  status: 'created' | 'pending' | 'succeeded' | 'failed' | 'expired' | 'cancelled';
  amountFen: number;
  /** 'simulator' until a real wallet account carries the binding's method. */
  channel: string;
  codeText: string | null;
  failureReason: string | null;
}

import type {
  Binding,
  BindingInput,
  BindingPreview,
  ChannelAccount,
  Code,
  CodeHistory,
  GenerateCodeBody,
  Items,
  Merchant,
  NewStaffBody,
  RegisterAccepted,
  RegisterBody,
  Session,
  Staff,
  StaffPatch,
  Station,
  StationUser,
  Store,
  UnionpayEmvBody,
  UploadResult,
} from './types.ts';

const anonymous = { anonymous: true } as const;
const enc = encodeURIComponent;

function query(params: Record<string, string | boolean | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** Same-origin GET addresses used directly by <img> and download links (the session cookie goes along). */
export const codeUrls = {
  qr: (id: string, size = 256) => `/api/codes/${enc(id)}/qr.png?size=${size}`,
  image: (id: string) => `/api/codes/${enc(id)}/image`,
  card: (id: string, format: 'pdf' | 'png', size: 'A6' | 'A5') => `/api/codes/${enc(id)}/card${query({ format, size })}`,
};

export const api = {
  register: (body: RegisterBody) => request<RegisterAccepted>('POST', '/api/auth/register', body, anonymous),
  registerVerify: (registrationId: string, code: string) =>
    request<Session>('POST', '/api/auth/register/verify', { registrationId, code }, anonymous),
  registerResend: (registrationId: string) =>
    request<{ sentTo: string }>('POST', '/api/auth/register/resend', { registrationId }, anonymous),

  login: (login: string, password: string) => request<Session>('POST', '/api/auth/login', { login, password }, anonymous),
  sendOtp: (login: string, purpose: 'login' | 'reset') =>
    request<{ sentTo: string }>('POST', '/api/auth/otp/send', { login, purpose }, anonymous),
  otpLogin: (login: string, code: string) => request<Session>('POST', '/api/auth/otp/login', { login, code }, anonymous),
  resetPassword: (login: string, code: string, newPassword: string) =>
    request<{ ok: true }>('POST', '/api/auth/password/reset', { login, code, newPassword }, anonymous),

  session: () => request<Session>('GET', '/api/auth/session', undefined, anonymous),
  logout: () => request<void>('POST', '/api/auth/logout', undefined, anonymous),
  openStation: (stationId: string) => request<Session>('POST', '/api/auth/station', { stationId }),
  stationUsers: () => request<Items<StationUser>>('GET', '/api/auth/station/users'),
  switchUser: (userId: string, pin: string) => request<Session>('POST', '/api/auth/switch-user', { userId, pin }),
  setMyPin: (pin: string, password: string) => request<void>('PUT', '/api/me/pin', { pin, password }),

  merchant: () => request<Merchant>('GET', '/api/merchant'),

  stores: () => request<Items<Store>>('GET', '/api/stores'),
  createStore: (body: { name: string; address: string }, idempotencyKey: string) =>
    request<Store>('POST', '/api/stores', body, { idempotencyKey }),
  updateStore: (id: string, body: { name: string; address: string }) =>
    request<Store>('PATCH', `/api/stores/${encodeURIComponent(id)}`, body),

  stations: (storeId?: string) =>
    request<Items<Station>>('GET', storeId ? `/api/stations?storeId=${encodeURIComponent(storeId)}` : '/api/stations'),
  createStation: (body: { storeId: string; name: string }, idempotencyKey: string) =>
    request<Station>('POST', '/api/stations', body, { idempotencyKey }),
  renameStation: (id: string, name: string) => request<Station>('PATCH', `/api/stations/${encodeURIComponent(id)}`, { name }),

  staff: () => request<Items<Staff>>('GET', '/api/staff'),
  createStaff: (body: NewStaffBody, idempotencyKey: string) => request<Staff>('POST', '/api/staff', body, { idempotencyKey }),
  updateStaff: (id: string, body: StaffPatch) => request<Staff>('PATCH', `/api/staff/${encodeURIComponent(id)}`, body),

  codes: (filter: { storeId?: string; stationId?: string } = {}) => request<Items<Code>>('GET', `/api/codes${query(filter)}`),
  code: (id: string) => request<Code>('GET', `/api/codes/${enc(id)}`),
  generateCode: (body: GenerateCodeBody, idempotencyKey: string) => request<Code>('POST', '/api/codes', body, { idempotencyKey }),
  uploadCode: (
    placement: { storeId: string; stationId?: string | null },
    image: Blob,
    idempotencyKey: string,
    onProgress?: (fraction: number) => void,
  ) =>
    uploadBinary<UploadResult>(`/api/codes/upload${query({ storeId: placement.storeId, stationId: placement.stationId })}`, image, {
      idempotencyKey,
      ...(onProgress && { onProgress }),
    }),
  disableCode: (id: string) => request<Code>('POST', `/api/codes/${enc(id)}/disable`),
  enableCode: (id: string) => request<Code>('POST', `/api/codes/${enc(id)}/enable`),
  codeHistory: (id: string) => request<CodeHistory>('GET', `/api/codes/${enc(id)}/history`),

  previewBinding: (body: BindingInput) => request<BindingPreview>('POST', '/api/bindings/preview', body),
  createBinding: (body: BindingInput, idempotencyKey: string) => request<Binding>('POST', '/api/bindings', body, { idempotencyKey }),
  bindings: (filter: { codeId?: string; active?: boolean } = {}) =>
    request<Items<Binding>>('GET', `/api/bindings${query({ codeId: filter.codeId, active: filter.active ? true : undefined })}`),
  retireBinding: (id: string) => request<Binding>('POST', `/api/bindings/${enc(id)}/retire`),
  testBinding: (id: string) => request<TestPayment>('POST', `/api/bindings/${enc(id)}/test-payment`, {}),
  testPaymentStatus: (id: string) => request<{ payment: TestPayment }>('GET', `/api/payments/${enc(id)}`),

  channels: () => request<Items<ChannelAccount>>('GET', '/api/channels'),
  saveUnionpayEmv: (body: UnionpayEmvBody) => request<ChannelAccount>('PUT', '/api/channels/unionpay-emv', body),
};
