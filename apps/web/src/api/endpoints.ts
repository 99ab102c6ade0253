import { request } from './client.ts';
import type {
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
} from './types.ts';

const anonymous = { anonymous: true } as const;

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
};
