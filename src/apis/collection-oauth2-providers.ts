// NOTE: the provider list lives with the providers in tools/auth; this module keeps the import
// path of `GET /api/collections/meta/oauth2-providers`.
export { OAUTH2_PROVIDERS, type OAuth2ProviderInfo } from '../tools/auth/providers.ts'
