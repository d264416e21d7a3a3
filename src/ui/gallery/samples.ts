import { loadGallery, type GalleryOptions } from '../../core/samples/gallery';
import { sessionStore } from '../state/sessionStore';
import type { SampleRef } from '../state/sessionController';

/**
 * The gallery as core/samples lists it. Should the ClickMe samples fail to load (a deployment that
 * left them out, say) the photos still show, and a notice says why.
 */
export async function loadSamples(options?: GalleryOptions): Promise<SampleRef[]> {
  const { samples, problem } = await loadGallery(options);
  if (problem) sessionStore.getState().addNotice(problem);
  return samples;
}
