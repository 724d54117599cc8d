/**
 * The base class of a store built from one object per aggregate: its instances have the members of
 * `T`, which the subclass's constructor installs (`Object.assign(this, parts)` with `parts: T`, so
 * the compiler checks that every member is there). The members are own properties, closures over
 * the backend's connection rather than prototype methods: a subclass cannot override one by
 * declaring a method (none does; wrap the store in a Proxy instead, as `measure` and the member
 * cache do).
 */
export function composedOf<T extends object>(): new () => T {
  return class {} as new () => T;
}
