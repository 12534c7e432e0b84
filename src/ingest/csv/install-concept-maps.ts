// A profile's shipped ConceptMaps become the council's own on first use: each is created in the store
// when no ConceptMap has its canonical url yet, and never touched again, so local edits (or a map
// retired on purpose) survive every later import and upgrade.
import type { ConceptMap } from '@medplum/fhirtypes';
import type { Repository } from '../../store/repository.ts';

/** Creates the maps whose url is not stored yet; returns the urls it created. */
export async function installConceptMaps(repo: Repository, maps: readonly ConceptMap[]): Promise<string[]> {
  const created: string[] = [];
  for (const map of maps) {
    if (!map.url) continue;
    const { id: _id, meta: _meta, ...content } = map;
    // A conditional create takes a lock on the condition, so two imports starting together make one map.
    const result = await repo.create(content as ConceptMap, { ifNoneExist: [['url', map.url]] });
    if (result.outcome === 'created') created.push(map.url);
  }
  return created;
}
