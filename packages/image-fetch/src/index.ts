export { ImageFetchError, type ImageFetchFailure } from './errors';
export { fetchImage, type FetchedImage } from './fetch-image';
export type { HostResolver, ImageFetchOptions } from './options';
export { sniffImageType, type ImageType } from './sniff';
