import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

// PostgreSQL: same models as prisma/schema.prisma (generated from it), Rust-free client, pg adapter.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "schema.prisma",
  async adapter() {
    return new PrismaPg({
      connectionString: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
    });
  },
});
