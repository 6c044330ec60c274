// Prisma CLI configuration: the JavaScript/WebAssembly schema engine with the pg driver
// adapter, because Prisma's Rust engines cannot be downloaded here (see README).
import { defineConfig } from 'prisma/config';
import { createCliAdapter } from './runtime/prisma-cli-adapter';

// The schema reads DATABASE_URL; without it Prisma treats the schema as invalid and falls back
// to downloading Rust engines. `generate` and `validate` never connect, so a placeholder lets
// them run offline; commands that connect go through adapter() below, which requires the real one.
const connectionUrl = process.env.DATABASE_URL;
process.env.DATABASE_URL ??= 'postgresql://placeholder@localhost:5432/placeholder';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  async adapter() {
    const url = connectionUrl;
    if (!url) throw new Error('DATABASE_URL is not set: the Prisma CLI needs it (npm start sets it for embedded Postgres).');
    return createCliAdapter(url);
  },
});
