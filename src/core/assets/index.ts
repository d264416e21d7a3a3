export { ASSETS, ASSET_GROUPS, assetEntry, UnknownAssetError, type AssetEntry } from './manifest';
export { assetUrl, createAssetResolver, type AssetResolver, type AssetResolverOptions } from './resolver';
