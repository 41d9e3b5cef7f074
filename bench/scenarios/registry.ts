import { authRefresh } from './auth-refresh.ts'
import { create } from './create.ts'
import { list20, list20SkipTotal, listFilteredSorted } from './list.ts'
import type { Scenario } from './scenario.ts'
import { viewOne } from './view.ts'

/** Every scenario, in run order (create runs late so it grows the table after the reads). */
export const scenarios: readonly Scenario[] = [
  list20,
  list20SkipTotal,
  listFilteredSorted,
  viewOne,
  create,
  authRefresh,
]

/** Looks a scenario up by name; throws with the known names when there is none. */
export function getScenario(name: string): Scenario {
  const found = scenarios.find((s) => s.name === name)
  if (!found)
    throw new Error(
      `unknown scenario "${name}" (known: ${scenarios.map((s) => s.name).join(', ')})`,
    )
  return found
}
