/// <reference lib="webworker" />
/**
 * The Web Worker entry: owns the tfjs backend (WebGPU works in workers) and the model, and
 * hands each message to the host. Nothing else lives here.
 */
import { initBackend, onGpuDeviceLost } from '../core/backends/initBackend';
import { createAttack } from '../core/attacks/createAttack';
import type { PortLike } from './client';
import { WorkerHost } from './host';
import { openClassifier } from './openClassifier';

const assetBase = new URL(`${import.meta.env.BASE_URL}assets/`, self.location.origin).href;

new WorkerHost(self as unknown as PortLike, {
  initBackend: async (wanted) => {
    const s = await initBackend(wanted);
    return { backend: s.name, adapter: s.adapterDescription, fellBack: s.fellBack, reasons: s.reasons };
  },
  onGpuDeviceLost,
  loadClassifier: (source, onProgress) => openClassifier(source, { assetBase, onProgress }),
  createAttack: (classifier, x0, config) => createAttack(classifier.logits, x0, config),
});
