/**
 * No-op jest globalSetup/globalTeardown for the media unit specs, which need neither Postgres nor
 * Redis. The shared global teardown drops every gd_% database and stops the embedded Postgres, which
 * breaks integration suites other people are running at the same time; use this instead:
 *   npx jest libs/media --globalSetup ./test/media/no-services.global.ts --globalTeardown ./test/media/no-services.global.ts
 */
export default async function noServices(): Promise<void> {
  // nothing to start or stop
}
