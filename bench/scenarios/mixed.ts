import { create } from './create.ts'
import { list20SkipTotal } from './list.ts'
import { mixedView } from './relations.ts'
import type { Scenario } from './scenario.ts'
import { viewOne } from './view.ts'

/** Share of writes in mixed-90-10. */
const WRITE_SHARE = 0.1

/**
 * mixed-90-10: 90% reads (half view-one, half list-20-skiptotal) and 10% creates, interleaved on
 * the same connections, so reads wait behind writes as they do in an app.
 */
export const mixed9010: Scenario = {
  name: 'mixed-90-10',
  description: '90% reads (view-one, list-20-skiptotal), 10% creates',
  request(ctx, rng) {
    const r = rng.next()
    if (r < WRITE_SHARE) return create.request(ctx, rng)
    return r < WRITE_SHARE + (1 - WRITE_SHARE) / 2
      ? viewOne.request(ctx, rng)
      : list20SkipTotal.request(ctx, rng)
  },
  parityView: mixedView,
}
