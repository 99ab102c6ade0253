import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Session } from '@paydesk/db';
import { DomainError } from '@paydesk/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { actorOf, clearSessionCookie, sessionOf, setSessionCookie } from '../http/auth.plugin.ts';
import { errorResponses, Id, SessionBody, Text } from '../http/schemas.ts';
import { AuthService, type ClientMeta } from '../services/auth.service.ts';
import { RegistrationService } from '../services/registration.service.ts';
import type { IssuedSession } from '../services/session.service.ts';
import { StationSessionService } from '../services/station-session.service.ts';

const tags = ['auth'];
const pub = { public: true };

const meta = (request: FastifyRequest): ClientMeta => ({ ip: request.ip, userAgent: request.headers['user-agent'] });

const RegisterBody = Type.Object(
  {
    enterpriseName: Text(200),
    uscc: Text(64),
    contactName: Text(100),
    phone: Text(32),
    email: Text(320),
    bankAccountName: Text(200),
    bankName: Text(200),
    bankAccountNo: Text(64),
    password: Text(256),
    verifyBy: Type.Union([Type.Literal('sms'), Type.Literal('email')]),
  },
  { additionalProperties: false },
);
const Code = Type.String({ maxLength: 16 });
const Login = Type.String({ minLength: 1, maxLength: 320, description: 'Mainland mobile number or e-mail' });
const Sent = Type.Object({ sentTo: Type.String({ description: 'Masked phone or e-mail the code went to' }) });

async function sessionView(ctx: AppContext, session: Session) {
  const [user, merchant, station] = await Promise.all([
    ctx.repos.users.findById(session.merchant_id, session.user_id),
    ctx.repos.merchants.findById(session.merchant_id),
    session.station_id ? ctx.repos.stations.findById(session.merchant_id, session.station_id) : undefined,
  ]);
  if (!user || !merchant) throw new DomainError('UNAUTHENTICATED');
  return {
    user: { id: user.id, name: user.name, phone: user.phone, email: user.email, role: user.role, storeId: user.store_id },
    merchant: { id: merchant.id, name: merchant.name },
    station: station ? { id: station.id, name: station.name, storeId: station.store_id } : null,
    csrfToken: session.csrf_token,
  };
}

