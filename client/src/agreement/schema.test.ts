import { getSchema } from '@tiptap/core';
import { describe, expect, it } from 'vitest';
import { AGREEMENT_MARKS, AGREEMENT_NODES, TOP_NODE, allowedChildren } from '@accord/shared';
import { agreementSchemaExtensions } from './extensions';

type Attrs = Record<string, { default: unknown }>;
const attrsOf = (attrs: Attrs | undefined) =>
  Object.fromEntries(Object.entries(attrs ?? {}).map(([k, v]) => [k, v.default]));

describe('the editor schema is the shared agreement schema', () => {
  const schema = getSchema(agreementSchemaExtensions());

  it('has exactly the shared node types, with their content, groups and attributes', () => {
    const fromEditor: Record<string, unknown> = {};
    schema.spec.nodes.forEach((name, spec) => {
      fromEditor[name] = {
        content: spec.content,
        group: spec.group,
        inline: spec.inline,
        attrs: attrsOf(spec.attrs as Attrs),
      };
    });
    const shared = Object.fromEntries(
      Object.entries(AGREEMENT_NODES).map(([name, spec]) => [
        name,
        {
          content: 'content' in spec ? spec.content : undefined,
          group: 'group' in spec ? spec.group : undefined,
          inline: 'inline' in spec ? spec.inline : undefined,
          attrs: attrsOf(spec.attrs as Attrs),
        },
      ]),
    );
    expect(fromEditor).toEqual(shared);
    expect(schema.topNodeType.name).toBe(TOP_NODE);
  });

  it('has exactly the shared marks, with their attributes', () => {
    const fromEditor: Record<string, unknown> = {};
    schema.spec.marks.forEach((name, spec) => {
      fromEditor[name] = attrsOf(spec.attrs as Attrs);
    });
    const shared = Object.fromEntries(
      Object.entries(AGREEMENT_MARKS).map(([name, spec]) => [name, attrsOf(spec.attrs as Attrs)]),
    );
    expect(fromEditor).toEqual(shared);
  });

  it('lets the same children into each node as ProseMirror does', () => {
    for (const name of Object.keys(AGREEMENT_NODES)) {
      const type = schema.nodes[name]!;
      const fromEditor = Object.values(schema.nodes)
        .filter((child) => type.contentMatch.matchType(child) !== null || canAppearLater(type, child))
        .map((child) => child.name)
        .sort();
      expect([...allowedChildren(name)].sort(), name).toEqual(fromEditor);
    }
  });
});

/** Whether `child` may appear anywhere in `parent`'s content (not only first). */
function canAppearLater(
  parent: ReturnType<typeof getSchema>['nodes'][string],
  child: ReturnType<typeof getSchema>['nodes'][string],
): boolean {
  const seen = new Set<unknown>();
  const walk = (match: typeof parent.contentMatch): boolean => {
    if (seen.has(match)) return false;
    seen.add(match);
    if (match.matchType(child)) return true;
    for (let i = 0; i < match.edgeCount; i++) if (walk(match.edge(i).next)) return true;
    return false;
  };
  return walk(parent.contentMatch);
}
