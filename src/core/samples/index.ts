export {
  loadGallery,
  parseClickmeIndex,
  photoSamples,
  PHOTOS,
  CLICKME_INDEX,
  SamplesError,
  type GallerySample,
  type GalleryOptions,
} from './gallery';
