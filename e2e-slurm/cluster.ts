/**
 * A throwaway single-node Slurm cluster for the tests (ENVIRONMENT.md "Slurm"): a munge key and
 * munged on a private socket, a generated slurm.conf in a temporary folder, slurmctld and slurmd
 * started as root and stopped by their pid files. Nothing outside the folder is touched.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const SLURM_BINARIES = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scancel', 'sinfo'];

export function missingBinaries(): string[] {
  return SLURM_BINARIES.filter((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status !== 0);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface Cluster {
  dir: string;
  /** Environment for Slurm's commands (SLURM_CONF). */
  env: NodeJS.ProcessEnv;
  run(cmd: string, args: string[], options?: { cwd?: string }): string;
  stop(): void;
}

async function waitFor(what: string, test: () => boolean, timeoutMs: number, logs: string[]): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (test()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  const tails = logs.filter((l) => fs.existsSync(l)).map((l) => `--- ${l}\n${fs.readFileSync(l, 'utf8').split('\n').slice(-15).join('\n')}`);
  throw new Error(`The test cluster did not come up: ${what} within ${timeoutMs / 1000} s.\n${tails.join('\n')}`);
}

export async function startCluster(): Promise<Cluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alignscope-slurm-'));
  const p = (name: string) => path.join(dir, name);
  for (const sub of ['state', 'spool']) fs.mkdirSync(p(sub));
  const host = os.hostname().split('.')[0];
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];

  fs.writeFileSync(p('munge.key'), crypto.randomBytes(1024), { mode: 0o400 });
  execFileSync('munged', [
    '--force', `--key-file=${p('munge.key')}`, `--socket=${p('munge.sock')}`, `--pid-file=${p('munged.pid')}`,
    `--log-file=${p('munged.log')}`, `--seed-file=${p('munge.seed')}`,
  ]);

  const memoryMb = Math.floor(os.totalmem() / 2 ** 20 * 0.9);
  fs.writeFileSync(
    p('slurm.conf'),
    [
      'ClusterName=alignscope-test',
      `SlurmctldHost=${host}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${p('munge.sock')}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      `StateSaveLocation=${p('state')}`,
      `SlurmdSpoolDir=${p('spool')}`,
      `SlurmctldPidFile=${p('slurmctld.pid')}`,
      `SlurmdPidFile=${p('slurmd.pid')}`,
      `SlurmctldLogFile=${p('slurmctld.log')}`,
      `SlurmdLogFile=${p('slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'SchedulerType=sched/backfill',
      'MpiDefault=none',
      'ReturnToService=2',
      'JobCompType=jobcomp/none',
      'AccountingStorageType=accounting_storage/none',
      'JobAcctGatherType=jobacct_gather/none',
      // Short so a test can resubmit a cancelled task at once.
      'MinJobAge=10',
      'KillWait=5',
      `NodeName=${host} NodeAddr=127.0.0.1 CPUs=${os.cpus().length} RealMemory=${memoryMb} State=UNKNOWN`,
      `PartitionName=test Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: p('slurm.conf') };
  const logs = [p('slurmctld.log'), p('slurmd.log'), p('munged.log')];
  const cluster: Cluster = {
    dir,
    env,
    run(cmd, args, options = {}) {
      const r = spawnSync(cmd, args, { env, cwd: options.cwd, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
      return r.stdout;
    },
    stop() {
      // The daemons first (slurmctld saves its state and may take a while), munged last; whatever
      // has not exited after 15 s is killed. Then the folder goes.
      const pidOf = (name: string) => (fs.existsSync(p(name)) ? Number(fs.readFileSync(p(name), 'utf8').trim()) || 0 : 0);
      // A daemon's parent is init: until init reaps it, an exited daemon shows as a zombie ("Z").
      const alive = (pid: number) => {
        try {
          return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
        } catch {
          return false;
        }
      };
      for (const group of [['slurmd.pid', 'slurmctld.pid'], ['munged.pid']]) {
        const pids = group.map(pidOf).filter((pid) => pid > 0 && alive(pid));
        for (const pid of pids) process.kill(pid, 'SIGTERM');
        const end = Date.now() + 15_000;
        while (pids.some(alive) && Date.now() < end) spawnSync('sleep', ['0.2']);
        for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    execFileSync('slurmctld', ['-f', p('slurm.conf')], { env });
    execFileSync('slurmd', ['-f', p('slurm.conf')], { env });
    await waitFor(
      'sinfo shows the node idle',
      () => /idle/.test(spawnSync('sinfo', ['-h', '-o', '%T'], { env, encoding: 'utf8' }).stdout ?? ''),
      60_000,
      logs,
    );
  } catch (e) {
    cluster.stop();
    throw e;
  }
  return cluster;
}
