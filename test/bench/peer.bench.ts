/**
 * `npm run bench:peer [-- --sizes 100000,300000,1000000 --keep-data DIR]`: `cli analyze` against the
 * NumPy/SciPy peer (../shared/bench/reference_pipeline.py) on the same synthetic shop
 * (../shared/bench/synth_orders.py N), as-of 2025-10-01, horizon 90 days, one after the other in the same
 * run: wall time and peak RSS of each process (GNU time), the ratios, and the growth of our time from the
 * smallest to the largest size. Prints the machine's load (the figures are only comparable within a run).
 * Needs python3 with numpy and scipy (else only our side runs) and ../shared/bench (else it stops).
 * Figures, not a test: nothing here fails on a slow run.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");
const PEER_DIR = resolve(ROOT, "../shared/bench");
const args = process.argv.slice(2);
const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const sizes = (arg("--sizes") ?? "100000,300000,1000000").split(",").map(Number);
const keepData = arg("--keep-data");
const AS_OF = "2025-10-01";
const HORIZON = "90";

if (!existsSync(join(PEER_DIR, "reference_pipeline.py"))) {
  console.error(`bench:peer needs ${PEER_DIR} (reference_pipeline.py, synth_orders.py): not found`);
  process.exit(1);
}

/** A python3 that has numpy and scipy, or null. */
function findPython(): string | null {
  for (const py of [process.env.PEER_PYTHON, "python3", "/usr/bin/python3"]) {
    if (!py) continue;
    const r = spawnSync(py, ["-c", "import numpy, scipy"], { stdio: "ignore" });
    if (r.status === 0) return py;
  }
  return null;
}

interface Measure {
  seconds: number;
  rssMb: number;
  ok: boolean;
  note: string;
}

/** Runs a command under GNU time -v: wall seconds and peak RSS of the whole process tree's largest process. */
function measured(cmd: string, cmdArgs: string[]): Measure {
  const r = spawnSync("/usr/bin/time", ["-v", cmd, ...cmdArgs], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const err = r.stderr ?? "";
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/.exec(err)?.[1] ?? "";
  const parts = wall.split(":").map(Number);
  const seconds = parts.reduce((s, p) => s * 60 + p, 0);
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(err)?.[1] ?? NaN);
  const lastLine = (s: string) =>
    s
      .trim()
      .split("\n")
      .filter((l) => !/^\s|Command being timed|Exit status/.test(l))
      .pop() ?? "";
  return {
    seconds,
    rssMb: rssKb / 1024,
    ok: r.status === 0,
    note: r.status === 0 ? "" : `exit ${r.status}: ${lastLine(err)}`,
  };
}

const python = findPython();
const dataDir = keepData ?? mkdtempSync(join(tmpdir(), "churnless-bench-peer-"));
mkdirSync(dataDir, { recursive: true });
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
console.log(
  `Churnless vs the NumPy/SciPy peer: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
    `Node ${process.version}, ${python ? `peer ${python}` : "peer NOT RUN (no python3 with numpy and scipy)"}; load average at start ${load()}`,
);
const rows: string[] = [
  "| orders | customers | cli analyze s | peer s | time ratio (ours/peer) | cli analyze peak MB | peer peak MB | RSS ratio | load (1/5/15 min) |",
  "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
];
const ours = new Map<number, number>();
try {
  for (const n of sizes) {
    const file = join(dataDir, `synth-${n}.jsonl`);
    if (!existsSync(file)) {
      console.error(`generating ${n.toLocaleString("en")} orders ...`);
      const g = spawnSync(python ?? "python3", [join(PEER_DIR, "synth_orders.py"), String(n), file], {
        stdio: "inherit",
      });
      if (g.status !== 0) throw new Error(`synth_orders.py ${n} failed (exit ${g.status})`);
    }
    const outNode = join(dataDir, `out-node-${n}`);
    const outPeer = join(dataDir, `out-peer-${n}`);
    console.error(`cli analyze on ${n.toLocaleString("en")} orders (${(statSync(file).size / 1e6).toFixed(0)} MB) ...`);
    const node = measured(process.execPath, [
      "--import",
      "tsx",
      "app/cli/main.ts",
      "analyze",
      "--input",
      file,
      "--as-of",
      AS_OF,
      "--horizon-days",
      HORIZON,
      "--out",
      outNode,
    ]);
    let customers = "";
    if (node.ok) {
      const count = spawnSync("wc", ["-l", join(outNode, "customers.jsonl")], { encoding: "utf8" })
        .stdout.trim()
        .split(/\s+/)[0];
      customers = Number(count).toLocaleString("en");
      ours.set(n, node.seconds);
    }
    let peer: Measure | null = null;
    if (python) {
      console.error(`peer on ${n.toLocaleString("en")} orders ...`);
      peer = measured(python, [join(PEER_DIR, "reference_pipeline.py"), file, AS_OF, HORIZON, outPeer]);
    }
    const fmt = (m: Measure | null, f: (m: Measure) => string) => (!m ? "-" : m.ok ? f(m) : `FAILED (${m.note})`);
    const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : "-");
    rows.push(
      `| ${n.toLocaleString("en")} | ${customers} | ${fmt(node, (m) => m.seconds.toFixed(1))} | ${fmt(peer, (m) => m.seconds.toFixed(1))} | ` +
        `${node.ok && peer?.ok ? ratio(node.seconds, peer.seconds) : "-"} | ${fmt(node, (m) => m.rssMb.toFixed(0))} | ${fmt(peer, (m) => m.rssMb.toFixed(0))} | ` +
        `${node.ok && peer?.ok ? ratio(node.rssMb, peer.rssMb) : "-"} | ${load()} |`,
    );
    if (!keepData) rmSync(file, { force: true });
  }
} finally {
  if (!keepData) rmSync(dataDir, { recursive: true, force: true });
}
console.log(rows.join("\n"));
const small = Math.min(...ours.keys());
const large = Math.max(...ours.keys());
if (ours.size >= 2) {
  console.log(
    `growth: time(${large.toLocaleString("en")}) / time(${small.toLocaleString("en")}) = ${(ours.get(large)! / ours.get(small)!).toFixed(1)} ` +
      `for ${(large / small).toFixed(0)}x the orders (target <= 11 for 1M/100k)`,
  );
}
