import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { actorOf } from '../http/auth.plugin.ts';
import { stationDto, storeDto } from '../http/dto.ts';
import { errorResponses, Id, IdParams, Text } from '../http/schemas.ts';
import { StoreService } from '../services/store.service.ts';

const StoreBody = Type.Object({ id: Type.String(), name: Type.String(), address: Type.String(), createdAt: Type.Integer() });
const StationBody = Type.Object({ id: Type.String(), storeId: Type.String(), name: Type.String(), createdAt: Type.Integer() });
const StoreInput = Type.Object({ name: Text(1000), address: Text(1000) }, { additionalProperties: false });

export function storeRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const stores = new StoreService(ctx);

  r.get(
    '/api/stores',
    {
      schema: {
        tags: ['stores'],
        summary: 'Stores (门店): all for an owner, their own for staff',
        response: { 200: Type.Object({ items: Type.Array(StoreBody) }), ...errorResponses },
      },
    },
    async (request) => ({ items: (await stores.listStores(actorOf(request))).map(storeDto) }),
  );

  r.post(
    '/api/stores',
    {
      config: { idempotent: true },
      schema: { tags: ['stores'], summary: 'Add a store (owner)', body: StoreInput, response: { 201: StoreBody, ...errorResponses } },
    },
    async (request, reply) => reply.status(201).send(storeDto(await stores.createStore(actorOf(request), request.body))),
  );

  r.patch(
    '/api/stores/:id',
    {
      schema: {
        tags: ['stores'],
        summary: 'Rename or move a store (owner)',
        params: IdParams,
        body: StoreInput,
        response: { 200: StoreBody, ...errorResponses },
      },
    },
    async (request) => storeDto(await stores.updateStore(actorOf(request), request.params.id, request.body)),
  );

  r.get(
    '/api/stations',
    {
      schema: {
        tags: ['stations'],
        summary: 'Cashier stations (收银台)',
        querystring: Type.Object({ storeId: Type.Optional(Id) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(StationBody) }), ...errorResponses },
      },
    },
    async (request) => ({ items: (await stores.listStations(actorOf(request), request.query.storeId)).map(stationDto) }),
  );

  r.post(
    '/api/stations',
    {
      config: { idempotent: true },
      schema: {
        tags: ['stations'],
        summary: 'Add a station to a store (owner, or that store’s manager)',
        body: Type.Object({ storeId: Id, name: Text(1000) }, { additionalProperties: false }),
        response: { 201: StationBody, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(stationDto(await stores.createStation(actorOf(request), request.body))),
  );

  r.patch(
    '/api/stations/:id',
    {
      schema: {
        tags: ['stations'],
        summary: 'Rename a station',
        params: IdParams,
        body: Type.Object({ name: Text(1000) }, { additionalProperties: false }),
        response: { 200: StationBody, ...errorResponses },
      },
    },
    async (request) => stationDto(await stores.renameStation(actorOf(request), request.params.id, request.body)),
  );
}
