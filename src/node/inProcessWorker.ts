/**
 * The app's worker host, run in the Node process over a MessageChannel: the runner sends the same
 * requests the app's worker receives and the same host code loads models, runs attacks and aligns
 * δ with the human map. Only the dependencies differ: Node's backend start and a fetch that reads
 * files.
 */
import { pathToFileURL } from 'node:url';
import { createAttack } from '../core/attacks/createAttack';
import { catalogueModel } from '../core/models/catalogue';
import { WorkerClient, type PortLike } from '../worker/client';
import { WorkerHost } from '../worker/host';
import { openClassifier } from '../worker/openClassifier';
import type { BackendName } from '../worker/protocol';
import { assetDirHolding } from './assetDirs';
import { startNodeBackend, type NodeBackend, type NodeBackendOptions } from './backend';
import { fileFetch } from './fileFetch';

export interface InProcessWorker {
  client: WorkerClient;
  close(): void;
}

/** Where a catalogue model's files are read from: the first of `assetDirs` (localAssetDirs) that has them. */
function assetBaseFor(modelId: string, assetDirs: readonly string[]): string {
  const rel = catalogueModel(modelId).assetPath;
  const dir = (rel && assetDirHolding(rel, assetDirs)) || assetDirs[0];
  return pathToFileURL(dir).href.replace(/\/?$/, '/');
}

export function startInProcessWorker(assetDirs: readonly string[], backendOptions: NodeBackendOptions = {}): InProcessWorker {
  const channel = new MessageChannel();
  new WorkerHost(channel.port2 as unknown as PortLike, {
    initBackend: async (wanted?: BackendName) => {
      if (wanted !== 'wasm' && wanted !== 'cpu') throw new Error(`The ${wanted ?? 'default'} backend is not available in Node; use wasm or cpu.`);
      const running = await startNodeBackend(wanted as NodeBackend, backendOptions);
      return { backend: wanted, adapter: running, fellBack: false, reasons: [] };
    },
    loadClassifier: (source, onProgress) =>
      openClassifier(source, {
        assetBase: source.kind === 'catalogue' ? assetBaseFor(source.id, assetDirs) : pathToFileURL(assetDirs[0]).href + '/',
        fetchImpl: fileFetch,
        onProgress,
      }),
    createAttack: (classifier, x0, config) => createAttack(classifier.logits, x0, config),
  });
  const client = new WorkerClient(channel.port1 as unknown as PortLike);
  return {
    client,
    close() {
      client.close();
      channel.port1.close();
      channel.port2.close();
    },
  };
}
