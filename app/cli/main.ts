/**
 * `npm run cli -- <command> [options]`: the app's pipeline from the command line.
 *   sync     --shop DOMAIN [--full]            pull orders from a real or stand-in shop
 *   import   --input FILE.jsonl --shop DOMAIN  ingest a bulk-operation JSONL file from disk
 *   analyze  --input ORDERS.jsonl --as-of YYYY-MM-DD --horizon-days N --out DIR
 * Each command lives in its own module and returns an exit code; errors print one line.
 */
import { pathToFileURL } from "node:url";

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  sync: async () => (await import("./sync")).syncCommand,
  import: async () => (await import("./sync")).importCommand,
  analyze: async () => (await import("./analyze")).analyzeCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const load = name ? commands[name] : undefined;
  if (!load) {
    console.error(`usage: npm run cli -- <${Object.keys(commands).join("|")}> [options]`);
    return 2;
  }
  try {
    return await (
      await load()
    )(rest);
  } catch (error) {
    console.error(`churnless ${name}: ${(error as Error).message}`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
