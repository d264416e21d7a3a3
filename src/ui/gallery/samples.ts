import { loadGallery, type GalleryOptions } from '../../core/samples/gallery';
import { sessionStore } from '../state/sessionStore';
import type { SampleRef } from '../state/sessionController';

/**
 * The gallery as core/samples lists it. Without the ClickMe samples (derived files only a mirror
 * has) the photos still show, and a notice tells the user how to install the samples.
 */
export async function loadSamples(options?: GalleryOptions): Promise<SampleRef[]> {
  const { samples, problem } = await loadGallery(options);
  if (problem) sessionStore.getState().addNotice(problem);
  return samples;
}
