// The names of units as the map stood on a date, read from the registry's
// listing: what a page shows beside a unit code the API answered.
import { all } from './api.js';

// The types a product's producer is located in.
const communeTypes = ['COMMUNE', 'WARD', 'TOWNSHIP'];

// communeNames maps the code of every commune, ward and township under unit
// (and unit itself) on asOf to its name on that day.
export async function communeNames(unit, asOf) {
  const lists = await Promise.all(communeTypes.map((type) => all('/v1/units', { parent: unit.code, type, as_of: asOf }, 'units')));
  const names = new Map([[unit.code, unit.displayName]]);
  for (const u of lists.flat()) names.set(u.code, u.displayName);
  return names;
}
