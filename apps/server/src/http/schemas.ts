import { type TSchema, Type } from 'typebox';

/** Shared pieces of route schemas; lengths here are generous outer bounds, the services check the rest. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable error code from the catalogue' }),
      message: Type.String({ description: 'Human message in the language asked for by Accept-Language' }),
      fields: Type.Optional(Type.Array(Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() }))),
      detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: 'Error' },
);

export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9A-Za-z_-]+$' });
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
export const Text = (maxLength: number) => Type.String({ maxLength });
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
export const Role = Type.Union([Type.Literal('owner'), Type.Literal('manager'), Type.Literal('cashier')]);

/**
 * A 200 that is a file or a page. Declared per response rather than with the route's `produces`, which
 * would also document the errors as PNG or PDF when they are the JSON error.
 */
export const FileResponse = (description: string, types: readonly string[]) => ({
  description,
  content: Object.fromEntries(types.map((type) => [type, { schema: Type.String({ description }) }])),
});

export const errorResponses = {
  400: Type.Ref('Error'),
  401: Type.Ref('Error'),
  403: Type.Ref('Error'),
  404: Type.Ref('Error'),
  409: Type.Ref('Error'),
  429: Type.Ref('Error'),
} as const;

export const SessionBody = Type.Object({
  user: Type.Object({
    id: Type.String(),
    name: Type.String(),
    phone: Type.String(),
    email: Type.Union([Type.String(), Type.Null()]),
    role: Role,
    storeId: Type.Union([Type.String(), Type.Null()]),
  }),
  merchant: Type.Object({ id: Type.String(), name: Type.String() }),
  station: Type.Union([Type.Object({ id: Type.String(), name: Type.String(), storeId: Type.String() }), Type.Null()]),
  csrfToken: Type.String({ description: 'Send back as X-CSRF-Token on every change made with this session' }),
});
