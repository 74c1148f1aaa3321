/**
 * CPU time of other processes on this (Linux) machine, from /proc/<pid>/stat: where a
 * benchmark's time goes when the app, the bank and Postgres share two cores.
 */
import { readFileSync } from "node:fs";

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU seconds used so far by `pid`, or null when it is gone or unreadable. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

export function totalCpuSeconds(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + (processCpuSeconds(pid) ?? 0), 0);
}

/**
 * Busy CPU seconds of the whole machine so far (all cores, from /proc/stat), or null off
 * Linux. Compared with a benchmark's own processes it shows how much else was running.
 */
export function machineBusyCpuSeconds(): number | null {
  try {
    const [cpuLine] = readFileSync("/proc/stat", "utf8").split("\n");
    const [, user, nice, system, _idle, _iowait, irq, softirq, steal] = cpuLine!.trim().split(/\s+/).map(Number);
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
