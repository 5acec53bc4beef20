/**
 * CPU used over a stretch of time: by the server under test, by this load generator, and by
 * every other program on the machine (another program's load shows up there, so a noisy run can
 * be told from a quiet one), plus the kernel's interrupt work and the hypervisor's steal.
 */
import { performance } from 'node:perf_hooks';
import { machineSeconds, treeCpuSeconds } from '../lib/proc.ts';

export interface CpuUse {
  wallSeconds: number;
  /** CPU seconds the server used: its process and those it started (lab 07's workers). */
  serverSeconds: number;
  /** Cores' worth: CPU seconds per second of wall time (1 = one core kept busy). */
  serverCores: number;
  generatorCores: number;
  /** What other programs used meanwhile: near 0 on a quiet machine. */
  otherCores: number;
  /** irq + softirq: mostly the kernel carrying this benchmark's loopback traffic. */
  interruptCores: number;
  /** CPU time the hypervisor gave to other VMs: near 0 on a quiet host. */
  stealCores: number;
}

export class CpuMeter {
  readonly #wall = performance.now();
  readonly #server: number;
  readonly #generator = process.cpuUsage();
  readonly #machine = machineSeconds();

  constructor(private readonly serverPid: number) {
    this.#server = treeCpuSeconds(serverPid);
  }

  /** The CPU used since this meter was made. */
  read(): CpuUse {
    const wallSeconds = (performance.now() - this.#wall) / 1000;
    const serverSeconds = treeCpuSeconds(this.serverPid) - this.#server;
    const { user, system } = process.cpuUsage(this.#generator);
    const generatorSeconds = (user + system) / 1e6;
    const machine = machineSeconds();
    const programs = machine.processes - this.#machine.processes;
    return {
      wallSeconds,
      serverSeconds,
      serverCores: serverSeconds / wallSeconds,
      generatorCores: generatorSeconds / wallSeconds,
      otherCores: Math.max(0, programs - serverSeconds - generatorSeconds) / wallSeconds,
      interruptCores: (machine.interrupts - this.#machine.interrupts) / wallSeconds,
      stealCores: (machine.steal - this.#machine.steal) / wallSeconds,
    };
  }
}
