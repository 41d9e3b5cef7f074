import { authRefresh } from './auth-refresh.ts'
import { batch1000, create, insertNewConnection } from './create.ts'
import { list20, list20SkipTotal, listFilteredSorted } from './list.ts'
import { mixed9010 } from './mixed.ts'
import { expandTwoLevels, listMultiRelation } from './relations.ts'
import type { Scenario } from './scenario.ts'
import { viewOne } from './view.ts'

/** Every scenario, in run order (the writes run late so they grow the table after the reads). */
export const scenarios: readonly Scenario[] = [
  list20,
  list20SkipTotal,
  listFilteredSorted,
  viewOne,
  expandTwoLevels,
  listMultiRelation,
  create,
  insertNewConnection,
  mixed9010,
  batch1000,
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