export function authRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const auth = new AuthService(ctx);
  const registration = new RegistrationService(ctx);
  const stationSessions = new StationSessionService(ctx);

  const signedIn = async (reply: FastifyReply, issued: IssuedSession) => {
    setSessionCookie(ctx, reply, issued);
    return sessionView(ctx, issued.session);
  };

  r.post(
    '/api/auth/register',
    {
      config: pub,
      schema: {
        tags,
        summary: 'Register a merchant (商户注册); a one-time code goes to the phone or e-mail',
        body: RegisterBody,
        response: {
          202: Type.Object({ registrationId: Type.String(), verifyBy: Type.String(), sentTo: Type.String() }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => reply.status(202).send(await registration.start(request.body, meta(request))),
  );

  r.post(
    '/api/auth/register/verify',
    {
      config: pub,
      schema: {
        tags,
        summary: 'Verify the registration code: activates the merchant and signs the owner in',
        body: Type.Object({ registrationId: Id, code: Code }, { additionalProperties: false }),
        response: { 200: SessionBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body;
      return signedIn(reply, await registration.verify(body.registrationId, body.code, meta(request)));
    },
  );

  r.post(
    '/api/auth/register/resend',
    {
      config: pub,
      schema: {
        tags,
        summary: 'Send the registration code again (no sooner than 60 s after the last)',
        body: Type.Object({ registrationId: Id }, { additionalProperties: false }),
        response: { 202: Sent, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(202).send(await registration.resend(request.body.registrationId, meta(request))),
  );

  r.post(
    '/api/auth/login',
    {
      config: pub,
      schema: {
        tags,
        summary: 'Sign in with phone or e-mail and password',
        body: Type.Object({ login: Login, password: Type.String({ maxLength: 256 }) }, { additionalProperties: false }),
        response: { 200: SessionBody, 423: Type.Ref('Error'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body;
      return signedIn(reply, await auth.signInWithPassword(body.login, body.password, meta(request)));
    },
  );

  r.post(
    '/api/auth/otp/send',
    {
      config: pub,
      schema: {
        tags,
        summary: 'Send a sign-in or password-reset code; the answer is the same whether or not the account exists',
        body: Type.Object(
          { login: Login, purpose: Type.Union([Type.Literal('login'), Type.Literal('reset')]) },
          { additionalProperties: false },
        ),
        response: { 202: Sent, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body;
      return reply.status(202).send(await auth.sendCode(body.login, body.purpose, meta(request)));
    },
  );

  r.post(
    '/api/auth/otp/login',
    {
      config: pub,
      schema: {
        tags,
        summary: 'Sign in with a one-time code',
        body: Type.Object({ login: Login, code: Code }, { additionalProperties: false }),
        response: { 200: SessionBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body;
      return signedIn(reply, await auth.signInWithCode(body.login, body.code, meta(request)));
    },
  );

  r.post(
    '/api/auth/password/reset',
    {
      config: pub,
      schema: {
        tags,
        summary: 'Set a new password with a reset code; ends every session of the account',
        body: Type.Object({ login: Login, code: Code, newPassword: Type.String({ maxLength: 256 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ ok: Type.Boolean() }), ...errorResponses },
      },
    },
    async (request) => {
      const body = request.body;
      await auth.resetPassword(body.login, body.code, body.newPassword, meta(request));
      return { ok: true };
    },
  );

  r.get(
    '/api/auth/session',
    {
      schema: { tags, summary: 'The signed-in user, merchant, station and CSRF token', response: { 200: SessionBody, ...errorResponses } },
    },
    async (request) => sessionView(ctx, sessionOf(request)),
  );

  r.post(
    '/api/auth/logout',
    { schema: { tags, summary: 'Sign out', response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await auth.signOut(sessionOf(request));
      clearSessionCookie(ctx, reply);
      return reply.status(204).send(null);
    },
  );

  r.post(
    '/api/auth/station',
    {
      schema: {
        tags,
        summary: 'Open a cashier station (收银台) on this device',
        body: Type.Object({ stationId: Id }, { additionalProperties: false }),
        response: { 200: SessionBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const issued = await stationSessions.openStation(actorOf(request), sessionOf(request), request.body.stationId, meta(request));
      return signedIn(reply, issued);
    },
  );

  r.get(
    '/api/auth/station/users',
    {
      schema: {
        tags,
        summary: 'Staff who may take over the station this session is at',
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), role: Type.String(), hasPin: Type.Boolean() })),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const users = await stationSessions.usersAtStation(actorOf(request));
      return { items: users.map((u) => ({ id: u.id, name: u.name, role: u.role, hasPin: u.pin_hash !== null })) };
    },
  );

  r.post(
    '/api/auth/switch-user',
    {
      schema: {
        tags,
        summary: 'Switch the person at this station with their PIN',
        body: Type.Object({ userId: Id, pin: Type.String({ maxLength: 16 }) }, { additionalProperties: false }),
        response: { 200: SessionBody, 423: Type.Ref('Error'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body;
      return signedIn(reply, await stationSessions.switchUser(actorOf(request), sessionOf(request), body.userId, body.pin, meta(request)));
    },
  );

  r.put(
    '/api/me/pin',
    {
      schema: {
        tags,
        summary: 'Set your own station PIN (needs your password)',
        body: Type.Object(
          { pin: Type.String({ maxLength: 16 }), password: Type.String({ maxLength: 256 }) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body;
      await stationSessions.setOwnPin(actorOf(request), body.pin, body.password);
      return reply.status(204).send(null);
    },
  );
}
