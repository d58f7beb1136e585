import { defineConfig } from 'prisma/config';

// `env()` from prisma/config throws when the variable is unset, which would break `prisma generate`
// on a fresh machine; generate does not need a database.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
