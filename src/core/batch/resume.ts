import type { PlanFile } from './plan';

/**
 * What a resumed batch does about each file it needs (a model file, a shard file):
 * - 'stored': storage kept it (or this tab still holds it): go on;
 * - 're-pick': storage refused it: ask the user for the file again, then check name and size;
 * - 'missing': the plan does not even know its size (e.g. `file:<name>` typed into an address):
 *   the user must open it again, and its jobs fail if they do not.
 */
export interface ResumeDecision {
  file: PlanFile;
  decision: 'stored' | 're-pick' | 'missing';
}

export interface FileAvailability {
  /** Ids (PlanFile.id) of files in storage or open in this tab. */
  available: ReadonlySet<string>;
}

export function resumeDecisions(files: readonly PlanFile[], have: FileAvailability): ResumeDecision[] {
  return files.map((file) => {
    if (have.available.has(file.id)) return { file, decision: 'stored' };
    return { file, decision: file.size >= 0 ? 're-pick' : 'missing' };
  });
}

/** Null when the file picked again is the one the plan names, else why not, as one sentence. */
export function checkRepicked(expected: PlanFile, picked: { name: string; size: number }): string | null {
  if (picked.name !== expected.name) {
    return `The batch needs "${expected.name}" (${expected.size} bytes), not "${picked.name}".`;
  }
  if (expected.size >= 0 && picked.size !== expected.size) {
    return `"${picked.name}" has ${picked.size} bytes, but the file this batch started with had ${expected.size}: it is not the same file.`;
  }
  return null;
}
